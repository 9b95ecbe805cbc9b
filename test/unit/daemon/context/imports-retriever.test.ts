import assert from 'node:assert/strict';
import { join } from 'node:path';
import { importsRetriever, testedFile, type ImportSignals } from '../../../../daemon/context/imports-retriever';
import { loadGrammar } from '../../../../daemon/context/syntax/grammars';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import { indexedRepo } from './helpers';
import { memoryIndex, type MemoryIndex } from './memory-index';

const signals = (): ImportSignals => ({ files: new Set(), placed: new Map() });

describe('context/imports-retriever', () => {
  let index: MemoryIndex;
  before(async () => {
    // The cursor's receiver type comes from a parse of the document (the grammar must be loaded).
    await loadGrammar('typescript');
    index = memoryIndex('/repo', {
      'src/math.ts': [
        { startLine: 1, text: 'export function add(a: number, b: number) {\n  return a + b;\n}', symbols: ['add'] },
        { startLine: 5, text: 'export function scale(v: number, k: number) {\n  return v * k;\n}', symbols: ['scale'] },
        { startLine: 9, text: 'export function clamp(v: number) {\n  return v;\n}', symbols: ['clamp'] },
      ],
      'src/vector.ts': [
        { startLine: 1, text: 'export function dotProduct(a, b) {\n  return 0;\n}', symbols: ['dotProduct'] },
        { startLine: 5, text: 'export function normalize(v) {\n  return v;\n}', symbols: ['normalize'] },
        { startLine: 9, text: 'export function norm(v) {\n  return 1;\n}', symbols: ['norm'] },
      ],
      'src/pool.ts': [
        { startLine: 1, text: 'export class Base {\n  release(): void {}\n}', symbols: [{ name: 'Base', line: 1, kind: 'class' }] },
        { startLine: 2, text: '  release(): void {}', symbols: [{ name: 'release', line: 2, kind: 'method', container: 'Base' }] },
        {
          startLine: 5,
          text: 'export class Pool extends Base {\n  acquire(): number {',
          symbols: [{ name: 'Pool', line: 5, kind: 'class' }],
        },
        {
          startLine: 6,
          text: '  acquire(): number {\n    return 1;\n  }',
          symbols: [{ name: 'acquire', line: 6, kind: 'method', container: 'Pool' }],
        },
        { startLine: 9, text: '  private _slots = 0;', symbols: [{ name: '_slots', line: 9, kind: 'field', container: 'Pool' }] },
      ],
      'lib/barrel-only.ts': [{ startLine: 1, text: 'export class Widget {}', symbols: ['Widget'] }],
      'src/shapes.ts': [
        { startLine: 1, text: 'export function area(s) {\n  return 0;\n}', symbols: [{ name: 'area', line: 1, kind: 'function' }] },
        { startLine: 5, text: 'export interface Shape {\n  sides: number;\n}', symbols: [{ name: 'Shape', line: 5, kind: 'interface' }] },
      ],
      'src/app.ts': [{ startLine: 1, text: 'const x = 1;' }],
    });
  });
  after(() => index.close());

  const run = (prefix: string, suffix = '', queryWindow = prefix.split('\n').slice(-12).join('\n')) => {
    const out = signals();
    const ids = importsRetriever(index, { rel: 'src/app.ts', language: 'typescript', prefix, suffix, queryWindow }, out);
    return {
      ids: ids.map((id) => index.where(id)),
      placed: [...out.placed].map(([id, signal]) => `${index.where(id)} ${signal}`),
      out,
    };
  };

  it('finds nothing without import statements', () => {
    assert.deepEqual(run('const a = 1;\n').ids, []);
  });

  it('places imported names not used yet first (the one used nowhere else in the file, then the next used below), then names used above', () => {
    const prefix = [
      "import { add, scale, clamp } from './math';",
      '// scale: mentioned in a comment is not a use',
      'const first = clamp(3);',
      'const next = ',
    ].join('\n');
    const { ids, placed, out } = run(prefix, '\nconst later = add(1, 2);\n');
    assert.deepEqual(placed, ['src/math.ts:5 unused-import', 'src/math.ts:1 unused-import']);
    // clamp is used above the cursor: after the placed ones, for the fused ranking.
    assert.deepEqual(ids, ['src/math.ts:5', 'src/math.ts:1', 'src/math.ts:9']);
    assert.deepEqual([...out.files], ['src/math.ts']);
  });

  it('places the imported names whose kind fits the position first: a type after `x: `, a value after `= `', () => {
    const imports = "import { area, Shape } from './shapes';\n";
    assert.deepEqual(run(`${imports}function f(s: `).placed, ['src/shapes.ts:5 unused-import', 'src/shapes.ts:1 unused-import']);
    assert.deepEqual(run(`${imports}const a = `).placed, ['src/shapes.ts:1 unused-import', 'src/shapes.ts:5 unused-import']);
  });

  it("in a test, an imported name the enclosing `describe`/`it` titles name comes first among those not used yet; a closed one's title says nothing", () => {
    const imports = "import { add, scale, clamp } from './math';\n";
    const body = "describe('scale', () => {\n  it('doubles (twice)', () => {\n    expect(";
    // Without a title, import order: add first.
    assert.deepEqual(
      run(`${imports}describe('math', () => {\n  it('works', () => {\n    expect(`).placed[0],
      'src/math.ts:1 unused-import',
    );
    assert.deepEqual(run(`${imports}${body}`).placed[0], 'src/math.ts:5 unused-import');
    // A title in a template literal, of `test.each`, names it too.
    assert.deepEqual(run(`${imports}test.each([1, 2])(\`clamp %d\`, (n) => {\n  expect(`).placed[0], 'src/math.ts:9 unused-import');
    // The block titled `scale` is closed: its title no longer speaks for scale.
    assert.deepEqual(
      run(`${imports}describe('scale', () => {\n  it('x', () => {})\n})\ndescribe('other', () => {\n  expect(`).placed[0],
      'src/math.ts:1 unused-import',
    );
  });

  it('places only the imported names that start with what is being typed', () => {
    const { placed } = run("import { add, scale, clamp } from './math';\nconst next = sc", '\nadd(1, 2);\n');
    assert.deepEqual(placed, ['src/math.ts:5 unused-import']);
  });

  it('after `ns.` places the members of the namespace, those matching what is typed, closest in name to the line first', () => {
    const { placed, out } = run("import * as vec from './vector';\nconst unit = vec.norm");
    assert.deepEqual(placed, ['src/vector.ts:9 namespace-member', 'src/vector.ts:5 namespace-member']);
    assert.deepEqual(out.cursor, { identifier: 'norm', receiver: 'vec', type: undefined, via: 'namespace' });
  });

  it("after `x.` places the members of x's declared type and of the types it extends; one used below first, private ones last", () => {
    const prefix = "import { Pool } from './pool';\nconst p: Pool = make();\np.";
    const first = run(prefix);
    assert.deepEqual(first.placed, ['src/pool.ts:6 receiver-member', 'src/pool.ts:2 receiver-member', 'src/pool.ts:9 receiver-member']);
    assert.deepEqual(first.out.cursor, { identifier: '', receiver: 'p', type: 'Pool', via: 'declared type' });
    const second = run(prefix, '\np.release();\n');
    assert.equal(second.placed[0], 'src/pool.ts:2 receiver-member');
  });

  it('infers the receiver type from the other members the document uses on it', () => {
    const { placed, out } = run("import { Pool } from './pool';\nfunction f(p) {\n  p.", '\n  p.acquire();\n');
    assert.equal(out.cursor?.type, 'Pool');
    assert.equal(out.cursor?.via, 'members used');
    assert.equal(placed[0], 'src/pool.ts:6 receiver-member');
  });

  it('falls back to a unique definition by name when the module does not resolve (barrels, aliases)', () => {
    const { ids, placed, out } = run("import { Widget } from '@app/widgets';\nconst w = new ");
    assert.deepEqual(ids, ['lib/barrel-only.ts:1']);
    assert.deepEqual(placed, ['lib/barrel-only.ts:1 unused-import']);
    assert.deepEqual([...out.files], []);
  });
});

describe('context/imports-retriever: Go same-package names', function () {
  this.timeout(60_000);
  // Each declaration long enough to be a chunk of its own.
  const body = '\tn := 0\n\tn++\n\tn++\n\tn++\n\tn++\n\tn++\n';
  const fn = (sig: string, ret = '') => `${sig} {\n${body}${ret ? `\treturn ${ret}\n` : ''}}\n\n`;
  const FILES: Record<string, string> = {
    'go.mod': 'module example.com/shop\n\ngo 1.22\n',
    'cart/cart.go': `package shop\n\n${fn('type Cart struct{ n int }\n\nfunc NewCart() *Cart', '&Cart{}')}`,
    'cart/price.go': `package shop\n\n${fn('func priceOf(k int) int', 'k')}var _ = priceOf\n\n${fn('func init()')}`,
    'cart/cart_test.go': `package shop\n\n${fn('func TestNewCart(t *T)')}`,
    'cart/fixtures_test.go': `package shop\n\n${fn('func BenchmarkCart(b *B)')}${fn('func sampleCart() *Cart', 'NewCart()')}`,
    'cart/total.go': `package shop\n\n${fn('func Total(c *Cart) int', '0')}`,
    // A helper the workspace uses everywhere and one it uses once; two codecs, one named by the words of a line.
    'cart/round.go': `package shop\n\n${fn('func roundUp(n int) int', 'n')}${fn('func rarelyUsed() int', '0')}`,
    // A name the index leaves out as a stop word.
    'cart/new.go': `package shop\n\n${fn('func New() *Cart', '&Cart{}')}`,
    // Two files for two builds.
    'cart/slow.go': `//go:build !fast\n\npackage shop\n\n${fn('func slowPath() int', '0')}`,
    'cart/fast.go': `//go:build fast\n\npackage shop\n\n${fn('func fastPath() int', '0')}`,
    'cart/tuned.go': '//go:build fast && linux\n\npackage shop\n',
    'cart/uses.go': `package shop\n\n${fn('func a() int', 'roundUp(1)')}${fn('func b() int', 'roundUp(2)')}${fn('func c() int', 'roundUp(3)')}`,
    // An external test package dot-importing the package it tests.
    'cart/dot_test.go': `package shop_test\n\nimport (\n\t. "example.com/shop/cart"\n)\n\n${fn('func TestDot(t *T)')}`,
    'cart/codecs.go': `package shop\n\n${fn('type jsonCodec struct{ n int }\n\nfunc (j jsonCodec) Name() string', '""')}${fn('type xmlCodec struct{ n int }\n\nfunc (x xmlCodec) Name() string', '""')}`,
  };
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  let engine: TandemContextEngine;
  let root: string;
  before(async () => {
    repo = await indexedRepo('same-package', FILES);
    ({ engine, root } = repo);
  });
  after(() => repo.close());

  const placed = (rel: string, prefix: string, suffix = '') => {
    const ws = engine.rootOf(join(root, rel))!;
    const out: ImportSignals = { files: new Set(), placed: new Map() };
    importsRetriever(ws, { rel, language: 'go', prefix, suffix, queryWindow: prefix.split('\n').slice(-12).join('\n') }, out);
    const rows = ws.store.chunks([...out.placed.keys()]);
    return [...out.placed.keys()].map((id) => {
      const r = rows.get(id)!;
      return ws.syntax
        .definitionsIn(r.path)
        .filter((d) => d.chunkId === id)
        .map((d) => d.name)
        .join(',');
    });
  };

  it('never places what Go code cannot name: test functions, init, the blank identifier; nor test-file names outside tests', () => {
    const names = placed('cart/total.go', 'package shop\n\nfunc Total(c *Cart) int {\n\treturn ', '\n}\n').join(' ');
    for (const bad of ['TestNewCart', 'BenchmarkCart', 'sampleCart', 'init', '_']) assert.ok(!names.split(/[ ,]/).includes(bad), names);
    assert.deepEqual(placed('cart/cart_test.go', 'package shop\n\nfunc TestX(t *T) {\n\tc := sample'), ['sampleCart']);
    assert.deepEqual(placed('cart/cart_test.go', 'package shop\n\nfunc TestX(t *T) {\n\tBench'), []);
  });

  it("with nothing typed, a test file's tested file and the enclosing test's name say which names come first", () => {
    const first = placed('cart/cart_test.go', 'package shop\n\nfunc TestPriceOf(t *T) {\n\tn := ', '\n}\n');
    assert.equal(first[0], 'priceOf', first.join(' '));
    // Nothing in the line or the test's name: the tested file's names are still placed.
    assert.ok(placed('cart/cart_test.go', 'package shop\n\nfunc TestA(t *T) {\n\tc := ', '\n}\n').includes('NewCart'));
  });

  it('Go, nothing known of the names: how much the workspace uses each orders them (they were left out before)', () => {
    const names = placed('cart/total.go', 'package shop\n\nfunc Total(c *Cart) int {\n\treturn ', '\n}\n');
    const at = (n: string) => names.findIndex((x) => x.split(',').includes(n));
    assert.ok(at('roundUp') >= 0 && at('rarelyUsed') > at('roundUp'), names.join(' '));
  });

  it("Go: a file whose build constraint never holds with the document's is never compiled with it: its names are not placed", () => {
    const tuned = '//go:build fast && linux\n\npackage shop\n\nfunc f() int {\n\tx := ';
    assert.deepEqual(placed('cart/tuned.go', `${tuned}fast`, '\n}\n'), ['fastPath']);
    assert.deepEqual(placed('cart/tuned.go', `${tuned}slow`, '\n}\n'), []);
    assert.deepEqual(placed('cart/total.go', 'package shop\n\nfunc f() int {\n\tx := slow', '\n}\n'), ['slowPath']);
  });

  it("Go: a dot import puts the package's exported names in the file's scope, not its unexported ones nor its tests'", () => {
    const head = 'package shop_test\n\nimport (\n\t. "example.com/shop/cart"\n)\n\nfunc TestDot(t *T) {\n\t';
    assert.deepEqual(placed('cart/dot_test.go', `${head}c := NewC`, '\n}\n'), ['NewCart']);
    assert.deepEqual(placed('cart/dot_test.go', `${head}n := price`, '\n}\n'), []);
    assert.deepEqual(placed('cart/dot_test.go', `${head}c := sample`, '\n}\n'), []);
  });

  it('Go: a name the index leaves out as a stop word (`New`) counts as common as the commonest, not as unused', () => {
    const names = placed('cart/total.go', 'package shop\n\nfunc Total(c *Cart) int {\n\tx := ', '\n}\n');
    const at = (n: string) => names.findIndex((x) => x.split(',').includes(n));
    assert.ok(at('New') >= 0 && at('New') < at('rarelyUsed'), names.join(' '));
  });

  it('Go: a type position (`var x |`, `func (c *|`, `[]|`) puts types first', () => {
    for (const line of ['\tvar x ', '\tfor _, c := range []', '\tf := func(c *']) {
      // rarelyUsed is used below: without the position it would come first.
      const names = placed('cart/total.go', `package shop\n\nfunc Total(c *Cart) int {\n${line}`, '\n\treturn rarelyUsed()\n}\n');
      assert.ok(/Codec/.test(names[0]), `${line}: ${names.join(' ')}`);
      assert.ok(
        names.some((n) => n.includes('rarelyUsed')),
        names.join(' '),
      );
    }
  });

  it("Go: a plural on the cursor line names its element's type (`carts []*` → Cart)", () => {
    // xmlCodec is used below: without the singular it would come first.
    const names = placed('cart/total.go', 'package shop\n\ntype Store struct {\n\tcarts []*', '\n\tc xmlCodec\n}\n');
    assert.equal(names[0], 'Cart', names.join(' '));
  });

  it('Go: a statement starts with a call or an assignment, not a type: a function before a type used below', () => {
    const names = placed('cart/total.go', 'package shop\n\nfunc Total(c *Cart) int {\n\t', '\n\tx := jsonCodec{}\n}\n');
    assert.ok(!names[0].includes('Codec'), names.join(' '));
    assert.ok(
      names.some((n) => n.includes('jsonCodec')),
      names.join(' '),
    );
  });

  it('Go: `return |` puts the functions declared to return what the enclosing function returns first', () => {
    // NewCart is used below (it would come first) but returns *Cart, not int.
    const names = placed('cart/total.go', 'package shop\n\nfunc Total(c *Cart) int {\n\treturn ', '\n}\n\nvar _ = NewCart()\n');
    assert.ok(['priceOf', 'roundUp', 'rarelyUsed'].includes(names[0]), names.join(' '));
    assert.ok(
      names.some((n) => n.includes('NewCart')),
      names.join(' '),
    );
  });

  it('Go: a name made of the words on the cursor line comes before the names used below it', () => {
    const names = placed('cart/total.go', 'package shop\n\nvar (\n\tJSON Codec = ', '\n\tXML Codec = xmlCodec{}\n)\n');
    assert.ok(names[0].split(',').includes('jsonCodec'), names.join(' '));
    assert.ok(
      names.some((n) => n.split(',').includes('xmlCodec')),
      names.join(' '),
    );
  });

  it('pairs a test file with the file it tests', () => {
    const files = ['cart/cart.go', 'cart/total.go', 'src/main/java/a/Foo.java', 'rich/table.py', 'src/x.ts'];
    assert.equal(testedFile('cart/cart_test.go', files), 'cart/cart.go');
    assert.equal(testedFile('src/test/java/a/FooTest.java', files), 'src/main/java/a/Foo.java');
    assert.equal(testedFile('tests/test_table.py', files), 'rich/table.py');
    assert.equal(testedFile('src/x.test.ts', files), 'src/x.ts');
    assert.equal(testedFile('cart/total.go', files), undefined);
  });
});
