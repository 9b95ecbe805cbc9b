import { strict as assert } from 'node:assert';
import { dropWhitespaceOnly } from '../../../../../extension/completion/filters/drop-whitespace-only';
import { at } from './ctx';

describe('filter: dropWhitespaceOnly', () => {
  it('drops whitespace-only suggestions', () => {
    assert.equal(dropWhitespaceOnly('  \n\t\n', at('|')), '');
    assert.equal(dropWhitespaceOnly('', at('|')), '');
  });
  it('keeps anything with content', () => {
    assert.equal(dropWhitespaceOnly('  x', at('|')), '  x');
  });
});
