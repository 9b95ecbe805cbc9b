import * as assert from 'node:assert/strict';
import { headerBounds } from '../../../../../daemon/context/syntax/rust-generics';
import { cursorContext } from '../../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../../daemon/context/syntax/grammars';
import { TEST_PARSE_BUDGET_MS } from '../memory-index';

describe('context/syntax/rust-generics: the bounds of the type parameters in scope', function () {
  this.timeout(60_000);
  before(async () => assert.ok((await loadGrammar('rust')).ok));

  it('from the impl, its where clause and the function, inner first; lifetimes and ?Sized are not bounds', () => {
    const prefix =
      "impl<'a, I: Read + Write, B: ?Sized + Body, T> Conn<'a, I, B, T>\nwhere\n    T: Transaction,\n{\n    fn f<I: Sink>(&self) {\n        self.io.";
    assert.deepEqual(cursorContext(prefix, '\n    }\n}\n', 'rust', TEST_PARSE_BUDGET_MS).member?.bounds, {
      I: 'Sink',
      B: 'Body',
      T: 'Transaction',
    });
  });

  it('`T::` on a type parameter is its bound (the trait whose associated functions follow); a type of that name is not', () => {
    const inImpl = 'impl<T: Transaction> Conn<T> {\n    fn f(&self) {\n        T::';
    assert.deepEqual(cursorContext(inImpl, '\n    }\n}\n', 'rust', TEST_PARSE_BUDGET_MS).member, {
      receiver: 'T',
      type: 'Transaction',
      via: 'annotation',
    });
    const inWhere = 'fn f<T>(x: u8)\nwhere\n    T: Transaction,\n{\n    T::';
    assert.equal(cursorContext(inWhere, '\n}\n', 'rust', TEST_PARSE_BUDGET_MS).member?.type, 'Transaction');
    assert.deepEqual(cursorContext('fn f() {\n    Conn::', '\n}\n', 'rust', TEST_PARSE_BUDGET_MS).member, { receiver: 'Conn' });
  });

  it('an impl header line read from the text (above the parsed window)', () => {
    assert.deepEqual(headerBounds("impl<'a, M: Matcher, W: io::Write + Send, X> StandardImpl<'a, M, W> {"), { M: 'Matcher', W: 'Write' });
    assert.deepEqual(headerBounds('impl Printer {'), {});
  });
});
