import { strict as assert } from 'node:assert';
import { trimTrailingWhitespace } from '../../../../../extension/completion/filters/trim-trailing-whitespace';
import { at } from './ctx';

describe('filter: trimTrailingWhitespace', () => {
  it('strips spaces at line ends and trailing blank lines', () => {
    assert.equal(trimTrailingWhitespace('a  \n  b\t\n\n\n', at('|')), 'a\n  b');
  });
  it('keeps leading indentation and a leading line break', () => {
    assert.equal(trimTrailingWhitespace('\n    x', at('|')), '\n    x');
  });
});
