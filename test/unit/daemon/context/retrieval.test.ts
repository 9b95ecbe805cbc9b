import assert from 'node:assert/strict';
import { parseContextConfig } from '../../../../daemon/context/config';
import type { SemanticStatus, VectorHit } from '../../../../daemon/context/embeddings';
import { MAX_QUERY_IDENTIFIERS } from '../../../../daemon/context/bm25';
import { QUERY_WINDOW_MAX_CHARS, Retrieval, queryWindowOf, type RetrievalIndex } from '../../../../daemon/context/retrieval';
import { memoryIndex, type MemoryIndex } from './memory-index';

describe('context/retrieval', () => {
  let index: MemoryIndex;
  before(() => {
    index = memoryIndex('/repo', {
      'src/geometry.ts': [
        { startLine: 1, text: 'export class Circle {\n  radius = 1;\n}', symbols: ['Circle'] },
        { startLine: 10, text: 'export function circleArea(c: Circle) {\n  return c.radius;\n}', symbols: ['circleArea'] },
      ],
      'src/app.ts': [
        { startLine: 1, text: "import { Circle } from './geometry';" },
        { startLine: 3, text: 'export function circleTwice(c: Circle) {\n  return 2;\n}', symbols: ['circleTwice'] },
      ],
    });
  });
  after(() => index.close());

  const retrieval = (over: { index?: RetrievalIndex; now?: () => number; config?: Parameters<typeof parseContextConfig>[0] } = {}) =>
    new Retrieval({
      config: parseContextConfig(over.config ?? {}),
      roots: { rootOf: (p) => (p.startsWith('/repo/') ? (over.index ?? index) : undefined) },
      now: over.now ?? (() => performance.now()),
    });

  const cursor = { path: '/repo/src/app.ts', languageId: 'typescript', suffix: '', line: 40 };
  const prefix = "import { Circle } from './geometry';\n\nconst c = new Circle();\nconst a = circleArea(c);\n";

  it('fuses the retrievers into ranked chunks, reporting each retriever', async () => {
    const r = await retrieval().retrieve({ ...cursor, prefix });
    assert.equal(r.root, '/repo');
    assert.deepEqual(
      r.retrievers.map((x) => [x.name, x.status]),
      [
        ['vector', 'skipped'],
        ['imports', 'done'],
        ['definitions', 'done'],
        ['bm25', 'done'],
      ],
    );
    assert.equal(r.retrievers[0].reason, 'no embedder in this test');
    assert.deepEqual(r.chunks.map((c) => `${c.file}:${c.startLine}`).slice(0, 2), ['src/geometry.ts:1', 'src/geometry.ts:10']);
    assert.deepEqual(r.chunks[0].sources.slice().sort(), ['bm25', 'definitions', 'imports']);
    assert.equal(r.chunks[0].text, 'export class Circle {\n  radius = 1;\n}');
  });

  it('never returns lines of the current file inside the excluded window', async () => {
    const all = await retrieval().retrieve({ ...cursor, prefix, excludeLines: [0, -1] });
    assert.ok(all.chunks.some((c) => c.file === 'src/app.ts'));
    const r = await retrieval().retrieve({ ...cursor, prefix, excludeLines: [1, 10] });
    assert.ok(!r.chunks.some((c) => c.file === 'src/app.ts'));
  });

  it('skips the synchronous retrievers once the deadline has passed', async () => {
    let t = 0;
    // Every clock read moves time on by 10 ms: the first retriever starts in time, the others do not.
    const r = await retrieval({ now: () => (t += 10) }).retrieve({ ...cursor, prefix, deadlineMs: 25 });
    assert.deepEqual(
      r.retrievers.map((x) => [x.name, x.status]),
      [
        ['vector', 'skipped'],
        ['imports', 'done'],
        ['definitions', 'timeout'],
        ['bm25', 'timeout'],
      ],
    );
    assert.equal(r.retrievers[2].reason, 'deadline passed before it could start');
  });

  it('skips the fused retrievers when the placed definitions fill every slot (they could not change the result)', async () => {
    // Circle is imported and not used yet: the imports retriever places its class first.
    const typing = { ...cursor, prefix: "import { Circle } from './geometry';\n\nconst c = new " };
    const one = await retrieval().retrieve({ ...typing, k: 1 });
    assert.deepEqual(
      one.retrievers.map((x) => [x.name, x.status]),
      [
        ['vector', 'skipped'],
        ['imports', 'done'],
        ['definitions', 'skipped'],
        ['bm25', 'skipped'],
      ],
    );
    assert.equal(one.retrievers[3].reason, 'the placed definitions fill every slot (1)');
    const more = await retrieval().retrieve({ ...typing, k: 5 });
    assert.equal(more.retrievers[3].status, 'done', 'with free slots the fused ranking runs');
    assert.deepEqual(
      one.chunks.map((c) => `${c.file}:${c.startLine}`),
      more.chunks.slice(0, 1).map((c) => `${c.file}:${c.startLine}`),
    );
    assert.equal(one.chunks[0].placedBy, 'unused-import');
  });

  it('caps the query at its last lines and 4,000 characters, cut at an identifier boundary', () => {
    assert.equal(queryWindowOf('a\nb\nc\nd', 2), 'c\nd');
    const line = Array.from({ length: 2000 }, (_, i) => `name${i}`).join(' ');
    const w = queryWindowOf(line, 12);
    assert.ok(w.length <= QUERY_WINDOW_MAX_CHARS);
    assert.ok(line.endsWith(w));
    assert.match(w, /^ ?name\d+ /, 'no identifier cut in half at the start');
    assert.ok(line.includes(` ${w.trimStart().split(' ')[0]} `), 'the first word is a whole identifier of the line');
  });

  it('a 1.9 MB prefix without a newline costs a bounded number of index lookups, and its deadline holds inside the loops', async () => {
    const huge = Array.from({ length: 170_000 }, (_, i) => `ident${i}Zq`).join(' ');
    // Every index lookup counts, and (for the second run) costs 1 ms of the clock.
    let lookups = 0;
    let clock = 0;
    const lookup = () => {
      lookups++;
      clock++;
    };
    const counted: RetrievalIndex = {
      ...index,
      store: Object.assign(Object.create(index.store) as typeof index.store, {
        docFrequency: (t: string) => (lookup(), index.store.docFrequency(t)),
        definitions: (n: string, limit?: number) => (lookup(), index.store.definitions(n, limit)),
      }),
    };
    const r = await retrieval({ index: counted }).retrieve({ ...cursor, prefix: huge });
    assert.deepEqual(
      r.retrievers.map((x) => [x.name, x.status]),
      [
        ['vector', 'skipped'],
        ['imports', 'done'],
        ['definitions', 'done'],
        ['bm25', 'done'],
      ],
    );
    // Each identifier gives at most 3 terms here (whole, "ident", "zq"; digits are not terms); 16 definition lookups.
    assert.ok(lookups <= MAX_QUERY_IDENTIFIERS * 3 + 16, `${lookups} lookups`);

    // A deadline passing while a retriever runs stops its loop there, not after the whole query.
    lookups = 0;
    clock = 0;
    const late = await retrieval({ index: counted, now: () => clock }).retrieve({ ...cursor, prefix: huge, deadlineMs: 40 });
    assert.ok(lookups <= 40 + 16, `the deadline stopped the lookups (${lookups})`);
    assert.match(late.retrievers.find((x) => x.name === 'bm25')?.reason ?? '', /^deadline (reached|passed)/);
  });

  /** The index with embeddings active and a vector search that counts its queries (and finds geometry.ts:10). */
  function countingVectors() {
    const hash = index.store.chunks([index.id('src/geometry.ts', 10)]).get(index.id('src/geometry.ts', 10))!.hash;
    const counted = { searched: 0 };
    const active: SemanticStatus = { active: true, embedded: 4, total: 4 };
    const semantic = {
      ...index,
      vectors: {
        status: () => active,
        search: (): Promise<VectorHit[]> => (counted.searched++, Promise.resolve([{ hash, distance: 0.1 }])),
      },
    };
    return { semantic, counted };
  }

  it('runs only the syntax retrievers when asked to skip BM25 and embeddings, saying why', async () => {
    const { semantic, counted } = countingVectors();
    const r = await retrieval({ index: semantic }).retrieve({ ...cursor, prefix, skipLexical: 'typing here' });
    assert.deepEqual(
      r.retrievers.map((x) => [x.name, x.status, x.reason]),
      [
        ['vector', 'skipped', 'typing here'],
        ['imports', 'done', undefined],
        ['definitions', 'done', undefined],
        ['bm25', 'skipped', 'typing here'],
      ],
    );
    assert.equal(counted.searched, 0, 'no query embedded');
    assert.ok(r.chunks.every((c) => !c.sources.includes('bm25') && !c.sources.includes('vector')));
    assert.equal(r.chunks[0].file, 'src/geometry.ts', 'the imported definitions still come');
  });

  it('skips only the vector search when asked to (no query goes to the embedding model), saying why', async () => {
    const { semantic, counted } = countingVectors();
    const r = await retrieval({ index: semantic }).retrieve({ ...cursor, prefix, skipVector: 'warming up' });
    const runs = Object.fromEntries(r.retrievers.map((x) => [x.name, [x.status, x.reason]]));
    assert.deepEqual(runs.vector, ['skipped', 'warming up']);
    assert.equal(runs.bm25[0], 'done');
    assert.equal(counted.searched, 0, 'no query embedded');
  });

  it('adds the vector hits when the search finishes in time, and reports a search that failed', async () => {
    const hash = index.store.chunks([index.id('src/geometry.ts', 10)]).get(index.id('src/geometry.ts', 10))!.hash;
    const active: SemanticStatus = { active: true, embedded: 4, total: 4 };
    const good = {
      ...index,
      vectors: { status: () => active, search: (): Promise<VectorHit[]> => Promise.resolve([{ hash, distance: 0.1 }]) },
    };
    const r = await retrieval({ index: good }).retrieve({ ...cursor, prefix });
    assert.deepEqual(r.retrievers.find((x) => x.name === 'vector')!.hits, 1);
    assert.ok(r.chunks.find((c) => c.startLine === 10)!.sources.includes('vector'));

    const failing = { ...index, vectors: { status: () => active, search: () => Promise.reject(new Error('embed backend down')) } };
    const f = await retrieval({ index: failing }).retrieve({ ...cursor, prefix });
    const run = f.retrievers.find((x) => x.name === 'vector')!;
    assert.equal(run.status, 'error');
    assert.equal(run.reason, 'embed backend down');
    assert.ok(f.chunks.length > 0, 'the lexical retrievers still answer');
  });

  it('returns nothing for a document outside every root, or when the engine is disabled', async () => {
    assert.deepEqual((await retrieval().retrieve({ ...cursor, path: '/elsewhere/x.ts', prefix })).chunks, []);
    assert.deepEqual((await retrieval({ config: { enabled: false } }).retrieve({ ...cursor, prefix })).chunks, []);
  });
});
