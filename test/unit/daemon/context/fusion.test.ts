import assert from 'node:assert/strict';
import { fuse, type FusionMeta, type FusionOptions } from '../../../../daemon/context/fusion';

const opts: FusionOptions = {
  rrfK: 60,
  weights: { bm25: 1, vector: 1, definitions: 1.5, imports: 1.5 },
  boosts: { importedFile: 1.3, openFile: 1.25, recentFile: 1.15, sameDir: 1.1 },
  perFileCap: 2,
  limit: 10,
};

function meta(entries: Array<[number, string, number, number]>): Map<number, FusionMeta> {
  return new Map(entries.map(([id, path, startLine, endLine]) => [id, { path, startLine, endLine }]));
}

describe('context/fusion', () => {
  const m = meta([
    [1, 'src/a.ts', 1, 10],
    [2, 'src/b.ts', 1, 10],
    [3, 'lib/c.ts', 1, 10],
    [4, 'lib/c.ts', 11, 20],
    [5, 'lib/c.ts', 21, 30],
    [6, 'src/cur.ts', 1, 10],
    [7, 'src/cur.ts', 200, 210],
  ]);

  it('adds reciprocal ranks across sources: found by two retrievers beats first in one', () => {
    const out = fuse({ bm25: [1, 2], vector: [3, 2] }, m, {}, opts);
    assert.equal(out[0].id, 2);
    assert.deepEqual(out[0].sources, ['bm25', 'vector']);
    assert.ok(Math.abs(out[0].score - (1 / 62 + 1 / 62)) < 1e-12);
  });

  it('applies source weights', () => {
    const out = fuse({ bm25: [1], definitions: [3] }, m, {}, opts);
    assert.deepEqual(
      out.map((c) => c.id),
      [3, 1],
    );
  });

  it('boosts imported files, open and recent files and the same folder, and says so', () => {
    const base = fuse({ bm25: [3, 1, 2] }, m, {}, opts);
    assert.deepEqual(
      base.map((c) => c.id),
      [3, 1, 2],
    );
    const boosted = fuse(
      { bm25: [3, 1, 2] },
      m,
      { currentPath: 'src/cur.ts', importedFiles: new Set(['src/b.ts']), openFiles: new Set(['src/b.ts']) },
      opts,
    );
    assert.equal(boosted[0].id, 2);
    assert.deepEqual(boosted[0].signals, ['imported-file', 'open-file', 'same-dir']);
    assert.deepEqual(boosted.find((c) => c.id === 1)!.signals, ['same-dir']);
    assert.deepEqual(boosted.find((c) => c.id === 3)!.signals, []);
  });

  it('excludes the window around the cursor in the current file but keeps the rest of it', () => {
    const out = fuse({ bm25: [6, 7, 1] }, m, { currentPath: 'src/cur.ts', excludeLines: [1, 40] }, opts);
    // 6 overlaps the window; 7 (far below the cursor) stays; 1 is boosted as a same-folder file.
    assert.deepEqual(
      out.map((c) => c.id),
      [1, 7],
    );
  });

  it('caps chunks per file and in total, marking the rest as capped', () => {
    const out = fuse({ bm25: [3, 4, 5, 1] }, m, {}, { ...opts, limit: 3 });
    assert.deepEqual(
      out.filter((c) => !c.capped).map((c) => c.id),
      [3, 4, 1],
    );
    assert.equal(out.find((c) => c.id === 5)!.capped, true);
  });

  it('is deterministic: ties break by path then line, whatever the input order', () => {
    const a = fuse({ bm25: [5], vector: [4] }, m, {}, opts).map((c) => c.id);
    const b = fuse({ vector: [4], bm25: [5] }, m, {}, opts).map((c) => c.id);
    assert.deepEqual(a, [4, 5]);
    assert.deepEqual(a, b);
  });

  it('ignores ids without metadata (deleted since) and duplicates within a list', () => {
    const out = fuse({ bm25: [99, 1, 1, 2] }, m, {}, opts);
    assert.deepEqual(
      out.map((c) => c.id),
      [1, 2],
    );
    assert.ok(Math.abs(out[0].score - 1 / 61) < 1e-12);
  });

  it('puts placed chunks first in their order, past the per-file cap, each saying what placed it', () => {
    const out = fuse(
      { imports: [5, 3, 4], bm25: [1, 2, 3] },
      m,
      {
        placed: new Map([
          [5, 'receiver-member'],
          [3, 'receiver-member'],
          [4, 'unused-import'],
        ]),
      },
      opts,
    );
    // Chunk 3 is also a BM25 hit and outscores 5 by fused score; placement order wins, and all three
    // from lib/c.ts come through the per-file cap of 2.
    assert.deepEqual(
      out.filter((c) => !c.capped).map((c) => c.id),
      [5, 3, 4, 1, 2],
    );
    assert.deepEqual(
      out.map((c) => c.placedBy),
      ['receiver-member', 'receiver-member', 'unused-import', 'bm25', 'bm25'],
    );
    assert.deepEqual(out[0].signals, ['receiver-member']);
  });

  it('says which source placed an unplaced candidate: the one that gave it the most', () => {
    const out = fuse({ bm25: [1, 2], definitions: [2] }, m, {}, opts);
    assert.deepEqual(
      out.map((c) => [c.id, c.placedBy]),
      [
        [2, 'definitions'],
        [1, 'bm25'],
      ],
    );
  });
});
