import { strict as assert } from 'node:assert';
import { runFilters } from '../../../../../extension/completion/filters/pipeline';
import { at } from './ctx';

describe('filter pipeline (golden cases)', () => {
  it('completes a function body and stops at its end', () => {
    const ctx = at('function add(a: number, b: number) {|\n');
    const out = runFilters('\n  return a + b;\n}\n\nfunction sub(a: number, b: number) {\n  return a - b;\n}\n', ctx);
    assert.deepEqual(out, { text: '\n  return a + b;\n}' });
  });
  it('single-line completion inside a call drops the regenerated closer', () => {
    const ctx = at('console.log(|);\nnext();', { multiline: false });
    assert.deepEqual(runFilters('"hello");\nnext();', ctx), { text: '"hello"' });
  });
  it('reports which filter dropped a suggestion', () => {
    const ctx = at('  |\n  return x;\n');
    assert.deepEqual(runFilters('return x;', ctx), { text: '', droppedBy: 'dropRepeatedLines' });
    assert.deepEqual(runFilters('   \n', at('x|')), { text: '', droppedBy: 'trimTrailingWhitespace' });
  });
});
