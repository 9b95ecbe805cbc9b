import { strict as assert } from 'node:assert';
import { limitToSingleLine } from '../../../../../extension/completion/filters/limit-to-single-line';
import { at } from './ctx';

describe('filter: limitToSingleLine', () => {
  it('keeps only the first line when multi-line is not allowed', () => {
    assert.equal(limitToSingleLine('foo(a);\nbar();', at('x = |', { multiline: false })), 'foo(a);');
  });
  it('handles CRLF', () => {
    assert.equal(limitToSingleLine('foo(a);\r\nbar();', at('x = |', { multiline: false })), 'foo(a);');
  });
  it('drops a suggestion that starts with a line break', () => {
    assert.equal(limitToSingleLine('\nbar();', at('x = |', { multiline: false })), '');
  });
  it('leaves multi-line suggestions alone where allowed', () => {
    assert.equal(limitToSingleLine('a\nb', at('|', { multiline: true })), 'a\nb');
  });
});
