import assert from 'node:assert/strict';
import { goKindMismatch, goPositionKind, goWithoutImports } from '../../../../daemon/context/go-position';

describe('context/go-position: the kind of name a Go position takes', () => {
  it('a type after a declared name, a receiver or parameter, `[]`, `map[K]`, `chan`, a conversion or an assertion', () => {
    for (const line of [
      'var _ ',
      '\tvar a, b *',
      'func (c *',
      '\trouter.GET("/x", func(c *',
      'func f(w io.Writer, r *',
      'func f(a int) ',
      '\tskipped *[]',
      '\tm := make(map[string]',
      '\tch := make(chan ',
      '\t_ Render = (*',
      '\tv, ok := x.(',
      '\tHeader  ',
      'type Handler ',
    ])
      assert.equal(goPositionKind(line), 'type', JSON.stringify(line));
  });

  it('a value after `=`, `:=`, `return`, an operator, `(` or `,`; nothing said after a keyword that may start either', () => {
    for (const line of ['\treturn ', '\terr := ', '\tx := ', '\tf(a, ', 'Header  Binding = ', '\tx := a *', '\tok := !'])
      assert.equal(goPositionKind(line), 'value', JSON.stringify(line));
    for (const line of ['\tif ', '\tdefer ', '\tgo ', '\tcase ']) assert.equal(goPositionKind(line), 'any', JSON.stringify(line));
  });

  it('the start of a line: a statement in a function body, a type in a struct or interface body, nothing said in a literal', () => {
    assert.equal(goPositionKind('func init() {\n\t'), 'statement');
    assert.equal(goPositionKind('func (w *rw) Write(b []byte) {\n\tif len(b) > 0 {\n\t\tn := 1\n\t}\n\t'), 'statement');
    assert.equal(goPositionKind('func f() {\n\tswitch x {\n\tcase 1:\n\t\t'), 'statement');
    assert.equal(goPositionKind('type Engine struct {\n\tname string\n\t'), 'type');
    assert.equal(goPositionKind('type W interface {\n\t'), 'type');
    assert.equal(goPositionKind('func f() {\n\tx := T{\n\t\t'), 'any');
    assert.equal(goPositionKind('var (\n\t'), 'any');
    // A brace alone on its line opens an element of a table (gofmt never puts a block's there).
    assert.equal(goPositionKind('func TestX(t *testing.T) {\n\tcases := []struct{ in int }{\n\t\t{\n\t\t\t'), 'any');
  });

  it('counts a mismatch: no interface as a value (a struct type is one: `T{}`), no type or constant starting a statement', () => {
    assert.equal(goKindMismatch('interface', 'value'), 1);
    assert.equal(goKindMismatch('type', 'value'), 0);
    assert.equal(goKindMismatch('constant', 'value'), 0);
    for (const k of ['type', 'interface', 'constant']) assert.equal(goKindMismatch(k, 'statement'), 1, k);
    for (const k of ['function', 'variable']) assert.equal(goKindMismatch(k, 'statement'), 0, k);
    assert.equal(goKindMismatch('function', 'type'), 1);
    assert.equal(goKindMismatch('interface', 'type'), 0);
  });
});

describe('context/go-position: a line of its own in brackets', () => {
  it("a line of a call's arguments or an index takes a value; a declaration group's line and a block's do not", () => {
    assert.equal(goPositionKind('func f() {\n\tc := prometheus.NewCounterVec(\n\t\topts,\n\t\t'), 'value');
    assert.equal(goPositionKind('func f() {\n\tprintln(")", \'(\',\n\t\t'), 'value');
    assert.equal(goPositionKind('var (\n\tDefaultWriter io.Writer = os.Stdout\n\t'), 'any');
    assert.equal(goPositionKind('func f() {\n\tif g(x) {\n\t\ty()\n\t}\n\t'), 'statement');
  });
});

describe('context/go-position: a type switch', () => {
  it("a `case` of a type switch takes a type; a value switch's says nothing", () => {
    const types = 'func f(x any) {\n\tswitch v := x.(type) {\n\tcase nil:\n\t\treturn\n\t';
    assert.equal(goPositionKind(`${types}case `), 'type');
    assert.equal(goPositionKind(`${types}case *Desc, `), 'type');
    assert.equal(goPositionKind('func f(m Mode) {\n\tswitch m {\n\tcase '), 'any');
    assert.equal(goPositionKind(`${types}case int:\n\t\tif ok {\n\t\t\tcase `), 'any');
  });
});

describe('context/go-position: goWithoutImports', () => {
  it("drops an import declaration's lines, whose path words are no code near the cursor, and keeps the code", () => {
    const text = [
      'import (',
      '\t"net/http"',
      '\tassert "github.com/stretchr/testify/assert"',
      ')',
      'import "fmt"',
      '',
      'func init() {',
      '\tnames := []string{',
      '\t\t"a",',
      '\t}',
    ].join('\n');
    assert.equal(goWithoutImports(text), [')', '', 'func init() {', '\tnames := []string{', '\t\t"a",', '\t}'].join('\n'));
  });
});
