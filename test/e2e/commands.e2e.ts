/**
 * The everyday commands in a real VS Code (code-server + Chromium, the built VSIX, the
 * real daemon, the fake Ollama scripted per prompt), in a workspace that is a real git
 * repository:
 *  - Edit Selection (Ctrl+I) on a function: the streamed rewrite is previewed in the
 *    editor, Accept applies it and one Undo takes it back; Reject restores the code and
 *    leaves the undo stack as it was (the next Undo reverts the user's own earlier edit);
 *  - Write Commit Message from the Source Control title writes a message for the staged
 *    change into the Source Control input;
 *  - Generate Tests creates the test file where the project's tests live, through the preview;
 *  - Explain opens the chat with the function and the streamed explanation.
 * Each use is stored and shows in `tandem/commands/stats`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { CommandStatsRequest } from '../../protocol';
import { connectToDaemon } from '../../protocol/client';
import { tandemDefaultModels } from '../fake-ollama/script';
import { E2eSession, skipUnlessAvailable } from './harness';
import { waitFor } from './processes';

const CART_TS = [
  'export function total(items: number[]): number {',
  '  let sum = 0;',
  '  for (const i of items) sum += i;',
  '  return sum;',
  '}',
  '',
].join('\n');
const NEW_TOTAL = ['export function total(items: number[]): number {', '  return items.reduce((a, b) => a + b, 0);', '}'];
const SUM_TS = ['export function sum(a: number, b: number): number {', '  return a + b;', '}', ''].join('\n');
const SUB_TS = ['export function sub(a: number, b: number): number {', '  return a - b;', '}', ''].join('\n');
const SUB_TEST = [
  "import assert from 'node:assert/strict';",
  "import { sub } from '../src/sub';",
  '',
  "it('subtracts', () => assert.equal(sub(3, 1), 2));",
  '',
].join('\n');
const SUM_TEST = [
  "import assert from 'node:assert/strict';",
  "import { sum } from '../src/sum';",
  '',
  "it('adds', () => assert.equal(sum(1, 2), 3));",
  '',
].join('\n');
const COMMIT_MESSAGE = 'feat: greet by name';
const EXPLANATION = 'It adds up every item with a running sum.';

describe('Tandem everyday commands in a real VS Code (code-server + Chromium)', function () {
  this.timeout(180_000);
  let s: E2eSession | undefined;

  const session = (): E2eSession => {
    if (!s) throw new Error('session not started');
    return s;
  };

  async function commandStats(): Promise<CommandStatsRequest.Result> {
    const lock = JSON.parse(readFileSync(join(session().home, 'daemon.lock'), 'utf8')) as { port: number; token: string };
    const conn = await connectToDaemon({ port: lock.port, token: lock.token, client: { name: 'e2e-commands', version: '0.0.0' } });
    try {
      return await conn.connection.sendRequest(CommandStatsRequest.type, {});
    } finally {
      conn.close();
    }
  }

  const statOf = async (command: string) => (await commandStats()).total.find((r) => r.command === command);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: session().workspace, encoding: 'utf8' });

  /** Writes the files and makes the workspace a git repository with a little history. */
  function makeRepository(ses: E2eSession): void {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'shop', devDependencies: { mocha: '^10.0.0' } }, null, 2),
      'cart.ts': CART_TS,
      'src/sum.ts': SUM_TS,
      'src/sub.ts': SUB_TS,
      'test/sub.test.ts': SUB_TEST,
      'greet.ts': "export const greet = () => 'hello';\n",
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(ses.workspace, rel, '..'), { recursive: true });
      writeFileSync(join(ses.workspace, rel), text);
    }
    const g = (...args: string[]) => execFileSync('git', args, { cwd: ses.workspace });
    g('init', '-q', '-b', 'main');
    g('config', 'user.email', 'e2e@example.com');
    g('config', 'user.name', 'E2E');
    g('add', '.');
    g('commit', '-q', '-m', 'feat: add the cart');
    writeFileSync(join(ses.workspace, 'README.md'), '# shop\n');
    g('add', 'README.md');
    g('commit', '-q', '-m', 'docs: add a readme');
  }

  /** Opens a file from the explorer (brought back first: the commit message test leaves Source Control showing). */
  async function openFile(name: string): Promise<void> {
    await session().runCommand('View: Show Explorer');
    await session().openFile(name);
  }

  const codeLens = (text: RegExp) =>
    session().p.locator('.editor-instance .monaco-editor .codelens-decoration a', { hasText: text }).first();

  async function startInlineEdit(instruction: string): Promise<void> {
    const ses = session();
    // The lenses of an earlier inline edit must be gone first, or their Accept would pass for this one's.
    await codeLens(/Accept/).waitFor({ state: 'hidden', timeout: 30_000 });
    await ses.p.keyboard.press('Control+i');
    const title = ses.p.locator('.quick-input-widget .quick-input-title', { hasText: 'Tandem: Edit Selection' });
    await title.waitFor({ state: 'visible', timeout: 30_000 });
    await ses.p.locator('.quick-input-widget input').fill(instruction);
    await ses.p.keyboard.press('Enter');
    await codeLens(/Accept/).waitFor({ state: 'visible', timeout: 60_000 });
  }

  async function acceptPreview(): Promise<void> {
    const panel = session().p.locator('.bulk-edit-panel');
    await panel.waitFor({ state: 'visible', timeout: 90_000 });
    await panel.locator('input.edit-checkbox').first().waitFor({ state: 'visible', timeout: 30_000 });
    for (let guard = 0; guard < 30; guard++) {
      let next: Locator | undefined;
      for (const box of await panel.locator('input.edit-checkbox:not(:checked):not(.disabled)').all()) {
        if (await box.isVisible().catch(() => false)) {
          next = box;
          break;
        }
      }
      if (!next) break;
      await next.click({ timeout: 3_000 }).catch(() => undefined);
    }
    await panel
      .locator('.monaco-button', { hasText: /^Apply$/ })
      .first()
      .click();
    await panel.waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => undefined);
  }

  before(async function () {
    skipUnlessAvailable(this);
    this.timeout(12 * 60_000);
    s = new E2eSession({
      name: 'commands',
      workspace: {},
      fakeScript: {
        models: tandemDefaultModels(),
        loaded: tandemDefaultModels().map((m) => m.name),
        rules: [
          {
            path: '/api/chat',
            match: 'Instruction: Use reduce',
            chunks: ['```ts\n', `${NEW_TOTAL[0]}\n`, `${NEW_TOTAL[1]}\n`, `${NEW_TOTAL[2]}\n`, '```\n'],
            chunkDelayMs: 30,
          },
          {
            path: '/api/chat',
            // The staged change's added line: the message is written from the staged diff.
            matchRegex: 'The staged changes:[\\s\\S]*\\+export const greet = \\(name: string\\)',
            chunks: [COMMIT_MESSAGE, '\n\nGreetings now use the given name.\n'],
          },
          { path: '/api/chat', match: 'Write the new test file test/sum.test.ts', chunks: ['```ts\n', SUM_TEST, '```\n'] },
          { path: '/api/chat', match: 'Explain `total`', chunks: [EXPLANATION.slice(0, 10), EXPLANATION.slice(10)], chunkDelayMs: 30 },
        ],
        defaultReply: { chunks: [''] },
      },
      settings: (ollamaUrl) => ({
        'tandem.ollamaUrl': ollamaUrl,
        'tandem.uiMode': 'simple',
        'git.enabled': true,
        'git.autoRepositoryDetection': true,
      }),
    });
    makeRepository(s);
    await s.startSuite('commands', { untilDaemon: true });
  });

  afterEach(async function () {
    await s?.reportIfFailed(this.currentTest, 'commands');
    if (s) await s.p.keyboard.press('Escape').catch(() => undefined);
  });

  after(async function () {
    this.timeout(60_000);
    await s?.stop();
  });

  it('Edit Selection previews the rewrite in the editor; Accept applies it and one Undo takes it back', async () => {
    const ses = session();
    await openFile('cart.ts');
    await ses.gotoLineEnd(3);
    await startInlineEdit('Use reduce');
    const preview = await ses.editorLines();
    // Interleaved: the old body (struck through) and the new one (highlighted) are both in the editor.
    assert.ok(preview.includes('  let sum = 0;') && preview.includes(NEW_TOTAL[1]), preview.join('\n'));
    await codeLens(/Accept/).click();
    await waitFor('the accepted rewrite', async () => (await ses.editorLines()).slice(0, 3).join('\n') === NEW_TOTAL.join('\n'), {
      timeoutMs: 30_000,
    });
    assert.equal((await ses.editorLines()).length, 4, 'only the proposal is left');
    await ses.p.locator('.editor-instance .monaco-editor .view-line').first().click();
    await ses.p.keyboard.press('Control+z');
    await waitFor('one undo back to the original', async () => (await ses.editorLines()).join('\n') === CART_TS, { timeoutMs: 15_000 });
    const stat = await waitFor(
      'an accepted inline edit',
      async () => ((await statOf('inlineEdit'))?.accepted === 1 ? statOf('inlineEdit') : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 1000,
      },
    );
    assert.equal(stat?.used, 1);
  });

  it('Reject restores the code and leaves the undo stack as it was', async () => {
    const ses = session();
    await openFile('cart.ts');
    // A change of the user's own, before the inline edit: one word, so that it is one undo step
    // (VS Code closes an undo step where typing goes from a word to a space).
    await ses.p.keyboard.press('Control+End');
    await ses.p.keyboard.type('//mine');
    const mine = await ses.editorLines();
    assert.equal(mine.at(-1), '//mine');
    await ses.gotoLineEnd(3);
    await startInlineEdit('Use reduce');
    const preview = await ses.editorLines();
    assert.ok(preview.includes('  let sum = 0;') && preview.includes(NEW_TOTAL[1]), preview.join('\n'));
    await ses.p.keyboard.press('Escape');
    await waitFor('the code as it was', async () => (await ses.editorLines()).join('\n') === mine.join('\n'), { timeoutMs: 15_000 });
    await ses.p.keyboard.press('Control+z');
    await waitFor('the next undo reverts the user’s own edit', async () => (await ses.editorLines()).join('\n') === CART_TS, {
      timeoutMs: 15_000,
    });
    await waitFor('a rejected inline edit', async () => (await statOf('inlineEdit'))?.rejected === 1, {
      timeoutMs: 30_000,
      intervalMs: 1000,
    });
  });

  it('Write Commit Message writes a message for the staged change into the Source Control input', async () => {
    const ses = session();
    writeFileSync(join(ses.workspace, 'greet.ts'), 'export const greet = (name: string) => `hello ${name}`;\n');
    git('add', 'greet.ts');
    await ses.p.keyboard.press('Control+Shift+G');
    const button = ses.p
      .locator('.action-label[aria-label="Tandem: Write Commit Message"], .action-label[aria-label="Write Commit Message"]')
      .first();
    await button.waitFor({ state: 'visible', timeout: 60_000 });
    await button.click();
    const input = ses.p.locator('.scm-editor .view-lines').first();
    const text = await waitFor(
      'the message in the Source Control input',
      async () => {
        const t = ((await input.textContent().catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
        return t.includes(COMMIT_MESSAGE) ? t : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.match(text, /Greetings now use the given name\./);
    const stat = await waitFor('a shown commit message', () => statOf('commitMessage'), { timeoutMs: 30_000, intervalMs: 1000 });
    assert.equal(stat.shown, 1);
  });

  it('Generate Tests creates the test where the project keeps its tests, through the preview', async () => {
    const ses = session();
    // sum.ts is in src/ (so that the test goes to test/, as test/sub.test.ts does for src/sub.ts).
    await ses.runCommand('View: Show Explorer');
    await ses.p.getByRole('treeitem', { name: /^src/ }).first().click({ timeout: 30_000 });
    await openFile('sum.ts');
    await ses.gotoLineEnd(2);
    await ses.runCommand('Tandem: Generate Tests');
    await acceptPreview();
    const path = join(ses.workspace, 'test', 'sum.test.ts');
    await waitFor('test/sum.test.ts on disk', () => existsSync(path), { timeoutMs: 30_000 });
    assert.equal(readFileSync(path, 'utf8'), SUM_TEST);
    await waitFor('an accepted test', async () => (await statOf('generateTests'))?.accepted === 1, { timeoutMs: 30_000, intervalMs: 1000 });
    // Applying opens the test file (after the outcome is reported; later steps must not race it for the focus).
    await ses.p
      .locator('.editor-instance .monaco-editor[data-uri$="test/sum.test.ts"]')
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('Explain opens the chat with the function and streams the explanation', async () => {
    const ses = session();
    await openFile('cart.ts');
    await ses.gotoLineEnd(2);
    await ses.runCommand('Tandem: Explain');
    const frame = await session().chatFrame();
    await frame.locator('.message.user', { hasText: 'Explain `total`' }).waitFor({ timeout: 60_000 });
    await frame.locator('.message.assistant', { hasText: EXPLANATION }).waitFor({ timeout: 60_000 });
    await waitFor('a shown explanation', async () => (await statOf('explain'))?.shown === 1, { timeoutMs: 30_000, intervalMs: 1000 });
  });
});
