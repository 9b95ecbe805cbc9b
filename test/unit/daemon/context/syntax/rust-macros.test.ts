import * as assert from 'node:assert/strict';
import { cursorContext } from '../../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../../daemon/context/syntax/grammars';
import { plainType } from '../../../../../daemon/context/syntax/type-names';
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

  it('`let n = ready!(self.io.poll_read(cx))?;`: the value is what the poll holds, its argument followed as a chain', () => {
    const prefix =
      'impl Conn {\n    fn f(&mut self, cx: &mut Context) {\n        let head = ready!(self.io.poll_head(cx, &mut buf))?;\n        head.';
    assert.deepEqual(member(prefix, '\n    }\n}')?.chain, {
      type: 'Conn',
      steps: [
        { name: 'io', call: false },
        { name: 'poll_head', call: true },
      ],
    });
    // `dbg!` gives back its argument.
    assert.deepEqual(member('fn f(c: &Conn) {\n    let s = dbg!(c.state);\n    s.', '\n}')?.chain, {
      type: 'Conn',
      steps: [{ name: 'state', call: false }],
    });
    // What the declared `Poll<Result<T, E>>` then names: T.
    assert.equal(plainType('Poll<crate::Result<Option<Head>>>'), 'Head');
    // Another macro's value says nothing (`vec![…]` is a Vec, `format!` a String).
    assert.deepEqual(member('fn f(c: &Conn) {\n    let s = format!("{}", c.state);\n    s.', '\n}'), { receiver: 's' });
  });
});
