import { strict as assert } from 'node:assert';
import { closingIndex } from '../../../../../daemon/context/syntax/brackets';

describe('closingIndex', () => {
  it('finds the bracket closing the one at the index, past nested pairs', () => {
    const s = 'f(a, (b, c), g(d))';
    assert.equal(closingIndex(s, 1, '(', ')'), s.length - 1);
    assert.equal(closingIndex(s, 5, '(', ')'), 10);
    assert.equal(closingIndex('map[string][]int', 3, '[', ']'), 10);
  });

  it('counts the character at the index as the opening bracket, whatever it is', () => {
    // go-values' `closing(s, from)` starts after a `(` its pattern matched: s[from - 1].
    assert.equal(closingIndex('x a) b', 0, '(', ')'), 3);
  });

  it("does not close a `<` with an arrow's `>` (`->`, `=>`)", () => {
    assert.equal(closingIndex('<F: Fn(u8) -> u8>', 0, '<', '>'), 16);
    assert.equal(closingIndex('<T extends (x: A) => B>(t: T)', 0, '<', '>'), 22);
  });

  it('returns -1 when the bracket is not closed, or not within max characters', () => {
    assert.equal(closingIndex('(a, (b)', 0, '(', ')'), -1);
    assert.equal(closingIndex('(abcdef)', 0, '(', ')', 5), -1);
    assert.equal(closingIndex('(abcdef)', 0, '(', ')', 8), 7);
    assert.equal(closingIndex('', 0, '(', ')'), -1);
  });
});
