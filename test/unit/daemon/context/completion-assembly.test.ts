import assert from 'node:assert/strict';
import { isCancellation } from '../../../../protocol';
import { RenderedTokens, TokenCounter } from '../../../../daemon/context/budget';
import { CompletionAssembler } from '../../../../daemon/context/completion-assembly';
import { parseContextConfig } from '../../../../daemon/context/config';
import type { ParserId } from '../../../../daemon/context/syntax/types';
import type { CompletionContextRequest } from '../../../../daemon/context/types';
import { FakeRetrieval, RecordedDiagnostics, functionText, retrieved } from './assembly-fakes';
import { MemoryLogger } from './helpers';

describe('context/completion-assembly', () => {
  const counter = new TokenCounter('cl100k_base');
  after(() => counter.dispose());

  const document = Array.from({ length: 60 }, (_, i) => `const line${i} = ${i};`).join('\n');
  const request = (over: Partial<CompletionContextRequest> = {}): CompletionContextRequest => ({
    completionId: 'c1',
    path: '/repo/src/app.ts',
    languageId: 'typescript',
    prefix: document.slice(0, document.indexOf('const line40')),
    suffix: document.slice(document.indexOf('const line40')),
    line: 40,
    character: 0,
    recentFiles: [],
    numCtx: 2048,
    outputReserve: 128,
    deadlineMs: 1_000,
    ...over,
  });

  function assembler(
    chunks = [
      retrieved('src/math.ts', 1, 'export const PI = 3.14;', { sources: ['imports'] }),
      retrieved('src/b.ts', 5, 'export const B = 2;'),
    ],
    config = {},
    parsers: Record<string, ParserId> = {},
  ) {
    const retrieval = new FakeRetrieval(chunks);
    const diagnostics = new RecordedDiagnostics();
    const logger = new MemoryLogger();
    const a = new CompletionAssembler({
      config: parseContextConfig(config),
      counter,
      tokens: new RenderedTokens(counter),
      retrieval,
      roots: {
        rootOf: (p) =>
          p.startsWith('/repo/')
            ? { root: '/repo', syntax: { parserOf: (f: string) => (parsers[f] ? { parser: parsers[f] } : undefined) } }
            : undefined,
        semanticStatus: () => ({ active: false, reason: 'BM25 only' }),
      },
      diagnostics,
      logger,
      now: () => performance.now(),
    });
    return { a, retrieval, diagnostics, logger };
  }

  it('puts the retrieved chunks as comments before the clipped prefix, imported definitions first', async () => {
    const { a, retrieval, diagnostics } = assembler();
    const p = await a.assemble(request());
    assert.equal(
      p.prefix,
      [
        '// Path: src/math.ts (lines 1-1)',
        '// export const PI = 3.14;',
        '// Path: src/b.ts (lines 5-5)',
        '// export const B = 2;',
        '// Path: src/app.ts',
        request().prefix,
      ].join('\n'),
    );
    assert.equal(p.suffix, request().suffix);
    assert.equal(p.contextChunks, 2);
    assert.equal(p.tokens, counter.count(p.prefix) + counter.count(p.suffix));
    // The window already in the prompt is excluded from retrieval.
    assert.deepEqual(retrieval.requests[0].excludeLines, [0, 71]);
    const d = diagnostics.byId.get('c1')!;
    assert.deepEqual(
      d.candidates.map((c) => c.outcome),
      ['selected', 'selected'],
    );
    assert.equal(d.tokens.total, p.tokens);
    assert.equal(d.file, 'src/app.ts');
  });

  it('renders a member of a split class under its class header; the diagnostics say what placed each chunk and its parser', async () => {
    const member = retrieved('src/pool.ts', 40, '  acquire(): Conn {\n    return this.free.pop();\n  }', {
      sources: ['imports'],
      placedBy: 'receiver-member',
      context: 'export class Pool extends Base {',
    });
    const parsers: Record<string, ParserId> = { 'src/pool.ts': 'tree-sitter:typescript', 'src/b.ts': 'heuristic' };
    const { a, diagnostics } = assembler([member, retrieved('src/b.ts', 5, 'export const B = 2;')], {}, parsers);
    const p = await a.assemble(request());
    assert.ok(
      p.prefix.startsWith(
        [
          '// Path: src/pool.ts (lines 40-42)',
          '// export class Pool extends Base {',
          '//   acquire(): Conn {',
          '//     return this.free.pop();',
          '//   }',
          '// Path: src/b.ts (lines 5-5)',
        ].join('\n'),
      ),
      p.prefix,
    );
    assert.equal(p.tokens, counter.count(p.prefix) + counter.count(p.suffix));
    const d = diagnostics.byId.get('c1')!;
    assert.deepEqual(
      d.candidates.map((c) => [c.file, c.placedBy, c.parser]),
      [
        ['src/pool.ts', 'receiver-member', 'tree-sitter:typescript'],
        ['src/b.ts', 'bm25', 'heuristic'],
      ],
    );
  });

  it('is never over the budget: clips the document and fits the chunks, compacting before dropping', async () => {
    const chunks = Array.from({ length: 8 }, (_, i) => retrieved(`src/f${i}.ts`, 1, functionText(`helper${i}`)));
    for (const numCtx of [200, 400, 700, 1200]) {
      const { a, diagnostics } = assembler(chunks);
      const p = await a.assemble(request({ numCtx, outputReserve: 50, completionId: `b${numCtx}` }));
      assert.ok(p.tokens <= numCtx - 50, `${numCtx}: ${p.tokens}`);
      assert.equal(p.tokens, counter.count(p.prefix) + counter.count(p.suffix), `${numCtx}: exact count`);
      const d = diagnostics.byId.get(`b${numCtx}`)!;
      assert.equal(d.compaction.ran, true, `${numCtx}: eight long chunks are over the threshold`);
      if (d.candidates.some((c) => c.outcome === 'dropped')) assert.ok(d.compaction.signatures > 0, `${numCtx}: compacted before dropping`);
    }
  });

  it('uses the document alone outside every root, when disabled, and when retrieval fails (with a warning)', async () => {
    const outside = assembler();
    const o = await outside.a.assemble(request({ path: '/elsewhere/app.ts' }));
    assert.equal(o.contextChunks, 0);
    assert.equal(o.prefix, request().prefix);
    assert.equal(outside.retrieval.requests.length, 0);

    const off = assembler(undefined, { enabled: false });
    assert.equal((await off.a.assemble(request())).prefix, request().prefix);

    const failing = assembler();
    failing.retrieval.error = new Error('index is corrupt');
    const f = await failing.a.assemble(request());
    assert.equal(f.prefix, request().prefix);
    assert.ok(failing.logger.lines.some((l) => l.startsWith('warn') && l.includes('index is corrupt')));
  });

  it('rejects with a cancellation when the signal aborts', async () => {
    const { a } = assembler();
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(a.assemble(request(), ac.signal), (err: unknown) => isCancellation(err));
  });

  it('candidates: the same clipping and exclusion window, no budget fitting', async () => {
    const { a, retrieval } = assembler();
    const { completionId: _id, deadlineMs: _deadline, character: _col, ...cursor } = request();
    const r = await a.candidates({ ...cursor, k: 5 });
    assert.equal(r.chunks.length, 2);
    assert.deepEqual(retrieval.requests[0].excludeLines, [0, 71]);
    assert.equal(retrieval.requests[0].k, 5);
    assert.equal(retrieval.requests[0].deadlineMs, undefined);
  });
});
