import assert from 'node:assert/strict';
import { contentHash } from '../../../shared/hash';

describe('contentHash', () => {
  it('is the SHA-256 of the text and ignores a leading BOM', () => {
    assert.equal(contentHash('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(contentHash('\ufeffabc'), contentHash('abc'));
    assert.notEqual(contentHash('abc\n'), contentHash('abc'));
  });
});
