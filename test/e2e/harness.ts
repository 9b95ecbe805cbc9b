/**
 * End-to-end harness: Tandem's VSIX installed into a real VS Code (code-server
 * 4.100.3, see ../shared/recipes/code-server.md), driven by Debian's Chromium through
 * playwright-core, talking to the real daemon, which talks to the fake Ollama.
 *
 * One `E2eSession` per suite: a temp dir holding TANDEM_HOME, code-server's user-data
 * and extensions dirs and a small workspace; the fake Ollama and code-server on free
 * loopback ports; teardown kills code-server's process group, the daemon the extension
 * spawned (found through `$TANDEM_HOME/daemon.lock`) and the fake.
 *
 * Availability: without code-server (`npm run e2e:setup`) or Chromium the suite skips
 * with a loud message, unless `TANDEM_E2E=required` (CI), where that is a failure.
 * Waits poll for a condition with a generous bound; nothing sleeps for a fixed time
 * where a condition can be awaited, and no assertion is about time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { bundledNodePath } from '../../protocol/runtime';
import { cleanEnv, FakeOllamaProcess, freePort, pidAlive, pidsWithEnv, run, signal, terminate, waitFor } from './processes';
import { ensureVsix, repoRoot } from './vsix';

export const CODE_SERVER_VERSION = '4.100.3';
export const EXTENSION_ID = 'tandem-dev.tandem';
export const chromiumPath = process.env.TANDEM_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const resultsDir = join(repoRoot, 'test-results', 'e2e');

function cacheDir(): string {
  return process.env.TANDEM_E2E_CACHE ?? join(repoRoot, '.e2e-cache');
}

export function codeServerBin(): string {
  return join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
}

/** What is missing to run the suite here (empty: ready). */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  const marker = join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`, '.tandem-e2e-ready');
  if (!existsSync(marker) || !existsSync(codeServerBin())) missing.push(`code-server ${CODE_SERVER_VERSION} (run \`npm run e2e:setup\`)`);
  if (!existsSync(chromiumPath))
    missing.push(`Chromium at ${chromiumPath} (\`apt-get install chromium\`, or \`npm run e2e:setup\` as root)`);
  return missing;
}

/**
 * For a suite's `before` hook: returns normally when the suite can run; otherwise
 * skips it with a banner, or throws when `TANDEM_E2E=required`.
 */
export function skipUnlessAvailable(ctx: Mocha.Context): void {
  const missing = missingPrerequisites();
  if (missing.length === 0) return;
  const lines = ['END-TO-END TESTS NOT RUN: missing ' + missing.join('; ')];
  if (process.env.TANDEM_E2E === 'required') {
    throw new Error(lines[0] + ' — and TANDEM_E2E=required');
  }
  lines.push('Set TANDEM_E2E=required to make this a failure (CI does).');
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '!'.repeat(width);
  console.warn(['', bar, ...lines.map((l) => `! ${l.padEnd(width - 4)} !`), bar, ''].join('\n'));
  ctx.skip();
}

// ---------------------------------------------------------------------------------
// The session

export interface SessionOptions {
  /** Workspace files, path relative to the workspace → content. */
  workspace: Record<string, string>;
  /** FakeScript for the fake Ollama. */
  fakeScript: unknown;
  /** Tandem settings for settings.json, given the fake's URL. */
  settings: (ollamaUrl: string) => Record<string, unknown>;
  /** For logs and the temp dir's name. */
  name: string;
  /**
   * A folder to put first on the extension host's PATH (e.g. one holding another `node`),
   * through a login-shell profile (../shared/recipes/code-server.md, "The extension
   * host's environment"); code-server itself then runs on this test's Node.
   */
  extensionHostPathFirst?: string;
}

interface LockInfo {
  pid: number;
  port: number;
}

/** Artefact names of a suite: `<prefix>-<name>`, or the name alone. */
const artifactName = (prefix: string | undefined, name: string) => (prefix ? `${prefix}-${name}` : name);

export class E2eSession {
  readonly root: string;
  readonly home: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspace: string;
  fake?: FakeOllamaProcess;
  port = 0;
  browser?: Browser;
  page?: Page;
  private codeServer?: ChildProcess;
  private readonly onExit = () => this.killNow();

  constructor(readonly opts: SessionOptions) {
    this.root = mkdtempSync(join(tmpdir(), `tandem-e2e-${opts.name}-`));
    this.home = join(this.root, 'tandem-home');
    this.userDataDir = join(this.root, 'user-data');
    this.extensionsDir = join(this.root, 'extensions');
    this.workspace = join(this.root, 'workspace');
    for (const d of [this.home, this.userDataDir, this.extensionsDir, this.workspace]) mkdirSync(d, { recursive: true });
    process.once('exit', this.onExit);
  }

  /** Builds (or reuses) the VSIX, starts everything and opens the workbench. */
  async start(): Promise<void> {
    mkdirSync(resultsDir, { recursive: true });
    const vsix = await ensureVsix({ logFile: join(resultsDir, 'package.log'), timeoutMs: 8 * 60_000 });

    for (const [rel, content] of Object.entries(this.opts.workspace)) {
      mkdirSync(join(this.workspace, rel, '..'), { recursive: true });
      writeFileSync(join(this.workspace, rel), content);
    }

    this.fake = await FakeOllamaProcess.start(this.opts.fakeScript, this.root);

    mkdirSync(join(this.userDataDir, 'User'), { recursive: true });
    const settings = {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'editor.inlineSuggest.enabled': true,
      'editor.quickSuggestions': { other: false, comments: false, strings: false },
      'editor.suggestOnTriggerCharacters': false,
      'editor.acceptSuggestionOnEnter': 'off',
      'editor.autoClosingBrackets': 'never',
      'editor.autoClosingQuotes': 'never',
      'files.autoSave': 'off',
      'git.enabled': false,
      ...this.opts.settings(this.fake.url),
    };
    writeFileSync(join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

    const env = cleanEnv({ TANDEM_HOME: this.home, TANDEM_OLLAMA_URL: this.fake.url, ...this.shellProfileEnv() });
    await run(codeServerBin(), ['--extensions-dir', this.extensionsDir, '--user-data-dir', this.userDataDir, '--install-extension', vsix], {
      env,
      timeoutMs: 180_000,
    });

    this.port = await freePort();
    const log = openSync(join(this.root, 'code-server.log'), 'w');
    // With another PATH in the login profile, code-server must not run on that PATH's node.
    const [command, entry] = this.opts.extensionHostPathFirst ? [process.execPath, [realpathSync(codeServerBin())]] : [codeServerBin(), []];
    this.codeServer = spawn(
      command,
      [
        ...entry,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${this.port}`,
        '--user-data-dir',
        this.userDataDir,
        '--extensions-dir',
        this.extensionsDir,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        this.workspace,
      ],
      { env, stdio: ['ignore', log, log], detached: true },
    );
    closeSync(log);
    const base = `http://127.0.0.1:${this.port}`;
    await waitFor(
      'code-server /healthz',
      async () => {
        if (this.codeServer?.exitCode !== null) throw new Error(`code-server exited: ${this.tail(join(this.root, 'code-server.log'))}`);
        const res = await fetch(`${base}/healthz`);
        return res.ok;
      },
      { timeoutMs: 60_000 },
    );

    this.browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 900 } });
    this.page = await context.newPage();
    await this.page.goto(`${base}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    await this.page
      .locator('.explorer-folders-view')
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 })
      .catch(async () => {
        // The explorer is the default view; if another view was restored, open it.
        await this.page!.keyboard.press('Control+Shift+E');
      });
  }

  /**
   * code-server resolves the extension host's environment from the user's login shell:
   * a HOME of the session's own whose profiles put `extensionHostPathFirst` first on PATH.
   */
  private shellProfileEnv(): Record<string, string> {
    const first = this.opts.extensionHostPathFirst;
    if (!first) return {};
    const home = join(this.root, 'home');
    mkdirSync(home, { recursive: true });
    const line = `export PATH=${JSON.stringify(first)}:"$PATH"\n`;
    for (const profile of ['.bash_profile', '.profile', '.bashrc']) writeFileSync(join(home, profile), line);
    return { HOME: home, SHELL: '/bin/bash' };
  }

  // --- Logs and state -------------------------------------------------------------

  private tail(file: string, chars = 3000): string {
    try {
      return readFileSync(file, 'utf8').slice(-chars);
    } catch {
      return '';
    }
  }

  /** The extension host's log files (one per window / restart). */
  extensionHostLogs(): string[] {
    return this.logFiles(/exthost\.log$/);
  }

  /** The "Tandem" output channel as code-server writes it (the extension's own log). */
  tandemChannelLogs(): string[] {
    return this.logFiles(/^Tandem\.log$/);
  }

  private logFiles(name: RegExp): string[] {
    const logs = join(this.userDataDir, 'logs');
    if (!existsSync(logs)) return [];
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (name.test(e.name)) found.push(p);
      }
    };
    walk(logs);
    return found;
  }

  extensionHostLog(): string {
    return this.extensionHostLogs()
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
  }

  /** Resolves once the extension host log shows Tandem activated (or throws with its errors). */
  async waitForActivation(timeoutMs = 90_000): Promise<void> {
    await waitFor(
      `${EXTENSION_ID} to activate (extension host log)`,
      () => {
        const log = this.extensionHostLog();
        const failed = new RegExp(`Activating extension '?${EXTENSION_ID.replace('.', '\\.')}'? failed[^\\n]*`, 'i').exec(log);
        if (failed) throw new Error(failed[0]);
        return new RegExp(`ExtensionService#_doActivateExtension ${EXTENSION_ID.replace('.', '\\.')}`).test(log);
      },
      { timeoutMs },
    );
  }

  lock(): LockInfo | undefined {
    try {
      const info = JSON.parse(readFileSync(join(this.home, 'daemon.lock'), 'utf8')) as LockInfo;
      return typeof info.pid === 'number' ? info : undefined;
    } catch {
      return undefined;
    }
  }

  /** The live daemon's lock (pid alive and port published). */
  liveDaemon(): LockInfo | undefined {
    const info = this.lock();
    return info && info.port > 0 && pidAlive(info.pid) ? info : undefined;
  }

  /** The installed extension's folder (its dist/daemon.js is what the extension runs). */
  installedExtensionDir(): string {
    const dir = readdirSync(this.extensionsDir).find((d) => d.startsWith(`${EXTENSION_ID}-`));
    if (!dir) throw new Error(`${EXTENSION_ID} is not installed in ${this.extensionsDir}`);
    return join(this.extensionsDir, dir);
  }

  /** `tandemd <args>` with the session's TANDEM_HOME, run from the installed VSIX on its bundled runtime. */
  async tandemd(args: string[]): Promise<string> {
    const daemonJs = join(this.installedExtensionDir(), 'dist', 'daemon.js');
    const { stdout } = await run(bundledNodePath(this.installedExtensionDir()), [daemonJs, ...args], {
      env: cleanEnv({ TANDEM_HOME: this.home, TANDEM_OLLAMA_URL: this.fake?.url ?? '' }),
      timeoutMs: 30_000,
    });
    return stdout;
  }

  // --- Driving the workbench ------------------------------------------------------

  get p(): Page {
    if (!this.page) throw new Error('session not started');
    return this.page;
  }

  /** Opens a workspace file by clicking it in the explorer, and focuses its editor. */
  async openFile(name: string): Promise<Locator> {
    const item = this.p.getByRole('treeitem', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });
    await item.first().click({ timeout: 30_000 });
    const editor = this.p.locator(`.editor-instance .monaco-editor[data-uri$="${name}"]`).first();
    await editor.waitFor({ state: 'visible', timeout: 30_000 });
    await editor.locator('.view-line').first().click();
    return editor;
  }

  /** Moves the cursor to the end of `line` (1-based) of the focused editor, via Go to Line. */
  async gotoLineEnd(line: number): Promise<void> {
    await this.p.keyboard.press('Control+Home');
    for (let i = 1; i < line; i++) await this.p.keyboard.press('ArrowDown');
    await this.p.keyboard.press('End');
  }

  /** The chat webview's inner frame (webviews are nested iframes in the workbench): the one with the chat's input. */
  async chatFrame(): Promise<Frame> {
    return waitFor(
      'the chat webview frame',
      async () => {
        for (const frame of this.p.frames()) {
          if (
            (await frame
              .locator('textarea.input')
              .count()
              .catch(() => 0)) > 0
          )
            return frame;
        }
        return undefined;
      },
      { timeoutMs: 60_000 },
    );
  }

  ghostText(): Locator {
    return this.p.locator('.monaco-editor [class*="ghost-text"]');
  }

  /** Waits until ghost text is visible and returns its text (nbsp normalised). */
  async waitForGhostText(timeoutMs = 30_000): Promise<string> {
    return waitFor(
      'ghost text in the editor',
      async () => {
        const all = this.ghostText();
        if ((await all.count()) === 0) return undefined;
        const texts = await all.allTextContents();
        const text = texts.join('').replace(/\u00a0/g, ' ');
        return text.trim() ? text : undefined;
      },
      { timeoutMs },
    );
  }

  async waitForNoGhostText(timeoutMs = 15_000): Promise<void> {
    await waitFor('the ghost text to go away', async () => (await this.ghostText().count()) === 0, { timeoutMs });
  }

  /** The focused editor's visible document text (no ghost text), one string per line (nbsp normalised). */
  async editorLines(): Promise<string[]> {
    const lines = await this.p
      .locator('.editor-instance .monaco-editor .view-lines')
      .first()
      .evaluate((el) => {
        const rows = Array.from(el.querySelectorAll<HTMLElement>('.view-line'));
        rows.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
        // The document's text only: ghost text is rendered inside the lines too.
        return rows.map((r) => {
          const copy = r.cloneNode(true) as HTMLElement;
          copy.querySelectorAll('[class*="ghost-text"]').forEach((g) => g.remove());
          return copy.textContent ?? '';
        });
      });
    return lines.map((l) => l.replace(/\u00a0/g, ' '));
  }

  /** Opens the command palette (retrying: early keystrokes can be swallowed) and types `text`. */
  async openCommandPalette(text: string): Promise<Locator> {
    const widget = this.p.locator('.quick-input-widget');
    const input = widget.locator('input');
    // The palette can close again right after it opened (focus moving to an editor that is
    // still opening takes it away), so the text is checked in its input and filled again if lost.
    await waitFor(
      'the command palette',
      async () => {
        if (!(await input.isVisible())) {
          await this.p.keyboard.press('F1');
          await input.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
          if (!(await input.isVisible())) return undefined;
        }
        await input.fill(`>${text}`, { timeout: 2000 }).catch(() => undefined);
        return (await input.isVisible()) && (await input.inputValue().catch(() => '')) === `>${text}` ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    return widget;
  }

  /**
   * The labels of the command palette's entries matching `text` (all of them: the
   * list is virtualised, so it is scrolled through), then the palette is closed.
   */
  async paletteCommands(text: string): Promise<string[]> {
    const widget = await this.openCommandPalette(text);
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    // Wait for the filter to apply: a short list (not the whole palette) with a matching entry.
    await waitFor(
      `palette entries for "${text}"`,
      async () => {
        const size = Number(await rows.first().getAttribute('aria-setsize', { timeout: 1000 }));
        const labels = await rows.locator('.label-name').allTextContents();
        return size > 0 && size < 200 && labels.some((l) => l.toLowerCase().includes(text.toLowerCase()));
      },
      { timeoutMs: 15_000 },
    );
    const labels = new Set<string>();
    // The row's label (its aria-label adds ", recently used" and the like).
    const collect = async () => {
      for (const label of await rows.evaluateAll((els) =>
        els.map((e) => e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? ''),
      )) {
        if (label) labels.add(label);
      }
    };
    const focused = () => widget.locator('.quick-input-list .monaco-list-row.focused .label-name').first().textContent({ timeout: 5000 });
    // Page down until the focus stops moving: the last entry has been rendered.
    for (let guard = 0; guard < 50; guard++) {
      await collect();
      const before = await focused();
      await this.p.keyboard.press('PageDown');
      const moved = await waitFor('the palette focus to move', async () => (await focused()) !== before, {
        timeoutMs: 2000,
        intervalMs: 100,
      }).catch(() => false);
      if (!moved) break;
    }
    await collect();
    await this.p.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: 10_000 });
    return [...labels].sort();
  }

  /** Runs a command from the palette by its label (exact match on the row's label). */
  async runCommand(label: string): Promise<void> {
    const widget = await this.openCommandPalette(label);
    const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
  }

  /** Picks an entry of an open quick pick by its text. */
  async pickQuickItem(text: string | RegExp): Promise<void> {
    const widget = this.p.locator('.quick-input-widget');
    const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
    await widget.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /**
   * A suite's `before`: starts code-server (collecting the page's console errors and
   * exceptions into `pageErrors` when given) and, with `untilDaemon`, waits for the
   * extension to activate and its daemon to publish its lock. When that fails, the
   * screenshot and logs are saved as `<prefix>-before-start` and the error rethrown.
   */
  async startSuite(prefix: string | undefined, opts: { untilDaemon?: boolean; pageErrors?: string[] } = {}): Promise<void> {
    try {
      await this.start();
      const errors = opts.pageErrors;
      if (errors) {
        this.p.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        this.p.on('pageerror', (e) => errors.push(e.message));
      }
      if (opts.untilDaemon) {
        await this.waitForActivation();
        await waitFor('the daemon the extension starts', () => this.liveDaemon(), { timeoutMs: 60_000 });
      }
    } catch (err) {
      await this.saveFailureArtifacts(artifactName(prefix, 'before-start')).catch(() => undefined);
      throw err;
    }
  }

  /** A suite's `afterEach`: a failed test leaves its screenshot and logs (and the page errors collected, if any). */
  async reportIfFailed(test: Mocha.Test | undefined, prefix: string | undefined, pageErrors: readonly string[] = []): Promise<void> {
    if (!test || test.state !== 'failed') return;
    const png = await this.saveFailureArtifacts(artifactName(prefix, test.title));
    console.log(`    screenshot and logs: ${png.replace(/\.png$/, '.*')}`);
    if (pageErrors.length > 0) console.log(`    page errors:\n      ${pageErrors.slice(-20).join('\n      ')}`);
  }

  /** Saves a PNG and the logs under test-results/e2e/ (for a failed test). */
  async saveFailureArtifacts(title: string): Promise<string> {
    const slug = title
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80);
    mkdirSync(resultsDir, { recursive: true });
    const png = join(resultsDir, `${slug}.png`);
    if (this.page) await this.page.screenshot({ path: png, fullPage: true }).catch(() => undefined);
    const copies: Array<[string, string]> = [
      [join(this.root, 'code-server.log'), `${slug}.code-server.log`],
      [join(this.root, 'fake-ollama.log'), `${slug}.fake-ollama.log`],
      [join(this.home, 'logs', 'daemon.log'), `${slug}.daemon.log`],
    ];
    this.extensionHostLogs().forEach((f, i) => copies.push([f, `${slug}.exthost-${i}.log`]));
    this.tandemChannelLogs().forEach((f, i) => copies.push([f, `${slug}.tandem-${i}.log`]));
    for (const [from, to] of copies) {
      if (existsSync(from)) copyFileSync(from, join(resultsDir, to));
    }
    return png;
  }

  // --- Teardown -------------------------------------------------------------------

  /** Closes the browser and kills code-server, the daemon and the fake. */
  async stop(): Promise<void> {
    process.removeListener('exit', this.onExit);
    await this.browser?.close().catch(() => undefined);
    if (this.codeServer?.pid !== undefined && this.codeServer.exitCode === null) await terminate(-this.codeServer.pid);
    const daemon = this.lock();
    if (daemon && pidAlive(daemon.pid)) await terminate(daemon.pid);
    // Anything else of this session still running (a daemon spawned during shutdown).
    await Promise.all(pidsWithEnv('TANDEM_HOME', this.home).map((pid) => terminate(pid, 2000)));
    await this.fake?.stop();
    if (process.env.TANDEM_E2E_KEEP !== '1') rmSync(this.root, { recursive: true, force: true });
    else console.log(`[e2e] kept ${this.root}`);
  }

  /** Synchronous kill of everything (when the test process exits without teardown). */
  killNow(): void {
    if (this.codeServer?.pid !== undefined) signal(-this.codeServer.pid, 'SIGKILL');
    const daemon = this.lock();
    if (daemon) signal(daemon.pid, 'SIGKILL');
    for (const pid of pidsWithEnv('TANDEM_HOME', this.home)) signal(pid, 'SIGKILL');
    this.fake?.killNow();
  }
}
