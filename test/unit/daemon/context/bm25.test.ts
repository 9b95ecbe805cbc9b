import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MAX_QUERY_IDENTIFIERS, buildMatch, queryTerms } from '../../../../daemon/context/bm25';
import { IndexStore } from '../../../../daemon/context/index-store';
import { storeDirFor } from '../../../../daemon/context/workspace';
import { copyFixtureRepo, makeEngine, tempDir } from './helpers';

describe('context/bm25', () => {
  it('weights the last lines most and whole identifiers above their parts', () => {
    const terms = queryTerms('const a = parseHttpHeader(line);\nreturn normalizeVector(v);');
    const w = new Map(terms.map((t) => [t.term, t.weight]));
    assert.ok(w.get('normalizevector')! > w.get('parsehttpheader')!, 'later line weighs more');
    assert.ok(w.get('normalizevector')! > w.get('normalize')!, 'whole identifier weighs more than a part');
    assert.equal(w.has('return'), false);
  });

  it('takes at most MAX_QUERY_IDENTIFIERS identifiers, the nearest the end', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `word${i}x`).join(' ') + '\nlastLine';
    const terms = new Set(queryTerms(text).map((t) => t.term));
    assert.ok(terms.has('lastline'));
    assert.ok(terms.has('word999x') && terms.has(`word${1000 - MAX_QUERY_IDENTIFIERS + 1}x`));
    assert.ok(!terms.has(`word${1000 - MAX_QUERY_IDENTIFIERS}x`) && !terms.has('word0x'), 'identifiers further back are left out');
    assert.equal(queryTerms('a1 b2 c3 d4', { maxIdentifiers: 2 }).length, 2);
  });

  it('stops looking terms up once the deadline has passed and queries with what it has', () => {
    let lookups = 0;
    let expired = false;
    const terms = Array.from({ length: 100 }, (_, i) => ({ term: `term${i}`, weight: 1 }));
    const match = buildMatch(terms, {
      docFrequency: () => {
        if (++lookups === 20) expired = true;
        return 1;
      },
      totalDocs: 10,
      expired: () => expired,
    });
    assert.equal(lookups, 31, 'checked every 16 terms');
    assert.match(match, /^"term\d+"( OR "term\d+")*$/);
  });

  it('builds a safe FTS5 expression, drops terms absent from the index and prefers rare ones', () => {
    const df: Record<string, number> = { vector: 90, dotproduct: 1, common: 60 };
    const match = buildMatch(
      [
        { term: 'vector', weight: 1 },
        { term: 'dotproduct', weight: 1 },
        { term: 'common', weight: 5 },
        { term: 'absent', weight: 9 },
        { term: 'bad"quote', weight: 9 },
      ],
      { docFrequency: (t) => df[t] ?? 0, totalDocs: 100, maxTerms: 10 },
    );
    assert.equal(match, '"dotproduct"');
    assert.equal(buildMatch([]), '');
  });

  it('keeps the chosen terms within a postings budget, skipping a heavy term for rarer ones', () => {
    const df: Record<string, number> = { render: 900, widget: 400, layout: 300, padding: 250, margin: 200 };
    // In this order by weight × idf: render first (it is the cursor's own word), then the others.
    const terms = Object.keys(df).map((term, i) => ({ term, weight: i === 0 ? 1000 : 10 - i }));
    const opts = { docFrequency: (t: string) => df[t] ?? 0, totalDocs: 20_000 };
    assert.equal(buildMatch(terms, opts), '"render" OR "widget" OR "layout" OR "padding" OR "margin"');
    // 900 + 400 + 300 = 1600; padding (250) would pass 1,700, margin (200) fits after it is skipped.
    assert.equal(buildMatch(terms, { ...opts, maxPostings: 1800 }), '"render" OR "widget" OR "layout" OR "margin"');
    assert.equal(buildMatch(terms, { ...opts, maxPostings: 800 }), '"widget" OR "layout"');
  });

  describe('ranking on the fixture repository', () => {
    let t: ReturnType<typeof tempDir>;
    let root: string;
    let engine: ReturnType<typeof makeEngine>['engine'];
    before(async () => {
      t = tempDir('bm25');
      root = copyFixtureRepo(t.dir);
      engine = makeEngine(join(t.dir, 'home')).engine;
      await engine.indexRoot(root);
    });
    after(async () => {
      await engine.dispose();
      t.cleanup();
    });

    const top = (store: IndexStore, text: string, k = 3) => {
      const match = buildMatch(queryTerms(text));
      const ids = store.bm25(match, k).map((h) => h.id);
      const rows = store.chunks(ids);
      return ids.map((id) => `${rows.get(id)!.path}:${rows.get(id)!.startLine}`);
    };

    it('finds the chunk defining a split identifier first, then chunks that use it', () => {
      const store = new IndexStore(join(storeDirFor(join(t.dir, 'home'), root), 'index.db'));
      try {
        const hits = top(store, 'http header parse', 5);
        assert.equal(hits[0], 'src/util/strings.ts:6', `got ${hits.join(', ')}`);
        assert.ok(hits.includes('src/app.ts:1'), 'the file using parseHttpHeader ranks too');
        const dot = top(store, 'dotProduct(a, b)', 3);
        assert.equal(dot[0], 'src/math/vector.ts:21', `got ${dot.join(', ')}`);
        assert.equal(dot[1], 'src/geometry/shapes.ts:1', `got ${dot.join(', ')}`);
        const restock = top(store, 'restock_items(inventory, 5)', 1);
        assert.deepEqual(restock, ['py/inventory.py:14']);
      } finally {
        store.close();
      }
    });

    it('search() ranks the definition first and reports its symbols', async () => {
      const { hits, semantic } = await engine.search({ query: 'transformPoint matrix', root, k: 3 });
      assert.equal(hits[0].file, 'src/math/matrix.ts');
      assert.ok(hits[0].symbols.includes('transformPoint'));
      assert.equal(semantic.active, false);
      assert.match(semantic.reason!, /BM25 only/);
    });
  });
});
