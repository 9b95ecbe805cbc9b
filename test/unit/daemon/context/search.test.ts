import assert from 'node:assert/strict';
import type { RetrievedChunk, RetrieveRequest, RetrieveResult } from '../../../../daemon/context/retrieval';
import { searchRoots } from '../../../../daemon/context/search';

const chunk = (root: string, file: string, startLine: number, score: number): RetrievedChunk => ({
  root,
  file,
  language: 'typescript',
  startLine,
  endLine: startLine + 9,
  score,
  sources: ['bm25'],
  placedBy: 'bm25',
  signals: [],
  symbols: [`S${startLine}`],
  text: Array.from({ length: 10 }, (_, i) => `line ${startLine + i}`).join('\n'),
  hash: `${file}${startLine}`,
});

describe('context/search', () => {
  const byRoot: Record<string, RetrievedChunk[]> = {
    '/a': [chunk('/a', 'x.ts', 1, 0.5), chunk('/a', 'y.ts', 1, 0.2)],
    '/b': [chunk('/b', 'z.ts', 20, 0.4), chunk('/b', 'w.ts', 1, 0.5)],
  };
  const requests: RetrieveRequest[] = [];
  const deps = {
    retrieval: {
      retrieve: (req: RetrieveRequest): Promise<RetrieveResult> => {
        requests.push(req);
        const root = req.path.slice(0, 2);
        return Promise.resolve({ root, chunks: byRoot[root].slice(0, req.k), candidates: [], retrievers: [], elapsedMs: 0 });
      },
    },
    roots: {
      require: (root: string) => {
        if (!(root in byRoot)) throw new Error(`${root} is not registered`);
        return { root };
      },
      all: () => [{ root: '/a' }, { root: '/b' }],
      semanticStatus: () => ({ active: false, reason: 'BM25 only' }),
    },
  };
  beforeEach(() => (requests.length = 0));

  it('searches every root in prose mode and merges the hits best first (ties by path), k at most', async () => {
    const r = await searchRoots(deps, { query: 'retry with backoff', k: 3 });
    assert.deepEqual(
      r.hits.map((h) => `${h.root}/${h.file}:${h.startLine}`),
      ['/b/w.ts:1', '/a/x.ts:1', '/b/z.ts:20'],
    );
    assert.equal(r.hits[0].preview, 'line 1\nline 2\nline 3\nline 4\nline 5');
    assert.deepEqual(r.semantic, { active: false, reason: 'BM25 only' });
    assert.deepEqual(
      requests.map((q) => [q.path, q.prefix, q.prose, q.k, q.perFileCap, q.excludeLines]),
      [
        ['/a/.tandem-search-query', 'retry with backoff', true, 3, 3, [0, -1]],
        ['/b/.tandem-search-query', 'retry with backoff', true, 3, 3, [0, -1]],
      ],
    );
  });

  it('searches one root when asked, and rejects a root that is not registered', async () => {
    const r = await searchRoots(deps, { query: 'q', root: '/a' });
    assert.deepEqual(
      r.hits.map((h) => h.file),
      ['x.ts', 'y.ts'],
    );
    await assert.rejects(searchRoots(deps, { query: 'q', root: '/c' }), /not registered/);
  });
});
