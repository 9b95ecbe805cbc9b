import * as assert from 'node:assert/strict';
import { cursorContext } from '../../../../../daemon/context/syntax/cursor';
import { plainType } from '../../../../../daemon/context/syntax/type-names';
import { loadGrammar, type GrammarId } from '../../../../../daemon/context/syntax/grammars';
import { TEST_PARSE_BUDGET_MS } from '../memory-index';

/** The receiver part of cursorContext for a document whose cursor ends `prefix`, with a budget no busy machine exceeds (the budget has its own test, below). */
const member = (language: string, prefix: string, suffix = '') => cursorContext(prefix, suffix, language, TEST_PARSE_BUDGET_MS).member;

describe('context/syntax/cursor: the receiver of `x.`', function () {
  this.timeout(60_000);
  before(async () => {
    for (const g of ['typescript', 'python', 'go', 'rust', 'java', 'c_sharp', 'php'] as GrammarId[]) assert.ok((await loadGrammar(g)).ok);
  });

  describe('typed parameters of the enclosing function, method, closure or arrow function', () => {
    it('TypeScript arrow functions and methods', () => {
      assert.deepEqual(member('typescript', 'app.get("/", (c: Context) => {\n  return c.', '\n})'), {
        receiver: 'c',
        type: 'Context',
        via: 'annotation',
      });
      assert.deepEqual(member('typescript', 'class A {\n  run(opts?: Options) {\n    opts.', '\n  }\n}')?.type, 'Options');
    });

    it('Python, with quoted and Optional annotations', () => {
      assert.deepEqual(member('python', 'def render(table: Table):\n    table.'), { receiver: 'table', type: 'Table', via: 'annotation' });
      assert.equal(member('python', 'def f(self, console: "Console", opts: Optional[Options] = None):\n    console.')?.type, 'Console');
      assert.equal(member('python', 'def f(self, console: "Console", opts: Optional[Options] = None):\n    opts.')?.type, 'Options');
    });

    it('Go: package-qualified types, several names sharing one type, method receivers', () => {
      assert.equal(member('go', 'package a\nfunc h(c *gin.Context) {\n\tc.', '\n}')?.type, 'Context');
      assert.equal(member('go', 'package a\nfunc f(a, b Foo) {\n\tb.', '\n}')?.type, 'Foo');
      assert.deepEqual(member('go', 'package a\nfunc (e *Engine) run() {\n\te.', '\n}'), {
        receiver: 'e',
        type: 'Engine',
        via: 'annotation',
      });
    });

    it('Go: a range value is an element of what is ranged over; a type assertion; `new(T)`', () => {
      assert.equal(member('go', 'package a\nfunc f(ms []*Metric) {\n\tfor _, m := range ms {\n\t\tm.', '\n\t}\n}')?.type, 'Metric');
      // The index of a one-name range is not an element.
      assert.equal(member('go', 'package a\nfunc f(ms []*Metric) {\n\tfor m := range ms {\n\t\tm.', '\n\t}\n}')?.type, undefined);
      assert.equal(member('go', 'package a\nfunc f(x any) {\n\tc, ok := x.(*Counter)\n\tc.', '\n}')?.type, 'Counter');
      assert.equal(member('go', 'package a\nfunc f() {\n\tc := new(Counter)\n\tc.', '\n}')?.type, 'Counter');
    });

    it('Go: the cursor line closed for the parse (a literal function and a loop header keep their parameters)', () => {
      // The suffix starts on the next line: its `})` closes the literal function, not the call the cursor line opened.
      const lit = 'package a\nfunc f(t *T) {\n\twith(t, func(log *Logger, logs *observer.ObservedLogs) {\n\t\tassert.Equal(t, 1, logs.';
      assert.equal(member('go', lit, '\t})\n}')?.type, 'ObservedLogs');
      const loop = 'package a\nfunc f(b *B) {\n\tb.Run(func(pb *PB) {\n\t\tfor pb.';
      assert.equal(member('go', loop, '\t\t\tdo()\n\t\t}\n\t})\n}')?.type, 'PB');
      // Only a `)` touching the cursor closes its line: a `}` starting the next line closes the function.
      const call = 'package a\nfunc f(caller EntryCaller, enc Encoder) {\n\tenc.AppendString(caller.';
      assert.equal(member('go', call, '}\n')?.type, 'EntryCaller');
      assert.equal(member('go', call, ')\n}\n')?.type, 'EntryCaller');
      // A suffix starting indented is the next line, a statement of its own (not `ce = ce._ return …`).
      const assign = 'package a\nfunc f(t *T) {\n\tt.Run("x", func(t *T) {\n\t\tvar ce *CheckedEntry\n\t\tce = ce.';
      assert.equal(member('go', assign, '\t\t\treturn ent, fields\n\t\t})\n\t})\n}\n')?.type, 'CheckedEntry');
    });

    it("Go: `a, b := f()` binds b to f's second result; a comment line's full stop above starts no chain", () => {
      assert.deepEqual(member('go', 'package a\nfunc f() {\n\tcore, logs := New(1)\n\tlogs.', '\n}')?.chain, {
        callee: 'New',
        steps: [{ name: '', call: false, part: 1 }],
      });
      // A map index's, an assertion's or a receive's second value is no result of a call.
      assert.equal(member('go', 'package a\nfunc f(m map[string]*Metric) {\n\tv, ok := m["a"]\n\tok.', '\n}')?.chain, undefined);
      assert.deepEqual(member('go', 'package a\nfunc f(logs *Logs) {\n\t// Clear any output.\n\tlogs.', '\n}'), {
        receiver: 'logs',
        type: 'Logs',
        via: 'annotation',
      });
    });

    it('Go: a type switch binds its name to the type of a case naming one type', () => {
      const sw = (cases: string) => member('go', `package a\nfunc f(x any) {\n\tswitch v := x.(type) {\n${cases}\t\tv.`, '\n\t}\n}')?.type;
      assert.equal(sw('\tcase *Counter:\n'), 'Counter');
      assert.equal(sw('\tcase *Counter:\n\t\treturn\n\tcase Gauge:\n'), 'Gauge');
      // Several types: v keeps x's type, which the switch does not state.
      assert.equal(sw('\tcase *Counter, Gauge:\n'), undefined);
    });

    it("Go: a map's values and keys, a slice's or an array's index, a channel's receive and range", () => {
      const go = (body: string, params: string) => member('go', `package a\nfunc f(${params}) {\n${body}`, '\n}')?.type;
      assert.equal(go('\tfor k, v := range m {\n\t\tv.', 'm map[string]*Metric'), 'Metric');
      assert.equal(go('\tfor k, v := range m {\n\t\tk.', 'm map[Key]*Metric'), 'Key');
      assert.equal(go('\tv := m["x"]\n\tv.', 'm map[string]*Metric'), 'Metric');
      assert.equal(go('\tm[name].', 'm map[string][]*Metric'), undefined);
      assert.equal(go('\tms[0].', 'ms []*Metric'), 'Metric');
      assert.equal(go('\tx := ms[i]\n\tx.', 'ms *[4]Metric'), 'Metric');
      assert.equal(go('\tfor i := range ms {\n\t\tms[i].', 'ms []Metric'), 'Metric');
      assert.equal(go('\tx := <-ch\n\tx.', 'ch <-chan *Metric'), 'Metric');
      assert.equal(go('\tfor x := range ch {\n\t\tx.', 'ch chan *Metric'), 'Metric');
      // The one name ranging over a slice is an index; over a map, a key.
      assert.equal(go('\tfor x := range ms {\n\t\tx.', 'ms []*Metric'), undefined);
      assert.equal(go('\tfor x := range m {\n\t\tx.', 'm map[Key]*Metric'), 'Key');
      // A variadic parameter is a slice; a composite literal or `make` writes the collection's type.
      assert.equal(go('\tfor _, o := range opts {\n\t\to.', 'opts ...Option'), 'Option');
      assert.equal(go('\topts[0].', 'opts ...Option'), 'Option');
      assert.equal(go('\topts.', 'opts ...Option'), undefined);
      assert.equal(go('\tm := map[string]*Metric{}\n\tfor _, v := range m {\n\t\tv.', ''), 'Metric');
      assert.equal(go('\tm := make(map[string]*Metric)\n\tm["a"].', ''), 'Metric');
      assert.equal(go('\tms := make([]*Metric, 0, 4)\n\tfor _, v := range ms {\n\t\tv.', ''), 'Metric');
      // A field's collection: the element is read from its declared type in the index.
      assert.deepEqual(member('go', 'package a\nfunc (s *S) f() {\n\tfor _, v := range s.m {\n\t\tv.', '\n\t}\n}')?.chain, {
        type: 'S',
        steps: [{ name: 'm', call: false, element: true }],
      });
    });

    it('Rust: references, closures; Java: parameters and for-each variables', () => {
      assert.equal(member('rust', 'fn f(buf: &mut Buffer) {\n    buf.', '\n}')?.type, 'Buffer');
      assert.equal(member('rust', 'fn f() {\n    let g = |p: &Point| p.', ';\n}')?.type, 'Point');
      assert.equal(member('java', 'class A {\n  void f(Foo x) {\n    x.', '\n  }\n}')?.type, 'Foo');
      assert.equal(member('java', 'class A {\n  void f() {\n    for (Foo e : list) {\n      e.', '\n    }\n  }\n}')?.type, 'Foo');
    });

    it('Python blocks do not scope names: a binding in `try`/`if` holds after it, over an earlier untyped one', () => {
      const prefix = 'def f():\n    conn = None\n    try:\n        conn = Connection()\n    except Error:\n        pass\n    conn.';
      assert.equal(member('python', prefix)?.type, 'Connection');
      assert.equal(member('python', 'def f(cls: Type[Spider]):\n    cls.')?.type, 'Spider');
    });

    it('Java: a bare call is a method of the enclosing class', () => {
      assert.deepEqual(member('java', 'class A {\n  void f() {\n    var x = make();\n    x.', '\n  }\n}')?.chain, {
        type: 'A',
        steps: [{ name: 'make', call: true }],
      });
    });

    it('prefers the binding whose scope holds the cursor over a closer one in another function', () => {
      const prefix = 'function d(c: Context) {\n  function inner(c: Request) {\n    return 1;\n  }\n  if (1) {\n    c.';
      assert.equal(member('typescript', prefix, '\n  }\n}')?.type, 'Context');
      const java = 'class A {\n  Foo c;\n  void f() {\n    c.';
      assert.equal(member('java', java, '\n  }\n}')?.type, 'Foo', 'a field when no local or parameter binds the name');
    });

    it('TypeScript: a function that declares a `this` parameter types `this` in its body, arrows inside included', () => {
      const fn = 'function f() {\n  const r = new Reaction(name, function (this: Reaction) {\n    ';
      assert.deepEqual(member('typescript', fn + 'this.', '\n  })\n}\n'), { receiver: 'this', type: 'Reaction', via: 'annotation' });
      assert.equal(member('typescript', fn + '[1].map(() => this.', ')\n  })\n}\n')?.type, 'Reaction', 'an arrow keeps the this around it');
      assert.deepEqual(member('typescript', fn + 'this.pool.', '\n  })\n}\n')?.chain, {
        type: 'Reaction',
        steps: [{ name: 'pool', call: false }],
      });
      const method = 'class A extends B {\n  m(this: Other) {\n    this.';
      assert.equal(member('typescript', method, '\n  }\n}\n')?.type, 'Other', 'a method declaring this');
      assert.equal(
        member('typescript', 'class A extends B {\n  m() {\n    this.', '\n  }\n}\n')?.type,
        'A',
        'no this parameter: the class',
      );
      assert.equal(
        member('typescript', 'function g<T extends Base>(this: T) {\n  this.', '\n}\n')?.type,
        'Base',
        'a type parameter: its bound',
      );
    });
  });

  describe('fields and properties through their declared type', () => {
    it('TypeScript class properties and constructor parameter properties', () => {
      const cls = 'class A {\n  private cfg?: Config;\n  constructor(private readonly pool: Pool) {}\n  f() {\n    this.';
      assert.deepEqual(member('typescript', `${cls}cfg.`, '\n  }\n}'), { receiver: 'this.cfg', type: 'Config', via: 'annotation' });
      assert.deepEqual(member('typescript', `${cls}pool.`, '\n  }\n}'), { receiver: 'this.pool', type: 'Pool', via: 'annotation' });
    });

    it('Python attributes set in __init__ and class-level annotations', () => {
      const init = 'class A:\n    def __init__(self):\n        self.console = Console()\n    def g(self):\n        self.console.';
      assert.deepEqual(member('python', init), { receiver: 'self.console', type: 'Console', via: 'initializer' });
      assert.equal(member('python', 'class A:\n    live: Live\n    def g(self):\n        self.live.')?.type, 'Live');
    });

    it('a field the document does not declare: the enclosing type and the step, for the index', () => {
      assert.deepEqual(member('go', 'package a\nfunc (e *Engine) run() {\n\te.pool.', '\n}'), {
        receiver: 'e.pool',
        chain: { type: 'Engine', steps: [{ name: 'pool', call: false }] },
      });
      assert.deepEqual(member('rust', 'impl Printer {\n    fn f(&mut self) {\n        self.stats.', '\n    }\n}')?.chain, {
        type: 'Printer',
        steps: [{ name: 'stats', call: false }],
      });
    });
  });

  describe('chains and initialisers', () => {
    it('member and call chains from a typed start, bounded, through locals', () => {
      assert.deepEqual(member('typescript', 'function f(c: Context) {\n  c.req.', '\n}')?.chain, {
        type: 'Context',
        steps: [{ name: 'req', call: false }],
      });
      assert.deepEqual(member('go', 'package a\nfunc f(c *Context) {\n\tp := c.Writer.Pusher()\n\tp.', '\n}')?.chain, {
        type: 'Context',
        steps: [
          { name: 'Writer', call: false },
          { name: 'Pusher', call: true },
        ],
      });
      assert.deepEqual(member('typescript', 'function f(c: Context) {\n  c.get("k", 1).', '\n}')?.chain, {
        type: 'Context',
        steps: [{ name: 'get', call: true }],
      });
      assert.equal(member('typescript', 'function f(a: A) {\n  a.b.c.d.e.', '\n}')?.chain?.steps.length, 4);
      assert.equal(
        member('typescript', 'function f(a: A) {\n  a.b.c.d.e.f.', '\n}')?.chain,
        undefined,
        'more than four steps: not followed',
      );
    });

    it('call initialisers: free functions, package functions, awaited and `?` results', () => {
      assert.deepEqual(member('typescript', 'async function f() {\n  const r = await makeFoo(1);\n  r.', '\n}')?.chain, {
        callee: 'makeFoo',
        steps: [],
      });
      assert.deepEqual(member('go', 'package a\nfunc f() {\n\tx := pkg.NewT()\n\tx.', '\n}')?.chain, { callee: 'NewT', steps: [] });
      assert.deepEqual(member('go', 'package a\nfunc f() {\n\tx, err := NewT()\n\tx.', '\n}')?.chain, { callee: 'NewT', steps: [] });
      assert.deepEqual(member('python', 'async def f():\n    x = await load()\n    x.')?.chain, { callee: 'load', steps: [] });
      assert.deepEqual(member('rust', 'fn f() {\n    let x = make_it()?;\n    x.', '\n}')?.chain, { callee: 'make_it', steps: [] });
      assert.deepEqual(member('java', 'class A {\n  void f() {\n    var x = this.make();\n    x.', '\n  }\n}')?.chain, {
        type: 'A',
        steps: [{ name: 'make', call: true }],
      });
    });

    it('a name the document does not type starts the chain for the index to resolve', () => {
      assert.deepEqual(member('typescript', 'const f = (c) => c.req.', ''), {
        receiver: 'c.req',
        chain: { head: 'c', steps: [{ name: 'req', call: false }] },
      });
      assert.deepEqual(member('typescript', 'const f = (c) => c.', ''), { receiver: 'c' });
    });
  });

  describe('TypeScript conditional initialisers', () => {
    it('`c ? a : b`: the arm the document types; `x instanceof T ? x : …` narrows x to T; untyped names leave the binding as it was', () => {
      const narrowed =
        'function f(opts: O) {\n  const { client } = opts;\n  const u =\n    client instanceof Untyped ? client : untyped(client);\n  u.';
      assert.equal(member('typescript', narrowed, '\n}\n')?.type, 'Untyped');
      assert.equal(member('typescript', 'function f() {\n  const u = flag ? null : new Pool()\n  u.', '\n}\n')?.type, 'Pool');
      assert.deepEqual(member('typescript', 'function f() {\n  const u = flag ? makeA() : undefined\n  u.', '\n}\n')?.chain, {
        callee: 'makeA',
        steps: [],
      });
      assert.deepEqual(member('typescript', 'function f() {\n  const u = flag ? x : y\n  u.', '\n}\n'), { receiver: 'u' });
    });
  });

  describe('generic bounds and wrappers', () => {
    it('Rust: bounds inline and in `where`, `impl Trait`, smart pointers, Option, unwrap-like calls, `if let Some(…)`', () => {
      assert.equal(member('rust', 'fn f<B: Buf>(buf: &mut B) {\n    buf.', '\n}')?.type, 'Buf');
      assert.equal(member('rust', 'fn f<B>(buf: B) where B: Buf + Send {\n    buf.', '\n}')?.type, 'Buf');
      assert.equal(member('rust', 'fn f(buf: impl Buf) {\n    buf.', '\n}')?.type, 'Buf');
      assert.equal(member('rust', 'fn f(s: Arc<Mutex<Shared>>) {\n    s.', '\n}')?.type, 'Shared');
      assert.equal(member('rust', 'fn f(s: Option<Box<Shared>>) {\n    s.', '\n}')?.type, 'Shared');
      assert.equal(member('rust', 'fn f() {\n    let s = Arc::new(Shared::new());\n    s.', '\n}')?.type, 'Shared');
      // What an Option or a smart pointer holds, through the calls that hand it back.
      assert.equal(
        member('rust', 'fn f(s: Option<Box<Shared>>) {\n    let t = s.as_deref().unwrap_or(&d);\n    t.', '\n}')?.type,
        'Shared',
      );
      // Another handle to the same value: what the reference points at.
      assert.equal(member('rust', 'fn f(shared: Arc<Shared>) {\n    let s = Arc::clone(&shared);\n    s.', '\n}')?.type, 'Shared');
      assert.deepEqual(member('rust', 'fn f(c: Conf) {\n    let x = c.path().unwrap().clone();\n    x.', '\n}')?.chain, {
        type: 'Conf',
        steps: [{ name: 'path', call: true }],
      });
      const ifLet = 'impl P {\n    fn f(&mut self) {\n        if let Some(ref mut stats) = self.stats {\n            stats.';
      assert.deepEqual(member('rust', ifLet, '\n        }\n    }\n}')?.chain, { type: 'P', steps: [{ name: 'stats', call: false }] });
    });

    it('Rust: `Self` is the type the impl is for; Pin and pin projections keep the fields and methods', () => {
      assert.deepEqual(member('rust', 'impl Foo {\n    fn f() {\n        Self::new().', '\n    }\n}'), {
        receiver: 'Self::new()',
        type: 'Foo',
        via: 'initializer',
      });
      assert.equal(member('rust', 'impl Foo {\n    fn f() -> Self {\n        let x = Self::new();\n        x.', '\n    }\n}')?.type, 'Foo');
      const project = 'impl Conn {\n    fn poll(self: Pin<&mut Self>) {\n        let me = self.project();\n        me.io.';
      assert.deepEqual(member('rust', project, '\n    }\n}')?.chain, { type: 'Conn', steps: [{ name: 'io', call: false }] });
      const asMut = 'impl Conn {\n    fn poll(mut self: Pin<&mut Self>) {\n        let me = self.as_mut().get_mut();\n        me.';
      assert.equal(member('rust', asMut, '\n    }\n}')?.type, 'Conn');
      assert.equal(member('rust', 'fn f(mut c: Conn) {\n    let p = Pin::new(&mut c);\n    p.', '\n}')?.type, 'Conn');
      assert.equal(member('rust', 'fn f(c: Conn) {\n    let p = Box::pin(c);\n    p.', '\n}')?.type, 'Conn');
    });

    it('Rust: `for` patterns, iterator closures and `match` arms bind elements and matched values', () => {
      assert.equal(member('rust', 'fn f(xs: &[Item]) {\n    for it in xs.iter().rev() {\n        it.', '\n    }\n}')?.type, 'Item');
      assert.equal(member('rust', 'fn f(xs: Vec<Item>) {\n    for it in &xs {\n        it.', '\n    }\n}')?.type, 'Item');
      assert.equal(member('rust', 'fn f(xs: impl Iterator<Item = Item>) {\n    for it in xs {\n        it.', '\n    }\n}')?.type, 'Item');
      assert.deepEqual(
        member('rust', 'impl A {\n    fn f(&self) {\n        for c in self.conns() {\n            c.', '\n        }\n    }\n}')?.chain,
        {
          type: 'A',
          steps: [{ name: 'conns', call: true, element: true }],
        },
      );
      // Only inside the loop: after it, `it` is the parameter again.
      assert.equal(member('rust', 'fn f(it: Other, xs: Vec<Item>) {\n    for it in xs {\n    }\n    it.', '\n}')?.type, 'Other');
      assert.equal(member('rust', 'fn f(xs: Vec<Item>) {\n    xs.iter().map(|x| x.', ');\n}')?.type, 'Item');
      assert.equal(member('rust', 'fn f(xs: Vec<Item>) {\n    xs.iter().fold(0, |x, y| x.', ');\n}')?.type, undefined);
      assert.equal(member('rust', 'fn f() {\n    let g = |x: &Foo| x.', ';\n}')?.type, 'Foo');
      assert.equal(member('rust', 'fn f(o: Option<Conn>) {\n    match o {\n        Some(c) => c.', '\n    }\n}')?.type, 'Conn');
      assert.equal(member('rust', 'fn f(s: State) {\n    match s {\n        st => st.', '\n    }\n}')?.type, 'State');
    });

    it('TypeScript and Java bounds; TypeScript unions, Promise and non-null', () => {
      assert.equal(member('typescript', 'function f<T extends Base>(t: T) {\n  t.', '\n}')?.type, 'Base');
      assert.equal(member('java', 'class A {\n  <T extends Bar> void f(T t) {\n    t.', '\n  }\n}')?.type, 'Bar');
      assert.equal(member('typescript', 'function f(p: undefined | Foo) {\n  p.', '\n}')?.type, 'Foo');
      assert.equal(member('typescript', 'function f(p: Promise<Foo>) {\n  p.', '\n}')?.type, 'Foo');
      assert.equal(member('typescript', 'function f(p: Foo | null) {\n  p!.', '\n}')?.type, 'Foo');
      assert.equal(member('typescript', 'function f(p) {\n  (p as Foo).', '\n}')?.type, 'Foo');
    });

    it('TypeScript: a type parameter with only a default stands for it; `<T>x` and `x satisfies T` state T', () => {
      assert.equal(member('typescript', 'function f<T = Pool>(t: T) {\n  t.', '\n}')?.type, 'Pool');
      assert.equal(member('typescript', 'function f<T extends Base = Pool>(t: T) {\n  t.', '\n}')?.type, 'Base');
      assert.equal(member('typescript', 'const a = <Foo>x;\na.', '\n')?.type, 'Foo');
      assert.equal(member('typescript', 'const b = { n: 1 } satisfies Bar;\nb.', '\n')?.type, 'Bar');
    });
  });

  describe('long documents: only the last 8 KB are parsed, from the line indented least', () => {
    it('a cancelled parse does not leak into the next document (the parser is reset)', () => {
      const huge = `fn a() {\n${'    let x = [1, 2, 3];\n'.repeat(400)}    x.`;
      cursorContext(huge, '', 'rust', 0);
      assert.equal(member('java', 'class A {\n  void f(Foo x) {\n    x.', '\n  }\n}')?.type, 'Foo');
      assert.equal(member('rust', 'fn f(s: Summary) {\n    s.', '\n}')?.type, 'Summary');
    });

    const filler = (line: string) => Array.from({ length: 600 }, (_, i) => line.replace('N', String(i))).join('\n');

    it('`self` in an impl whose header is above the parsed window', () => {
      const prefix = `impl Printer {\n${filler('    fn mN(&self) -> u32 {\n        N\n    }')}\n    fn last(&mut self) {\n        self.`;
      assert.ok(prefix.length > 20_000);
      assert.deepEqual(member('rust', prefix, '\n    }\n}'), { receiver: 'self', type: 'Printer', via: 'self' });
    });

    it('Rust `self` in an impl the parse leaves open (its closing brace beyond the suffix parsed): the impl, not the one above', () => {
      const prefix = `impl Zero {\n${filler('    fn mN(&self) -> u32 {\n        N\n    }')}\n}\n\nimpl First {\n    fn a(&self) {}\n}\n\nimpl Second {\n    fn last(&mut self) {\n        self.`;
      const suffix = `\n${filler('        let xN = N;')}\n    }\n}\n`;
      assert.ok(prefix.length > 20_000 && suffix.length > 8_000);
      assert.deepEqual(member('rust', prefix, suffix), { receiver: 'self', type: 'Second', via: 'self' });
    });

    it('Java: a bare field name declared above the window is a field of the enclosing class, for the index', () => {
      const prefix = `public final class Gson {\n  private Excluder excluder;\n${filler('  int mN() {\n    return N;\n  }')}\n  void f() {\n    excluder.`;
      assert.deepEqual(member('java', prefix, '\n  }\n}')?.chain, { type: 'Gson', steps: [{ name: 'excluder', call: false }] });
      const near = 'public final class Gson {\n  private Excluder excluder;\n  void f() {\n    excluder.';
      assert.equal(member('java', near, '\n  }\n}')?.type, 'Excluder', 'declared in the window: the declaration itself');
    });
  });

  it('a full stop on a comment line is not a member access (and costs no parse); a trailing dot in code still is', () => {
    assert.equal(member('typescript', 'const x = 1;\n/**\n * Reads the value directly.\n'), undefined);
    assert.equal(member('typescript', 'function f(c: Context) {\n  // see c.'), undefined);
    assert.equal(member('typescript', 'let a = b; // the end.\n'), undefined);
    assert.equal(member('python', 'def f(table: Table):\n    # fill the table.\n    '), undefined);
    assert.equal(member('python', 'def f(table: Table):\n    x = 1  # the table.\n    '), undefined);
    // Rust's dereference, C's decrement and Python's floor division are not comments.
    assert.equal(member('rust', 'impl Stats {\n    fn add(&mut self) {\n        *self.')?.receiver, 'self');
    assert.ok(member('typescript', 'class A {\n  run() {\n    --this.'));
    assert.equal(member('python', 'def f(table: Table):\n    n = total // table.')?.type, 'Table');
    // Go puts a chain's dot at the end of the line; a private field is not a comment.
    assert.equal(member('go', 'func f(c *Context) {\n\tc.\n\t\t')?.receiver, 'c');
    assert.ok(member('typescript', 'class A {\n  #pool: Pool;\n  run() {\n    this.#pool.'));
  });

  it('C# and PHP parameters where the grammar says as plainly', () => {
    assert.equal(member('csharp', 'class A {\n  void F(Foo x) {\n    x.', '\n  }\n}')?.type, 'Foo');
    assert.equal(member('php', '<?php\nfunction f(Foo $x) {\n  $x->', '\n}')?.type, 'Foo');
  });

  it('plainType strips references, pointers, packages, optionals and smart pointers, keeping other generics', () => {
    assert.equal(plainType("&'a mut Foo<T>"), 'Foo');
    assert.equal(plainType('*pkg.Foo'), 'Foo');
    assert.equal(plainType('[]*Foo'), 'Foo');
    assert.equal(plainType('Optional["Foo"]'), 'Foo');
    assert.equal(plainType('std::sync::Arc<RwLock<Foo>>'), 'Foo');
    assert.equal(plainType('io::Result<Foo>'), 'Foo');
    assert.equal(plainType('Map<String, Foo>'), 'Map');
    assert.equal(plainType(': Foo | undefined'), 'Foo');
    assert.equal(plainType('var'), undefined);
  });

  it("plainType with a grammar sees through that language's wrappers only", () => {
    assert.equal(plainType('Ref<User>', 'rust'), 'User');
    assert.equal(plainType('Ref<User>', 'typescript'), 'Ref', "Vue's Ref<T> has a .value, not T's members");
    assert.equal(plainType('Result<User, Error>', 'typescript'), 'Result');
    assert.equal(plainType('io::Result<User>', 'rust'), 'User');
    assert.equal(plainType('Promise<User>', 'tsx'), 'User');
    assert.equal(plainType('Promise<User>', 'rust'), 'Promise');
    assert.equal(plainType('Optional[User]', 'python'), 'User');
    assert.equal(plainType('Optional<User>', 'java'), 'User');
    assert.equal(plainType('Box[T]', 'go'), 'Box');
    assert.equal(plainType('Option<User>', 'kotlin'), 'User', "a language the heuristics parse: any language's wrappers");
    const doc = 'import { ref, type Ref } from "vue"\nclass User { name = "" }\nfunction f(u: Ref<User>) {\n  u.';
    assert.equal(member('typescript', doc, '\n}')?.type, 'Ref');
    assert.equal(member('rust', 'fn f(u: Ref<User>) {\n    u.', '\n}')?.type, 'User');
  });

  it("plainType: TypeScript's utility types have their first argument's members", () => {
    assert.equal(plainType('Partial<Options>'), 'Options');
    assert.equal(plainType('Required<Partial<Options>>'), 'Options');
    assert.equal(plainType("Pick<Actor, 'send' | 'id'>"), 'Actor');
    assert.equal(plainType("Omit<Actor, 'id'>"), 'Actor');
    assert.equal(plainType('NonNullable<Actor | undefined>'), 'Actor');
    assert.equal(plainType('Awaited<Promise<Actor>>'), 'Actor');
    assert.equal(plainType('InstanceType<typeof Actor>'), 'Actor');
    assert.equal(member('typescript', 'function f(o: Partial<Options>) {\n  o.', '\n}')?.type, 'Options');
  });
});

describe('context/syntax/cursor: the Rust parse window starts at code, not inside a multi-line string', () => {
  it("skips a raw string's lines at column 0 (a flag's help text) when choosing where the window starts", async () => {
    await loadGrammar('rust');
    const help = Array.from({ length: 40 }, (_, i) => `Show the ${i}th thing (this is help text), and more words here,`).join('\n');
    const flags = Array.from(
      { length: 6 },
      (_, i) => `impl Flag for F${i} {\n    fn doc(&self) -> &'static str {\n        r"\n${help}\n"\n    }\n}\n`,
    ).join('\n');
    const prefix = `${flags}\nfn test_context() {\n    let args = parse_low_raw(["-A1"]).unwrap();\n    assert_eq!((5, 1), args.context.`;
    assert.ok(prefix.length > 9000);
    assert.deepEqual(member('rust', prefix, '\n}\n')?.chain, { callee: 'parse_low_raw', steps: [{ name: 'context', call: false }] });
  });
});
