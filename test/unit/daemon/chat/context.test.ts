/**
 * Chat context gathering: selection first, @files confined to the workspace roots,
 * active file outside the roots left out with a reason, clipping to the budget, and
 * @codebase retrieval through the context engine with the budget that is left.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, TandemError } from '../../../../protocol';
import { clipToTokens, gatherContext, type GatherDeps } from '../../../../daemon/chat/context';
import type { ChatAssemblyRequest } from '../../../../daemon/context/types';

const chars = { count: (t: string) => t.length };

describe('chat context', () => {
  let dir: string;
  let root: string;
  let requests: ChatAssemblyRequest[];
  let deps: GatherDeps;

  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'tandem-chat-ctx-')));
    root = join(dir, 'ws');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'src', 'blob.bin'), Buffer.from([1, 2, 0, 3]));
    writeFileSync(join(dir, 'outside.ts'), 'secret');
    requests = [];
    deps = {
      counter: chars,
      roots: [root],
      assembleChat: async (req) => {
        requests.push(req);
        return {
          rules: [{ path: 'AGENTS.md', text: 'be nice' }],
          chunks: [{ root, file: 'src/a.ts', startLine: 1, endLine: 1, text: 'export const a = 1;' }],
          text: '',
          tokens: 0,
          elapsedMs: 1,
          semantic: { active: false },
        };
      },
    };
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const input = (context: Partial<Parameters<typeof gatherContext>[1]['context']>, budgetTokens = 10_000) => ({
    question: 'q',
    context: { files: [], codebase: false, ...context },
    budgetTokens,
    requestId: 'r1',
  });

  it('includes the selection with workspace-relative labels', async () => {
    const g = await gatherContext(
      deps,
      input({
        selection: { path: join(root, 'src', 'a.ts'), languageId: 'typescript', startLine: 1, endLine: 1, text: 'export const a = 1;' },
      }),
    );
    assert.equal(g.blocks[0].title, 'Selection from src/a.ts (lines 1-1):');
    assert.deepEqual(
      g.items.map((i) => [i.kind, i.label, i.outcome]),
      [['selection', 'src/a.ts', 'included']],
    );
    assert.equal(g.root, root);
  });

  it('reads @files inside the roots and refuses those outside with PathOutsideWorkspace', async () => {
    const g = await gatherContext(deps, input({ files: [join(root, 'src', 'a.ts')] }));
    assert.equal(g.blocks[0].text, 'export const a = 1;\n');
    await assert.rejects(
      gatherContext(deps, input({ files: [join(dir, 'outside.ts')] })),
      (err: unknown) => err instanceof TandemError && err.code === ErrorCodes.PathOutsideWorkspace,
    );
  });

  it('leaves out binary files, missing files and an active file outside the roots, saying why', async () => {
    const g = await gatherContext(
      deps,
      input({
        files: [join(root, 'src', 'blob.bin'), join(root, 'nope.ts')],
        activeFile: { path: join(dir, 'outside.ts'), languageId: 'typescript' },
      }),
    );
    assert.deepEqual(
      g.items.map((i) => [i.outcome, i.reason]),
      [
        ['omitted', 'a binary file'],
        ['omitted', 'file not found'],
        ['omitted', 'outside the workspace folders'],
      ],
    );
    assert.equal(g.blocks.length, 0);
  });

  it('attaches the active file only when there is no selection', async () => {
    const active = { path: join(root, 'src', 'a.ts'), languageId: 'typescript' };
    const withSel = await gatherContext(
      deps,
      input({ activeFile: active, selection: { path: active.path, languageId: 'typescript', startLine: 1, endLine: 1, text: 'x' } }),
    );
    assert.deepEqual(
      withSel.items.map((i) => i.kind),
      ['selection'],
    );
    const without = await gatherContext(deps, input({ activeFile: active }));
    assert.deepEqual(
      without.items.map((i) => i.kind),
      ['file'],
    );
  });

  it('clips what does not fit and reports it', async () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const g = await gatherContext(
      deps,
      input({ selection: { path: join(root, 'src', 'a.ts'), languageId: 'typescript', startLine: 10, endLine: 59, text } }, 150),
    );
    const item = g.items[0];
    assert.equal(item.outcome, 'clipped');
    assert.equal(item.startLine, 10);
    assert.ok(item.endLine! < 59);
    assert.ok(item.tokens <= 150);
  });

  it('runs @codebase retrieval with the budget left after the other context', async () => {
    const g = await gatherContext(deps, input({ codebase: true, files: [join(root, 'src', 'a.ts')] }, 5_000));
    assert.equal(requests.length, 1);
    assert.equal(requests[0].query, 'q');
    assert.equal(requests[0].root, root);
    assert.ok(requests[0].budgetTokens < 5_000 && requests[0].budgetTokens > 4_000);
    assert.deepEqual(g.rules, [{ path: 'AGENTS.md', text: 'be nice' }]);
    assert.deepEqual(
      g.items.map((i) => `${i.kind}:${i.label}:${i.outcome}`),
      ['file:src/a.ts:included', 'codebase:src/a.ts:included'],
    );
  });

  it('keeps the question answerable when retrieval fails, saying why @codebase is missing', async () => {
    const failing = { ...deps, assembleChat: async () => Promise.reject(new Error('index is corrupt')) };
    const g = await gatherContext(failing, input({ codebase: true, files: [join(root, 'src', 'a.ts')] }));
    assert.deepEqual(
      g.items.map((i) => [i.kind, i.outcome, i.reason]),
      [
        ['file', 'included', undefined],
        ['codebase', 'omitted', 'retrieval failed: index is corrupt'],
      ],
    );
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(gatherContext(failing, { ...input({ codebase: true }), signal: aborted.signal }), /index is corrupt/);
  });

  it('says why @codebase did nothing without roots', async () => {
    const g = await gatherContext({ ...deps, roots: [] }, input({ codebase: true }));
    assert.equal(requests.length, 0);
    assert.equal(g.items[0].reason, 'no workspace folder is registered with tandemd');
  });

  it('clips by whole lines', () => {
    assert.deepEqual(clipToTokens(chars, 'ab\ncd\nef', 5), { text: 'ab\ncd', tokens: 5, clipped: true, lines: 2 });
    assert.deepEqual(clipToTokens(chars, 'ab', 5), { text: 'ab', tokens: 2, clipped: false, lines: 1 });
  });
});
