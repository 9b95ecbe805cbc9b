import assert from 'node:assert/strict';
import { goResultFit } from '../../../../daemon/context/go-results';
import {
  goTypedValueMismatch,
  goValueMismatch,
  goValueWanted,
  parameterType,
  type GoValueIndex,
} from '../../../../daemon/context/go-values';
import type { ChunkRow } from '../../../../daemon/context/index-store';
import type { DefinitionSite } from '../../../../daemon/context/syntax/facts';
import { goDefinitionsIndex } from './go-index-fakes';

/** An index of one chunk per definition, each declared on its chunk's first line. */
const indexOf = (
  defs: Array<[name: string, kind: string, text: string, path?: string]>,
): { index: GoValueIndex; sites: DefinitionSite[] } => goDefinitionsIndex(defs);

const row = (text: string, startLine = 10): ChunkRow => ({
  id: 1,
  path: 'a.go',
  language: 'go',
  startLine,
  endLine: 99,
  hash: 'h',
  symbols: [],
  text,
  context: '',
});
const site = (name: string, kind: string, line = 10): DefinitionSite => ({ name, kind, path: 'a.go', line, chunkId: 1 });

describe('context/go-values: what the expression at a Go cursor must give', () => {
  const none = indexOf([]).index;

  it('an assignment: its count of values, or the type the assigned name is declared with above', () => {
    assert.deepEqual(goValueWanted('func f() {\n\tc, _ := ', 'pkg/a.go', none, false), { values: 2 });
    assert.deepEqual(goValueWanted('func f() {\n\tif v, ok := ', 'pkg/a.go', none, false), { values: 2 });
    assert.deepEqual(goValueWanted('func f() {\n\tpairs := ', 'pkg/a.go', none, false), { values: 1 });
    assert.deepEqual(goValueWanted('func f() {\n\tvar e *Engine = ', 'pkg/a.go', none, false), { type: '*Engine' });
    assert.deepEqual(goValueWanted('func f() {\n\tvar router *Engine\n\tg(func() {\n\t\trouter = ', 'pkg/a.go', none, false), {
      type: '*Engine',
    });
    assert.deepEqual(goValueWanted('func f(w io.Writer, mode Mode) {\n\tmode = ', 'pkg/a.go', none, false), { type: 'Mode' });
    // Not declared above: one value; other operators and comparisons say nothing.
    assert.deepEqual(goValueWanted('func f() {\n\tx = ', 'pkg/a.go', none, false), { values: 1 });
    assert.equal(goValueWanted('func f() {\n\tx += ', 'pkg/a.go', none, false), undefined);
    assert.equal(goValueWanted('func f() {\n\tif x == ', 'pkg/a.go', none, false), undefined);
  });

  it("a call's argument: the parameter's type in the same package's function, variadic and grouped parameters included", () => {
    const { index } = indexOf([
      ['SetMode', 'function', 'func SetMode(value string) {'],
      ['mapping', 'function', 'func mapping(value reflect.Value, field reflect.StructField, setter setter, tag string) (bool, error) {'],
      ['pick', 'function', 'func pick(a, b Mode, rest ...Kind) Mode {'],
      ['generic', 'function', 'func generic[T any](x T, y any) {'],
      ['Other', 'function', 'func Other(x Mode) {', 'other/b.go'],
    ]);
    assert.deepEqual(goValueWanted('func f() {\n\tSetMode(', 'pkg/a_test.go', index, false), { type: 'string' });
    assert.deepEqual(goValueWanted('func f() {\n\t_, err := mapping(val, "a,b", ', 'pkg/a.go', index, false), { type: 'setter' });
    assert.deepEqual(goValueWanted('func f() {\n\tx := pick(m, ', 'pkg/a.go', index, false), { type: 'Mode' });
    assert.deepEqual(goValueWanted('func f() {\n\tx := pick(m, n, k, ', 'pkg/a.go', index, false), { type: 'Kind' });
    // Arguments written one a line: the call is read back from the lines above.
    assert.deepEqual(goValueWanted('func f() {\n\tx := pick(\n\t\tm, // the mode\n\t\tn,\n\t\t', 'pkg/a.go', index, false), {
      type: 'Kind',
    });
    // A type parameter, `any`, another package's function, a method, a declaration: nothing.
    assert.equal(goValueWanted('func f() {\n\tgeneric(', 'pkg/a.go', index, false), undefined);
    assert.equal(goValueWanted('func f() {\n\tgeneric(a, ', 'pkg/a.go', index, false), undefined);
    assert.equal(goValueWanted('func f() {\n\tOther(', 'pkg/a.go', index, false), undefined);
    assert.equal(goValueWanted('func f() {\n\tx.SetMode(', 'pkg/a.go', index, false), undefined);
    assert.equal(goValueWanted('func SetMode(', 'pkg/a.go', index, false), undefined);
    assert.equal(parameterType('func g(int, string) {', 1), 'string');
    // A method of that name the workspace declares, unless the receiver is an imported package.
    const methods = indexOf([
      ['ByType', 'method', 'func (a errorMsgs) ByType(typ ErrorType) errorMsgs {'],
      ['Use', 'method', 'func (e *Engine) Use(middleware ...HandlerFunc) IRoutes {'],
      ['Equal', 'method', 'func (v Version) Equal(o Version) bool {'],
    ]).index;
    assert.deepEqual(goValueWanted('func f() {\n\tx := errs.ByType(', 'pkg/a.go', methods, false), { type: 'ErrorType' });
    assert.deepEqual(goValueWanted('func f() {\n\trouter.Use(a, ', 'pkg/a.go', methods, false), { type: 'HandlerFunc' });
    const imported = 'package a\n\nimport (\n\t"testing"\n\n\t"github.com/stretchr/testify/assert"\n)\n\nfunc f() {\n\tassert.Equal(';
    assert.equal(goValueWanted(imported, 'pkg/a.go', methods, false), undefined);
    assert.equal(goValueWanted('import tassert "x/assert"\nfunc f() {\n\ttassert.Equal(', 'pkg/a.go', methods, false), undefined);
    assert.deepEqual(goValueWanted(imported.replace('assert.Equal(', 'v.Equal('), 'pkg/a.go', methods, false), { type: 'Version' });
    assert.equal(parameterType('func g(h func(c *Context)) {', 0), undefined);
  });

  it('a type after `*`: a struct (or a type defined by another named type) fits, an interface or a function, map, slice or built-in type does not', () => {
    assert.deepEqual(goValueWanted('func (c *', 'pkg/a.go', none, true), { pointer: true });
    // A function literal's parameter: the type where it goes says more (go-callbacks.ts).
    const handlers = indexOf([
      ['GET', 'method', 'func (g *Group) GET(path string, handlers ...HandlerFunc) {'],
      ['HandlerFunc', 'type', 'type HandlerFunc func(*Context)'],
    ]).index;
    assert.deepEqual(goValueWanted('func f() {\n\tg.GET("/", func(c *', 'pkg/a.go', handlers, true), { type: '*Context' });
    assert.equal(goValueWanted('func f(c []', 'pkg/a.go', none, true), undefined);
    const pointer = { pointer: true } as const;
    assert.equal(goValueMismatch(site('Context', 'type'), row('type Context struct {'), pointer), 0);
    assert.equal(goValueMismatch(site('node', 'type'), row('\tnode[T any] struct {'), pointer), 0);
    assert.equal(goValueMismatch(site('HandlerFunc', 'type'), row('type HandlerFunc func(*Context)'), pointer), 1);
    assert.equal(goValueMismatch(site('IRouter', 'interface'), row('type IRouter interface {'), pointer), 1);
    // A type defined by another named type may be a struct (`(*multipartRequest)(req)`); a built-in one is not.
    assert.equal(goValueMismatch(site('multipartRequest', 'type'), row('type multipartRequest http.Request'), pointer), 0);
    assert.equal(goValueMismatch(site('Accounts', 'type'), row('type Accounts map[string]string'), pointer), 1);
    assert.equal(goValueMismatch(site('Mode', 'type'), row('type Mode string'), pointer), 1);
  });

  it('a count of values: a function by its declared results, one value for a type, a constant or a variable', () => {
    const two = { values: 2 };
    const one = { values: 1 };
    assert.equal(
      goValueMismatch(
        site('CreateTestContext', 'function'),
        row('func CreateTestContext(w http.ResponseWriter) (c *Context, r *Engine) {'),
        two,
      ),
      0,
    );
    assert.equal(goValueMismatch(site('New', 'function'), row('func New(opts ...OptionFunc) *Engine {'), two), 2);
    assert.equal(goValueMismatch(site('New', 'function'), row('func New(opts ...OptionFunc) *Engine {'), one), 0);
    assert.equal(goValueMismatch(site('load', 'function'), row('func load() (int, error) {'), one), 1);
    assert.equal(goValueMismatch(site('run', 'function'), row('func run() {'), one), 1);
    assert.equal(goValueMismatch(site('FooStruct', 'type'), row('type FooStruct struct {'), two), 2);
    assert.equal(goValueMismatch(site('cache', 'variable'), row('var cache = map[string]int{}'), two), 1);
    assert.equal(goValueMismatch(site('long', 'function'), row('func long(\n\ta int,\n) (int, error) {'), two), 1);
  });

  it("a typed value: a constant's or variable's declared type, its literal, its constant group's typed spec", () => {
    assert.equal(goTypedValueMismatch(site('TestMode', 'constant'), row('\tTestMode = "test"'), 'string'), 0);
    assert.equal(goTypedValueMismatch(site('TestMode', 'constant'), row('\tTestMode = "test"'), 'int'), 2);
    assert.equal(goTypedValueMismatch(site('TestMode', 'constant'), row('\tTestMode = "test"'), 'Mode'), 1);
    assert.equal(goTypedValueMismatch(site('debugCode', 'constant'), row('\tdebugCode = iota'), 'int32'), 0);
    const group = 'const (\n\tErrorTypeBind ErrorType = 1 << 63\n\tErrorTypeRender ErrorType = 1 << 62\n\tErrorTypePrivate\n)';
    assert.equal(goTypedValueMismatch(site('ErrorTypePrivate', 'constant', 13), row(group), 'ErrorType'), 0);
    assert.equal(goTypedValueMismatch(site('ErrorTypeBind', 'constant', 11), row(group), 'ErrorType'), 0);
    assert.equal(goTypedValueMismatch(site('ErrorTypeBind', 'constant', 11), row(group), 'string'), 2);
    assert.equal(
      goTypedValueMismatch(site('emptyField', 'variable'), row('var emptyField = reflect.StructField{}'), 'reflect.StructField'),
      0,
    );
    assert.equal(goTypedValueMismatch(site('x', 'variable'), row('var x = compute()'), 'int'), 1);
    // A slice's or a map's literal.
    assert.equal(goTypedValueMismatch(site('DefBuckets', 'variable'), row('var DefBuckets = []float64{.005, .01}'), '[]float64'), 0);
    assert.equal(goTypedValueMismatch(site('names', 'variable'), row('var names = map[string]int{"a": 1}'), 'map[string]int'), 0);
    assert.equal(goTypedValueMismatch(site('names', 'variable'), row('var names = map[string]int{"a": 1}'), '[]float64'), 2);
  });

  it('a condition (`if |`, `else if |`, `&& |`, `!|`) takes a bool; an `if x := |` header a call', () => {
    const cond = { condition: true } as const;
    assert.deepEqual(goValueWanted('func f() {\n\tif ', 'pkg/a.go', none, false), cond);
    assert.deepEqual(goValueWanted('func f() {\n\t} else if !', 'pkg/a.go', none, false), cond);
    assert.deepEqual(goValueWanted('func f() {\n\tif ok && ', 'pkg/a.go', none, false), cond);
    assert.deepEqual(goValueWanted('func f() {\n\tok := !', 'pkg/a.go', none, false), cond);
    assert.deepEqual(goValueWanted('func f() {\n\tif x != ', 'pkg/a.go', none, false), undefined);
    assert.deepEqual(goValueWanted('func f() {\n\tif err := ', 'pkg/a.go', none, false), { values: 1, call: true });
    assert.deepEqual(goValueWanted('func f() {\n\terr := ', 'pkg/a.go', none, false), { values: 1 });
    // A bool: a function declared to return one, a constant or variable declared or initialised so.
    assert.equal(goValueMismatch(site('IsDebugging', 'function'), row('func IsDebugging() bool {'), cond), 0);
    assert.equal(goValueMismatch(site('countParams', 'function'), row('func countParams(path string) uint16 {'), cond), 1);
    assert.equal(goValueMismatch(site('enabled', 'variable'), row('var enabled = false'), cond), 0);
    assert.equal(goValueMismatch(site('strict', 'variable'), row('var strict bool'), cond), 0);
    assert.equal(goValueMismatch(site('Engine', 'type'), row('type Engine struct {'), cond), 1);
    // In a header, a copy of a package-level value is no use: the call fits, the variable less.
    const header = { values: 1, call: true } as const;
    assert.equal(goValueMismatch(site('mapForm', 'function'), row('func mapForm(ptr any, form map[string][]string) error {'), header), 0);
    assert.equal(goValueMismatch(site('errUnknownType', 'variable'), row('var errUnknownType = errors.New("unknown type")'), header), 1);
  });

  it("`x := |` with x returned below: the enclosing function's result at that place; in an `if` header a call of it first", () => {
    const fn = 'func (queryBinding) Bind(req *http.Request, obj any) error {\n\t';
    assert.deepEqual(goValueWanted(`${fn}if err := `, 'pkg/a.go', none, false, '\t\treturn err\n\t}\n\treturn nil\n}\n'), {
      type: 'error',
      call: true,
    });
    // The rest of the cursor line, then the place among several results.
    const two = 'func load(p string) (cfg *Config, err error) {\n\t';
    assert.deepEqual(goValueWanted(`${two}c := `, 'pkg/a.go', none, false, '(p)\n\treturn c, nil\n}\n'), { type: '*Config' });
    assert.deepEqual(goValueWanted(`${two}e := `, 'pkg/a.go', none, false, '\treturn nil, e\n}\n'), { type: 'error' });
    // Not returned before the function ends, or returned inside an expression: nothing said beyond the count.
    assert.deepEqual(goValueWanted(`${fn}err := `, 'pkg/a.go', none, false, '\treturn nil\n}\n\nfunc g() error {\n\treturn err\n}\n'), {
      values: 1,
    });
    assert.deepEqual(goValueWanted(`${fn}err := `, 'pkg/a.go', none, false, '\treturn wrap(err)\n}\n'), { values: 1 });
    assert.deepEqual(goValueWanted('func get() any {\n\tv := ', 'pkg/a.go', none, false, '\treturn v\n}\n'), { values: 1 });
    // The call fits before a variable of the type, which fits before a function giving another.
    const { index, sites } = indexOf([
      ['errUnknownType', 'variable', 'var errUnknownType = errors.New("unknown type")'],
      ['setter', 'function', 'func setter(v string) bool {'],
      ['mapForm', 'function', 'func mapForm(ptr any, form map[string][]string) error {'],
    ]);
    const ranked = sites.map((s, i) => ({ site: s, key: [0, 0, i] }));
    const order = (a: { key: number[] }, b: { key: number[] }) => a.key[1] - b.key[1] || a.key[2] - b.key[2];
    const fit = goResultFit(index, 'pkg/a.go', ranked, `${fn}if err := `, order, { type: 'error', call: true });
    assert.deepEqual(
      fit.map((r) => r.site.name),
      ['mapForm', 'errUnknownType', 'setter'],
    );
  });

  it("a named result assigned (`r = |`), a receiver's field assigned (`c.Accepted = |`), a numeric conversion (`int32(|`)", () => {
    const fn = 'func CreateTestContext(w http.ResponseWriter) (c *Context, r *Engine) {\n\t';
    assert.deepEqual(goValueWanted(`${fn}r = `, 'pkg/a.go', none, false), { type: '*Engine' });
    const { index } = indexOf([['Context', 'type', 'type Context struct {\n\tindex int8\n\tAccepted []string\n}']]);
    const method = 'func (c *Context) NegotiateFormat(offered ...string) string {\n\tif c.Accepted == nil {\n\t\t';
    assert.deepEqual(goValueWanted(`${method}c.Accepted = `, 'pkg/b.go', index, false), { type: '[]string' });
    // A field the struct's chunk does not declare, a receiver of an unknown type: nothing said.
    assert.deepEqual(goValueWanted(`${method}c.Other = `, 'pkg/b.go', index, false), undefined);
    assert.deepEqual(goValueWanted(`func f() {\n\tx.Accepted = `, 'pkg/b.go', index, false), undefined);
    assert.deepEqual(goValueWanted('func f() {\n\tassert.Equal(t, int32(', 'pkg/a.go', none, false), { type: 'int32' });
    assert.equal(goTypedValueMismatch(site('releaseCode', 'constant'), row('releaseCode = 1'), 'int32'), 0);
  });

  it("a value switch's `case |`: the tag's declared type, else an earlier case's constant's type", () => {
    const { index } = indexOf([['MIMEJSON', 'constant', 'MIMEJSON = "application/json"', 'binding/binding.go']]);
    const tag = 'func f(m Mode) {\n\tswitch m {\n\tcase ';
    assert.deepEqual(goValueWanted(tag, 'pkg/a.go', index, false), { type: 'Mode' });
    const sibling = 'func f() {\n\tswitch c.NegotiateFormat() {\n\tcase binding.MIMEJSON:\n\t\tc.JSON()\n\t';
    assert.deepEqual(goValueWanted(`${sibling}case `, 'pkg/a.go', index, false), { type: 'string' });
    // A type switch's case is a type position (go-position.ts), not a value of the tag's type.
    assert.equal(goValueWanted('func f(x any) {\n\tswitch x.(type) {\n\tcase ', 'pkg/a.go', index, false), undefined);
  });

  it("`pkg.F(a, |` with pkg an imported package: the parameter's type of F in the folder named pkg", () => {
    const { index } = indexOf([
      ['SetMode', 'function', 'func SetMode(value string) {', 'mode.go'],
      ['Decode', 'function', 'func Decode(b []byte, v Value) error {', 'codec/json/api.go'],
      ['Decode', 'function', 'func Decode(r io.Reader) error {', 'codec/xml/api.go'],
    ]);
    const head = 'import (\n\t"github.com/x/gin"\n\t"github.com/x/gin/codec/json"\n)\n\nfunc f() {\n\t';
    assert.deepEqual(goValueWanted(`${head}gin.SetMode(`, 'ginS/a.go', index, false), { type: 'string' });
    // Its `Value` is the document's `json.Value` (go-qualified.ts).
    assert.deepEqual(goValueWanted(`${head}json.Decode(b, `, 'ginS/a.go', index, false), { type: 'json.Value' });
    // Not imported: a method of whatever `xml` is, which the workspace does not declare.
    assert.equal(goValueWanted(`${head}xml.Decode(`, 'ginS/a.go', index, false), undefined);
  });

  it('the start of a statement: a call that returns nothing or a variable assigned, before a function whose results would be lost', () => {
    const statement = { statement: true } as const;
    assert.deepEqual(goValueWanted('func f() {\n\t', 'pkg/a.go', none, false, '', true), statement);
    assert.equal(goValueMismatch(site('SetMode', 'function'), row('func SetMode(value string) {'), statement), 0);
    assert.equal(goValueMismatch(site('DefaultWriter', 'variable'), row('var DefaultWriter io.Writer = os.Stdout'), statement), 0);
    assert.equal(goValueMismatch(site('New', 'function'), row('func New(opts ...OptionFunc) *Engine {'), statement), 1);
    assert.equal(goValueMismatch(site('Engine', 'type'), row('type Engine struct {'), statement), 1);
  });

  it('`&|` takes the address of a variable or a struct literal, never of a function or a constant', () => {
    const addr = { addressable: true } as const;
    assert.deepEqual(goValueWanted('func f() {\n\treturn atomic.LoadInt32(&', 'pkg/a.go', none, false), addr);
    assert.deepEqual(goValueWanted('func f() {\n\tif ok && ', 'pkg/a.go', none, false), { condition: true });
    assert.equal(goValueMismatch(site('ginMode', 'variable'), row('var ginMode int32 = debugCode'), addr), 0);
    assert.equal(goValueMismatch(site('Engine', 'type'), row('type Engine struct {'), addr), 0);
    assert.equal(goValueMismatch(site('HandlerFunc', 'type'), row('type HandlerFunc func(*Context)'), addr), 1);
    assert.equal(goValueMismatch(site('New', 'function'), row('func New() *Engine {'), addr), 2);
    assert.equal(goValueMismatch(site('debugCode', 'constant'), row('\tdebugCode = iota'), addr), 2);
  });

  it('orders the best names of a call argument by the parameter type', () => {
    const { index, sites } = indexOf([
      ['SetMode', 'function', 'func SetMode(value string) {'],
      ['DebugMode', 'constant', '\tDebugMode = 1'],
      ['ReleaseMode', 'variable', 'var ReleaseMode Mode = 2'],
      ['TestMode', 'constant', '\tTestMode = "test"'],
    ]);
    const ranked = sites.slice(1).map((s, i) => ({ site: s, key: [0, 0, i] }));
    const order = (a: { key: number[] }, b: { key: number[] }) => a.key[1] - b.key[1] || a.key[2] - b.key[2];
    const names = goResultFit(index, 'pkg/a_test.go', ranked, 'func f() {\n\tSetMode(', order).map((r) => r.site.name);
    assert.deepEqual(names, ['TestMode', 'DebugMode', 'ReleaseMode']);
  });

  it('`var _ I = (*|`: the types of the package implementing the interface', () => {
    const seen: string[] = [];
    const index: GoValueIndex = {
      ...none,
      implementing: (iface, dir) => {
        seen.push(`${dir}${iface}`);
        return iface === 'Render' ? new Set(['JSON', 'XML']) : undefined;
      },
    };
    const wanted = goValueWanted('package render\n\nvar (\n\t_ Render = (*', 'render/render.go', index, true);
    assert.deepEqual(wanted, { implementing: new Set(['JSON', 'XML']) });
    assert.deepEqual(goValueWanted('var _ render.Render = &', 'render/x.go', index, false), { implementing: new Set(['JSON', 'XML']) });
    // An interface the workspace does not declare: a pointer's type as elsewhere.
    assert.deepEqual(goValueWanted('var _ http.Handler = (*', 'render/x.go', index, true), { pointer: true });
    assert.deepEqual(seen, ['render/Render', 'render/Render', 'render/Handler']);
    assert.equal(goValueMismatch(site('JSON', 'type'), row('type JSON struct {'), wanted as { implementing: Set<string> }), 0);
    assert.equal(goValueMismatch(site('Delims', 'type'), row('type Delims struct {'), wanted as { implementing: Set<string> }), 1);
  });
});
