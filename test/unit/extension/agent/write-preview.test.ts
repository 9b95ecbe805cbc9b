/**
 * A step's writes before approval: text edits applied at LSP positions, before/after
 * texts across several operations on one file, and the unified diff the panel shows
 * (counts, hunks, cut when long).
 */
import assert from 'node:assert/strict';
import { applyTextEdits, diffView, expectedChanges } from '../../../../extension/agent/write-preview';

const at = (line: number, character: number) => ({ line, character });

describe('agent write preview', () => {
  it('applies sorted edits at 0-based line/character positions', () => {
    const text = 'one\ntwo\nthree\n';
    const out = applyTextEdits(text, [
      { range: { start: at(2, 0), end: at(2, 5) }, newText: 'THREE' },
      { range: { start: at(0, 0), end: at(0, 3) }, newText: '1' },
      { range: { start: at(3, 0), end: at(3, 0) }, newText: 'four\n' },
    ]);
    assert.equal(out, '1\ntwo\nTHREE\nfour\n');
  });

  it('before/after texts follow a file through the operations of one step', () => {
    const disk: Record<string, string> = { '/w/a.ts': 'a\n', '/w/b.ts': 'b\n' };
    const changes = expectedChanges(
      [
        { kind: 'modify', path: '/w/a.ts', edits: [{ range: { start: at(0, 0), end: at(0, 1) }, newText: 'A' }], label: 'Edit' },
        { kind: 'rename', path: '/w/b.ts', newPath: '/w/c.ts', label: 'Rename' },
        { kind: 'create', path: '/w/d.ts', text: 'd\n', label: 'Create' },
        { kind: 'delete', path: '/w/a.ts', label: 'Delete' },
      ],
      (p) => disk[p],
    );
    assert.deepEqual(changes, [
      { kind: 'modify', path: '/w/a.ts', before: 'a\n', after: 'A\n' },
      { kind: 'rename', path: '/w/b.ts', newPath: '/w/c.ts', before: 'b\n', after: 'b\n' },
      { kind: 'create', path: '/w/d.ts', after: 'd\n' },
      { kind: 'delete', path: '/w/a.ts', before: 'A\n' },
    ]);
  });

  it('shows a unified diff with counts, and cuts a long one', () => {
    const label = (p: string) => p.replace('/w/', '');
    const view = diffView({ kind: 'modify', path: '/w/m.ts', before: 'a\nb\nc\n', after: 'a\nB\nc\nd\n' }, label);
    assert.equal(view.label, 'm.ts');
    assert.equal(view.added, 2);
    assert.equal(view.removed, 1);
    assert.deepEqual(view.lines, ['@@ -1,3 +1,4 @@', ' a', '-b', '+B', ' c', '+d']);
    assert.equal(view.truncated, 0);

    const big = diffView({ kind: 'create', path: '/w/big.ts', after: Array.from({ length: 50 }, (_, i) => `l${i}`).join('\n') }, label, 10);
    assert.equal(big.added, 50);
    assert.equal(big.lines.length, 10);
    assert.equal(big.truncated, 41);

    const moved = diffView({ kind: 'rename', path: '/w/x.ts', newPath: '/w/y.ts', before: 'same', after: 'same' }, label);
    assert.equal(moved.label, 'x.ts → y.ts');
    assert.deepEqual(moved.lines, []);
  });
});
