import { strict as assert } from 'node:assert';
import { removeSuffixOverlap } from '../../../../../extension/completion/filters/remove-suffix-overlap';
import { at } from './ctx';

describe('filter: removeSuffixOverlap', () => {
  it('removes the rest of the line when the suggestion repeats it', () => {
    assert.equal(removeSuffixOverlap('a, b);', at('foo(|);')), 'a, b');
  });
  it('removes a repeated run of closers', () => {
    assert.equal(removeSuffixOverlap('x + 1)', at('f(g(|) + 2')), 'x + 1');
  });
  it('only touches the first line of a multi-line suggestion', () => {
    assert.equal(removeSuffixOverlap('a) {\n  b();\n}', at('if (|) {')), 'a\n  b();\n}');
  });
  it('leaves the suggestion alone at the end of a line', () => {
    assert.equal(removeSuffixOverlap('foo();', at('x|\nnext')), 'foo();');
  });
  it('leaves non-overlapping text alone', () => {
    assert.equal(removeSuffixOverlap('value', at('const a = |;x')), 'value');
  });
});
