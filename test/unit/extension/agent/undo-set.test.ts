/**
 * The undo set of an agent task: files followed across several approved steps
 * (modified twice, created then edited, renamed, deleted, created and deleted), the
 * one plan that restores them, and the refusals when the user changed a file since.
 */
import assert from 'node:assert/strict';
import { UndoSet, type UndoOperation } from '../../../../extension/agent/undo-set';

/** A tiny workspace: path → text; applying an undo plan the way the WorkspaceEdit would. */
function fs(files: Record<string, string>) {
  const state = new Map(Object.entries(files));
  return {
    state,
    env: { read: (p: string) => state.get(p), label: (p: string) => p.replace('/w/', '') },
    apply(ops: UndoOperation[]) {
      for (const op of ops) {
        if (op.kind === 'delete') {
          assert.ok(state.has(op.path), `delete ${op.path} exists`);
          state.delete(op.path);
        } else if (op.kind === 'create') {
          assert.ok(!state.has(op.path), `create ${op.path} is free`);
          state.set(op.path, op.text);
        } else if (op.kind === 'rename') {
          assert.ok(state.has(op.path) && !state.has(op.newPath), `rename ${op.path} -> ${op.newPath}`);
          state.set(op.newPath, state.get(op.path)!);
          state.delete(op.path);
        } else {
          assert.equal(state.get(op.path), op.from, `replace ${op.path} sees the agent's text`);
          state.set(op.path, op.text);
        }
      }
    },
  };
}

describe('agent undo set', () => {
  it('restores every file after several steps approved one at a time', () => {
    const ws = fs({ '/w/a.ts': 'a0', '/w/b.ts': 'b0', '/w/old.ts': 'o0' });
    const set = new UndoSet();
    // Step 1: edit a, create c.
    set.record([
      { kind: 'modify', path: '/w/a.ts', before: 'a0', after: 'a1' },
      { kind: 'create', path: '/w/c.ts', after: 'c1' },
    ]);
    // Step 2: edit a again, edit the new c, delete b, rename old -> new.
    set.record([
      { kind: 'modify', path: '/w/a.ts', before: 'a1', after: 'a2' },
      { kind: 'modify', path: '/w/c.ts', before: 'c1', after: 'c2' },
      { kind: 'delete', path: '/w/b.ts', before: 'b0' },
      { kind: 'rename', path: '/w/old.ts', newPath: '/w/new.ts', before: 'o0', after: 'o0' },
    ]);
    ws.state.set('/w/a.ts', 'a2');
    ws.state.set('/w/c.ts', 'c2');
    ws.state.delete('/w/b.ts');
    ws.state.set('/w/new.ts', 'o0');
    ws.state.delete('/w/old.ts');
    assert.equal(set.steps, 2);

    const plan = set.plan(ws.env);
    assert.ok(plan.ok);
    assert.equal(plan.files, 4);
    ws.apply(plan.operations);
    assert.deepEqual(Object.fromEntries(ws.state), { '/w/a.ts': 'a0', '/w/b.ts': 'b0', '/w/old.ts': 'o0' });
  });

  it('a file created and deleted again, or edited back, leaves nothing to undo', () => {
    const set = new UndoSet();
    set.record([{ kind: 'create', path: '/w/tmp.ts', after: 'x' }]);
    set.record([{ kind: 'delete', path: '/w/tmp.ts', before: 'x' }]);
    set.record([{ kind: 'modify', path: '/w/a.ts', before: 'a0', after: 'a1' }]);
    set.record([{ kind: 'modify', path: '/w/a.ts', before: 'a1', after: 'a0' }]);
    assert.ok(set.isEmpty());
    const plan = set.plan(fs({ '/w/a.ts': 'a0' }).env);
    assert.deepEqual(plan, { ok: true, operations: [], files: 0 });
  });

  it('a file renamed and edited comes back at its old path with its old text; deletions free paths first', () => {
    const ws = fs({ '/w/a.ts': 'a0' });
    const set = new UndoSet();
    set.record([{ kind: 'rename', path: '/w/a.ts', newPath: '/w/b.ts', before: 'a0', after: 'a0' }]);
    set.record([{ kind: 'modify', path: '/w/b.ts', before: 'a0', after: 'b1' }]);
    // The agent then puts a new file where a.ts was.
    set.record([{ kind: 'create', path: '/w/a.ts', after: 'new' }]);
    ws.state.delete('/w/a.ts');
    ws.state.set('/w/b.ts', 'b1');
    ws.state.set('/w/a.ts', 'new');
    const plan = set.plan(ws.env);
    assert.ok(plan.ok);
    ws.apply(plan.operations);
    assert.deepEqual(Object.fromEntries(ws.state), { '/w/a.ts': 'a0' });
  });

  it('a file deleted and created again by the agent is restored to its text before the task', () => {
    const ws = fs({ '/w/a.ts': 'recreated' });
    const set = new UndoSet();
    set.record([{ kind: 'delete', path: '/w/a.ts', before: 'a0' }]);
    set.record([{ kind: 'create', path: '/w/a.ts', after: 'recreated' }]);
    const plan = set.plan(ws.env);
    assert.ok(plan.ok);
    assert.deepEqual(plan.operations, [{ kind: 'replace', path: '/w/a.ts', from: 'recreated', text: 'a0' }]);
  });

  it('refuses, naming each file and with both texts, when the user changed files since', () => {
    const set = new UndoSet();
    set.record([
      { kind: 'modify', path: '/w/a.ts', before: 'a0', after: 'a1' },
      { kind: 'create', path: '/w/c.ts', after: 'c1' },
      { kind: 'delete', path: '/w/b.ts', before: 'b0' },
      { kind: 'modify', path: '/w/ok.ts', before: 'k0', after: 'k1' },
      { kind: 'modify', path: '/w/gone.ts', before: 'g0', after: 'g1' },
    ]);
    // c.ts (created by the agent) the user deleted: nothing to undo there, no conflict.
    const ws = fs({ '/w/a.ts': 'a1 and the user typed', '/w/b.ts': 'user made a new b', '/w/ok.ts': 'k1' });
    const plan = set.plan(ws.env);
    assert.ok(!plan.ok);
    assert.deepEqual(
      plan.conflicts.map((c) => c.reason),
      [
        'a.ts was edited after the agent wrote it.',
        'b.ts exists again (created after the agent removed or moved it).',
        'gone.ts was deleted after the agent wrote it.',
      ],
    );
    assert.equal(plan.conflicts[0]!.expected, 'a1');
    assert.equal(plan.conflicts[0]!.actual, 'a1 and the user typed');
    // Nothing was touched: the workspace is as the user left it.
    assert.equal(ws.state.get('/w/ok.ts'), 'k1');
  });

  it('survives a round trip through JSON and rejects a malformed one', () => {
    const set = new UndoSet();
    set.record([{ kind: 'modify', path: '/w/a.ts', before: 'a0', after: 'a1' }]);
    const back = UndoSet.fromJSON(JSON.parse(JSON.stringify(set)));
    assert.ok(back);
    assert.equal(back.steps, 1);
    assert.equal(back.size(), 4);
    const plan = back.plan(fs({ '/w/a.ts': 'a1' }).env);
    assert.ok(plan.ok);
    assert.deepEqual(plan.operations, [{ kind: 'replace', path: '/w/a.ts', from: 'a1', text: 'a0' }]);
    assert.equal(UndoSet.fromJSON({ files: [{ original: { path: 1 }, current: null }] }), undefined);
    assert.equal(UndoSet.fromJSON('nope'), undefined);
  });
});
