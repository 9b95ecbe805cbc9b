import { strict as assert } from 'node:assert';
import { allowMultiline } from '../../../../extension/completion/multiline';

describe('allowMultiline', () => {
  it('is single-line in the middle of a line', () => {
    assert.equal(allowMultiline('foo(', 'bar)'), false);
    assert.equal(allowMultiline('const x = ', ' + y;'), false);
  });
  it('is multi-line on a blank line', () => {
    assert.equal(allowMultiline('    ', ''), true);
    assert.equal(allowMultiline('', ''), true);
  });
  it('is multi-line after a block opener, even before closing brackets', () => {
    assert.equal(allowMultiline('function f() {', ''), true);
    assert.equal(allowMultiline('def f():', ''), true);
    assert.equal(allowMultiline('items.map((x) =>', ')'), true);
    assert.equal(allowMultiline('call(', ');'), true);
  });
  it('is single-line at the end of a statement in progress', () => {
    assert.equal(allowMultiline('const total = items.length', ''), false);
  });
});
