import { strict as assert } from 'node:assert';
import { editDistance } from '../../../../extension/tracking/edit-distance';

describe('editDistance', () => {
  it('computes Levenshtein distances', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('same', 'same'), 0);
    assert.equal(editDistance('flaw', 'lawn'), 2);
  });
  it('is symmetric and handles shared prefixes/suffixes', () => {
    assert.equal(editDistance('return a + b;', 'return a - b;'), 1);
    assert.equal(editDistance('return a - b;', 'return a + b;'), 1);
    assert.equal(editDistance('prefix-XYZ-suffix', 'prefix--suffix'), 3);
  });
});
