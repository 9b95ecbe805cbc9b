import assert from 'node:assert/strict';
import { enclosingFunctionName, kindMismatch, memberPosition, positionKind } from '../../../../daemon/context/cursor-position';

describe('context/cursor-position', () => {
  it('reads whether the cursor takes a type, a value or either, per language', () => {
    const cases: Array<[string, string, string]> = [
      ['typescript', 'function f(a: ', 'type'],
      ['typescript', 'function f(): ', 'type'],
      ['typescript', 'class A extends ', 'type'],
      ['typescript', 'const xs: Array<', 'type'],
      ['typescript', 'const o = { key: ', 'any'], // an object literal's value, not an annotation
      ['typescript', "it('x', async () => {\n  let err: ", 'type'], // `=> {` opens a body, not an object
      ['typescript', 'const f = () => ({ key: ', 'any'],
      ['typescript', 'const v = ', 'value'],
      ['typescript', '  return ', 'value'],
      ['typescript', '  ', 'any'],
      ['python', 'def f(a) -> ', 'type'],
      ['python', 'def f(a: ', 'type'],
      ['python', 'x: Optional[', 'type'],
      ['python', '    y = ', 'value'],
      ['python', '    raise ', 'value'],
      ['rust', 'fn f(a: ', 'type'],
      ['rust', 'fn f() -> ', 'type'],
      ['rust', '    let v = ', 'value'],
      ['java', 'class A implements ', 'type'],
      ['java', '    List<', 'type'],
      ['java', '    return ', 'value'],
      ['go', 'x := ', 'value'],
      ['go', 'func init() {\n\t', 'statement'],
      ['go', 'func (c *', 'type'],
      ['typescript', '  throw new ', 'class'],
      ['typescript', 'if (err instanceof ', 'class'],
      ['java', '    Foo f = new ', 'class'],
      // An index and a computed key take a key; an array literal does not.
      ['typescript', 'const s = (node as Stash)[', 'key'],
      ['typescript', 'if (!added[cssClassName[', 'key'],
      ['typescript', 'list.forEach(({ [', 'key'],
      ['typescript', 'const xs = [', 'any'],
      // The next operand of a union or intersection of types; not a bitwise operator's.
      ['typescript', 'const f = (part: string): TokenHeader | ', 'type'],
      ['typescript', '} & ', 'type'],
      ['typescript', 'type A = B | ', 'type'],
      ['typescript', '  | ', 'type'],
      ['typescript', 'function f<T extends Base & ', 'type'],
      ['typescript', 'const mask = flags | ', 'any'],
      ['typescript', 'const both = a & ', 'any'],
      // The key of an object type takes a type; an object literal's, after `||` too, a value.
      ['typescript', 'type Bindings = {\n  event: LambdaEvent\n  lambdaContext: ', 'type'],
      ['typescript', 'const o = x as {\n  key: ', 'type'],
      ['typescript', 'type A = B & {\n  key: ', 'type'],
      ['typescript', 'const o = x || {\n  key: ', 'any'],
      // A type parameter's default.
      ['typescript', '  U extends number = ', 'type'],
    ];
    for (const [lang, prefix, want] of cases)
      assert.equal(positionKind(`line one\n${prefix}`, lang), want, `${lang}: ${JSON.stringify(prefix)}`);
  });

  it('counts a mismatch only for kinds that cannot fit the position', () => {
    assert.equal(kindMismatch('function', 'type', 'typescript'), 1);
    assert.equal(kindMismatch('class', 'type', 'typescript'), 0);
    assert.equal(kindMismatch('interface', 'value', 'typescript'), 1);
    assert.equal(kindMismatch('class', 'value', 'typescript'), 0);
    // Python variables may be type aliases; Java reaches values through types.
    assert.equal(kindMismatch('variable', 'type', 'python'), 0);
    assert.equal(kindMismatch('function', 'type', 'python'), 1);
    assert.equal(kindMismatch('interface', 'value', 'java'), 0);
    assert.equal(kindMismatch('function', 'any', 'typescript'), 0);
    // `x[KEY]`: a constant fits, a function, a class or a type does not.
    assert.equal(kindMismatch('variable', 'key', 'typescript'), 0);
    assert.equal(kindMismatch('function', 'key', 'typescript'), 1);
    assert.equal(kindMismatch('class', 'key', 'typescript'), 1);
    // `new X`: a class; in Java an interface too (an anonymous class), never a plain value.
    assert.equal(kindMismatch('class', 'class', 'typescript'), 0);
    assert.equal(kindMismatch('function', 'class', 'typescript'), 1);
    assert.equal(kindMismatch('interface', 'class', 'typescript'), 1);
    assert.equal(kindMismatch('interface', 'class', 'java'), 0);
    assert.equal(kindMismatch('method', 'class', 'java'), 1);
  });

  it('reads whether a member access stands in a condition, in a value position or neither', () => {
    const cases: Array<[string, string, string]> = [
      ['typescript', 'if (!stream.', 'condition'],
      ['typescript', '  if (c.', 'condition'],
      ['typescript', 'const ok = a.ready && b.', 'condition'],
      ['rust', '    if matched && args.', 'condition'],
      ['rust', '    assert!(dir.', 'condition'],
      ['go', '\tif !c.', 'condition'],
      ['python', '    assert task.', 'condition'],
      ['python', '    if not style.', 'condition'],
      ['python', '    table.', 'other'],
      ['typescript', '  await this.pool.', 'value'], // what is awaited is a promise, not nothing
      ['typescript', 'const x = c.', 'value'],
      ['typescript', 'x !== c.', 'value'],
      ['go', '\tif err := c.', 'value'],
      ['go', '\tc.', 'statement'],
      ['go', '\tc.engine.', 'statement'],
      // A line of a call's arguments is no statement.
      ['go', 'func f() {\n\tc := prometheus.NewCounterVec(\n\t\tprometheus.', 'value'],
      ['go', 'func f() {\n\tprometheus.MustRegister(\n\t\tc, // "(" a comment\n\t\tprometheus.', 'value'],
      ['go', 'func f() {\n\tx := g(a)\n\tc.', 'statement'],
      ['python', '    width = len(console.', 'value'],
      ['rust', '    return self.', 'value'],
      ['java', '    foo(a, b.', 'value'],
      ['typescript', 'const x = 1', 'other'], // not after a dot at all
    ];
    for (const [lang, before, want] of cases)
      assert.equal(memberPosition(`line one\n${before}`, lang), want, `${lang}: ${JSON.stringify(before)}`);
  });

  it('reads the name of the function the cursor is in, per language', () => {
    const cases: Array<[string, string | undefined]> = [
      ['package a\n\nfunc TestCounterAdd(t *testing.T) {\n\tc := ', 'TestCounterAdd'],
      ['func (c *Context) Next() {\n\tc.', 'Next'],
      ['class T:\n    def test_add_row(self):\n        table = ', 'test_add_row'],
      ['pub(crate) fn parse_args(argv: &[String]) -> Args {\n    let x = ', 'parse_args'],
      ['export async function renderRow(row: Row) {\n  const cell = ', 'renderRow'],
      ['class ParserTest {\n  @Test\n  public void testParse() throws IOException {\n    Parser p = ', 'testParse'],
      // The last declaration above wins.
      ['def first():\n    pass\n\ndef second():\n    x = ', 'second'],
      ['const x = 1;\nif (x) {\n  y(', undefined],
    ];
    for (const [prefix, want] of cases) assert.equal(enclosingFunctionName(prefix), want, JSON.stringify(prefix));
  });
});
