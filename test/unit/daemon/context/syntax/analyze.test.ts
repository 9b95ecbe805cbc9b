import * as assert from 'node:assert/strict';
import { parseImports } from '../../../../../daemon/context/imports';
import { analyzeFile, MAX_PARSE_BYTES } from '../../../../../daemon/context/syntax/analyze';
import { cursorContext } from '../../../../../daemon/context/syntax/cursor';
import { GRAMMAR_FILES, MAX_ABI, MIN_ABI, loadGrammar, type GrammarId } from '../../../../../daemon/context/syntax/grammars';

const opts = { maxLines: 60, maxChars: 3000 };

/** A compact golden form: definitions as kind:name@container:line, imports as spec[names]. */
function golden(text: string, languageId: string) {
  const { syntax, chunks } = analyzeFile(text, languageId, opts);
  return {
    parser: syntax.parser,
    defs: syntax.definitions.map((d) => `${d.kind}:${d.name}${d.container ? `@${d.container}` : ''}:${d.line}`),
    imports: syntax.imports.map(
      (i) =>
        `${i.kind} ${i.specifier}${i.namespace ? ` as ${i.namespace}` : ''}${i.wildcard ? ' *' : ''}${i.reexport ? ' re' : ''}[${i.names.map((n) => (n.imported === n.local ? n.local : `${n.imported}>${n.local}`)).join(',')}]`,
    ),
    packageName: syntax.packageName,
    chunks: chunks.map((c) => [c.startLine, c.endLine]),
  };
}

describe('context/syntax: tree-sitter analysis', function () {
  this.timeout(60_000);

  before(async () => {
    for (const g of Object.keys(GRAMMAR_FILES) as GrammarId[]) {
      const r = await loadGrammar(g);
      assert.ok(r.ok, `grammar ${g}: ${r.ok ? '' : r.reason}`);
      assert.ok(r.language.abiVersion >= MIN_ABI && r.language.abiVersion <= MAX_ABI, `${g} ABI ${r.language.abiVersion}`);
    }
  });

  it('TypeScript: declarations with kinds and containers, imports, re-exports and require', () => {
    const g = golden(
      [
        "import def, { a as b, type C } from './x';",
        "import * as ns from '../y';",
        "export { z } from './z';",
        "export * from './w';",
        "const r = require('./r');",
        '/** doc */',
        'export class Foo<T> extends Bar {',
        '  private x = 1;',
        '  run(a: T): void {',
        '    const local = 1;',
        '  }',
        '}',
        'export const h = (a: number) => a, k = 2;',
        'namespace N { export function f() {} }',
        'interface I { m(): void; p: { q: string } }',
        'type Alias = { a: 1 }; type Cond<T> = T extends { s: infer S } ? S : never;',
        'enum E { A }',
      ].join('\n'),
      'typescript',
    );
    assert.equal(g.parser, 'tree-sitter:typescript');
    assert.deepEqual(g.defs, [
      'constant:r:5',
      'class:Foo:7',
      'field:x@Foo:8',
      'method:run@Foo:9',
      'function:h:13',
      'constant:k:13',
      'module:N:14',
      'function:f@N:14',
      'interface:I:15',
      'method:m@I:15',
      'field:p@I:15',
      'type:Alias:16',
      'field:a@Alias:16',
      'type:Cond:16',
      'enum:E:17',
    ]);
    assert.deepEqual(g.imports, [
      'module ./x[default>def,a>b,C]',
      'module ../y as ns[]',
      'module ./z re[z]',
      'module ./w * re[]',
      'module ./r as r[]',
    ]);
  });

  it('TSX and JavaScript parse with their grammars', () => {
    assert.deepEqual(golden('export function App() { return <div className="x">{1}</div>; }\n', 'typescriptreact').defs, [
      'function:App:1',
    ]);
    const js = golden("const { a, b: c } = require('./m');\nclass K { m() {} }\nmodule.exports = K;\n", 'javascript');
    assert.equal(js.parser, 'tree-sitter:javascript');
    assert.deepEqual(js.defs, ['class:K:2', 'method:m@K:2']);
    assert.deepEqual(js.imports, ['module ./m[a,b>c]']);
  });

  it('Python: classes, methods, module and class attributes; relative, absolute and aliased imports', () => {
    const g = golden(
      [
        'from ..a.b import c as d, e',
        'import x.y as z',
        'import os.path',
        'from . import m',
        '@dec',
        'class K(Base):',
        '    X = 1',
        '    def f(self):',
        '        y = 2',
        'Y: int = 2',
      ].join('\n'),
      'python',
    );
    assert.deepEqual(g.defs, ['class:K:6', 'field:X@K:7', 'method:f@K:8', 'variable:Y:10']);
    assert.deepEqual(g.imports, ['module ..a.b[c>d,e]', 'module x.y as z[]', 'module os.path as os[]', 'module .[m]']);
  });

  it('Go: package, aliased and plain imports, methods owned by their receiver type', () => {
    const g = golden(
      [
        'package store',
        'import (',
        '\tf "fmt"',
        '\t"github.com/x/y/z"',
        '\tyaml "gopkg.in/yaml.v3"',
        '\t"github.com/cespare/xxhash/v2"',
        '\t"github.com/go-kit/log"',
        ')',
        'type T struct{ A int }',
        'func (t *T) M() {}',
        'func New() *T { return nil }',
        'const (A = 1; B = 2)',
        'var v, w = 1, 2',
      ].join('\n'),
      'go',
    );
    assert.equal(g.packageName, 'store');
    assert.deepEqual(g.defs, [
      'type:T:9',
      'method:M@T:10',
      'function:New:11',
      'constant:A:12',
      'constant:B:12',
      'variable:v:13',
      'variable:w:13',
    ]);
    // A major version suffix is no package name: the element before it is (`xxhash/v2` → xxhash).
    assert.deepEqual(g.imports, [
      'package fmt as f[]',
      'package github.com/x/y/z as z[]',
      'package gopkg.in/yaml.v3 as yaml[]',
      'package github.com/cespare/xxhash/v2 as xxhash[]',
      'package github.com/go-kit/log as log[]',
    ]);
  });

  it('Rust: `{self}` in a use tree names the module (`frame::`), and `pub use` re-exports', () => {
    const g = golden(
      [
        'use crate::frame::{self, Frame};',
        'use crate::{self};',
        'pub use self::settings::{Settings, MAX_FRAME_SIZE};',
        'pub(crate) use crate::proto::Error;',
      ].join('\n'),
      'rust',
    );
    assert.deepEqual(g.imports, [
      'module crate::frame as frame[Frame]',
      'module crate[]',
      'module self::settings re[MAX_FRAME_SIZE,Settings]',
      'module crate::proto re[Error]',
    ]);
    // The text scan for a document's own imports (imports.ts) reads `{self}` the same way.
    assert.deepEqual(parseImports('use crate::frame::{self, Frame};\nuse crate::{self};\n', 'rust'), [
      { specifier: 'crate::frame', names: [{ imported: 'Frame', local: 'Frame' }], namespace: 'frame' },
      { specifier: 'crate', names: [] },
    ]);
  });

  it('Rust: items, impl members, use trees, globs and mod declarations', () => {
    const g = golden(
      [
        'use crate::a::{b, c as d, e::F};',
        'use super::*;',
        'use std::io;',
        'mod util;',
        '#[derive(Debug)]',
        'pub struct Foo { x: i32 }',
        'impl Bar for Foo {',
        '    fn run(&self) {}',
        '}',
        'trait Tr { fn t(); }',
        'macro_rules! m { () => {} }',
      ].join('\n'),
      'rust',
    );
    assert.deepEqual(g.defs, ['module:util:4', 'struct:Foo:6', 'method:run@Foo:8', 'trait:Tr:10', 'method:t@Tr:10', 'macro:m:11']);
    assert.deepEqual(g.imports, ['module crate::a::e[F]', 'module crate::a[c>d,b]', 'module super *[]', 'module std[io]', 'mod util[]']);
    const small = analyzeFile(['use a::b;', '', '#[derive(Debug)]', 'pub struct Foo { x: i32 }', '', 'fn g() {}'].join('\n'), 'rust', {
      maxLines: 2,
      maxChars: 3000,
      minLines: 1,
    });
    assert.deepEqual(
      small.chunks.map((c) => [c.startLine, c.endLine]),
      [
        [1, 1],
        [3, 4],
        [6, 6],
      ],
      'an attribute stays with its item',
    );
  });

  it('Java: package, class members, static and wildcard imports', () => {
    const g = golden(
      [
        'package a.b;',
        'import static a.c.D.m;',
        'import a.e.*;',
        'import java.util.List;',
        'public class A extends B {',
        '  static final int X = 1, Y = 2;',
        '  void run() { int local = 1; }',
        '  A() {}',
        '}',
      ].join('\n'),
      'java',
    );
    assert.equal(g.packageName, 'a.b');
    assert.deepEqual(g.defs, ['class:A:5', 'field:X@A:6', 'field:Y@A:6', 'method:run@A:7']);
    assert.deepEqual(g.imports, ['module a.c.D[m]', 'module a.e *[]', 'module java.util.List[List]']);
  });

  it('C and C++ (one grammar): functions, types, macros, namespaces and includes', () => {
    const c = golden(
      '#include "util/x.h"\n#include <stdio.h>\n#define MAX 3\ntypedef struct { int a; } Pt;\nstatic int helper(int a) { return a; }\n',
      'c',
    );
    assert.equal(c.parser, 'tree-sitter:cpp');
    assert.deepEqual(c.defs, ['macro:MAX:3', 'type:Pt:4', 'function:helper:5']);
    assert.deepEqual(c.imports, ['include util/x.h[]', 'include stdio.h *[]']);
    const cpp = golden('namespace ns {\nclass Box {\n public:\n  int count;\n};\n}\nint ns::Box::size() const { return 1; }\n', 'cpp');
    assert.deepEqual(cpp.defs, ['module:ns:1', 'class:Box@ns:2', 'function:size:7']);
  });

  it('C#, Ruby and PHP: members, namespaces and their imports', () => {
    const cs = golden(
      'using System.Text;\nnamespace App.Core {\n  public class Box : IBox {\n    private int count = 0;\n    public string Name { get; set; }\n    public void Put(int x) { }\n  }\n}\n',
      'csharp',
    );
    assert.equal(cs.packageName, 'App.Core');
    assert.deepEqual(cs.defs, ['module:App.Core:2', 'class:Box@App.Core:3', 'field:count@Box:4', 'field:Name@Box:5', 'method:Put@Box:6']);
    assert.deepEqual(cs.imports, ['module System.Text *[]']);
    const rb = golden(
      "require_relative 'lib/x'\nmodule Foo\n  MAX = 3\n  class Bar < Base\n    def run(a)\n    end\n    def self.make; end\n  end\nend\n",
      'ruby',
    );
    assert.deepEqual(rb.defs, ['module:Foo:2', 'constant:MAX@Foo:3', 'class:Bar@Foo:4', 'method:run@Bar:5', 'method:make@Bar:7']);
    assert.deepEqual(rb.imports, ['include ./lib/x[]']);
    const php = golden(
      "<?php\nnamespace App\\Models;\nuse App\\Support\\Str;\nrequire_once 'x.php';\nclass User extends Model {\n  const A = 1;\n  public function save($x) { return $x; }\n}\nfunction helper() {}\n",
      'php',
    );
    assert.equal(php.packageName, 'App\\Models');
    assert.deepEqual(php.defs, ['class:User:5', 'constant:A@User:6', 'method:save@User:7', 'function:helper:9']);
    assert.deepEqual(php.imports, ['module App\\Support\\Str[Str]', 'include x.php[]']);
  });

  it('finds imports inside function bodies (lazy imports, require in a function) while their other declarations stay local', () => {
    const py = golden(
      [
        'def load():',
        '    import json',
        '    from .codec import decode',
        '    helper = 1',
        '    return json',
        '',
        'def plain():',
        '    x = 2',
        '',
      ].join('\n'),
      'python',
    );
    assert.deepEqual(py.imports, ['module json as json[]', 'module .codec[decode]']);
    assert.deepEqual(py.defs, ['function:load:1', 'function:plain:7']);
    const js = golden(
      [
        'function lazy() {',
        "  const { parse } = require('./parser');",
        '  const local = 1;',
        '  return parse;',
        '}',
        'function other() { return 2; }',
        '',
      ].join('\n'),
      'javascript',
    );
    assert.deepEqual(js.imports, ['module ./parser[parse]']);
    assert.deepEqual(js.defs, ['function:lazy:1', 'function:other:6']);
    const rs = golden(['fn main() {', '    use crate::io::Reader;', '    let r = 1;', '}', ''].join('\n'), 'rust');
    assert.deepEqual(rs.imports.length, 1);
    assert.match(rs.imports[0], /crate::io/);
  });

  it('cuts a large class at its members with exact spans, each member keeping the class header as context', () => {
    const methods = Array.from({ length: 8 }, (_, i) =>
      [`  method${i}(a: number): number {`, ...Array.from({ length: 6 }, (_, j) => `    a += ${j};`), '    return a;', '  }', ''].join(
        '\n',
      ),
    );
    const text = [
      'import { x } from "./x";',
      '',
      '/** A pool. */',
      'export class Pool<T> extends Base<T> {',
      '  private size = 0;',
      '',
      ...methods,
      '}',
      '',
    ].join('\n');
    const { chunks } = analyzeFile(text, 'typescript', { maxLines: 25, maxChars: 3000 });
    const lines = text.split('\n');
    for (const c of chunks) assert.equal(c.text, lines.slice(c.startLine - 1, c.endLine).join('\n'), 'text is exactly the span');
    for (let i = 1; i < chunks.length; i++) assert.ok(chunks[i].startLine > chunks[i - 1].endLine, 'no overlaps');
    const owner = chunks.find((c) => c.symbols.some((s) => s.name === 'Pool'))!;
    assert.equal(owner.startLine, 3, 'the doc comment belongs to the class');
    const members = chunks.filter((c) => c.symbols.some((s) => /^method\d$/.test(s.name)));
    assert.ok(members.length >= 3, `split at members: ${JSON.stringify(chunks.map((c) => [c.startLine, c.endLine]))}`);
    for (const m of members) {
      assert.ok(/^\s+method\d\(/.test(m.text.split('\n')[0]), `a member chunk starts at a method: ${m.text.split('\n')[0]}`);
      if (m !== owner) assert.equal(m.context, 'export class Pool<T> extends Base<T> {');
      for (const s of m.symbols) assert.equal(s.container, 'Pool');
    }
    const all = chunks.flatMap((c) => c.symbols.map((s) => s.name));
    for (let i = 0; i < 8; i++) assert.ok(all.includes(`method${i}`));
  });

  it('splits one huge function at its statements and, failing those, by lines', () => {
    const body = Array.from({ length: 200 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `function big() {\n${body}\n}\n`;
    const { chunks, syntax } = analyzeFile(text, 'javascript', opts);
    assert.equal(syntax.parser, 'tree-sitter:javascript');
    assert.ok(chunks.length >= 4);
    for (const c of chunks) assert.ok(c.endLine - c.startLine + 1 <= 60);
    assert.equal(chunks[0].startLine, 1);
    assert.equal(chunks[chunks.length - 1].endLine, 202);
  });

  it('Rust: a `///` block and attributes belong to the item below them, as comments do in the other languages', () => {
    const body = Array.from({ length: 10 }, (_, i) => `    let v${i} = ${i};`);
    const rs = [
      'use std::io;',
      '',
      '/// Runs it.',
      '///',
      '/// More words.',
      '#[inline]',
      'pub fn run() {',
      ...body,
      '}',
      '',
      'fn other() {}',
    ].join('\n');
    const go = [
      'package x',
      '',
      '// Run runs it.',
      '//',
      '// More words.',
      'func Run() {',
      ...body.map((l) => l.replace('let ', '')),
      '}',
    ].join('\n');
    for (const [language, text, name] of [
      ['rust', rs, 'run'],
      ['go', go, 'Run'],
    ]) {
      const { chunks } = analyzeFile(text, language, opts);
      const own = chunks.find((c) => c.symbols.some((s) => s.name === name))!;
      assert.equal(
        own.startLine,
        3,
        `${language}: the comment's first line starts the item's chunk: ${JSON.stringify(chunks.map((c) => [c.startLine, c.endLine]))}`,
      );
    }
  });

  it('keeps a declaration whole under a doc comment too long for one chunk: the comment’s tail with it, its head apart', () => {
    const doc = (n: number, indent: string, open: string, line: string, close: string) => [
      `${indent}${open}`,
      ...Array.from({ length: n }, (_, i) => `${indent}${line} Example line ${i} of a long usage example.`),
      ...(close ? [`${indent}${close}`] : []),
    ];
    // TypeScript: overload signatures and their implementation (one declaration) under a 30-line JSDoc.
    const ts = [
      'export class Actor {',
      ...doc(30, '  ', '/**', ' *', ' */'),
      '  subscribe(observer: Observer): Subscription;',
      '  subscribe(next?: (s: number) => void): Subscription;',
      '  subscribe(nextOrObserver?: unknown): Subscription {',
      ...Array.from({ length: 10 }, (_, i) => `    const v${i} = ${i};`),
      '    return { unsubscribe: () => {} };',
      '  }',
      '',
      '  stop(): void {}',
      '}',
    ].join('\n');
    const tsLines = ts.split('\n');
    const first = tsLines.findIndex((l) => l.includes('subscribe(observer')) + 1;
    const impl = tsLines.findIndex((l) => l.includes('subscribe(nextOrObserver')) + 1;
    const end = impl + 12;
    const { chunks } = analyzeFile(ts, 'typescript', { maxLines: 25, maxChars: 3000 });
    for (const c of chunks) assert.ok(c.endLine - c.startLine + 1 <= 25, `within the limit: ${c.startLine}-${c.endLine}`);
    const own = chunks.find((c) => c.startLine <= first && first <= c.endLine)!;
    assert.ok(
      own.startLine < first && own.endLine === end,
      `signatures, implementation and the comment's tail: ${own.startLine}-${own.endLine}`,
    );
    assert.equal(own.endLine - own.startLine + 1, 25, 'filled up to the limit with the comment above it');
    assert.deepEqual(
      own.symbols.map((s) => s.name),
      ['subscribe'],
    );
    assert.equal(own.context, 'export class Actor {');
    const head = chunks.filter((c) => c.endLine < own.startLine && c.startLine > 1);
    assert.ok(head.length >= 1 && head.every((c) => c.symbols.length === 0), 'the rest of the comment is a chunk of its own');
    assert.ok(
      chunks.every((c) => !c.symbols.some((s) => s.name === 'subscribe') || c === own),
      'no other chunk claims the method',
    );

    // Rust: a method with a 40-line `///` block and an attribute.
    const rs = [
      'impl Client {',
      ...doc(40, '    ', '/// Sends a request.', '///', ''),
      '    #[inline]',
      '    pub fn request(&self, req: Request) -> ResponseFuture {',
      ...Array.from({ length: 15 }, (_, i) => `        let v${i} = ${i};`),
      '        self.send(req)',
      '    }',
      '}',
    ].join('\n');
    const rsLines = rs.split('\n');
    const fnLine = rsLines.findIndex((l) => l.includes('pub fn request')) + 1;
    const rsChunks = analyzeFile(rs, 'rust', { maxLines: 25, maxChars: 3000 }).chunks;
    const method = rsChunks.find((c) => c.symbols.some((s) => s.name === 'request'))!;
    assert.ok(
      method.startLine < fnLine - 1 && method.endLine >= fnLine + 17,
      `the doc comment’s tail, the attribute and the whole body: ${method.startLine}-${method.endLine}`,
    );
  });

  it('falls back to the heuristic parser with a reason: no grammar, too large, mostly errors', () => {
    const kt = analyzeFile('class A {\n  fun b() {}\n}\n', 'kotlin', opts);
    assert.equal(kt.syntax.parser, 'heuristic');
    assert.equal(kt.syntax.fallbackReason, undefined, 'Kotlin has no grammar: heuristics are its parser, not a fallback');
    assert.ok(kt.chunks.length > 0);
    const huge = analyzeFile(`${'export const a = 1;\n'.repeat(Math.ceil(MAX_PARSE_BYTES / 20) + 10)}`, 'typescript', opts);
    assert.equal(huge.syntax.parser, 'heuristic');
    assert.match(huge.syntax.fallbackReason ?? '', /larger than/);
    const garbage = analyzeFile(')))}}}]]] ((( @@@ ### $$$\n'.repeat(50), 'python', opts);
    assert.equal(garbage.syntax.parser, 'heuristic');
    assert.equal(garbage.syntax.fallbackReason, 'mostly syntax errors');
  });

  it('survives hostile input: deep nesting, control characters, a lone surrogate, CRLF, empty text', () => {
    const deep = `${'('.repeat(50_000)}1${')'.repeat(50_000)}\n`;
    const r = analyzeFile(`const x = ${deep}`, 'typescript', opts);
    assert.ok(r.chunks.length >= 1);
    const weird = analyzeFile('def f():\n    return "\u0001\u0002\ud800"\n', 'python', opts);
    assert.deepEqual(
      weird.syntax.definitions.map((d) => d.name),
      ['f'],
    );
    const crlf = analyzeFile('package a\r\n\r\nfunc A() {}\r\n', 'go', opts);
    assert.deepEqual(
      crlf.chunks.map((c) => [c.startLine, c.endLine, c.text]),
      [[1, 3, 'package a\n\nfunc A() {}']],
    );
    assert.deepEqual(analyzeFile('', 'rust', opts).chunks, []);
  });

  it('finds the identifier at the cursor and the type of the receiver of `x.`', () => {
    assert.deepEqual(cursorContext('const p = new Pool<number>(3);\np.acq', '', 'typescript'), {
      identifier: 'acq',
      member: { receiver: 'p', type: 'Pool', via: 'initializer' },
    });
    assert.deepEqual(cursorContext('function f(db: Database) {\n  db.', '\n}', 'typescript').member, {
      receiver: 'db',
      type: 'Database',
      via: 'annotation',
    });
    assert.deepEqual(cursorContext('class Cache:\n    def get(self):\n        self.', '', 'python').member, {
      receiver: 'self',
      type: 'Cache',
      via: 'self',
    });
    assert.deepEqual(cursorContext('c = Client(url)\nc.', '', 'python').member, { receiver: 'c', type: 'Client', via: 'initializer' });
    assert.deepEqual(cursorContext('package a\nfunc f() {\n\tc := &Client{}\n\tc.', '\n}', 'go').member, {
      receiver: 'c',
      type: 'Client',
      via: 'initializer',
    });
    assert.deepEqual(cursorContext('package a\nfunc f(s *Server) {\n\ts.', '\n}', 'go').member, {
      receiver: 's',
      type: 'Server',
      via: 'annotation',
    });
    assert.deepEqual(cursorContext('fn f() {\n    let s = Server::new();\n    s.', '\n}', 'rust').member, {
      receiver: 's',
      type: 'Server',
      via: 'initializer',
    });
    assert.deepEqual(cursorContext('impl Pool {\n    fn f(&self) {\n        self.', '\n    }\n}', 'rust').member, {
      receiver: 'self',
      type: 'Pool',
      via: 'self',
    });
    assert.deepEqual(cursorContext('class A {\n  void f() {\n    Parser p = make();\n    p.', '\n  }\n}', 'java').member, {
      receiver: 'p',
      type: 'Parser',
      via: 'annotation',
    });
    assert.deepEqual(cursorContext('x = 1\n', '', 'python'), { identifier: '' });
    assert.deepEqual(cursorContext('val a = b.', '', 'kotlin'), { identifier: '', member: { receiver: 'b' } });
  });
});
