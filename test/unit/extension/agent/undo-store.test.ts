/**
 * Undo sets kept across reloads: saved and loaded by task, marked undone, the newest
 * task not undone, bounded by task count and by the characters kept.
 */
import assert from 'node:assert/strict';
import { MAX_TASKS, WorkspaceUndoStore } from '../../../../extension/agent/undo-store';
import { UndoSet } from '../../../../extension/agent/undo-set';

function store() {
  let value: unknown;
  return new WorkspaceUndoStore({ get: () => value, set: (v) => (value = JSON.parse(JSON.stringify(v))) });
}

const setOf = (path: string, size = 1) => {
  const s = new UndoSet();
  s.record([{ kind: 'modify', path, before: 'b'.repeat(size), after: 'a' }]);
  return s;
};

describe('agent undo store', () => {
  it('saves, loads, marks undone and finds the newest task to undo', () => {
    const s = store();
    assert.equal(s.latest(), undefined);
    s.save('t1', 'first', setOf('/w/a.ts'));
    s.save('t2', 'second', setOf('/w/b.ts'));
    assert.equal(s.latest(), 't2');
    assert.equal(s.load('t1')?.set.tracked()[0]?.original?.path, '/w/a.ts');
    s.markUndone('t2');
    assert.equal(s.load('t2')?.undone, true);
    assert.equal(s.latest(), 't1');
    assert.equal(s.load('nope'), undefined);
  });

  it('keeps the last tasks only and drops the oldest when the texts are too large', () => {
    const s = store();
    for (let i = 0; i < MAX_TASKS + 3; i++) s.save(`t${i}`, 'x', setOf(`/w/${i}.ts`));
    assert.equal(s.load('t0'), undefined);
    assert.ok(s.load(`t${MAX_TASKS + 2}`));
    const big = store();
    big.save('old', 'x', setOf('/w/a.ts', 5_000_000));
    big.save('new', 'x', setOf('/w/b.ts', 5_000_000));
    assert.equal(big.load('old'), undefined, 'the oldest goes first');
    assert.ok(big.load('new'));
  });
});
