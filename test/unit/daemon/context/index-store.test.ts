import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chunkText } from '../../../../daemon/context/chunker';
import { CHUNK_SPANS_SQL, IndexStore } from '../../../../daemon/context/index-store';
import { INDEX_MIGRATIONS } from '../../../../daemon/context/index-schema';
import { tempDir } from './helpers';

const SOURCE = Array.from({ length: 40 }, (_, i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`).join('\n');

function filled(file: string): IndexStore {
  const store = new IndexStore(file);
  for (const path of ['src/a.ts', 'src/b.ts']) {
    const chunks = chunkText(SOURCE, 'typescript', { maxLines: 8, maxChars: 400 });
    store.replaceFile({ path, hash: path, size: SOURCE.length, mtimeMs: 1, language: 'typescript' }, chunks, 1);
  }
  return store;
}

describe('context/index-store', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir('index-store')));
  afterEach(() => t.cleanup());

  it("reads chunk spans from the span index, not the chunks' rows, with what the rows say", () => {
    const store = filled(join(t.dir, 'index.db'));
    try {
      const ids = [...store.chunkIdsOf('src/a.ts'), ...store.chunkIdsOf('src/b.ts')];
      assert.ok(ids.length > 4, `${ids.length} chunks`);
      const spans = store.chunkSpans(ids);
      const rows = store.chunks(ids);
      assert.equal(spans.size, ids.length);
      for (const id of ids) {
        const row = rows.get(id)!;
        assert.deepEqual(spans.get(id), { id, path: row.path, startLine: row.startLine, endLine: row.endLine });
      }
      // The plan of the store's statement: the covering index, no visit of the table.
      const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${CHUNK_SPANS_SQL}`).all('[1]') as Array<{ detail: string }>;
      assert.ok(
        plan.some((p) => /COVERING INDEX chunks_span/.test(p.detail)),
        plan.map((p) => p.detail).join('; '),
      );
    } finally {
      store.close();
    }
  });

  it('adds the span index to an index of schema 6 and keeps its files and chunks', () => {
    const file = join(t.dir, 'index.db');
    const before = filled(file);
    const counts = before.counts();
    before.close();
    // What schema 6 wrote: everything but the span index; migration 7 alone (schema 8 empties an index for its new chunk spans).
    const db = new Database(file);
    try {
      db.exec('DROP INDEX chunks_span');
      INDEX_MIGRATIONS[6](db);
      const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      assert.deepEqual({ files: count('files'), chunks: count('chunks') }, counts, 'nothing emptied: the index is derived from the rows');
      assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'chunks_span'").get(), 'the span index is back');
    } finally {
      db.close();
    }
  });
});
