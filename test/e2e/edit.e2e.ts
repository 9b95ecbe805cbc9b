/**
 * Auto-fix and multi-file edits in a real VS Code (code-server + Chromium, the built
 * VSIX, the real daemon, the fake Ollama scripted per prompt):
 *  - a real TypeScript error (from the built-in TS server) is fixed with "Tandem: Fix
 *    Problem at Cursor" through the refactor preview; the squiggle goes away and the
 *    daemon stores a `resolved` fix outcome;
 *  - "Tandem: Edit Files…" changes two files and creates a third through the preview;
 *  - a hostile plan aiming outside the workspace and into .git is refused with its
 *    reasons and nothing is written.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { FixStatsRequest } from '../../protocol';
import { connectToDaemon } from '../../protocol/client';
import { tandemDefaultModels } from '../fake-ollama/script';
import { E2eSession, skipUnlessAvailable } from './harness';
import { waitFor } from './processes';

const BROKEN_TS = [
  'export function total(items: number[]): number {',
  '  let sum: number = "0";',
  '  for (const i of items) sum += i;',
  '  return sum;',
  '}',
  '',
].join('\n');
const GREET_TS = ['export function greet(name: string): string {', "  return 'Hello ' + name;", '}', ''].join('\n');
const MAIN_TS = ["import { greet } from './greet';", '', "console.log(greet('world'));", ''].join('\n');
const TYPO_TS = ["const words: string[] = ['a'];", 'export const count = words.lenght;', ''].join('\n');
const HALF_TS = ['export function half(n: number): number {', '  return n / "2";', '}', ''].join('\n');
const FAREWELL_TS = ['export function farewell(name: string): string {', "  return 'Goodbye ' + name;", '}', ''].join('\n');

const FIX_ANSWER = [
  'The variable is initialised with a string.\n\n',
  'broken.ts\n<<<<<<< SEARCH\n',
  '  let sum: number = "0";\n',
  '=======\n',
  '  let sum: number = 0;\n',
  '>>>>>>> REPLACE\n',
];
const PLAN = {
  summary: 'Add a farewell next to the greeting',
  steps: [
    { id: 'farewell', action: 'create', path: 'src/farewell.ts', description: 'Create farewell(name) returning Goodbye plus the name.' },
    { id: 'greet', action: 'modify', path: 'src/greet.ts', description: 'Re-export farewell from greet.ts.', dependsOn: ['farewell'] },
    { id: 'main', action: 'modify', path: 'src/main.ts', description: 'Print the farewell after the greeting.', dependsOn: ['greet'] },
  ],
};
const HOSTILE_PLAN = {
  summary: 'Escape',
  steps: [
    { id: 'out', action: 'modify', path: '../outside.txt', description: 'overwrite' },
    { id: 'hook', action: 'create', path: '.git/hooks/post-checkout', description: 'add a hook' },
    { id: 'abs', action: 'create', path: '/tmp/tandem-e2e-evil.txt', description: 'write outside' },
  ],
};

describe('Tandem auto-fix and multi-file edits in a real VS Code (code-server + Chromium)', function () {
  this.timeout(180_000);
  let s: E2eSession | undefined;

  const session = (): E2eSession => {
    if (!s) throw new Error('session not started');
    return s;
  };

  /** Fix outcomes stored by the daemon, through the protocol. */
  async function fixStats(): Promise<FixStatsRequest.Result> {
    const lock = JSON.parse(readFileSync(join(session().home, 'daemon.lock'), 'utf8')) as { port: number; token: string };
    const conn = await connectToDaemon({ port: lock.port, token: lock.token, client: { name: 'e2e-edit', version: '0.0.0' } });
    try {
      return await conn.connection.sendRequest(FixStatsRequest.type, {});
    } finally {
      conn.close();
    }
  }

  const refactorPreview = () => session().p.locator('.bulk-edit-panel');

  /**
   * Accept everything in the refactor preview: entries that need confirmation start
   * unchecked, so tick each one (a file's box ticks its edits), then Apply.
   */
  async function acceptPreview(): Promise<void> {
    const panel = refactorPreview();
    await panel.waitFor({ state: 'visible', timeout: 90_000 });
    await panel.locator('input.edit-checkbox').first().waitFor({ state: 'visible', timeout: 30_000 });
    // Rows are virtualised (templates may sit hidden in the DOM): only visible boxes count.
    for (let guard = 0; guard < 30; guard++) {
      let next: Locator | undefined;
      for (const box of await panel.locator('input.edit-checkbox:not(:checked):not(.disabled)').all()) {
        if (await box.isVisible().catch(() => false)) {
          next = box;
          break;
        }
      }
      if (!next) break;
      // Ticking a file ticks its edits and the list re-renders: a box found a moment ago
      // may be gone or ticked by now, so a click that cannot land is retried from a fresh
      // query rather than waited on.
      await next.click({ timeout: 3_000 }).catch(() => undefined);
    }
    await panel
      .locator('.monaco-button', { hasText: /^Apply$/ })
      .first()
      .click();
    await panel.waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => undefined);
  }

  /** After the instruction: the optional "files to include" pick is confirmed as it is. */
  async function confirmOptionalFilePick(): Promise<void> {
    const ses = session();
    const widget = ses.p.locator('.quick-input-widget');
    if (await widget.isVisible().catch(() => false)) {
      const title =
        (await widget
          .locator('.quick-input-title')
          .textContent()
          .catch(() => '')) ?? '';
      if (/files to include/i.test(title)) await ses.p.keyboard.press('Enter');
    }
  }

  async function runEditFiles(instruction: string): Promise<void> {
    const ses = session();
    await ses.runCommand('Tandem: Edit Files…');
    const input = ses.p.locator('.quick-input-widget input');
    await waitFor(
      'the instruction input box',
      async () => (await ses.p.locator('.quick-input-widget .quick-input-title', { hasText: 'Tandem: Edit Files' }).count()) > 0,
      { timeoutMs: 15_000 },
    );
    await input.fill(instruction);
    await ses.p.keyboard.press('Enter');
    await waitFor(
      'the file pick or the next step',
      async () => {
        await confirmOptionalFilePick();
        return !(await ses.p
          .locator('.quick-input-widget')
          .isVisible()
          .catch(() => false));
      },
      { timeoutMs: 15_000, intervalMs: 300 },
    );
  }

  before(async function () {
    skipUnlessAvailable(this);
    this.timeout(12 * 60_000);
    s = new E2eSession({
      name: 'edit',
      workspace: {
        'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'commonjs' } }, null, 2),
        'broken.ts': BROKEN_TS,
        'typo.ts': TYPO_TS,
        'half.ts': HALF_TS,
        'src/greet.ts': GREET_TS,
        'src/main.ts': MAIN_TS,
        '.git/config': '[core]\n',
      },
      fakeScript: {
        models: tandemDefaultModels(),
        loaded: tandemDefaultModels().map((m) => m.name),
        rules: [
          { path: '/api/chat', match: "Type 'string' is not assignable to type 'number'", chunks: FIX_ANSWER },
          {
            path: '/api/chat',
            match: "Property 'lenght' does not exist",
            chunks: [
              'A typo in the property name.\n\ntypo.ts\n<<<<<<< SEARCH\nexport const count = words.lenght;\n=======\nexport const count = words.length;\n>>>>>>> REPLACE\n',
            ],
          },
          {
            path: '/api/chat',
            match: 'right-hand side of an arithmetic operation',
            chunks: ['Divide by a number.\n\n<<<<<<< SEARCH\n  return n / "2";\n=======\n  return n / 2;\n>>>>>>> REPLACE\n'],
          },
          { path: '/api/chat', match: 'Instruction:\nAdd a farewell', chunks: [JSON.stringify(PLAN)] },
          { path: '/api/chat', match: 'Instruction:\nHostile plan', chunks: [JSON.stringify(HOSTILE_PLAN)] },
          { path: '/api/chat', match: 'Your step: create src/farewell.ts', chunks: ['```ts\n', FAREWELL_TS, '```\n'] },
          {
            path: '/api/chat',
            match: 'Your step: Re-export farewell',
            chunks: [
              "src/greet.ts\n<<<<<<< SEARCH\nexport function greet(name: string): string {\n=======\nexport { farewell } from './farewell';\n\nexport function greet(name: string): string {\n>>>>>>> REPLACE\n",
            ],
          },
          {
            path: '/api/chat',
            match: 'Your step: Print the farewell',
            chunks: [
              "<<<<<<< SEARCH\nimport { greet } from './greet';\n=======\nimport { farewell, greet } from './greet';\n>>>>>>> REPLACE\n<<<<<<< SEARCH\nconsole.log(greet('world'));\n=======\nconsole.log(greet('world'));\nconsole.log(farewell('world'));\n>>>>>>> REPLACE\n",
            ],
          },
        ],
        defaultReply: { chunks: [''] },
      },
      // Advanced mode: every fix goes through the preview (simple mode applies a small fix directly).
      settings: (ollamaUrl) => ({ 'tandem.ollamaUrl': ollamaUrl, 'tandem.uiMode': 'advanced' }),
    });
    await s.startSuite('edit', { untilDaemon: true });
    writeFileSync(join(s.root, 'outside.txt'), 'untouched\n');
  });

  afterEach(async function () {
    await s?.reportIfFailed(this.currentTest, 'edit');
    // Leave no dialog or half-accepted preview to the next test (one failure must not
    // take the rest of the suite down with it).
    if (s) {
      const p = s.p;
      for (const label of ['Cancel', 'Discard']) {
        const button = p.locator('.monaco-dialog-box .monaco-button', { hasText: new RegExp(`^${label}$`) }).first();
        if (await button.isVisible().catch(() => false)) await button.click({ timeout: 3_000 }).catch(() => undefined);
      }
      const discard = refactorPreview()
        .locator('.monaco-button', { hasText: /^Discard$/ })
        .first();
      if (await discard.isVisible().catch(() => false)) await discard.click({ timeout: 3_000 }).catch(() => undefined);
      await p.keyboard.press('Escape').catch(() => undefined);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await s?.stop();
  });

  it('fixes a TypeScript error through the refactor preview; the error goes away and a resolved outcome is stored', async () => {
    const ses = session();
    await ses.openFile('broken.ts');
    const squiggles = ses.p.locator('.editor-instance .monaco-editor .squiggly-error');
    await waitFor('the TypeScript error squiggle', async () => (await squiggles.count()) > 0, { timeoutMs: 90_000, intervalMs: 500 });
    await ses.gotoLineEnd(2);
    await ses.p.keyboard.press('ArrowLeft');
    await ses.p.keyboard.press('ArrowLeft');

    await ses.runCommand('Tandem: Fix Problem at Cursor');
    await acceptPreview();

    await waitFor('the fixed line in the editor', async () => (await ses.editorLines())[1] === '  let sum: number = 0;', {
      timeoutMs: 30_000,
    });
    await waitFor('the error squiggle to disappear', async () => (await squiggles.count()) === 0, { timeoutMs: 60_000, intervalMs: 500 });
    const stats = await waitFor(
      'a resolved fix outcome in the daemon store',
      async () => {
        const st = await fixStats();
        const fix = st.total.find((r) => r.kind === 'fix');
        return fix && fix.resolved === 1 ? fix : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.equal(stats.successRate, 1);
    assert.equal(stats.latencyMs.count, 1);
  });

  it('edits two files and creates a third through the refactor preview', async () => {
    const ses = session();
    await runEditFiles('Add a farewell next to the greeting');
    await refactorPreview().waitFor({ state: 'visible', timeout: 90_000 });
    const rows = refactorPreview().locator('.monaco-list-row');
    const labels = await waitFor(
      'the three files in the preview',
      async () => {
        const texts = (await rows.allTextContents()).join(' | ');
        return /farewell\.ts/.test(texts) && /greet\.ts/.test(texts) && /main\.ts/.test(texts) ? texts : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.match(labels, /farewell\.ts/);
    await acceptPreview();

    await waitFor('src/farewell.ts on disk', () => existsSync(join(ses.workspace, 'src', 'farewell.ts')), { timeoutMs: 30_000 });
    assert.equal(readFileSync(join(ses.workspace, 'src', 'farewell.ts'), 'utf8'), FAREWELL_TS);
    await ses.runCommand('File: Save All');
    await waitFor(
      'the two edited files saved',
      () => {
        const greet = readFileSync(join(ses.workspace, 'src', 'greet.ts'), 'utf8');
        const main = readFileSync(join(ses.workspace, 'src', 'main.ts'), 'utf8');
        return (
          greet.startsWith("export { farewell } from './farewell';\n\nexport function greet") &&
          main.includes("console.log(farewell('world'));") &&
          main.startsWith("import { farewell, greet } from './greet';")
        );
      },
      { timeoutMs: 30_000 },
    );
    const edits = await waitFor(
      'an applied edit outcome',
      async () => (await fixStats()).total.find((r) => r.kind === 'edit' && r.applied === 1),
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    assert.equal(edits.total, 1);
  });

  it('refuses a hostile plan aimed outside the workspace and into .git, and writes nothing', async () => {
    const ses = session();
    const before = readdirSync(ses.workspace, { recursive: true }).map(String).sort();
    await runEditFiles('Hostile plan: write everywhere');
    const toast = ses.p.locator('.notifications-toasts .notification-toast', { hasText: 'no change it may make' });
    await toast.first().waitFor({ state: 'visible', timeout: 60_000 });
    const text = (await toast.first().textContent()) ?? '';
    assert.match(text, /climbs out of the workspace|outside/);
    assert.equal(
      await refactorPreview()
        .isVisible()
        .catch(() => false),
      false,
      'no preview for a refused plan',
    );
    assert.equal(readFileSync(join(ses.root, 'outside.txt'), 'utf8'), 'untouched\n');
    assert.ok(!existsSync('/tmp/tandem-e2e-evil.txt'));
    assert.ok(!existsSync(join(ses.workspace, '.git', 'hooks', 'post-checkout')));
    assert.deepEqual(readdirSync(ses.workspace, { recursive: true }).map(String).sort(), before);
  });

  it('offers "Fix with Tandem" as a quick fix on the diagnostic and fixes it through the preview', async () => {
    const ses = session();
    await ses.openFile('typo.ts');
    const squiggles = ses.p.locator('.editor-instance .monaco-editor .squiggly-error');
    await waitFor('the TypeScript error squiggle', async () => (await squiggles.count()) > 0, { timeoutMs: 90_000, intervalMs: 500 });
    await ses.gotoLineEnd(2);
    for (let i = 0; i < 3; i++) await ses.p.keyboard.press('ArrowLeft');
    const item = ses.p.locator('.action-widget .monaco-list-row', { hasText: 'Fix with Tandem' }).first();
    await waitFor(
      'the "Fix with Tandem" quick fix',
      async () => {
        if (await item.isVisible().catch(() => false)) return true;
        await ses.p.keyboard.press('Control+.');
        await item.waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
        return item.isVisible();
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    // The action list takes the keyboard (a pointer block covers it): walk to the entry.
    await waitFor(
      '"Fix with Tandem" focused in the quick fix list',
      async () => {
        const focused = await ses.p
          .locator('.action-widget .monaco-list-row.focused')
          .first()
          .getAttribute('aria-label', { timeout: 2000 })
          .catch(() => null);
        if (focused === 'Fix with Tandem') return true;
        await ses.p.keyboard.press('ArrowDown');
        return false;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    await ses.p.keyboard.press('Enter');
    await acceptPreview();
    await waitFor('the fixed line in the editor', async () => (await ses.editorLines())[1] === 'export const count = words.length;', {
      timeoutMs: 30_000,
    });
    await waitFor('the error squiggle to disappear', async () => (await squiggles.count()) === 0, { timeoutMs: 60_000, intervalMs: 500 });
  });

  it('in simple mode applies a small fix directly and Undo reverts it', async () => {
    const ses = session();
    await ses.runCommand('Tandem: Switch UI Mode');
    await ses.pickQuickItem(/simple/i);
    const settingsFile = join(ses.userDataDir, 'User', 'settings.json');
    await waitFor('tandem.uiMode = simple in settings.json', () =>
      /"tandem\.uiMode"\s*:\s*"simple"/.test(readFileSync(settingsFile, 'utf8')),
    );

    await ses.openFile('half.ts');
    const squiggles = ses.p.locator('.editor-instance .monaco-editor .squiggly-error');
    await waitFor('the TypeScript error squiggle', async () => (await squiggles.count()) > 0, { timeoutMs: 90_000, intervalMs: 500 });
    await ses.gotoLineEnd(2);
    await ses.runCommand('Tandem: Fix Problem at Cursor');
    await waitFor('the fix applied without a preview', async () => (await ses.editorLines())[1] === '  return n / 2;', {
      timeoutMs: 60_000,
    });
    assert.equal(
      await refactorPreview()
        .isVisible()
        .catch(() => false),
      false,
      'no preview in simple mode for a small fix',
    );

    const toast = ses.p.locator('.notifications-toasts .notification-toast', { hasText: 'Tandem fixed it' }).first();
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    await toast.locator('.monaco-button', { hasText: /^Undo$/ }).click();
    await waitFor('the fix undone', async () => (await ses.editorLines())[1] === '  return n / "2";', { timeoutMs: 30_000 });
  });
});
