import assert from 'node:assert/strict';
import { lineChange, textChanges } from '../../../../extension/next-edit/changes';

const change = (sl: number, sc: number, el: number, ec: number, text: string, rangeOffset = 0, rangeLength = 0) => ({
  range: { start: { line: sl, character: sc }, end: { line: el, character: ec } },
  rangeOffset,
  rangeLength,
  text,
});

describe('next-edit document changes', () => {
  it('keeps every change with its lines for the history', () => {
    assert.deepEqual(textChanges([change(2, 4, 3, 0, 'x', 40, 7)]), [
      { rangeOffset: 40, rangeLength: 7, startLine: 2, endLine: 3, text: 'x' },
    ]);
  });

  it('gives the change within a line on its own, and nothing for several or across lines', () => {
    assert.deepEqual(lineChange([change(1, 9, 1, 10, 'count')]), { line: 1, character: 9, removed: 1, text: 'count' });
    assert.equal(lineChange([change(1, 9, 2, 0, '')]), undefined);
    assert.equal(lineChange([change(1, 0, 1, 0, 'a'), change(3, 0, 3, 0, 'b')]), undefined);
  });
});
