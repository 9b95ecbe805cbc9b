import { strict as assert } from 'node:assert';
import { trimToBlock } from '../../../../../extension/completion/filters/trim-to-block';
import { at } from './ctx';

describe('filter: trimToBlock', () => {
  it('stops after the closing brace of the block the cursor line opens', () => {
    const ctx = at('function foo() {|\n');
    const text = '\n  return 1;\n}\n\nfunction bar() {\n  return 2;\n}';
    assert.equal(trimToBlock(text, ctx), '\n  return 1;\n}');
  });
  it('stops before a dedent out of the current block (blank cursor line)', () => {
    const ctx = at('function foo() {\n    |\n}\n');
    const text = 'const a = 1;\n    return a;\n}\nfunction next() {}';
    assert.equal(trimToBlock(text, ctx), 'const a = 1;\n    return a;');
  });
  it('ends a Python block at the next line at the def level', () => {
    const ctx = at('def foo():|', { languageId: 'python' });
    const text = '\n    return 1\n\ndef bar():\n    pass';
    assert.equal(trimToBlock(text, ctx), '\n    return 1\n');
  });
  it('keeps the closing line of a call the cursor line opened', () => {
    const ctx = at('foo(|');
    assert.equal(trimToBlock('\n  a,\n  b\n);\nnext();', ctx), '\n  a,\n  b\n);');
  });
  it('keeps a body that stays inside the block', () => {
    const ctx = at('  if (x) {\n    |\n  }');
    const text = 'y();\n    z();';
    assert.equal(trimToBlock(text, ctx), text);
  });
  it('does nothing to single-line suggestions or when multi-line is off', () => {
    assert.equal(trimToBlock('abc', at('x = |')), 'abc');
    assert.equal(trimToBlock('a\nb', at('x = |', { multiline: false })), 'a\nb');
  });
});
