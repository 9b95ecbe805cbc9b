import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { promptNotes } from '../../../../daemon/memory/prompt-notes';
import { MemoryStore, memoryQuery } from '../../../../daemon/memory/store';
import { migrate } from '../../../../daemon/storage/db';
import { userDbMigrations } from '../../../../daemon/storage/migrations';

function store(max = 3) {
  const db = new Database(':memory:');
  migrate(db, userDbMigrations);
  let t = 1000;
  return new MemoryStore(
    db,
    () => ({ maxActiveNotes: max }),
    () => t++,
  );
}

describe('memory store', () => {
  it('finds notes by BM25 over title, tags and body with identifiers split, per workspace', () => {
    const s = store(10);
    s.add({
      workspace: '/w',
      kind: 'decision',
      title: 'Use parseConfig for settings',
      body: 'Never read JSON by hand.',
      tags: ['config'],
      source: 'user',
    });
    s.add({ workspace: '/w', kind: 'glossary', title: 'SKU', body: 'stock keeping unit', tags: [], source: 'user' });
    s.add({ workspace: '/other', kind: 'decision', title: 'parse config elsewhere', body: '', tags: [], source: 'user' });
    const hits = s.search('/w', 'how do I parse the config file?', { includeArchived: false, limit: 5 });
    assert.deepEqual(
      hits.map((h) => h.note.title),
      ['Use parseConfig for settings'],
    );
    assert.deepEqual(s.search('/w', 'the of and', { includeArchived: false, limit: 5 }), []);
    assert.equal(memoryQuery('"; DROP TABLE x; --'), '"drop" OR "table"');
  });

  it('archives the least recently updated past the limit, keeps them searchable, never sends them', () => {
    const s = store(2);
    const a = s.add({ workspace: '/w', kind: 'todo', title: 'alpha task', body: '', tags: [], source: 'user' });
    s.add({ workspace: '/w', kind: 'todo', title: 'beta task', body: '', tags: [], source: 'user' });
    const c = s.add({ workspace: '/w', kind: 'todo', title: 'gamma task', body: '', tags: [], source: 'agent' });
    assert.deepEqual(c.archivedIds, [a.note.id]);
    assert.equal(s.get(a.note.id)!.archived, true);
    assert.deepEqual(s.relevant('/w', 'alpha', 5), []);
    assert.equal(s.search('/w', 'alpha', { includeArchived: true, limit: 5 })[0]!.note.id, a.note.id);
    assert.deepEqual(s.counts('/w'), { active: 2, archived: 1 });
    assert.throws(() => s.update('missing', { title: 'x' }), /No memory note/);
  });

  it('fits the notes of a prompt into its budget, best first, reporting the ones left out', () => {
    const s = store(10);
    s.add({
      workspace: '/w',
      kind: 'constraint',
      title: 'retry budget',
      body: 'retry at most three times',
      tags: ['retry'],
      source: 'user',
    });
    s.add({ workspace: '/w', kind: 'decision', title: 'retry with backoff', body: 'x'.repeat(2000), tags: [], source: 'user' });
    const count = (t: string) => Math.ceil(t.length / 4);
    const fit = promptNotes(s, { workspace: '/w', query: 'retry', budgetTokens: 120, maxNotes: 5, count });
    assert.deepEqual(
      fit.notes.map((n) => n.title),
      ['retry budget'],
    );
    assert.deepEqual(
      fit.items.map((i) => [i.kind, i.label, i.outcome]),
      [
        ['memory', 'retry budget', 'included'],
        ['memory', 'retry with backoff', 'omitted'],
      ],
    );
    assert.match(fit.text, /## Project memory[\s\S]*\*\*constraint: retry budget\*\* \[retry\]/);
    assert.deepEqual(promptNotes(s, { workspace: '/w', query: 'retry', budgetTokens: 120, maxNotes: 0, count }).items, []);
  });
});
