/**
 * The chat panel in a real VS Code (code-server + Chromium, the built VSIX, the real
 * daemon, the fake Ollama): open the panel, ask, see the answer streamed from the fake
 * model, click Insert on its code block and find the code in the document. The
 * screenshot of the answered panel is kept in test-results/e2e/chat.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tandemDefaultModels } from '../fake-ollama/script';
import { E2eSession, resultsDir, skipUnlessAvailable } from './harness';
import { waitFor } from './processes';

const CODE_LINE = 'export const twice = (n: number) => n * 2;';
const ANSWER_CHUNKS = ['Here is ', 'a helper:\n\n', '```ts\n', `${CODE_LINE}\n`, '```\n'];
const MATH_TS = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
/** The answer to "swap": a new version of `add`, which Apply puts in place of the old one. */
const SWAP_CHUNKS = [
  'Swapped:\n\n',
  '```ts\n',
  'export function add(a: number, b: number): number {\n',
  '  return b + a;\n',
  '}\n',
  '```\n',
];

describe('Tandem chat panel in a real VS Code (code-server + Chromium)', function () {
  this.timeout(180_000);
  let s: E2eSession | undefined;
  /** Errors the page and its webview frames logged (printed when a test fails). */
  const pageErrors: string[] = [];

  const session = (): E2eSession => {
    if (!s) throw new Error('session not started');
    return s;
  };

  before(async function () {
    skipUnlessAvailable(this);
    this.timeout(12 * 60_000);
    s = new E2eSession({
      name: 'chat',
      workspace: { 'notes.ts': '', 'math.ts': MATH_TS },
      fakeScript: {
        models: tandemDefaultModels(),
        loaded: tandemDefaultModels().map((m) => m.name),
        rules: [
          { path: '/api/chat', match: 'swap the operands', chunks: SWAP_CHUNKS, chunkDelayMs: 20 },
          { path: '/api/chat', chunks: ANSWER_CHUNKS, chunkDelayMs: 40 },
        ],
        defaultReply: { chunks: [''] },
      },
      settings: (ollamaUrl) => ({ 'tandem.ollamaUrl': ollamaUrl, 'tandem.uiMode': 'simple' }),
    });
    await s.startSuite('chat', { untilDaemon: true, pageErrors });
  });

  afterEach(async function () {
    await s?.reportIfFailed(this.currentTest, 'chat', pageErrors);
  });

  after(async function () {
    this.timeout(60_000);
    await s?.stop();
  });

  it('answers a question with a streamed reply and inserts its code block into the document', async () => {
    const ses = session();
    await ses.openFile('notes.ts');
    await ses.runCommand('Tandem: New Chat');
    const frame = await session().chatFrame();

    await frame.locator('textarea.input').fill('Write a function that doubles a number');
    await frame.locator('textarea.input').press('Enter');
    await frame.locator('.message.user', { hasText: 'Write a function that doubles a number' }).waitFor({ timeout: 30_000 });
    const block = frame.locator('.message.assistant .code-block', { hasText: 'twice' }).first();
    await block.waitFor({ timeout: 60_000 });
    await frame.locator('.stop').waitFor({ state: 'hidden', timeout: 60_000 });
    assert.match((await frame.locator('.message.assistant').last().textContent()) ?? '', /Here is a helper:/);

    mkdirSync(resultsDir, { recursive: true });
    await ses.p.screenshot({ path: join(resultsDir, 'chat.png') });

    await block.locator('[data-action="insert"]').click();
    const lines = await waitFor(
      'the inserted code in notes.ts',
      async () => {
        const l = await ses.editorLines();
        return l.some((line) => line.includes(CODE_LINE)) ? l : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(
      lines.find((line) => line.includes('twice')),
      CODE_LINE,
    );
  });

  it('keeps the conversation when the panel is hidden and shown again', async () => {
    const ses = session();
    await ses.p.keyboard.press('Control+Shift+E');
    await ses.runCommand('Tandem: New Chat');
    // New Chat starts an empty conversation; the history still has the first one.
    const frame = await session().chatFrame();
    await frame.locator('[data-action="history"]').click();
    const entry = frame.locator('.history-panel [data-action="open-conversation"]', { hasText: 'Write a function that doubles' });
    await entry.waitFor({ timeout: 30_000 });
    await entry.click();
    await frame.locator('.message.assistant .code-block', { hasText: 'twice' }).waitFor({ timeout: 30_000 });
  });

  it('Apply shows a diff, replaces the matching function when accepted, and is one undo step', async () => {
    const ses = session();
    await ses.runCommand('View: Show Explorer');
    await ses.openFile('math.ts');
    await ses.runCommand('Tandem: New Chat');
    const frame = await session().chatFrame();
    await frame.locator('textarea.input').fill('Please swap the operands in add');
    await frame.locator('textarea.input').press('Enter');
    const block = frame.locator('.message.assistant .code-block', { hasText: 'return b + a' }).first();
    await block.waitFor({ timeout: 60_000 });
    await frame.locator('.stop').waitFor({ state: 'hidden', timeout: 60_000 });
    await block.locator('[data-action="apply"]').click();

    // The diff editor opens next to a notification asking to apply or discard.
    await ses.p.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 30_000 });
    const toast = ses.p.locator('.notification-toast', { hasText: "Apply Tandem's change to math.ts" });
    await toast.waitFor({ timeout: 30_000 });
    await toast.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    await ses.p.locator('.monaco-diff-editor').first().waitFor({ state: 'hidden', timeout: 30_000 });

    await ses.p.locator('.tabs-container .tab', { hasText: 'math.ts' }).first().click();
    const mathEditor = ses.p.locator('.editor-instance .monaco-editor[data-uri$="math.ts"]').first();
    await mathEditor.waitFor({ state: 'visible', timeout: 30_000 });
    const applied = await waitFor(
      'the applied change in math.ts',
      async () => {
        const l = await ses.editorLines();
        return l[1] === '  return b + a;' ? l : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(applied.slice(0, 3), ['export function add(a: number, b: number): number {', '  return b + a;', '}']);
    assert.equal(applied.filter((l) => l.startsWith('export function add')).length, 1, 'the function was replaced, not added');

    await mathEditor.locator('.view-line').first().click();
    await ses.p.keyboard.press('Control+z');
    await waitFor(
      'one undo to restore the original',
      async () => {
        const l = await ses.editorLines();
        return l[1] === '  return a + b;' ? l : undefined;
      },
      { timeoutMs: 15_000 },
    );
  });

  it('Ask About Selection opens the chat with the selection attached', async () => {
    const ses = session();
    await ses.runCommand('View: Show Explorer');
    await ses.openFile('notes.ts');
    await ses.gotoLineEnd(1);
    await ses.p.keyboard.press('Shift+Home');
    await ses.runCommand('Tandem: Ask About Selection');
    const frame = await session().chatFrame();
    await waitFor(
      'the prefilled question',
      async () => ((await frame.locator('textarea.input').inputValue()) === 'Explain this code: ' ? true : undefined),
      { timeoutMs: 30_000 },
    );
    await frame.locator('.context-chips', { hasText: 'Selection notes.ts:1-1' }).waitFor({ timeout: 30_000 });
    await frame.locator('textarea.input').press('End');
    await frame.locator('textarea.input').pressSequentially('please');
    await frame.locator('textarea.input').press('Enter');
    const question = frame.locator('.message.user', { hasText: 'Explain this code: please' }).last();
    await question.waitFor({ timeout: 30_000 });
    await question.locator('.chip', { hasText: 'notes.ts:1-1' }).waitFor({ timeout: 30_000 });
    await frame.locator('.stop').waitFor({ state: 'hidden', timeout: 60_000 });
  });
});
