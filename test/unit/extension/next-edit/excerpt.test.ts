import assert from 'node:assert/strict';
import { excerptRange } from '../../../../extension/next-edit/excerpt';

describe('next-edit excerpt', () => {
  it('takes up to maxLines each side of the cursor, clamped to the document', () => {
    assert.deepEqual(
      excerptRange(1_000, 500, () => 10, 120),
      { startLine: 380, endLine: 621 },
    );
    assert.deepEqual(
      excerptRange(30, 2, () => 10, 120),
      { startLine: 0, endLine: 30 },
    );
  });

  it('stops growing before maxChars', () => {
    const r = excerptRange(10_000, 5_000, () => 99, 120, 2_000);
    assert.ok((r.endLine - r.startLine) * 100 <= 2_000);
    assert.ok(r.startLine < 5_000 && r.endLine > 5_001, 'both sides');
  });
});
