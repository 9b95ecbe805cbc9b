import * as assert from 'node:assert/strict';
import { cursorContext } from '../../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../../daemon/context/syntax/grammars';
import { TEST_PARSE_BUDGET_MS } from '../memory-index';

describe("context/syntax/rust-macros: a member access inside a macro's arguments", function () {
  this.timeout(60_000);
  before(async () => assert.ok((await loadGrammar('rust')).ok));
  const member = (prefix: string, suffix: string) => cursorContext(prefix, suffix, 'rust', TEST_PARSE_BUDGET_MS).member;

  it('`self.state.` in a logging macro: the field of the impl type, as outside a macro', () => {
    const prefix = 'impl Conn {\n    fn f(&self) {\n        debug!("state {:?}", self.state.';
    assert.deepEqual(member(prefix, ');\n    }\n}'), {
      receiver: 'self.state',
      chain: { type: 'Conn', steps: [{ name: 'state', call: false }] },
    });
    // While the member's name is being typed too.
    assert.deepEqual(member(`${prefix}re`, ');\n    }\n}')?.chain, { type: 'Conn', steps: [{ name: 'state', call: false }] });
  });

  it('a typed parameter, then a method and a field (`assert_eq!(c.reader().buf.`)', () => {
    assert.deepEqual(member('fn f(c: &Conn) {\n    assert_eq!(c.reader().buf.', ', 1);\n}')?.chain, {
      type: 'Conn',
      steps: [
        { name: 'reader', call: true },
        { name: 'buf', call: false },
      ],
    });
  });

  it('a field typed by a type parameter inside a macro keeps the bounds in scope', () => {
    const prefix = 'impl<W: Write> Printer<W> {\n    fn f(&self) {\n        write!(f, "{}", self.out.';
    assert.deepEqual(member(prefix, ');\n    }\n}')?.bounds, { W: 'Write' });
  });

  it('a name the document does not type is a chain for the index to finish, as in a call outside a macro', () => {
    const chain = { head: 'conn', steps: [{ name: 'io', call: false }] };
    assert.deepEqual(member('fn f() {\n    trace!("{}", conn.io.', ');\n}')?.chain, chain);
    assert.deepEqual(member('fn f() {\n    g(conn.io.', ');\n}')?.chain, chain);
  });
});
