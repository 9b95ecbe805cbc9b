/**
 * Next-edit suggestions in a real VS Code (code-server + Chromium, the built VSIX, the
 * real daemon, the fake Ollama answering the Sweep prompt of a renamed parameter with
 * the window where its next use is renamed too):
 *  - rename a function parameter: the next use is marked at its line (the hint names the
 *    rename), Tab jumps there and shows it in place, Tab accepts it into the document,
 *    and the daemon stores an accepted next-edit event;
 *  - Escape rejects one: the document stays, a rejected (escaped) event is stored.
 * Inline completions answer nothing here, so they never take the floor.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tandemDefaultModels, tandemNextEditModel } from '../fake-ollama/script';
import { E2eSession, skipUnlessAvailable } from './harness';
import { waitFor } from './processes';

const MODEL = 'hf.co/sweepai/sweep-next-edit-1.5B';
const SCALE_TS = [
  'export function scale(a: number, factor: number): number {', //      1  rename a → count
  '  const doubled = factor * 2;', //                                  2
  '  return a * doubled;', //                                          3  the next use
  '}', //                                                              4
  '', //                                                               5
  'export function shift(b: number, delta: number): number {', //      6  rename b → start
  '  const twice = delta * 2;', //                                     7
  '  return b + twice;', //                                            8  the next use (rejected)
  '}', //                                                              9
  '',
].join('\n');
const RENAMED = SCALE_TS.replace('scale(a:', 'scale(count:');
const ACCEPTED = RENAMED.replace('return a * doubled', 'return count * doubled');
const SECOND = ACCEPTED.replace('shift(b:', 'shift(start:');

interface Totals {
  shown: number;
  accepted: number;
  dismissed: number;
  dismissReasons: Partial<Record<string, number>>;
}

describe('Tandem next-edit suggestions in a real VS Code (code-server + Chromium)', function () {
  this.timeout(180_000);
  let s: E2eSession | undefined;
  const session = (): E2eSession => {
    if (!s) throw new Error('session not started');
    return s;
  };

  async function nextEditStats(): Promise<Totals> {
    const out = await session().tandemd(['stats', '--json', '--kind', 'nextEdit']);
    return (JSON.parse(out) as { total: Totals }).total;
  }

  /** The text decorations draw after the lines (`::after` content), unquoted. */
  async function decorationTexts(): Promise<string[]> {
    return session().p.evaluate(() =>
      Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-lines span'))
        .map((el) => getComputedStyle(el, '::after').content)
        .filter((c) => c && c !== 'none' && c !== 'normal')
        .map((c) => c.replace(/^"|"$/g, '').replace(/\\"/g, '"')),
    );
  }

  async function waitForDecoration(pattern: RegExp, what: string): Promise<string> {
    return waitFor(what, async () => (await decorationTexts()).find((t) => pattern.test(t)), { timeoutMs: 60_000, intervalMs: 250 });
  }

  /** Select `length` characters at `column` (0-based) of `line` (1-based) and type `text` over them. */
  async function retype(line: number, column: number, length: number, text: string): Promise<void> {
    const ses = session();
    await ses.p.keyboard.press('Control+Home');
    for (let i = 1; i < line; i++) await ses.p.keyboard.press('ArrowDown');
    await ses.p.keyboard.press('Home');
    await ses.p.keyboard.press('Home');
    for (let i = 0; i < column; i++) await ses.p.keyboard.press('ArrowRight');
    for (let i = 0; i < length; i++) await ses.p.keyboard.press('Shift+ArrowRight');
    await ses.p.keyboard.type(text);
  }

  before(async function () {
    skipUnlessAvailable(this);
    this.timeout(12 * 60_000);
    const window = (text: string) => ({ chunks: ['\n', `${text}\n`] });
    s = new E2eSession({
      name: 'next-edit',
      workspace: { 'scale.ts': SCALE_TS },
      fakeScript: {
        models: [...tandemDefaultModels(), tandemNextEditModel()],
        loaded: [...tandemDefaultModels(), tandemNextEditModel()].map((m) => m.name),
        // Inline completions (and next edits of half-typed names) answer nothing.
        defaultReply: { chunks: [''] },
        rules: [
          {
            path: '/api/generate',
            model: MODEL,
            match: `<|file_sep|>current/scale.ts\n${SECOND}`,
            ...window(SECOND.replace('return b + twice', 'return start + twice')),
          },
          { path: '/api/generate', model: MODEL, match: `<|file_sep|>current/scale.ts\n${RENAMED}`, ...window(ACCEPTED) },
        ],
      },
      settings: (ollamaUrl) => ({ 'tandem.ollamaUrl': ollamaUrl, 'tandem.uiMode': 'simple' }),
    });
    await s.startSuite('next-edit', { untilDaemon: true });
  });

  afterEach(async function () {
    await s?.reportIfFailed(this.currentTest, 'next-edit');
  });

  after(async function () {
    this.timeout(60_000);
    await s?.stop();
  });

  it('renaming a parameter marks its next use; Tab jumps there, Tab accepts it, and an accepted next-edit event is stored', async () => {
    const ses = session();
    const before = await nextEditStats();
    await ses.openFile('scale.ts');
    await retype(1, 'export function scale('.length, 1, 'count');
    const hint = await waitForDecoration(/Tab: a → count/, 'the mark of the next use, with its hint');
    assert.match(hint, /⇥ Tab: a → count/);
    assert.equal((await ses.editorLines())[2], '  return a * doubled;', 'nothing applied yet');

    await ses.p.keyboard.press('Tab');
    await waitForDecoration(/^count$/, 'the edit shown in place after the jump');
    assert.equal((await ses.editorLines())[2], '  return a * doubled;', 'Tab jumped; it did not indent or accept');

    await ses.p.keyboard.press('Tab');
    await waitFor('the next use renamed in the editor', async () => (await ses.editorLines())[2] === '  return count * doubled;');
    const lines = await ses.editorLines();
    assert.deepEqual(lines.slice(0, 4), ACCEPTED.split('\n').slice(0, 4));
    await ses.p.keyboard.press('Control+S');
    await waitFor('scale.ts saved with both renames', () => readFileSync(join(ses.workspace, 'scale.ts'), 'utf8') === ACCEPTED);

    const after = await waitFor(
      'an accepted next-edit event in the daemon store',
      async () => {
        const now = await nextEditStats();
        return now.accepted > before.accepted ? now : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(after.accepted, before.accepted + 1);
    assert.ok(after.shown > before.shown, 'it was recorded as shown too');
  });

  it('Escape rejects a next edit: the document stays as it is and a rejected event is stored', async () => {
    const ses = session();
    const before = await nextEditStats();
    await retype(6, 'export function shift('.length, 1, 'start');
    await waitForDecoration(/Tab: b → start/, 'the mark of the next use of b');
    await ses.p.keyboard.press('Escape');
    await waitFor('the mark to go away', async () => !(await decorationTexts()).some((t) => /Tab:/.test(t)), { timeoutMs: 15_000 });
    assert.equal((await ses.editorLines())[7], '  return b + twice;', 'Escape leaves the document alone');

    const escaped = (t: Totals) => t.dismissReasons.escaped ?? 0;
    const after = await waitFor(
      'a rejected (escaped) next-edit event in the daemon store',
      async () => {
        const now = await nextEditStats();
        return escaped(now) > escaped(before) ? now : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(escaped(after), escaped(before) + 1);
    assert.equal(after.accepted, before.accepted, 'nothing accepted');
    // Tab has its normal meaning again.
    await ses.p.keyboard.press('End');
    await ses.p.keyboard.press('Tab');
    await waitFor(
      'Tab indents again',
      async () => (await ses.editorLines())[5] !== 'export function shift(start: number, delta: number): number {',
    );
  });
});
