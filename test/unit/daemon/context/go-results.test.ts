import assert from 'node:assert/strict';
import {
  goMemberMismatch,
  goMemberWanted,
  goResultFit,
  goResultMismatch,
  goReturnWanted,
  goWantedAt,
  MAX_RESULT_EVIDENCE,
} from '../../../../daemon/context/go-results';
import type { ChunkRow } from '../../../../daemon/context/index-store';
import type { DefinitionSite } from '../../../../daemon/context/syntax/facts';

/** A definition on the first line of a chunk holding `text`. */
function site(name: string, kind: string, text: string): [DefinitionSite, ChunkRow] {
  const row: ChunkRow = { id: 1, path: 'a.go', language: 'go', startLine: 10, endLine: 20, hash: 'h', symbols: [name], text, context: '' };
  return [{ name, kind, path: 'a.go', line: 10, chunkId: 1 }, row];
}

describe('context/go-results: what `return |` takes in a Go function', () => {
  it('reads the result the enclosing function declares, at the start of a return only', () => {
    const method = 'func (hs headerSource) TrySet(value reflect.Value, opt setOptions) (bool, error) {\n\tx := 1\n\treturn ';
    assert.equal(goReturnWanted(method), '(bool,error)');
    assert.equal(goReturnWanted('func mapHeader(ptr any, h map[string][]string) error {\n\treturn '), 'error');
    assert.equal(goReturnWanted('func New[T any](opts ...Option) *Engine[T] {\n\treturn '), '*Engine[T]');
    assert.equal(goReturnWanted('func (n *node) walk() (found bool, err error) {\n\treturn '), '(bool,error)');
    // Not a return, a function returning nothing, a later function without a result.
    assert.equal(goReturnWanted('func f() error {\n\tx := '), undefined);
    assert.equal(goReturnWanted('func f() {\n\treturn '), undefined);
    assert.equal(goReturnWanted('func f() error {\n}\n\nfunc g() {\n\treturn '), undefined);
  });

  it('a function returning it fits, the type itself fits, what the index cannot say fits less, another result least', () => {
    assert.equal(
      goResultMismatch(...site('mappingByPtr', 'function', 'func mappingByPtr(ptr any, s setter, tag string) error {'), 'error'),
      0,
    );
    assert.equal(
      goResultMismatch(...site('setByForm', 'function', 'func setByForm(v reflect.Value) (isSet bool, err error) {'), '(bool,error)'),
      0,
    );
    assert.equal(goResultMismatch(...site('cleanPath', 'function', 'func cleanPath(p string) string {'), 'error'), 2);
    assert.equal(goResultMismatch(...site('Engine', 'type', 'type Engine struct {'), '*Engine'), 0);
    // A type of a basic kind gives its values by its constants (`Type: zapcore.Int64Type`) more than by a conversion.
    assert.equal(goResultMismatch(...site('FieldType', 'type', 'type FieldType uint8'), 'FieldType'), 0.5);
    assert.equal(goResultMismatch(...site('FieldType', 'type', 'type FieldType uint8 // which member'), 'FieldType'), 0.5);
    assert.equal(goResultMismatch(...site('Kind', 'type', 'type Kind = uint8'), 'Kind'), 0);
    // Several results: `return f()` with all of them, or `return g(), nil` / `return &T{}, nil` with the first.
    assert.equal(goResultMismatch(...site('newEngine', 'function', 'func newEngine() *Engine {'), '(*Engine,error)'), 0);
    assert.equal(goResultMismatch(...site('Engine', 'type', 'type Engine struct {'), '(*Engine,error)'), 0);
    assert.equal(goResultMismatch(...site('name', 'function', 'func name() string {'), '(*Engine,error)'), 2);
    assert.equal(goResultMismatch(...site('node', 'type', 'type node struct {'), '*Engine'), 1);
    // A defined type's value is no basic type's (an alias may be it; an interface such as error may be implemented).
    assert.equal(goResultMismatch(...site('Context', 'type', 'type Context struct {'), 'string'), 2);
    assert.equal(goResultMismatch(...site('Mode', 'type', 'type Mode string'), '(int,error)'), 2);
    assert.equal(goResultMismatch(...site('Name', 'type', 'type Name = string'), 'string'), 1);
    assert.equal(goResultMismatch(...site('Error', 'type', 'type Error struct {'), 'error'), 1);
    assert.equal(goResultMismatch(...site('errX', 'variable', 'var errX = wrap("x")'), 'error'), 1);
    // A constant or a variable declared so, or made by the standard library's error constructors.
    assert.equal(goResultMismatch(...site('errX', 'variable', 'var errX = errors.New("x")'), 'error'), 0);
    assert.equal(goResultMismatch(...site('Default', 'variable', 'var Default *Engine = nil'), '*Engine'), 0);
    assert.equal(goResultMismatch(...site('Default', 'variable', 'var Default = &Engine{}'), '(*Engine,error)'), 0);
    assert.equal(goResultMismatch(...site('limit', 'constant', 'const limit = 10'), 'error'), 2);
    assert.equal(goResultMismatch(...site('long', 'function', 'func long(\n\ta int,\n) error {'), 'error'), 1);
  });

  it('orders the best names by it, in the kind-mismatch slot of their keys; other positions leave the order alone', () => {
    const rows = new Map<number, ChunkRow>();
    const entry = (id: number, name: string, kind: string, text: string) => {
      rows.set(id, { id, path: 'a.go', language: 'go', startLine: 1, endLine: 3, hash: 'h', symbols: [name], text, context: '' });
      return { site: { name, kind, path: 'a.go', line: 1, chunkId: id }, key: [0, 0, id] };
    };
    const ranked = () => [
      entry(1, 'BasicAuth', 'function', 'func BasicAuth(accounts Accounts) HandlerFunc {'),
      entry(2, 'processAccounts', 'function', 'func processAccounts(accounts Accounts) authPairs {'),
      entry(3, 'Engine', 'type', 'type Engine struct {'),
    ];
    const order = (a: { key: number[] }, b: { key: number[] }) => a.key[1] - b.key[1] || a.key[2] - b.key[2];
    const names = (before: string) =>
      goResultFit(
        { chunks: (ids) => new Map(ids.map((i) => [i, rows.get(i)!])), definitions: () => [] },
        'a.go',
        ranked(),
        before,
        order,
      ).map((r) => r.site.name);
    assert.deepEqual(names('func f() {\n\tpairs := '), ['BasicAuth', 'processAccounts', 'Engine']);
    assert.deepEqual(names('func f() {\n\tx := pairs + '), ['BasicAuth', 'processAccounts', 'Engine']);
    // `return |` in a function returning authPairs: another type says nothing, a function returning another result least.
    assert.deepEqual(names('func g() authPairs {\n\treturn '), ['processAccounts', 'Engine', 'BasicAuth']);
  });

  it('`x := |`: a type comes after a function returning it (its constructor), not after what fits worse', () => {
    const rows = new Map<number, ChunkRow>();
    const entry = (id: number, name: string, kind: string, text: string) => {
      rows.set(id, { id, path: 'a.go', language: 'go', startLine: 1, endLine: 3, hash: 'h', symbols: [name], text, context: '' });
      return { site: { name, kind, path: 'a.go', line: 1, chunkId: id }, key: [0, 0, id] };
    };
    const ranked = () => [
      entry(1, 'Pool', 'type', 'type Pool struct {'),
      entry(2, 'Engine', 'type', 'type Engine struct {'),
      entry(3, 'NewPool', 'function', 'func NewPool() Pool {'),
      entry(4, 'New', 'function', 'func New(opts ...Option) (*Engine, error) {'),
      entry(5, 'Mode', 'type', 'type Mode string'),
    ];
    const order = (a: { key: number[] }, b: { key: number[] }) => a.key[1] - b.key[1] || a.key[2] - b.key[2];
    const index = { chunks: (ids: number[]) => new Map(ids.map((i) => [i, rows.get(i)!])), definitions: () => [] };
    const names = (before: string) => goResultFit(index, 'a.go', ranked(), before, order).map((r) => r.site.name);
    // `New` gives two values, which `x := |` does not take: Engine stays before it.
    assert.deepEqual(names('func f() {\n\tp := '), ['Engine', 'NewPool', 'Mode', 'Pool', 'New']);
    // `return |` in a constructor builds the literal: the order is the position's alone.
    assert.deepEqual(names('func g() Pool {\n\treturn '), ['Pool', 'NewPool', 'Engine', 'Mode', 'New']);
  });

  it('reads the declarations of the best MAX_RESULT_EVIDENCE names, more than a screenful of a package', () => {
    const rows = new Map<number, ChunkRow>();
    const ranked = Array.from({ length: 90 }, (_, i) => {
      const id = i + 1;
      const [name, text] = i === 80 ? ['IsDebugging', 'func IsDebugging() bool {'] : [`helper${id}`, `func helper${id}() string {`];
      rows.set(id, { id, path: 'a.go', language: 'go', startLine: 1, endLine: 3, hash: 'h', symbols: [name], text, context: '' });
      return { site: { name, kind: 'function', path: 'a.go', line: 1, chunkId: id }, key: [0, 0, id] };
    });
    assert.ok(MAX_RESULT_EVIDENCE >= 90);
    const index = { chunks: (ids: number[]) => new Map(ids.map((i) => [i, rows.get(i)!])), definitions: () => [] };
    const before = 'func f() {\n\t} else if ';
    assert.deepEqual(goWantedAt(index, 'a.go', before), { condition: true });
    const order = (a: { key: number[] }, b: { key: number[] }) => a.key[1] - b.key[1] || a.key[2] - b.key[2];
    assert.equal(goResultFit(index, 'a.go', ranked, before, order)[0].site.name, 'IsDebugging');
    // A blank line in a function body starts a statement (go-position.ts).
    assert.deepEqual(goWantedAt(index, 'a.go', 'func f() {\n\tx := 1\n\t'), { statement: true });
    // A position that says nothing reads nothing.
    assert.equal(goWantedAt(index, 'a.go', 'func f() {\n\tx := pairs + '), undefined);
  });

  it('after `x.`: what the position around the receiver takes, and the members declared to give it', () => {
    assert.deepEqual(goMemberWanted('func (c *Context) Bind(obj any) error {\n\treturn c.'), { type: 'error' });
    assert.deepEqual(goMemberWanted('func f(c *Context) {\n\tv, ok := c.'), { values: 2 });
    assert.deepEqual(goMemberWanted('func f(c *Context) {\n\tv := c.Writer.'), { values: 1 });
    assert.equal(goMemberWanted('func f(c *Context) {\n\tc.'), undefined);
    assert.equal(goMemberWanted('func f(c *Context) error {\n\treturn '), undefined);
    const method = (text: string) => site('M', 'method', text);
    assert.equal(goMemberMismatch(...method('func (c *Context) MustBindWith(obj any, b Binding) error {'), { type: 'error' }), 0);
    assert.equal(goMemberMismatch(...method('func (c *Context) Next() {'), { type: 'error' }), 2);
    assert.equal(goMemberMismatch(...method('func (c *Context) Get(key any) (value any, exists bool) {'), { values: 2 }), 0);
    assert.equal(goMemberMismatch(...method('func (c *Context) ClientIP() string {'), { values: 2 }), 2);
  });
});
