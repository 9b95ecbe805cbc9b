import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IgnoreRules } from '../../../../daemon/context/ignore-rules';
import { walk } from '../../../../daemon/context/walker';
import { DEFAULT_EXCLUDE_DIRS, DEFAULT_EXCLUDE_GLOBS } from '../../../../daemon/context/config';
import { copyFixtureRepo, makeEngine, tempDir } from './helpers';

const rulesFor = (root: string) => new IgnoreRules(root, { excludeDirs: DEFAULT_EXCLUDE_DIRS, excludeGlobs: DEFAULT_EXCLUDE_GLOBS });

describe('context/walker and ignore rules', () => {
  let t: ReturnType<typeof tempDir>;
  let root: string;
  let outside: string;
  beforeEach(() => {
    t = tempDir('walker');
    root = copyFixtureRepo(t.dir);
    outside = join(t.dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'leak.ts'), 'export const leakedSymbol = 1;\n');
  });
  afterEach(() => t.cleanup());

  it('honours .gitignore (with negation), .tandemignore, excluded folders and generated-file patterns', async () => {
    mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'pkg', 'index.js'), 'module.exports = 1;\n');
    writeFileSync(join(root, 'debug.log'), 'x');
    writeFileSync(join(root, 'src', 'app.min.js'), 'var a=1;\n');
    mkdirSync(join(root, 'src', 'nested'));
    writeFileSync(join(root, 'src', 'nested', '.gitignore'), '*.ts\n!keep.ts\n');
    writeFileSync(join(root, 'src', 'nested', 'drop.ts'), 'export const dropped = 1;\n');
    writeFileSync(join(root, 'src', 'nested', 'keep.ts'), 'export const kept = 1;\n');
    const r = await walk(root, { rules: rulesFor(root), maxFileBytes: 1_000_000, maxFiles: 1000 });
    assert.deepEqual(
      r.files.map((f) => f.rel),
      [
        'AGENTS.md',
        'py/inventory.py',
        'src/app.ts',
        'src/geometry/shapes.ts',
        'src/math/matrix.ts',
        'src/math/vector.ts',
        'src/nested/keep.ts',
        'src/util/strings.ts',
      ],
    );
    assert.ok((r.skipped.ignored ?? 0) >= 5, JSON.stringify(r.skipped));
  });

  it('never follows symlinks: escapes out of the root and loops are reported, not read', async () => {
    symlinkSync(outside, join(root, 'src', 'escape-dir'));
    symlinkSync(join(outside, 'leak.ts'), join(root, 'src', 'escape-file.ts'));
    symlinkSync(join(root, 'src'), join(root, 'src', 'math', 'loop'));
    symlinkSync(join(root, 'src', 'app.ts'), join(root, 'alias.ts'));
    const r = await walk(root, { rules: rulesFor(root), maxFileBytes: 1_000_000, maxFiles: 1000 });
    const rels = r.files.map((f) => f.rel);
    assert.ok(!rels.some((p) => p.includes('escape') || p.includes('loop') || p === 'alias.ts'), rels.join(', '));
    assert.equal(r.skipped['symlink-outside-root'], 2);
    assert.equal(r.skipped.symlink, 2);
  });

  it('the engine skips binary, non-UTF-8, minified and huge files with a reason, and indexes the rest', async () => {
    writeFileSync(join(root, 'src', 'binary.ts'), Buffer.from([0x65, 0x78, 0x00, 0x01, 0x02]));
    writeFileSync(join(root, 'src', 'latin1.ts'), Buffer.from('export const caf\xe9 = 1;\n', 'latin1'));
    writeFileSync(join(root, 'src', 'minified.js'), `var a=${'1+'.repeat(5000)}1;\n`);
    writeFileSync(join(root, 'src', 'huge.ts'), `// ${'x'.repeat(100)}\n`.repeat(20_000));
    const { engine } = makeEngine(join(t.dir, 'home'), { index: { maxFileBytes: 500_000 } });
    try {
      const s = await engine.indexRoot(root);
      assert.equal(s.skipped.binary, 1);
      assert.equal(s.skipped['not-utf8'], 1);
      assert.equal(s.skipped.minified, 1);
      assert.equal(s.skipped['too-large'], 1);
      assert.equal(s.files, 7);
      const { hits } = await engine.search({ query: 'generatedSymbolNeverIndexed secretSymbolNeverIndexed leakedSymbol', root });
      assert.deepEqual(
        hits.filter((h) => /generated|secret|leak|binary|latin1|minified|huge/.test(h.file)),
        [],
      );
    } finally {
      await engine.dispose();
    }
  });

  it('the engine refuses documents outside the root and cursor files that escape it', async () => {
    symlinkSync(join(outside, 'leak.ts'), join(root, 'src', 'escape-file.ts'));
    const { engine } = makeEngine(join(t.dir, 'home'));
    try {
      await engine.indexRoot(root);
      // A document outside every root: no retrieval, the document alone.
      const a = await engine.assembleCompletion({
        completionId: 'out',
        path: join(outside, 'leak.ts'),
        languageId: 'typescript',
        prefix: 'import { Vector2 } from "./vector";\nconst v = new Vector2(',
        suffix: '',
        line: 1,
        character: 0,
        recentFiles: [],
        numCtx: 2048,
        outputReserve: 128,
        deadlineMs: 1000,
      });
      assert.equal(a.contextChunks, 0);
      assert.equal(engine.diagnostics('out')!.root, undefined);
      const r = await engine.retrieve({ path: join(outside, 'leak.ts'), prefix: 'Vector2', suffix: '', line: 0 });
      assert.deepEqual(r.chunks, []);
      await assert.rejects(engine.search({ query: 'x', root: outside }), /not a registered workspace root/);
    } finally {
      await engine.dispose();
    }
  });

  it('stops at the file limit: folders past it are not read at all', async () => {
    const big = join(t.dir, 'big');
    for (let d = 0; d < 40; d++) {
      mkdirSync(join(big, `pkg${String(d).padStart(2, '0')}`), { recursive: true });
      for (let f = 0; f < 5; f++) writeFileSync(join(big, `pkg${String(d).padStart(2, '0')}`, `m${f}.ts`), `export const m${f} = ${f};\n`);
    }
    const r = await walk(big, { rules: rulesFor(big), maxFileBytes: 1_000_000, maxFiles: 12 });
    assert.equal(r.files.length, 12);
    assert.equal(r.limitReached, true);
    assert.ok((r.skipped['over-file-limit'] ?? 0) > 0);
    assert.ok(r.dirs.length <= 4, `the walk stopped after the folders it needed (${r.dirs.length} read)`);
    const all = await walk(big, { rules: rulesFor(big), maxFileBytes: 1_000_000, maxFiles: 1000 });
    assert.equal(all.files.length, 200);
    assert.equal(all.limitReached, false);
  });
});
