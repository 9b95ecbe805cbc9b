import assert from 'node:assert/strict';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { fieldType } from '../../../../daemon/context/member-types';
import { cursorContext } from '../../../../daemon/context/syntax/cursor';
import { loadGrammar, type GrammarId } from '../../../../daemon/context/syntax/grammars';
import type { ImportFact } from '../../../../daemon/context/syntax/types';
import { memoryIndex, sym, TEST_PARSE_BUDGET_MS, type MemoryIndex } from './memory-index';

describe('context/receiver-members: the type after `x.` through fields, methods and functions the index declares', () => {
  let index: MemoryIndex;
  before(async () => {
    for (const g of ['typescript', 'python', 'go', 'rust', 'java'] as GrammarId[]) assert.ok((await loadGrammar(g)).ok);
    index = memoryIndex('/repo', {
      // TypeScript: a field typed in a base class, a method's declared return type, a free function's.
      'src/context.ts': [
        { startLine: 1, text: 'export class BaseContext {\n  req: HonoRequest', symbols: [sym('BaseContext', 1, 'class')] },
        { startLine: 2, text: '  req: HonoRequest', symbols: [sym('req', 2, 'field', 'BaseContext')] },
        { startLine: 5, text: 'export class Context extends BaseContext {\n  json() {}', symbols: [sym('Context', 5, 'class')] },
        { startLine: 6, text: '  json() {}', symbols: [sym('json', 6, 'method', 'Context')] },
        {
          startLine: 7,
          text: '  var(key: string): Promise<Variable | undefined> {\n    return x;\n  }',
          symbols: [sym('var', 7, 'method', 'Context')],
        },
      ],
      'src/request.ts': [
        { startLine: 1, text: 'export class HonoRequest {\n  header(name: string) {}', symbols: [sym('HonoRequest', 1, 'class')] },
        { startLine: 2, text: '  header(name: string) {}', symbols: [sym('header', 2, 'method', 'HonoRequest')] },
        { startLine: 3, text: '  param(name: string) {}', symbols: [sym('param', 3, 'method', 'HonoRequest')] },
        {
          startLine: 5,
          text: 'export class Variable {\n  read() {}\n}',
          symbols: [sym('Variable', 5, 'class'), sym('read', 6, 'method', 'Variable')],
        },
        {
          startLine: 9,
          text: 'export const makeRequest = (url: string): HonoRequest => {\n  return r;\n}',
          symbols: [sym('makeRequest', 9, 'function')],
        },
      ],
      // Python: an attribute set in __init__.
      'rich/console.py': [
        { startLine: 1, text: 'class Console:\n    def __init__(self):', symbols: [sym('Console', 1, 'class')] },
        {
          startLine: 2,
          text: '    def __init__(self):\n        self._theme = Theme(3)',
          symbols: [sym('__init__', 2, 'method', 'Console')],
        },
        {
          startLine: 5,
          text: 'class Theme:\n    def get(self, name):\n        pass',
          symbols: [sym('Theme', 5, 'class'), sym('get', 6, 'method', 'Theme')],
        },
      ],
      // A function with a declared return type, reached only through an import.
      'rich/table.py': [
        {
          startLine: 1,
          text: 'class Table:\n    def add_row(self):\n        pass',
          symbols: [sym('Table', 1, 'class'), sym('add_row', 2, 'method', 'Table')],
        },
        { startLine: 5, text: 'def load_table(path) -> "Table":\n    return Table()', symbols: [sym('load_table', 5, 'function')] },
      ],
      // A module-level value with a declared type; a nested class.
      'rich/box.py': [
        {
          startLine: 1,
          text: 'class Box:\n    def get_row(self):\n        pass',
          symbols: [sym('Box', 1, 'class'), sym('get_row', 2, 'method', 'Box')],
        },
        { startLine: 5, text: 'DOUBLE: Box = Box(\n    "x"\n)', symbols: [{ name: 'DOUBLE', line: 5, kind: 'variable' }] },
        { startLine: 8, text: 'HEAVY = Box("y")', symbols: [{ name: 'HEAVY', line: 8, kind: 'variable' }] },
      ],
      'src/test/java/a/TestTypes.java': [
        { startLine: 1, text: 'public class TestTypes {\n  public static class Base {', symbols: [sym('TestTypes', 1, 'class')] },
        {
          startLine: 2,
          text: '  public static class Base {\n    public static final String BASE_NAME = "b";\n  }',
          symbols: [sym('Base', 2, 'class', 'TestTypes'), sym('BASE_NAME', 3, 'field', 'Base')],
        },
      ],
      // Go: a struct field, a package function's result, methods in another file of the package.
      'gin/context.go': [
        { startLine: 1, text: 'type Context struct {\n\tWriter  *responseWriter\n\tindex int8\n}', symbols: [sym('Context', 1, 'type')] },
        { startLine: 6, text: 'func New() (*Engine, error) {\n\treturn nil, nil\n}', symbols: [sym('New', 6, 'function')] },
        {
          startLine: 10,
          text: '// Pair makes two (a writer, then an engine).\nfunc Pair() (w *responseWriter, e *Engine) {\n\treturn nil, nil\n}',
          symbols: [sym('Pair', 11, 'function')],
        },
      ],
      'gin/writer.go': [
        { startLine: 1, text: 'type responseWriter struct {\n\tsize int\n}', symbols: [sym('responseWriter', 1, 'type')] },
        { startLine: 5, text: 'func (w *responseWriter) Flush() {\n}', symbols: [sym('Flush', 5, 'method', 'responseWriter')] },
        { startLine: 8, text: 'type Engine struct {\n}', symbols: [sym('Engine', 8, 'type')] },
        { startLine: 10, text: 'func (e *Engine) Run() {\n}', symbols: [sym('Run', 10, 'method', 'Engine')] },
        {
          startLine: 13,
          text: 'type pool struct {\n\tjobs chan *Engine\n\tbyName map[string]*Engine\n}',
          symbols: [sym('pool', 13, 'type')],
        },
      ],
      // Go: an interface with one implementation in the workspace and one that is only declared; a struct embedding another.
      'web/writer.go': [
        {
          startLine: 1,
          text: 'type ResponseWriter interface {\n\tFlusher\n\tStatus() int\n\tSize() int\n}',
          symbols: [
            sym('ResponseWriter', 1, 'interface'),
            sym('Status', 3, 'method', 'ResponseWriter'),
            sym('Size', 4, 'method', 'ResponseWriter'),
          ],
        },
        {
          startLine: 6,
          text: 'type Flusher interface {\n\tFlush()\n}',
          symbols: [sym('Flusher', 6, 'interface'), sym('Flush', 7, 'method', 'Flusher')],
        },
        { startLine: 9, text: 'type rw struct {\n\tsize int\n}', symbols: [sym('rw', 9, 'type')] },
        { startLine: 12, text: 'func (w *rw) Status() int {\n}', symbols: [sym('Status', 12, 'method', 'rw')] },
        { startLine: 14, text: 'func (w *rw) Size() int {\n}', symbols: [sym('Size', 14, 'method', 'rw')] },
        { startLine: 16, text: 'func (w *rw) Flush() {\n}', symbols: [sym('Flush', 16, 'method', 'rw')] },
        // Declares Status but not Size: it does not implement ResponseWriter.
        { startLine: 18, text: 'func (h *half) Status() int {\n}', symbols: [sym('Status', 18, 'method', 'half')] },
        {
          startLine: 20,
          text: 'type Renderer interface {\n\tRender() error\n}',
          symbols: [sym('Renderer', 20, 'interface'), sym('Render', 21, 'method', 'Renderer')],
        },
      ],
      'web/router.go': [
        { startLine: 1, text: 'type RouterGroup struct {\n\tbase string\n}', symbols: [sym('RouterGroup', 1, 'type')] },
        { startLine: 4, text: 'func (g *RouterGroup) Use() {\n}', symbols: [sym('Use', 4, 'method', 'RouterGroup')] },
        { startLine: 6, text: 'type Server struct {\n\t*RouterGroup\n\ttrees int\n}', symbols: [sym('Server', 6, 'type')] },
        { startLine: 10, text: 'func (s *Server) Run() {\n}', symbols: [sym('Run', 10, 'method', 'Server')] },
      ],
      // Rust: an optional struct field, an associated function returning Result<Self>.
      'src/printer.rs': [
        { startLine: 1, text: 'pub struct Summary {\n    stats: Option<Stats>,\n}', symbols: [sym('Summary', 1, 'struct')] },
        { startLine: 5, text: 'pub struct Stats {\n    n: u64,\n}', symbols: [sym('Stats', 5, 'struct')] },
        { startLine: 9, text: '    pub fn add_matches(&mut self, n: u64) {\n    }', symbols: [sym('add_matches', 9, 'method', 'Stats')] },
        { startLine: 11, text: '    pub fn open(p: &Path) -> io::Result<Self> {\n    }', symbols: [sym('open', 11, 'method', 'Stats')] },
        { startLine: 15, text: 'pub struct Pool {\n    all: Vec<Stats>,\n}', symbols: [sym('Pool', 15, 'struct')] },
        { startLine: 40, text: 'type Shared = Arc<Mutex<Stats>>;', symbols: [sym('Shared', 40, 'type')] },
        {
          startLine: 19,
          text: "    pub fn each(&self) -> impl Iterator<Item = &'_ Stats> {\n    }",
          symbols: [sym('each', 19, 'method', 'Pool')],
        },
      ],
      // Rust: a trait with supertraits, one declared in the repository.
      'src/sink.rs': [
        {
          startLine: 1,
          text: "pub trait Sink: io::Write + Send + 'static {\n    fn matched(&mut self) -> bool;\n}",
          symbols: [sym('Sink', 1, 'trait'), sym('matched', 2, 'function', 'Sink')],
        },
      ],
      'src/state.rs': [
        {
          startLine: 1,
          text: 'pub enum State {\n    Idle,\n    /// Reading.\n    Open(u8, Stats),\n    Closed { why: Guard },\n}',
          symbols: [sym('State', 1, 'enum')],
        },
      ],
      // Rust: macros whose value their definition fixes (an enum variant's field a `match` arm hands out; a constructor).
      'tests/support/assert.rs': [
        {
          startLine: 1,
          text:
            'macro_rules! poll_state {\n    ($kind:ident, $s:expr) => {{\n        use crate::State;\n\n' +
            '        match $s.next() {\n            Some(State::$kind(_, st)) => st,\n            s => panic!("unexpected {:?}", s),\n        }\n    }};\n}',
          symbols: [sym('poll_state', 1, 'macro')],
        },
        {
          startLine: 12,
          text: 'macro_rules! guard {\n    () => {\n        $crate::guard::Guard::new(0)\n    };\n    ($n:expr) => {\n        Guard { inner: $n };\n    };\n}',
          symbols: [sym('guard', 12, 'macro')],
        },
      ],
      'src/guard.rs': [
        { startLine: 1, text: 'pub struct Guard {\n    inner: Conn<u8>,\n}', symbols: [sym('Guard', 1, 'struct')] },
        {
          startLine: 5,
          text: 'impl Deref for Guard {\n    type Target = Stats;\n\n    fn deref(&self) -> &Stats {\n        &self.s\n    }\n}',
          symbols: [sym('deref', 8, 'method', 'Guard')],
        },
      ],
      'src/conn.rs': [{ startLine: 1, text: 'pub struct Conn<W> {\n    out: W,\n}', symbols: [sym('Conn', 1, 'struct')] }],
      // Functions taking closures: a method with an inline bound, a free function with a where clause, `impl FnMut`.
      'src/scope.rs': [
        {
          startLine: 1,
          text: 'impl Pool {\n    pub fn with_first<F, R>(&self, f: F) -> R\n    where\n        F: FnOnce(&mut Stats) -> R,\n    {\n    }',
          symbols: [sym('with_first', 2, 'method', 'Pool')],
        },
        {
          startLine: 8,
          text: 'pub fn scoped<F: Fn(u8, &Guard) + Send>(n: u8, f: F) {\n}',
          symbols: [sym('scoped', 8, 'function')],
        },
        {
          startLine: 10,
          text: 'pub fn visit(on: impl FnMut(&Summary) -> bool) {\n}',
          symbols: [sym('visit', 10, 'function')],
        },
      ],
      // A tuple struct (newtype) over a reference and a collection.
      'src/held.rs': [{ startLine: 1, text: "pub struct Held<'a>(pub &'a Stats, Vec<Guard>);", symbols: [sym('Held', 1, 'struct')] }],
      'src/io.rs': [
        {
          startLine: 1,
          text: 'pub trait Write {\n    fn flush(&mut self) {\n    }\n}',
          symbols: [sym('Write', 1, 'trait'), sym('flush', 2, 'function', 'Write')],
        },
      ],
      // Rust: an extension trait with a blanket impl over a trait's implementors, one over a trait nothing here implements.
      'src/svc.rs': [
        {
          startLine: 1,
          text: 'pub trait Service<R> {\n    fn call(&mut self, req: R);\n}',
          symbols: [sym('Service', 1, 'trait'), sym('call', 2, 'function', 'Service')],
        },
        {
          startLine: 5,
          text: 'pub trait ServiceExt<R>: Service<R> {\n    fn ready(&mut self) {\n    }\n}',
          symbols: [sym('ServiceExt', 5, 'trait'), sym('ready', 6, 'function', 'ServiceExt')],
        },
        { startLine: 10, text: 'impl<T: ?Sized, R> ServiceExt<R> for T where T: tower_service::Service<R> {}\n' },
        {
          startLine: 12,
          text: 'pub trait Loud {\n    fn shout(&self) {\n    }\n}',
          symbols: [sym('Loud', 12, 'trait'), sym('shout', 13, 'function', 'Loud')],
        },
        { startLine: 16, text: 'impl<T> Loud for T\nwhere\n    T: Quiet + Send,\n{\n}' },
        { startLine: 21, text: 'pub struct Timeout<S> {\n    inner: S,\n}', symbols: [sym('Timeout', 21, 'struct')] },
        {
          startLine: 24,
          text: 'impl<S, R> Service<R> for Timeout<S> where S: Service<R> {\n    fn call(&mut self, req: R) {\n    }\n}',
          symbols: [sym('call', 25, 'method', 'Timeout')],
        },
        { startLine: 29, text: 'pub struct Plain;', symbols: [sym('Plain', 29, 'struct')] },
        { startLine: 30, text: 'impl Plain {\n    fn call(&self) {\n    }\n}', symbols: [sym('call', 31, 'method', 'Plain')] },
      ],
      // Rust: a module's free function reached by its path; an extension trait's method.
      'src/client.rs': [{ startLine: 1, text: 'pub fn open_link() -> Link {\n}', symbols: [sym('open_link', 1, 'function')] }],
      'src/ext.rs': [
        {
          startLine: 1,
          text: 'pub trait TestFuture: Future {\n    fn drive(&mut self) -> u8 {\n    }\n}',
          symbols: [sym('TestFuture', 1, 'trait'), sym('drive', 2, 'function', 'TestFuture')],
        },
      ],
      // Rust futures: a workspace `impl Future` (its `poll`'s `Poll<…>`), a function returning `impl Future<Output = …>`.
      'src/handshake.rs': [
        { startLine: 1, text: 'pub struct Handshake<T> {\n    io: T,\n}', symbols: [sym('Handshake', 1, 'struct')] },
        {
          startLine: 5,
          text: "impl<T> Future for Handshake<T> {\n    type Output = Result<Guard, Error>;\n\n    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {\n    }\n}",
          symbols: [sym('Output', 6, 'type', 'Handshake'), sym('poll', 8, 'method', 'Handshake')],
        },
        { startLine: 12, text: 'pub fn handshake<T>(io: T) -> Handshake<T> {\n}', symbols: [sym('handshake', 12, 'function')] },
        {
          startLine: 14,
          text: 'pub fn ready_pool(&self) -> impl Future<Output = crate::Result<Pool>> + Send {\n}',
          symbols: [sym('ready_pool', 14, 'function')],
        },
        { startLine: 16, text: 'pub struct Sum(u8);', symbols: [sym('Sum', 16, 'struct')] },
        {
          startLine: 17,
          text: 'impl Add for Sum {\n    type Output = Stats;\n}',
          symbols: [sym('Output', 18, 'type', 'Sum')],
        },
        { startLine: 20, text: 'pub fn sum() -> Sum {\n}', symbols: [sym('sum', 20, 'function')] },
        // Tuples: a free (async) function and a method returning a pair inside a Result.
        {
          startLine: 30,
          text: 'pub async fn connect<T>(io: T) -> Result<(Link, Handshake<T>), Error> {\n}',
          symbols: [sym('connect', 30, 'function')],
        },
        {
          startLine: 32,
          text: 'pub struct Link;\nimpl Link {\n    pub fn split(&mut self, n: u8) -> Result<(Stats, Pool), Error> {\n    }\n}',
          symbols: [sym('Link', 32, 'struct'), sym('split', 34, 'method', 'Link')],
        },
        // A trait's methods named like free functions (`fn handshake(&mut self) -> &mut Self`).
        {
          startLine: 22,
          text: 'pub trait Mock {\n    fn handshake(&mut self) -> &mut Self;\n    fn connect(&mut self) -> &mut Self;\n}',
          symbols: [sym('Mock', 22, 'trait'), sym('handshake', 23, 'function', 'Mock'), sym('connect', 24, 'function', 'Mock')],
        },
      ],
      // Java: a method's declared return type.
      'src/main/java/a/Gson.java': [
        {
          startLine: 1,
          text: 'public final class Gson {\n  public JsonWriter newJsonWriter(Writer w) {',
          symbols: [sym('Gson', 1, 'class')],
        },
        {
          startLine: 2,
          text: '  public JsonWriter newJsonWriter(Writer w) {\n    return null;\n  }',
          symbols: [sym('newJsonWriter', 2, 'method', 'Gson')],
        },
        {
          startLine: 6,
          text: 'public class JsonWriter {\n  void flush() {}\n}',
          symbols: [sym('JsonWriter', 6, 'class'), sym('flush', 7, 'method', 'JsonWriter')],
        },
      ],
    });
  });
  after(() => index.close());

  /** What the completion path does: the document's cursor context, then the receiver's members from the index. */
  const resolve = (rel: string, language: string, prefix: string, suffix = '', imports: ImportFact[] = []) => {
    const cursor = cursorContext(prefix, suffix, language, TEST_PARSE_BUDGET_MS);
    assert.ok(cursor.member, 'a member access');
    const resolved = index.syntax.resolveImports(rel, language, imports);
    const r = receiverMembers(index.syntax, { rel, language, prefix, suffix, imports: resolved, ...cursor.member });
    return { type: r.type, via: r.via, members: r.members.map((m) => m.site.name) };
  };

  it('TypeScript: a field declared in a base class (`c.req.`), a method returning a Promise of a union, a free function', () => {
    assert.deepEqual(resolve('src/app.ts', 'typescript', 'function f(c: Context) {\n  c.req.', '\n}'), {
      type: 'HonoRequest',
      via: 'member type',
      members: ['header', 'param'],
    });
    assert.deepEqual(resolve('src/app.ts', 'typescript', 'async function f(c: Context) {\n  const v = await c.var("k");\n  v.', '\n}'), {
      type: 'Variable',
      via: 'member type',
      members: ['read'],
    });
    assert.deepEqual(resolve('src/app.ts', 'typescript', 'const r = makeRequest(u);\nr.'), {
      type: 'HonoRequest',
      via: 'return type',
      members: ['header', 'param'],
    });
  });

  it('TypeScript: a type imported under another name (`import { HonoRequest as Req }`) is the imported type', () => {
    const imports: ImportFact[] = [{ specifier: './request', kind: 'module', names: [{ imported: 'HonoRequest', local: 'Req' }], line: 1 }];
    const prefix = "import { HonoRequest as Req } from './request'\nfunction f() {\n  const r = new Req()\n  r.";
    assert.deepEqual(resolve('src/app.ts', 'typescript', prefix, '\n}', imports), {
      type: 'HonoRequest',
      via: 'declared type',
      members: ['header', 'param'],
    });
    const annotated = "import { HonoRequest as Req } from './request'\nfunction f(r: Req) {\n  r.";
    assert.equal(resolve('src/app.ts', 'typescript', annotated, '\n}', imports).type, 'HonoRequest');
  });

  it('a chain from an untyped name: the name is resolved as before (here by the members used on it), then followed', () => {
    const r = resolve('src/app.ts', 'typescript', 'const f = (c) => {\n  c.json();\n  c.var("k");\n  c.req.', '\n}');
    assert.deepEqual(r, { type: 'HonoRequest', via: 'member type', members: ['header', 'param'] });
  });

  it('Python: an attribute set in the class `__init__`', () => {
    assert.deepEqual(resolve('rich/app.py', 'python', 'def f(console: Console):\n    console._theme.'), {
      type: 'Theme',
      via: 'member type',
      members: ['get'],
    });
  });

  it('Go: a struct field (`w := c.Writer`) and a package function whose first result is a pointer', () => {
    assert.deepEqual(resolve('gin/app.go', 'go', 'package gin\nfunc f(c *Context) {\n\tw := c.Writer\n\tw.', '\n}'), {
      type: 'responseWriter',
      via: 'member type',
      members: ['Flush'],
    });
    assert.deepEqual(resolve('gin/app.go', 'go', 'package gin\nfunc f() {\n\te, err := gin.New()\n\te.', '\n}'), {
      type: 'Engine',
      via: 'return type',
      members: ['Run'],
    });
  });

  it("Go: each name of `a, b := f()` is f's result in its place, read from the func line (not the doc comment's parentheses)", () => {
    const pair = (name: string) => resolve('gin/app.go', 'go', `package gin\nfunc f() {\n\tw, e := Pair()\n\t${name}.`, '\n}');
    assert.deepEqual(pair('e'), { type: 'Engine', via: 'return type', members: ['Run'] });
    assert.deepEqual(pair('w'), { type: 'responseWriter', via: 'return type', members: ['Flush'] });
  });

  it("Go: a conversion to the package's type; an element of a field's channel or map", () => {
    assert.deepEqual(resolve('gin/app.go', 'go', 'package gin\nfunc f(x *Engine) {\n\te := Engine(*x)\n\te.', '\n}'), {
      type: 'Engine',
      via: 'return type',
      members: ['Run'],
    });
    for (const [use, end] of [
      ['e := <-p.jobs\n\te.', '\n}'],
      ['for _, e := range p.byName {\n\t\te.', '\n\t}\n}'],
      ['p.byName["a"].', '\n}'],
    ])
      assert.equal(resolve('gin/app.go', 'go', `package gin\nfunc f(p *pool) {\n\t${use}`, end).type, 'Engine', use);
  });

  it('Go: a receiver typed by an interface gets the methods of the one type implementing it (those of the interface itself) first, then the interface and what it embeds', () => {
    const r = index.syntax.cursorContext('package web\nfunc f(w ResponseWriter) {\n\tw.', '\n}', 'go');
    const got = receiverMembers(index.syntax, { rel: 'web/app.go', language: 'go', prefix: '', suffix: '', imports: [], ...r.member! });
    assert.equal(got.type, 'ResponseWriter');
    assert.deepEqual(
      got.members.map((m) => `${m.site.container}.${m.site.name}:${m.site.line}@${m.depth}`),
      // `half` declares Status only: not an implementation.
      ['ResponseWriter.Status:3@1', 'ResponseWriter.Size:4@1', 'Flusher.Flush:7@2', 'rw.Status:12@0', 'rw.Size:14@0'],
    );
    // An interface nothing implements keeps its own methods.
    assert.deepEqual(resolve('web/app.go', 'go', 'package web\nfunc f(r Renderer) {\n\tr.', '\n}').members, ['Render']);
  });

  it("Go: after an imported package's name, only the names it exports (another package's unexported ones cannot be named)", () => {
    const r = index.syntax.cursorContext('package app\nfunc f() {\n\tweb.', '\n}', 'go');
    const imports = [
      {
        specifier: 'example.com/m/web',
        kind: 'package' as const,
        names: [],
        namespace: 'web',
        line: 1,
        files: ['web/writer.go', 'web/router.go'],
      },
    ];
    const got = receiverMembers(index.syntax, { rel: 'app/main.go', language: 'go', prefix: '', suffix: '', imports, ...r.member! });
    assert.equal(got.via, 'namespace');
    // `rw` (web/writer.go) is left out.
    assert.deepEqual(
      got.members.map((m) => m.site.name),
      ['ResponseWriter', 'Flusher', 'Renderer', 'RouterGroup', 'Server'],
    );
  });

  it('Go: the methods of an embedded struct are promoted to the embedding one', () => {
    assert.deepEqual(resolve('web/app.go', 'go', 'package web\nfunc f(s *Server) {\n\ts.', '\n}'), {
      type: 'Server',
      via: 'declared type',
      members: ['Run', 'Use'],
    });
  });

  it('Rust: `if let Some(ref mut stats) = self.stats` through an Option field; `Self` in a Result', () => {
    const prefix = 'impl Summary {\n    fn f(&mut self) {\n        if let Some(ref mut stats) = self.stats {\n            stats.';
    assert.deepEqual(resolve('src/summary.rs', 'rust', prefix, '\n        }\n    }\n}'), {
      type: 'Stats',
      via: 'member type',
      members: ['add_matches', 'open'],
    });
    assert.equal(
      resolve('src/summary.rs', 'rust', 'fn f(s: Summary) {\n    let t = s.stats.unwrap().open(p)?;\n    t.', '\n}').type,
      'Stats',
    );
    // `Option::take()` hands out the same Option; `take(n)` is an adapter of another type.
    assert.equal(
      resolve('src/summary.rs', 'rust', 'fn f(s: &mut Summary) {\n    let t = s.stats.take().unwrap();\n    t.', '\n}').type,
      'Stats',
    );
    assert.equal(
      resolve('src/summary.rs', 'rust', 'fn f(s: &mut Summary) {\n    let t = s.stats.take(1).unwrap();\n    t.', '\n}').type,
      undefined,
    );
  });

  it("Rust: a type alias (`type Shared = Arc<Mutex<Stats>>`) has its target's members", () => {
    assert.deepEqual(resolve('src/printer.rs', 'rust', 'fn f(s: &Shared) {\n    let mut g = s.lock().unwrap();\n    g.', '\n}'), {
      type: 'Shared',
      via: 'declared type',
      members: ['add_matches', 'open'],
    });
  });

  it('Rust: `for` over a field or a method result the index declares as a collection: its element type', () => {
    const field = 'impl Pool {\n    fn f(&self) {\n        for s in &self.all {\n            s.';
    assert.deepEqual(resolve('src/pool.rs', 'rust', field, '\n        }\n    }\n}'), {
      type: 'Stats',
      via: 'member type',
      members: ['add_matches', 'open'],
    });
    const method = 'fn f(p: &Pool) {\n    p.each().for_each(|s| s.';
    assert.equal(resolve('src/pool.rs', 'rust', method, ');\n}').type, 'Stats');
  });

  it('Rust: a name bound by destructuring an enum variant has the type the enum declares for that field', () => {
    const tuple = 'fn f(s: &State) {\n    match s {\n        State::Open(_, ref st) => st.';
    assert.deepEqual(resolve('src/state.rs', 'rust', tuple, '\n    }\n}'), {
      type: 'Stats',
      via: 'member type',
      members: ['add_matches', 'open'],
    });
    const named = 'impl State {\n    fn f(&self) {\n        if let Self::Closed { why } = self {\n            why.';
    assert.equal(resolve('src/state.rs', 'rust', named, '\n        }\n    }\n}').type, 'Guard');
  });

  it("Rust: a workspace macro's value is what its definition's arm for that many arguments gives", () => {
    // `Some(State::$kind(_, st)) => st` with `$kind` = Open: the second field of variant Open.
    assert.deepEqual(resolve('tests/t.rs', 'rust', 'fn f() {\n    let st = poll_state!(Open, codec);\n    st.', '\n}'), {
      type: 'Stats',
      via: 'member type',
      members: ['add_matches', 'open'],
    });
    // Inside another macro's arguments too.
    assert.equal(resolve('tests/t.rs', 'rust', 'fn f() {\n    let st = poll_state!(Open, codec);\n    assert!(st.', ');\n}').type, 'Stats');
    // The arm without arguments constructs a Guard; the one-argument arm's body ends in `;`: no value.
    assert.equal(resolve('tests/t.rs', 'rust', 'fn f() {\n    let g = guard!();\n    g.', '\n}').type, 'Guard');
    assert.equal(resolve('tests/t.rs', 'rust', 'fn f() {\n    let g = guard!(3);\n    g.', '\n}').type, undefined);
  });

  it("Rust: a name bound by destructuring a struct by its own name (`let Summary { stats, .. } = s`, `Self { .. }`) has that field's type", () => {
    assert.deepEqual(resolve('src/summary.rs', 'rust', 'fn f(s: Summary) {\n    let Summary { stats, .. } = s;\n    stats.', '\n}'), {
      type: 'Stats',
      via: 'member type',
      members: ['add_matches', 'open'],
    });
    const renamed = 'impl Summary {\n    fn f(&mut self) {\n        let Self { stats: ref mut st, .. } = *self;\n        st.';
    assert.equal(resolve('src/summary.rs', 'rust', renamed, '\n    }\n}').type, 'Stats');
  });

  it("Rust: an untyped closure parameter has the type the callee's `Fn(…)` gives it at that argument and position", () => {
    assert.deepEqual(resolve('src/app.rs', 'rust', 'fn f(p: &Pool) {\n    p.with_first(|st| st.', ');\n}'), {
      type: 'Stats',
      via: 'parameter type',
      members: ['add_matches', 'open'],
    });
    // A where-clause-free bound inline, the second parameter; `impl FnMut`.
    assert.equal(resolve('src/app.rs', 'rust', 'fn f() {\n    scoped(3, |n, g| g.', ');\n}').type, 'Guard');
    assert.equal(resolve('src/app.rs', 'rust', 'fn f() {\n    visit(|s| s.', ');\n}').type, 'Summary');
    // The first parameter there is a u8: nothing the index declares.
    assert.equal(resolve('src/app.rs', 'rust', 'fn f() {\n    scoped(3, |n, g| n.', ');\n}').type, undefined);
  });

  it("Rust: a tuple struct's field by position (`self.0.`), and an element of one (`for g in &self.1`)", () => {
    assert.deepEqual(resolve('src/held.rs', 'rust', "impl<'a> Held<'a> {\n    fn f(&self) {\n        self.0.", '\n    }\n}'), {
      type: 'Stats',
      via: 'member type',
      members: ['add_matches', 'open'],
    });
    const element = "impl<'a> Held<'a> {\n    fn f(&self) {\n        for g in &self.1 {\n            g.";
    assert.equal(resolve('src/held.rs', 'rust', element, '\n        }\n    }\n}').type, 'Guard');
    assert.equal(resolve('src/held.rs', 'rust', "fn f(h: Held<'_>) {\n    h.2.", '\n}').type, undefined);
  });

  it("Rust: a type that derefs to another has the target's methods too", () => {
    assert.deepEqual(resolve('src/guard.rs', 'rust', 'fn f(g: &Guard) {\n    g.', '\n}'), {
      type: 'Guard',
      via: 'declared type',
      members: ['deref', 'add_matches', 'open'],
    });
  });

  it('Rust: a field typed with a type parameter has the bound the impl (or its where clause) gives it', () => {
    const inline = 'impl<W: Write + Send> Conn<W> {\n    fn f(&self) {\n        self.out.';
    assert.deepEqual(resolve('src/conn.rs', 'rust', inline, '\n    }\n}'), { type: 'Write', via: 'member type', members: ['flush'] });
    const where = 'impl<W> Conn<W>\nwhere\n    W: Write,\n{\n    fn f(&self) {\n        self.out.';
    assert.equal(resolve('src/conn.rs', 'rust', where, '\n    }\n}').type, 'Write');
    assert.equal(resolve('src/conn.rs', 'rust', 'impl<W> Conn<W> {\n    fn f(&self) {\n        self.out.', '\n    }\n}').type, undefined);
  });

  it("Rust: a receiver bound by a trait has its supertraits' methods too (`S: Sink` where `trait Sink: io::Write + Send`)", () => {
    assert.deepEqual(resolve('src/search.rs', 'rust', 'fn search<S: Sink>(sink: &mut S) {\n    sink.', '\n}'), {
      type: 'Sink',
      via: 'declared type',
      members: ['matched', 'flush'],
    });
  });

  it('Rust: `.await` on a workspace future is its `Output`; `impl Future<Output = X>` is X; other types stay what they are', () => {
    const awaited = 'async fn f() {\n    let mut srv = handshake(io).await.expect("handshake");\n    srv.';
    assert.deepEqual(resolve('src/handshake.rs', 'rust', awaited, '\n}'), {
      type: 'Guard',
      via: 'member type',
      members: ['deref', 'add_matches', 'open'],
    });
    assert.equal(resolve('src/handshake.rs', 'rust', 'async fn f() {\n    handshake(io).await?.', '\n}').type, 'Guard');
    // A bare or path call is a free function's, not the trait method's of that name.
    assert.equal(resolve('src/handshake.rs', 'rust', 'fn f() {\n    server::handshake(io).', '\n}').type, 'Handshake');
    assert.equal(resolve('src/handshake.rs', 'rust', 'fn f() {\n    connect(io).', '\n}').type, undefined);
    // Not awaited: the future itself.
    assert.equal(resolve('src/handshake.rs', 'rust', 'fn f() {\n    let h = handshake(io);\n    h.', '\n}').type, 'Handshake');
    assert.equal(resolve('src/handshake.rs', 'rust', 'async fn f() {\n    let p = ready_pool().await?;\n    p.', '\n}').type, 'Pool');
    // An `Output` that is not a future's (`impl Add`): awaiting says nothing new.
    assert.equal(resolve('src/handshake.rs', 'rust', 'async fn f() {\n    let s = sum().await;\n    s.', '\n}').type, 'Sum');
    // `.unwrap_err()`, `.expect_err(…)` on what it resolves to (`Result<Guard, Error>`): the error type.
    assert.equal(
      resolve('src/handshake.rs', 'rust', 'async fn f() {\n    let e = handshake(io).await.unwrap_err();\n    e.', '\n}').type,
      'Error',
    );
    const expected = 'async fn f() {\n    let e = handshake(io)\n        .await\n        .expect_err("must fail");\n    e.';
    assert.equal(resolve('src/handshake.rs', 'rust', expected, '\n}').type, 'Error');
  });

  it('Rust: `let (a, b) = …` binds each name to its part of the tuple the call returns (inside a Result, awaited)', () => {
    const free = 'async fn f() {\n    let (mut guard, conn) = connect(io).await?;\n';
    assert.equal(resolve('src/handshake.rs', 'rust', `${free}    guard.`, '\n}').type, 'Link');
    assert.equal(resolve('src/handshake.rs', 'rust', `${free}    conn.`, '\n}').type, 'Handshake');
    const method = `${free}    let (_, pool) = guard.split(1).unwrap();\n    pool.`;
    assert.equal(resolve('src/handshake.rs', 'rust', method, '\n}').type, 'Pool');
    assert.equal(resolve('src/handshake.rs', 'rust', `${free}    let (stats, _) = guard.split(1)?;\n    stats.`, '\n}').type, 'Stats');
  });

  it("Rust: `client::open_link()` is the written module's free function, though the file does not import it", () => {
    assert.equal(resolve('tests/app.rs', 'rust', 'fn f() {\n    let l = client::open_link();\n    l.', '\n}').type, 'Link');
    assert.equal(resolve('tests/app.rs', 'rust', 'fn f() {\n    let l = std::open_link();\n    l.', '\n}').type, undefined);
  });

  it("Rust: a method the document calls on the receiver that its type does not declare is a trait's (`conn.drive(…)`)", () => {
    assert.deepEqual(resolve('src/handshake.rs', 'rust', 'fn f(l: Link) {\n    l.', '\n    l.drive();\n}').members, ['split', 'drive']);
    assert.deepEqual(resolve('src/handshake.rs', 'rust', 'fn f(l: Link) {\n    l.', '\n    l.split(1);\n}').members, ['split']);
  });

  it('Rust: a blanket impl (`impl<T: Service<R>> ServiceExt<R> for T {}`) gives its trait to a receiver bound by or implementing Service', () => {
    const members = (prefix: string) => resolve('src/svc.rs', 'rust', prefix, '\n}').members;
    assert.deepEqual(members('fn f<S: Service<u8>>(svc: S) {\n    svc.'), ['call', 'ready']);
    assert.deepEqual(members('fn f(t: Timeout<u8>) {\n    t.'), ['call', 'ready']);
    // A type with a `call` of its own that implements no Service; Loud's bound, Quiet, is nothing the receiver implements.
    assert.deepEqual(members('fn f(p: Plain) {\n    p.'), ['call']);
  });

  it('Java: a method call on a typed local (`gson.newJsonWriter(w).`)', () => {
    const prefix = 'class A {\n  void f(Gson gson) {\n    gson.newJsonWriter(w).';
    assert.deepEqual(resolve('src/main/java/a/A.java', 'java', prefix, '\n  }\n}'), {
      type: 'JsonWriter',
      via: 'member type',
      members: ['flush'],
    });
  });

  it('a top-level value the document does not bind: its declared type, else its initialiser', () => {
    const from = (name: string): ImportFact[] => [
      { specifier: 'rich.box', kind: 'module', names: [{ imported: name, local: name }], line: 1 },
    ];
    const double = resolve('tests/test_box.py', 'python', 'from rich.box import DOUBLE\nDOUBLE.', '', from('DOUBLE'));
    assert.deepEqual(double, { type: 'Box', via: 'value type', members: ['get_row'] });
    const heavy = resolve('tests/test_box.py', 'python', 'from rich.box import HEAVY\nHEAVY.', '', from('HEAVY'));
    assert.deepEqual(heavy, { type: 'Box', via: 'value type', members: ['get_row'] });
    // Not imported: a namesake in another file is not the document's value.
    assert.deepEqual(resolve('tests/test_box.py', 'python', 'HEAVY.'), { type: undefined, via: undefined, members: [] });
  });

  it('a bare call reaches only the functions the document sees (`with load_table(p) as t`)', () => {
    const imports: ImportFact[] = [
      { specifier: 'rich.table', kind: 'module', names: [{ imported: 'load_table', local: 'load_table' }], line: 1 },
    ];
    const prefix = 'from rich.table import load_table\nwith load_table(p) as t:\n    t.';
    assert.deepEqual(resolve('tests/test_table.py', 'python', prefix, '', imports), {
      type: 'Table',
      via: 'return type',
      members: ['add_row'],
    });
    assert.deepEqual(resolve('tests/test_table.py', 'python', 'with load_table(p) as t:\n    t.'), {
      type: undefined,
      via: undefined,
      members: [],
    });
  });

  it('a nested type when no top-level type has the name (Java `Base.` for `TestTypes.Base`)', () => {
    const prefix = 'class T {\n  void f() {\n    String s = Base.';
    assert.deepEqual(resolve('src/test/java/a/T.java', 'java', prefix, '\n  }\n}'), {
      type: 'Base',
      via: 'type name',
      members: ['BASE_NAME'],
    });
  });

  it('a step the index cannot type gives no type rather than a wrong one', () => {
    assert.deepEqual(resolve('src/app.ts', 'typescript', 'function f(c: Context) {\n  c.missing.', '\n}'), {
      type: undefined,
      via: undefined,
      members: [],
    });
  });

  it('fieldType reads a field declaration in each language', () => {
    assert.equal(fieldType('  private readonly pool?: Pool<Conn>;', 'pool', 'typescript'), 'Pool');
    assert.equal(fieldType('  #cache = new LruCache(10)', 'cache', 'typescript'), 'LruCache');
    assert.equal(fieldType('class A:\n    live: "Live"\n', 'live', 'python'), 'Live');
    assert.equal(fieldType('        self.x: Optional[Foo] = None', 'x', 'python'), 'Foo');
    assert.equal(fieldType('type A struct {\n\tengine, other *gin.Engine\n}', 'engine', 'go'), 'Engine');
    assert.equal(fieldType('struct A {\n    pub(crate) inner: Arc<Inner>,\n}', 'inner', 'rust'), 'Inner');
    assert.equal(fieldType('  private final Map<String, Foo> byName = new HashMap<>();', 'byName', 'java'), 'Map');
    assert.equal(fieldType('  private int count;', 'count', 'java'), undefined);
  });
});
