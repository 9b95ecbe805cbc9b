import { strict as assert } from 'node:assert';
import { dropRepeatedLines } from '../../../../../extension/completion/filters/drop-repeated-lines';
import { at } from './ctx';

describe('filter: dropRepeatedLines', () => {
  it('drops a suggestion that only repeats the next lines (blank cursor line)', () => {
    const ctx = at('function f() {\n  |\n  return x;\n}');
    assert.equal(dropRepeatedLines('return x;\n}', ctx), '');
  });
  it('cuts the tail that repeats the following lines and keeps the new part', () => {
    const ctx = at('function f() {\n  |\n  return x;\n}');
    assert.equal(dropRepeatedLines('const x = 1;\n  return x;\n}', ctx), 'const x = 1;');
  });
  it('keeps the completion of the cursor line when only later lines repeat', () => {
    const ctx = at('const a = |\nconsole.log(a);');
    assert.equal(dropRepeatedLines('1;\nconsole.log(a);', ctx), '1;');
  });
  it('ignores whitespace differences and blank lines when comparing', () => {
    const ctx = at('|\n\n    foo();\n');
    assert.equal(dropRepeatedLines('  foo();  ', ctx), '');
  });
  it('keeps suggestions that add something new', () => {
    const ctx = at('|\nfoo();');
    assert.equal(dropRepeatedLines('bar();', ctx), 'bar();');
  });
  it('keeps everything at the end of the document', () => {
    assert.equal(dropRepeatedLines('x();\ny();', at('start|')), 'x();\ny();');
  });
});
