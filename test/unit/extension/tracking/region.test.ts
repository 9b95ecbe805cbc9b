import { strict as assert } from 'node:assert';
import { applyChange } from '../../../../extension/tracking/region';

const r = { start: 10, end: 20 };

describe('applyChange (retention region)', () => {
  it('shifts with edits before it', () => {
    assert.deepEqual(applyChange(r, { offset: 0, removedLength: 0, insertedLength: 5 }), { start: 15, end: 25 });
    assert.deepEqual(applyChange(r, { offset: 2, removedLength: 4, insertedLength: 0 }), { start: 6, end: 16 });
  });
  it('ignores edits after it, including insertions at its end', () => {
    assert.deepEqual(applyChange(r, { offset: 20, removedLength: 0, insertedLength: 3 }), r);
    assert.deepEqual(applyChange(r, { offset: 30, removedLength: 2, insertedLength: 0 }), r);
  });
  it('grows and shrinks with edits inside', () => {
    assert.deepEqual(applyChange(r, { offset: 12, removedLength: 0, insertedLength: 4 }), { start: 10, end: 24 });
    assert.deepEqual(applyChange(r, { offset: 12, removedLength: 3, insertedLength: 1 }), { start: 10, end: 18 });
  });
  it('absorbs overlapping replacements', () => {
    assert.deepEqual(applyChange(r, { offset: 5, removedLength: 10, insertedLength: 2 }), { start: 5, end: 12 });
    assert.deepEqual(applyChange(r, { offset: 15, removedLength: 10, insertedLength: 1 }), { start: 10, end: 16 });
    assert.deepEqual(applyChange(r, { offset: 0, removedLength: 30, insertedLength: 0 }), { start: 0, end: 0 });
  });
});
