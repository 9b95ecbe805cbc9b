import { strict as assert } from 'node:assert';
import { balanceBrackets, openBrackets } from '../../../../../extension/completion/filters/balance-brackets';
import { at } from './ctx';

describe('filter: balanceBrackets', () => {
  it('keeps a closer that closes a bracket opened in the prefix', () => {
    assert.equal(balanceBrackets('a, b)', at('foo(|\n')), 'a, b)');
  });
  it('cuts a closer the document already has right after the cursor', () => {
    assert.equal(balanceBrackets('a, b);', at('foo(|)')), 'a, b');
  });
  it('cuts at a closer that matches nothing', () => {
    assert.equal(balanceBrackets('x = 1;\n}\n}', at('function f() {\n  |\n')), 'x = 1;\n}');
  });
  it('cuts at a closer of the wrong kind', () => {
    assert.equal(balanceBrackets('a]', at('foo(|')), 'a');
  });
  it('ignores brackets inside strings and comments', () => {
    assert.equal(balanceBrackets('")" + x // )\n', at('log(|\n')), '")" + x // )\n');
    assert.deepEqual(openBrackets('f("(", \'[\' // {\n'), ['(']);
  });
  it('treats # as a comment only in languages that use it', () => {
    assert.deepEqual(openBrackets('x = ( # )\n', true), ['(']);
    assert.deepEqual(openBrackets('this.#p(a)', false), []);
  });
  it('keeps balanced suggestions intact', () => {
    const text = 'if (a) {\n  b([1, 2]);\n}';
    assert.equal(balanceBrackets(text, at('|')), text);
  });
});
