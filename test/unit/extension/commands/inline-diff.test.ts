import assert from 'node:assert/strict';
import { displayTexts, lineEditBetween, renderInlineDiff, toDocumentEdit, type LineEdit } from '../../../../extension/commands/inline-diff';

/** Apply a document edit from `toDocumentEdit` to lines, as an editor would. */
function applyTo(doc: string[], regionStart: number, prev: string[], edit: LineEdit): string[] {
  const e = toDocumentEdit(regionStart, prev, edit, '\n');
  const text = doc.join('\n');
  const offset = (p: { line: number; character: number }) => doc.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return (text.slice(0, offset(e.range.start)) + e.text + text.slice(offset(e.range.end))).split('\n');
}

describe('the inline diff', () => {
  const original = ['function f() {', '  let s = 0;', '  return s;', '}'];
  const proposal = ['function f() {', '  return 0;', '}'];

  it('interleaves removed and added lines, the removed run first', () => {
    assert.deepEqual(renderInlineDiff(original, proposal, { streaming: false }), [
      { text: 'function f() {', kind: 'same' },
      { text: '  let s = 0;', kind: 'removed' },
      { text: '  return s;', kind: 'removed' },
      { text: '  return 0;', kind: 'added' },
      { text: '}', kind: 'same' },
    ]);
  });

  it('while streaming, original lines after what has streamed are pending, not removed', () => {
    assert.deepEqual(
      renderInlineDiff(original, ['function f() {'], { streaming: true }).map((l) => l.kind),
      ['same', 'pending', 'pending', 'pending'],
    );
    assert.deepEqual(
      renderInlineDiff(original, ['function f() {'], { streaming: false }).map((l) => l.kind),
      ['same', 'removed', 'removed', 'removed'],
    );
  });

  it('moves a document from one display state to the next with the smallest line edits, ending at the proposal', () => {
    const before = ['// above'];
    const after = ['// below'];
    let doc = [...before, ...original, ...after];
    let shown = [...original];
    const states = [
      renderInlineDiff(original, ['function f() {'], { streaming: true }),
      renderInlineDiff(original, ['function f() {', '  return 0;'], { streaming: true }),
      renderInlineDiff(original, proposal, { streaming: false }),
    ].map(displayTexts);
    for (const next of [...states, proposal]) {
      const edit = lineEditBetween(shown, next);
      if (edit) doc = applyTo(doc, 1, shown, edit);
      shown = next;
      assert.deepEqual(doc, [...before, ...next, ...after]);
    }
    // And back to the original (a reject by edit).
    doc = applyTo(doc, 1, shown, lineEditBetween(shown, original)!);
    assert.deepEqual(doc, [...before, ...original, ...after]);
  });

  it('inserts after the region’s last line and deletes whole lines at its end', () => {
    let doc = ['a', 'b', 'z'];
    doc = applyTo(doc, 0, ['a', 'b'], lineEditBetween(['a', 'b'], ['a', 'b', 'c'])!);
    assert.deepEqual(doc, ['a', 'b', 'c', 'z']);
    doc = applyTo(doc, 0, ['a', 'b', 'c'], lineEditBetween(['a', 'b', 'c'], ['a'])!);
    assert.deepEqual(doc, ['a', 'z']);
    assert.equal(lineEditBetween(['x'], ['x']), undefined);
  });
});
