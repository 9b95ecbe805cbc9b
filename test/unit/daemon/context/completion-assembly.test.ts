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
    now: () => number = () => performance.now(),
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
      now,
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

  it('writes the context in the repository-level layout Qwen2.5-Coder and StarCoder2 were trained on, counted exactly', async () => {
    const chunks = [
      retrieved('src/math.ts', 1, 'export const PI = 3.14;', { sources: ['imports'] }),
      retrieved('src/b.ts', 5, 'export const B = 2;'),
      retrieved('src/b.ts', 9, 'export const C = 3;'),
    ];
    const { a, diagnostics } = assembler(chunks);
    const qwen = await a.assemble(request({ layout: 'qwen-repo' }));
    assert.equal(qwen.layout, 'qwen-repo');
    assert.equal(
      qwen.repoContext,
      [
        '<|repo_name|>repo',
        '<|file_sep|>src/math.ts',
        'export const PI = 3.14;',
        '<|file_sep|>src/b.ts',
        'export const B = 2;',
        '',
        'export const C = 3;',
        '<|file_sep|>src/app.ts',
        '',
      ].join('\n'),
    );
    assert.equal(qwen.prefix, request().prefix);
    assert.equal(qwen.contextChunks, 3);
    // Each segment as the router sends it (the FIM prefix token stands between context and prefix).
    assert.equal(qwen.tokens, counter.count(qwen.repoContext!) + counter.count(qwen.prefix) + counter.count(qwen.suffix));
    assert.equal(diagnostics.byId.get('c1')!.layout, 'qwen-repo');

    const sc = await a.assemble(request({ layout: 'starcoder-repo', completionId: 'c2' }));
    assert.equal(
      sc.repoContext,
      '<repo_name>repo<file_sep>src/math.ts\nexport const PI = 3.14;\n<file_sep>src/b.ts\nexport const B = 2;\n\nexport const C = 3;\n<file_sep>',
    );
    assert.equal(sc.prefix, `src/app.ts\n${request().prefix}`);
    assert.equal(sc.tokens, counter.count(sc.repoContext!) + counter.count(sc.prefix) + counter.count(sc.suffix));

    // Never over the budget, however small; outside every root there is no repository.
    for (const numCtx of [150, 300, 600]) {
      const p = await a.assemble(request({ layout: 'qwen-repo', numCtx, outputReserve: 50, completionId: `q${numCtx}` }));
      assert.ok(p.tokens <= numCtx - 50, `${numCtx}: ${p.tokens}`);
      assert.equal(p.tokens, counter.count(p.repoContext ?? '') + counter.count(p.prefix) + counter.count(p.suffix), `${numCtx}: exact`);
    }
    const outside = await a.assemble(request({ layout: 'qwen-repo', path: '/elsewhere/x.ts', completionId: 'c3' }));
    assert.equal(outside.layout, 'comments');
    assert.equal(outside.repoContext, undefined);
    assert.equal(outside.prefix, request().prefix);
  });

  it('while typing in one place keeps the last prompt as the start of the next: new chunks come after it, the best placed ones always get in', async () => {
    const a1 = retrieved('src/a.ts', 1, 'export const A = 1;');
    const b1 = retrieved('src/b.ts', 1, 'export const B = 2;');
    const c1 = retrieved('src/c.ts', 1, 'export const C = 3;', { placedBy: 'unused-import' });
    const z1 = retrieved('src/z.ts', 1, 'export const Z = 26;');
    const { a, retrieval } = assembler([z1, a1]);
    const first = await a.assemble(request());
    const context = (p: string) => p.slice(0, p.indexOf('// Path: src/app.ts'));
    // On the same line BM25's new best (its ranking shifts with every word typed) does not rewrite the prompt's end.
    retrieval.chunks = [b1, a1];
    const second = await a.assemble(request({ prefix: `${request().prefix}c`, completionId: 'c2' }));
    assert.equal(context(second.prefix), context(first.prefix));
    assert.equal(second.prefix, `${first.prefix}c`);
    // None of their chunks could be added there, so BM25 and embeddings do not run.
    assert.equal(retrieval.requests[0].skipLexical, undefined);
    assert.match(retrieval.requests[1].skipLexical ?? '', /last prompt's line/);
    // A chunk a syntax signal placed (an import not used yet) comes after the first prompt's chunks.
    retrieval.chunks = [c1, b1, a1];
    const third = await a.assemble(request({ prefix: `${request().prefix}co`, completionId: 'c3' }));
    assert.equal(context(third.prefix), `${context(first.prefix)}// Path: src/c.ts (lines 1-1)\n// export const C = 3;\n`);
    assert.equal(third.tokens, counter.count(third.prefix) + counter.count(third.suffix));
    // On the next line BM25's new ones get in again, after the last prompt's.
    const next = document.slice(0, document.indexOf('const line41'));
    const fourth = await a.assemble(request({ prefix: next, suffix: document.slice(next.length), line: 41, completionId: 'c4' }));
    assert.ok(context(fourth.prefix).startsWith(context(third.prefix)), fourth.prefix);
    assert.equal(retrieval.requests[3].skipLexical, undefined, 'a new line runs them all');
    assert.match(context(fourth.prefix), /\/\/ Path: src\/b\.ts \(lines 1-1\)\n\/\/ export const B = 2;\n$/);
    // Elsewhere (another line) the prompt order is the plain one again.
    const elsewhere = await a.assemble(request({ line: 30, completionId: 'c5' }));
    assert.ok(elsewhere.prefix.startsWith('// Path: src/a.ts (lines 1-1)\n// export const A = 1;\n// Path: src/b.ts'), elsewhere.prefix);
    // Room for one chunk only: the placed chunk now ranked first displaces the last prompt's.
    const lines = (n: string) => Array.from({ length: 12 }, (_, i) => `export const ${n}${i} = ${i};`).join('\n');
    const small = assembler([retrieved('src/z.ts', 1, lines('Z'))]);
    const before = await small.a.assemble(request({ numCtx: 500, outputReserve: 50 }));
    assert.match(before.prefix, /^\/\/ Path: src\/z\.ts/);
    small.retrieval.chunks = [retrieved('src/b.ts', 1, lines('B'), { placedBy: 'receiver-member' })];
    const after = await small.a.assemble(request({ numCtx: 500, outputReserve: 50, completionId: 'c6' }));
    assert.equal(after.contextChunks, 1);
    assert.match(after.prefix, /^\/\/ Path: src\/b\.ts/);
    assert.ok(after.tokens <= 450);
  });

  it('while typing a line the prompt keeps its first line and its suffix: each prompt is the last one plus the character typed', async () => {
    const long = Array.from({ length: 400 }, (_, i) => `export const value${i} = compute(${i}, "v${i}");`).join('\n');
    const at = long.indexOf('export const value300');
    let clock = 0;
    const { a, retrieval: retrievalOf } = assembler(
      [retrieved('src/math.ts', 1, 'export const PI = 3.14;', { sources: ['imports'] })],
      {},
      {},
      () => clock,
    );
    const typing = 'const answer = compute(42, "typed");';
    const req = (k: number) =>
      request({ prefix: long.slice(0, at) + typing.slice(0, k), suffix: long.slice(at), line: 300, character: k, completionId: `t${k}` });
    let prev = await a.assemble(req(0));
    assert.ok(prev.prefix.length < at, 'the prefix is clipped');
    for (let k = 1; k <= typing.length; k++) {
      const p = await a.assemble(req(k));
      assert.equal(p.prefix, prev.prefix + typing[k - 1], `keystroke ${k}`);
      assert.equal(p.suffix, prev.suffix, `keystroke ${k}`);
      assert.equal(p.tokens, counter.count(p.prefix) + counter.count(p.suffix));
      assert.ok(p.tokens <= 2048 - 128);
      prev = p;
    }
    // Typed past the room left for it the prefix is clipped anew, within the budget.
    const much = 'x'.repeat(600);
    const over = await a.assemble(
      request({ prefix: long.slice(0, at) + much, suffix: long.slice(at), line: 300, character: much.length, completionId: 'over' }),
    );
    assert.ok(over.tokens <= 2048 - 128, `${over.tokens}`);
    assert.equal(over.tokens, counter.count(over.prefix) + counter.count(over.suffix));
    // Back at that line after a pause (another file edited meanwhile, the index changed): planned anew.
    clock += 60_000;
    const back = await a.assemble(req(0));
    assert.equal(retrievalOf.requests.at(-1)!.skipLexical, undefined, 'BM25 runs again after a pause');
    assert.equal(back.tokens, counter.count(back.prefix) + counter.count(back.suffix));
    // Another text at this path with a line more above the cursor (what was at the anchor's line moved): clipped anew.
    const moved = await a.assemble(
      request({
        prefix: `// inserted\n${long.slice(0, at)}${typing}`,
        suffix: long.slice(at),
        line: 301,
        character: typing.length,
        completionId: 'moved',
      }),
    );
    assert.equal(moved.tokens, counter.count(moved.prefix) + counter.count(moved.suffix));
    const short = assembler([]);
    const body = 'export function sum(a: number, b: number) {\n  ';
    await short.a.assemble(request({ prefix: `// first\n${body}`, suffix: '\n}\n', line: 2, character: 2 }));
    const marked = await short.a.assemble(
      request({ prefix: `// MARK\n// first\n${body}`, suffix: '\n}\n', line: 2, character: 2, completionId: 'm' }),
    );
    assert.equal(marked.prefix, `// MARK\n// first\n${body}`, 'a line the anchor would have cut off is kept');
    // The same budget changed (another model's context) clips anew too.
    const smaller = await a.assemble(request({ ...req(typing.length), numCtx: 600, outputReserve: 50, completionId: 'small' }));
    assert.ok(smaller.tokens <= 550, `${smaller.tokens}`);
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
