import { strict as assert } from 'node:assert';
import { typeThrough } from '../../../../extension/completion/typing-through';

const shown = { path: '/a.ts', prefix: 'const x = ', suffix: ';\n', text: 'compute(1, 2)' };

describe('typeThrough', () => {
  it('offers the rest while the user types the suggestion', () => {
    assert.deepEqual(typeThrough(shown, { path: '/a.ts', prefix: 'const x = comp', suffix: ';\n' }), { typed: 'comp', rest: 'ute(1, 2)' });
  });
  it('returns the whole suggestion at the anchor itself', () => {
    assert.equal(typeThrough(shown, { path: '/a.ts', prefix: 'const x = ', suffix: ';\n' })?.rest, 'compute(1, 2)');
  });
  it('gives up when the user deviates', () => {
    assert.equal(typeThrough(shown, { path: '/a.ts', prefix: 'const x = cx', suffix: ';\n' }), undefined);
  });
  it('gives up when the text after the cursor or the file changed, or the prefix shrank', () => {
    assert.equal(typeThrough(shown, { path: '/a.ts', prefix: 'const x = co', suffix: ');\n' }), undefined);
    assert.equal(typeThrough(shown, { path: '/b.ts', prefix: 'const x = co', suffix: ';\n' }), undefined);
    assert.equal(typeThrough(shown, { path: '/a.ts', prefix: 'const x =', suffix: ';\n' }), undefined);
  });
  it('stops when everything was typed', () => {
    assert.equal(typeThrough(shown, { path: '/a.ts', prefix: 'const x = compute(1, 2)', suffix: ';\n' }), undefined);
  });
  it('needs a shown suggestion', () => {
    assert.equal(typeThrough(undefined, { path: '/a.ts', prefix: '', suffix: '' }), undefined);
  });
});
