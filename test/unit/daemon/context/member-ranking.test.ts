import assert from 'node:assert/strict';
import { join } from 'node:path';
import { importsRetriever, type ImportSignals } from '../../../../daemon/context/imports-retriever';
import { MAX_EVIDENCE, rankMembers } from '../../../../daemon/context/member-ranking';
import { loadGrammar } from '../../../../daemon/context/syntax/grammars';
import { indexedRepo } from './helpers';
import { memoryIndex, type MemoryIndex } from './memory-index';

describe('context/member-ranking', () => {
  let index: MemoryIndex;
  before(async () => {
    await loadGrammar('typescript');
    // `Stream` is used in many chunks of the workspace: its members would rank by that alone.
    const uses = Array.from({ length: 6 }, (_, i) => ({ startLine: 1 + i * 3, text: 'stream.write(x);\nstream.write(y);' }));
    index = memoryIndex('/repo', {
      'src/stream.ts': [
        { startLine: 1, text: 'export class Stream {', symbols: [{ name: 'Stream', line: 1, kind: 'class' }] },
        { startLine: 2, text: '  write(s: string) {\n  }', symbols: [{ name: 'write', line: 2, kind: 'method', container: 'Stream' }] },
        { startLine: 4, text: '  closed: boolean = false', symbols: [{ name: 'closed', line: 4, kind: 'field', container: 'Stream' }] },
        {
          startLine: 5,
          text: '  static open(path: string): Stream {\n  }',
          symbols: [{ name: 'open', line: 5, kind: 'method', container: 'Stream' }],
        },
        { startLine: 7, text: '  get size(): number {\n  }', symbols: [{ name: 'size', line: 7, kind: 'method', container: 'Stream' }] },
        { startLine: 9, text: '  set size(n: number) {\n  }', symbols: [{ name: 'size', line: 9, kind: 'method', container: 'Stream' }] },
        { startLine: 11, text: '  flush() {\n  }', symbols: [{ name: 'flush', line: 11, kind: 'method', container: 'Stream' }] },
      ],
      'src/uses.ts': uses,
      'src/app.ts': [{ startLine: 1, text: 'const x = 1;' }],
    });
  });
  after(() => index.close());

  const placed = (prefix: string, suffix = '') => {
    const out: ImportSignals = { files: new Set(), placed: new Map() };
    importsRetriever(index, { rel: 'src/app.ts', language: 'typescript', prefix, suffix, queryWindow: prefix }, out);
    return [...out.placed.keys()].map((id) => index.where(id));
  };
  const head = "import { Stream } from './stream';\n";

  it('after a value, instance members before static ones; after the type, static ones first', () => {
    const onValue = placed(`${head}const s: Stream = make();\nconst n = s.`);
    assert.deepEqual(onValue.slice(4), ['src/stream.ts:5', 'src/stream.ts:9'], onValue.join(' '));
    assert.equal(placed(`${head}const s = Stream.`)[0], 'src/stream.ts:5');
  });

  it('in a condition, a boolean member first', () => {
    assert.equal(placed(`${head}const s: Stream = make();\nif (!s.`)[0], 'src/stream.ts:4');
    assert.notEqual(placed(`${head}const s: Stream = make();\nconst n = s.`)[0], 'src/stream.ts:4');
  });

  it('in a TypeScript condition, a boolean member before a member used below (`if (!stream.` then `stream.flush()`)', () => {
    assert.equal(placed(`${head}const s: Stream = make();\nif (!s.`, '\ns.flush();\n')[0], 'src/stream.ts:4');
    // Outside a condition the use below still comes first.
    assert.equal(placed(`${head}const s: Stream = make();\nconst n = s.`, '\ns.flush();\n')[0], 'src/stream.ts:11');
  });

  it('one chunk per name first: the second of a getter/setter pair after every other member', () => {
    const order = placed(`${head}const s: Stream = make();\nconst n = s.`);
    assert.equal(order.length, 6);
    assert.equal(order.at(-1), 'src/stream.ts:9', order.join(' '));
  });

  it('a member used on the same receiver below comes before a name used below on something else', () => {
    // `write` comes sooner below, but as another object's member; `s.flush()` is this receiver's.
    const suffix = '\nlog.write(n);\ns.flush();\n';
    assert.equal(placed(`${head}const s: Stream = make();\nconst n = s.`, suffix)[0], 'src/stream.ts:11');
    assert.equal(placed(`${head}const s: Stream = make();\nconst n = s.`, '\nlog.write(n);\n')[0], 'src/stream.ts:2');
  });
});

describe('context/member-ranking: TypeScript private and protected members', () => {
  let index: MemoryIndex;
  before(async () => {
    await loadGrammar('typescript');
    // `drain` is used all over the workspace: by that alone it would come first.
    const uses = Array.from({ length: 6 }, (_, i) => ({ startLine: 1 + i * 3, text: 'drain(x);\ndrain(y);' }));
    index = memoryIndex('/repo', {
      'src/queue.ts': [
        { startLine: 1, text: 'export class Queue {', symbols: [{ name: 'Queue', line: 1, kind: 'class' }] },
        { startLine: 2, text: '  private drain() {\n  }', symbols: [{ name: 'drain', line: 2, kind: 'method', container: 'Queue' }] },
        {
          startLine: 4,
          text: '  protected async flush() {\n  }',
          symbols: [{ name: 'flush', line: 4, kind: 'method', container: 'Queue' }],
        },
        { startLine: 6, text: '  push(x: number) {\n  }', symbols: [{ name: 'push', line: 6, kind: 'method', container: 'Queue' }] },
      ],
      'src/uses.ts': uses,
      'src/app.ts': [{ startLine: 1, text: 'const x = 1;' }],
    });
  });
  after(() => index.close());

  const placed = (prefix: string) => {
    const out: ImportSignals = { files: new Set(), placed: new Map() };
    importsRetriever(index, { rel: 'src/app.ts', language: 'typescript', prefix, suffix: '', queryWindow: prefix }, out);
    return [...out.placed.keys()].map((id) => index.where(id));
  };

  it('outside the class they come after its public members', () => {
    assert.deepEqual(placed("import { Queue } from './queue';\nconst q: Queue = make();\nq."), [
      'src/queue.ts:6',
      'src/queue.ts:2',
      'src/queue.ts:4',
    ]);
  });
});

describe('context/member-ranking: Go statements', () => {
  let index: MemoryIndex;
  before(async () => {
    await loadGrammar('go');
    index = memoryIndex('/repo', {
      'web/ctx.go': [
        { startLine: 1, text: 'type Ctx struct {\n\tn int\n}', symbols: [{ name: 'Ctx', line: 1, kind: 'type' }] },
        { startLine: 4, text: 'func (c *Ctx) Next() {\n}', symbols: [{ name: 'Next', line: 4, kind: 'method', container: 'Ctx' }] },
        {
          startLine: 6,
          text: 'func (c *Ctx) Param(key string) string {\n}',
          symbols: [{ name: 'Param', line: 6, kind: 'method', container: 'Ctx' }],
        },
      ],
    });
  });
  after(() => index.close());

  it('`c.` starting a statement: a method that returns nothing before one the file reads further down', () => {
    const out: ImportSignals = { files: new Set(), placed: new Map() };
    const prefix = 'package web\nfunc f(c *Ctx) {\n\tc.';
    importsRetriever(index, { rel: 'web/app.go', language: 'go', prefix, suffix: '\n\tx := c.Param("a")\n}', queryWindow: prefix }, out);
    assert.deepEqual(
      [...out.placed.keys()].map((id) => index.where(id)),
      ['web/ctx.go:4', 'web/ctx.go:6'],
    );
  });
});

describe('context/member-ranking: Rust type parameters', () => {
  let index: MemoryIndex;
  before(async () => {
    await loadGrammar('rust');
    index = memoryIndex('/repo', {
      'src/role.rs': [
        {
          startLine: 1,
          text: 'pub trait Transaction {\n    fn encode(&self, dst: &mut Vec<u8>);',
          symbols: [{ name: 'Transaction', line: 1, kind: 'trait' }],
        },
        {
          startLine: 2,
          text: '    fn encode(&self, dst: &mut Vec<u8>);',
          symbols: [{ name: 'encode', line: 2, kind: 'method', container: 'Transaction' }],
        },
        {
          startLine: 3,
          text: '    fn is_client() -> bool {\n        false\n    }',
          symbols: [{ name: 'is_client', line: 3, kind: 'method', container: 'Transaction' }],
        },
      ],
    });
  });
  after(() => index.close());

  const placed = (prefix: string, suffix: string) => {
    const out: ImportSignals = { files: new Set(), placed: new Map() };
    importsRetriever(index, { rel: 'src/conn.rs', language: 'rust', prefix, suffix, queryWindow: prefix }, out);
    return [...out.placed.keys()].map((id) => index.where(id));
  };

  it("`T::` on a type parameter bound by a trait: the trait's associated functions first (they take no `self`)", () => {
    const prefix = 'use crate::role::Transaction;\nimpl<T: Transaction> Conn<T> {\n    fn f(&self) {\n        let b = T::';
    assert.deepEqual(placed(prefix, '\n    }\n}'), ['src/role.rs:3', 'src/role.rs:2']);
    // Through a value of that type, the method taking `self` first.
    const value = 'use crate::role::Transaction;\nfn f<T: Transaction>(t: &T) {\n    let b = t.';
    assert.deepEqual(placed(value, '\n}'), ['src/role.rs:2', 'src/role.rs:3']);
  });
});

describe('context/member-ranking: Go package members', () => {
  let index: MemoryIndex;
  before(async () => {
    await loadGrammar('go');
    index = memoryIndex('/repo', {
      'mode.go': [
        { startLine: 1, text: 'func SetMode(value string) {\n}', symbols: [{ name: 'SetMode', line: 1, kind: 'function' }] },
        { startLine: 3, text: 'func New() *Engine {\n}', symbols: [{ name: 'New', line: 3, kind: 'function' }] },
        { startLine: 5, text: 'const (\n\tTestMode = "test"\n)', symbols: [{ name: 'TestMode', line: 6, kind: 'constant' }] },
        { startLine: 8, text: 'type Engine struct {\n}', symbols: [{ name: 'Engine', line: 8, kind: 'type' }] },
      ],
      'codec/json/api.go': [
        { startLine: 1, text: 'type Decoder interface {\n}', symbols: [{ name: 'Decoder', line: 1, kind: 'interface' }] },
        { startLine: 3, text: 'var API Core', symbols: [{ name: 'API', line: 3, kind: 'variable' }] },
        { startLine: 4, text: 'func decode(b []byte) {\n}', symbols: [{ name: 'decode', line: 4, kind: 'function' }] },
        {
          startLine: 6,
          text: 'func (d *Decoder) Next() *Token {\n}',
          symbols: [{ name: 'Next', line: 6, kind: 'method', container: 'Decoder' }],
        },
        {
          startLine: 8,
          text: 'func (d *Decoder) Buffered() string {\n}',
          symbols: [{ name: 'Buffered', line: 8, kind: 'method', container: 'Decoder' }],
        },
      ],
      'ginS/gins.go': [
        { startLine: 1, text: 'package ginS' },
        { startLine: 2, text: 'func serve(e *Engine) {\n}', symbols: [{ name: 'serve', line: 2, kind: 'function' }] },
      ],
    });
  });
  after(() => index.close());

  const site = (path: string, line: number) => index.syntax.definitionsIn(path).find((d) => d.line === line)!;
  const ranked = (
    sites: Array<[string, number]>,
    before: string,
    below: string[] = [],
    liked = '',
    suffix = '',
    signal: 'namespace-member' | 'receiver-member' = 'namespace-member',
  ) => {
    const members = sites.map(([p, l]) => ({ site: site(p, l), signal, depth: 0 }));
    const goIndex = {
      chunks: (ids: number[]) => index.store.chunks(ids),
      definitions: (n: string, l?: number) => index.syntax.definitions(n, l),
    };
    const uses = { before: new Set<string>(), after: new Map(below.map((n, i) => [n, i])) };
    const q = { typed: '', uses, receiver: 'gin', typeLevel: false, before, language: 'go', rel: 'ginS/gins_test.go', goIndex, suffix };
    return rankMembers(index, members, q, (n) => (n === liked ? 1 : 0)).map((m) => m.site.name);
  };
  const gin: Array<[string, number]> = [
    ['mode.go', 3],
    ['mode.go', 8],
    ['mode.go', 6],
  ];

  it("`pkg.F(pkg.|`: the parameter's type, which a function declared to give another does not have even when used below", () => {
    const before = 'import "github.com/x/gin"\nfunc init() {\n\tgin.SetMode(gin.';
    // Nor does a struct type (`gin.Engine{…}` is no string): of the two, the one used below first.
    assert.deepEqual(ranked(gin, before, ['New']), ['TestMode', 'New', 'Engine']);
    assert.deepEqual(ranked(gin, before, ['Engine']), ['TestMode', 'Engine', 'New']);
  });

  it('where a type is wanted, an interface or a constant of another type comes after the function giving it, even used below', () => {
    const before = 'func f() *Engine {\n\treturn gin.';
    const sites: Array<[string, number]> = [
      ['codec/json/api.go', 1],
      ['mode.go', 6],
      ['mode.go', 3],
    ];
    assert.deepEqual(ranked(sites, before, ['Decoder', 'TestMode']).slice(0, 1), ['New']);
  });

  it('`x := pkg.|` with x passed to a call below: its parameter type; after a receiver, whose member may start a chain, not', () => {
    const sites: Array<[string, number]> = [
      ['mode.go', 6],
      ['mode.go', 3],
    ];
    const before = 'func f() {\n\te := gin.';
    assert.deepEqual(ranked(sites, before, [], 'TestMode', '\tserve(e)\n'), ['New', 'TestMode']);
    assert.deepEqual(ranked(sites, before, [], 'TestMode', '\tserve(e)\n', 'receiver-member'), ['TestMode', 'New']);
  });

  it('a member named by the lines right above comes before one used below, unless its declaration fits the position worse', () => {
    const sites: Array<[string, number]> = [
      ['mode.go', 3],
      ['mode.go', 6],
    ];
    // `case KindTestMode:` over `x := gin.|`: TestMode, though New is used below.
    assert.deepEqual(ranked(sites, 'func f() {\n\tx := gin.', ['New'], 'TestMode'), ['TestMode', 'New']);
    assert.deepEqual(ranked(sites, 'func f() {\n\tx := gin.', ['New']), ['New', 'TestMode']);
    // One whose declaration fits the position worse stays where it stood: `decoder := json.|` liking the interface Decoder, below.
  });

  it("a method of another package's type gives its package's names: `*Token` there is the `*json.Token` wanted", () => {
    const sites: Array<[string, number]> = [
      ['codec/json/api.go', 8],
      ['codec/json/api.go', 6],
    ];
    const before = 'func f(d *json.Decoder) *json.Token {\n\treturn d.';
    assert.deepEqual(ranked(sites, before, [], 'Buffered', '', 'receiver-member'), ['Next', 'Buffered']);
  });

  it('an interface is no value, a type no statement but where a type goes, and another package has no unexported names', () => {
    const json: Array<[string, number]> = [
      ['codec/json/api.go', 4],
      ['codec/json/api.go', 1],
      ['codec/json/api.go', 3],
    ];
    assert.deepEqual(ranked(json, 'func f() {\n\tdecoder := json.', ['decode'], 'Decoder'), ['API', 'Decoder', 'decode']);
    const setMode: Array<[string, number]> = [
      ['mode.go', 8],
      ['mode.go', 1],
    ];
    assert.deepEqual(ranked(setMode, 'func f() {\n\tgin.', [], 'Engine'), ['SetMode', 'Engine']);
    // Where a type goes (a parameter, `var x pkg.|`, `[]pkg.|`), a type.
    for (const before of ['func serve(e *gin.', 'func f() {\n\tvar e gin.', 'func f() {\n\tall := []gin.'])
      assert.deepEqual(ranked(gin.slice(0, 2), before, [], 'New'), ['Engine', 'New'], before);
  });
});

describe('context/member-ranking: Rust positions', () => {
  let index: MemoryIndex;
  before(async () => {
    await loadGrammar('rust');
    const method = (line: number, name: string, text: string) => ({
      startLine: line,
      text,
      symbols: [{ name, line, kind: 'method' as const, container: 'Builder' }],
    });
    index = memoryIndex('/repo', {
      'src/builder.rs': [
        { startLine: 1, text: 'pub struct Builder {\n    n: usize,\n}', symbols: [{ name: 'Builder', line: 1, kind: 'struct' }] },
        method(4, 'from_parts', '    pub fn from_parts(\n        n: usize,\n    ) -> Builder {\n    }'),
        method(8, 'len', '    pub fn len(&self) -> usize {\n    }'),
        method(10, 'dotall', '    pub fn dotall(&mut self, yes: bool) -> &mut Builder {\n    }'),
        method(12, 'split', '    pub fn split(&self) -> (Builder, usize) {\n    }'),
        method(14, 'reset', '    pub fn reset(&mut self) {\n    }'),
        { startLine: 16, text: '    const MAX: usize = 8;', symbols: [{ name: 'MAX', line: 16, kind: 'constant', container: 'Builder' }] },
      ],
    });
  });
  after(() => index.close());

  const placed = (prefix: string, suffix: string) => {
    const out: ImportSignals = { files: new Set(), placed: new Map() };
    importsRetriever(index, { rel: 'src/main.rs', language: 'rust', prefix, suffix, queryWindow: prefix }, out);
    return [...out.placed.keys()].map((id) => index.where(id));
  };
  const head = 'use crate::builder::Builder;\nfn f(b: &mut Builder) {\n';

  it('on a value, an associated function (no `self`, read across lines) or constant comes after every method, even used below', () => {
    const order = placed(`${head}    let n = b.`, '\n    let c = Builder::from_parts(1);\n}');
    assert.deepEqual(order.slice(-2).sort(), ['src/builder.rs:16', 'src/builder.rs:4'], order.join(' '));
    assert.equal(placed('fn f() {\n    let c = Builder::', '\n}')[0], 'src/builder.rs:4');
  });

  it('a statement calls a method for its effect; `let (a, b) =` a method returning a pair; a value, one returning something', () => {
    const statement = placed(`${head}    x();\n    b.`, '\n    x();\n}');
    assert.deepEqual(statement.slice(0, 2).sort(), ['src/builder.rs:10', 'src/builder.rs:14'], statement.join(' '));
    // Even when another member is used below: `(c, n)` takes a pair.
    assert.equal(placed(`${head}    let (c, n) = b.`, '\n    let n = b.len();\n}')[0], 'src/builder.rs:12');
    // A statement calls for an effect even when a member returning a value is used below (it is read there).
    const used = placed(`${head}    if yes {\n        b.`, '\n    }\n    let n = b.len();\n}');
    assert.deepEqual(used.slice(0, 2).sort(), ['src/builder.rs:10', 'src/builder.rs:14'], used.join(' '));
    // `reset` is used below, but returns nothing: a value position reads something else first.
    assert.notEqual(placed(`${head}    let n = b.`, '\n    b.reset();\n}')[0], 'src/builder.rs:14');
  });

  it('a member used on the same receiver below comes before one used sooner below on something else', () => {
    // `other.len()` comes sooner, but `b.dotall(…)` is this receiver's.
    const suffix = '\n    let m = other.len();\n    b.dotall(true);\n}';
    assert.equal(placed(`${head}    let n = b.`, suffix)[0], 'src/builder.rs:10');
    assert.equal(placed(`${head}    let n = b.`, '\n    let m = other.len();\n    c.dotall(true);\n}')[0], 'src/builder.rs:8');
  });
});

describe('context/member-ranking: Rust operator trait methods', () => {
  let index: MemoryIndex;
  before(async () => {
    await loadGrammar('rust');
    const method = (line: number, name: string, text: string) => ({
      startLine: line,
      text,
      symbols: [{ name, line: line + 1, kind: 'method' as const, container: 'Ptr' }],
    });
    index = memoryIndex('/repo', {
      'src/store.rs': [
        { startLine: 1, text: 'pub struct Ptr {\n    key: usize,\n}', symbols: [{ name: 'Ptr', line: 1, kind: 'struct' }] },
        method(4, 'deref', 'impl ops::Deref for Ptr {\n    fn deref(&self) -> &Stream {\n    }\n}'),
        method(8, 'fmt', "impl<'a> fmt::Debug for Ptr {\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n    }\n}"),
        method(12, 'slot', 'impl Ptr {\n    pub fn slot(&self) -> usize {\n    }\n}'),
      ],
    });
  });
  after(() => index.close());

  it("`x.` is seldom about to call a Deref's `deref` or a Debug's `fmt` (run by `*x`, `{:?}`): the type's other methods first", () => {
    const out: ImportSignals = { files: new Set(), placed: new Map() };
    const prefix = 'use crate::store::Ptr;\nfn f(p: &mut Ptr) {\n    let s = p.';
    importsRetriever(index, { rel: 'src/main.rs', language: 'rust', prefix, suffix: '\n}', queryWindow: prefix }, out);
    const order = [...out.placed.keys()].map((id) => index.where(id));
    assert.deepEqual(order, ['src/store.rs:12', 'src/store.rs:4', 'src/store.rs:8']);
  });
});

describe('context/member-ranking: Rust paths in an expression', function () {
  this.timeout(60_000);
  const doc = (line: string) => Array.from({ length: 36 }, () => `/// ${line}\n`).join('');
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  before(async () => {
    repo = await indexedRepo('member-ranking-rust-paths', {
      'Cargo.toml': '[package]\nname = "rg"\nversion = "0.1.0"\n',
      'src/main.rs': 'mod flags;\n\nfn main() {}\n',
      // Each item long enough for a chunk of its own.
      'src/flags/mod.rs': [
        `${doc('The definitions.')}mod defs;\n${doc('The parser.')}mod parse;`,
        `${doc('A flag.')}pub trait Flag {\n    fn name(&self) -> &str;\n}`,
        `${doc('Said when indexing is off.')}pub const UNSUPPORTED: &str = "no";`,
      ].join('\n\n'),
      'src/flags/defs.rs': 'pub struct Defs;\n',
      'src/flags/parse.rs': 'pub fn parse() {}\n',
    });
  });
  after(() => repo.close());

  it('`format!("{}", crate::flags::`: a constant before a trait or a module of the path', () => {
    const ws = repo.engine.rootOf(join(repo.root, 'src/main.rs'))!;
    const out: ImportSignals = { files: new Set(), placed: new Map() };
    const prefix = 'mod flags;\n\nfn main() {\n    let s = format!("{}", crate::flags::';
    importsRetriever(ws, { rel: 'src/main.rs', language: 'rust', prefix, suffix: '\n}\n', queryWindow: prefix }, out);
    const rows = ws.store.chunks([...out.placed.keys()]);
    const first = rows.get([...out.placed.keys()][0]);
    assert.ok(first?.text.includes('UNSUPPORTED'), [...rows.values()].map((r) => r.text.split('\n')[0]).join(' | '));
  });
});

describe('context/member-ranking: Go positions taking several values', () => {
  let index: MemoryIndex;
  before(async () => {
    await loadGrammar('go');
    // More functions of one result than MAX_EVIDENCE, each liked more than the one giving two.
    const chunks = Array.from({ length: MAX_EVIDENCE + 10 }, (_, i) => ({
      startLine: 1 + i * 2,
      text: `func F${i}() Level {\n}`,
      symbols: [{ name: `F${i}`, line: 1 + i * 2, kind: 'function' as const }],
    }));
    chunks.push({
      startLine: 200,
      text: 'func ParseLevel(s string) (Level, error) {\n}',
      symbols: [{ name: 'ParseLevel', line: 200, kind: 'function' }],
    });
    index = memoryIndex('/repo', { 'zapcore/level.go': chunks, 'a.go': [{ startLine: 1, text: 'package zap' }] });
  });
  after(() => index.close());

  it('`l, err := pkg.|` reads as many declarations as a type does: the function giving two comes first', () => {
    const members = index.syntax.definitionsIn('zapcore/level.go').map((site) => ({ site, signal: 'namespace-member' as const, depth: 0 }));
    const goIndex = {
      chunks: (ids: number[]) => index.store.chunks(ids),
      definitions: (n: string, l?: number) => index.syntax.definitions(n, l),
    };
    const uses = { before: new Set<string>(), after: new Map<string, number>() };
    const q = {
      typed: '',
      uses,
      receiver: 'zapcore',
      typeLevel: false,
      before: 'func f() {\n\tl, err := zapcore.',
      language: 'go',
      rel: 'a.go',
      goIndex,
    };
    const ranked = rankMembers(index, members, q, (n) => (n === 'ParseLevel' ? 0 : 1)).map((m) => m.site.name);
    assert.equal(ranked[0], 'ParseLevel');
  });
});
