import * as assert from 'node:assert/strict';
import { cursorContext } from '../../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../../daemon/context/syntax/grammars';
import { TEST_PARSE_BUDGET_MS } from '../memory-index';

describe('context/syntax/rust-closure-sites: where an untyped closure parameter is passed', function () {
  this.timeout(60_000);
  before(async () => assert.ok((await loadGrammar('rust')).ok));
  const chain = (prefix: string, suffix = ');\n}') => cursorContext(prefix, suffix, 'rust', TEST_PARSE_BUDGET_MS).member?.chain;

  it('a method of a typed receiver, a free function, `Type::f`: the callee, the argument and the parameter position', () => {
    assert.deepEqual(chain('fn f(p: &Pool) {\n    p.with_first(|st| st.'), {
      param: { of: { type: 'Pool', steps: [{ name: 'with_first', call: false }], via: 'annotation' }, arg: 0, index: 0 },
      steps: [],
    });
    assert.deepEqual(chain('fn f() {\n    scoped(3, |n, g| g.'), {
      param: { of: { callee: 'scoped', steps: [] }, arg: 1, index: 1 },
      steps: [],
    });
    assert.deepEqual(chain('fn f() {\n    Pool::each(|c| c.')?.param?.of, { type: 'Pool', steps: [{ name: 'each', call: false }] });
  });

  it("an Option's or Result's combinator gives the closure what it holds, as an iterator adapter gives an element", () => {
    const prefix = 'impl W {\n    fn f(&self) -> bool {\n        self.builder.as_ref().is_some_and(|b| b.';
    assert.deepEqual(chain(prefix, ')\n    }\n}'), { type: 'W', steps: [{ name: 'builder', call: false, element: true }] });
  });

  it('a typed closure parameter keeps its annotation', () => {
    assert.equal(cursorContext('fn f() {\n    scoped(3, |n, g: &Guard| g.', ');\n}', 'rust', TEST_PARSE_BUDGET_MS).member?.type, 'Guard');
  });
});
