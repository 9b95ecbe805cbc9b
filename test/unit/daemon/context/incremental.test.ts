import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chunkText } from '../../../../daemon/context/chunker';
import { IndexStore } from '../../../../daemon/context/index-store';
import { storeDirFor } from '../../../../daemon/context/workspace';
import { copyFixtureRepo, makeEngine, tempDir } from './helpers';

/** What the index holds, read through a second connection (WAL allows it). */
function snapshot(
  home: string,
  root: string,
): { files: string[]; chunks: Map<string, Array<[number, number]>>; defs: (name: string) => string[] } {
  const store = new IndexStore(join(storeDirFor(home, root), 'index.db'));
  try {
    const files = [...store.files().keys()].sort();
    const chunks = new Map<string, Array<[number, number]>>();
    for (const f of files) {
      const rows = store.chunks(store.chunkIdsOf(f));
      chunks.set(
        f,
        [...rows.values()].map((r) => [r.startLine, r.endLine]),
      );
    }
    const defsCache = new Map<string, string[]>();
    for (const name of ['dotProduct', 'innerProduct', 'parseHttpHeader', 'Matrix2', 'restock_items', 'freshSymbol']) {
      defsCache.set(
        name,
        store.definitions(name, 10).map((d) => d.path),
      );
    }
    return { files, chunks, defs: (name) => defsCache.get(name) ?? [] };
  } finally {
    store.close();
  }
}

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('context/incremental updates and persistence', () => {
  let t: ReturnType<typeof tempDir>;
  let root: string;
  let home: string;
  beforeEach(() => {
    t = tempDir('incr');
    root = copyFixtureRepo(t.dir);
    home = join(t.dir, 'home');
  });
  afterEach(() => t.cleanup());

  it('re-indexes an edited file with no stale chunks or symbols', async () => {
    const { engine } = makeEngine(home, { watch: { enabled: false } });
    try {
      await engine.indexRoot(root);
      const file = join(root, 'src/math/vector.ts');
      const text =
        readFileSync(file, 'utf8').replace(/dotProduct/g, 'innerProduct') + '\nexport function freshSymbol(): number {\n  return 42;\n}\n';
      // The engine's own store remembers what it looked up: the edit must not leave it stale.
      const live = engine.rootOf(file)!.store;
      const paths = (name: string) => live.definitions(name, 10).map((d) => d.path);
      assert.deepEqual(paths('dotProduct'), ['src/math/vector.ts']);
      assert.deepEqual(paths('freshSymbol'), []);
      writeFileSync(file, text);
      const s = await engine.refreshPaths(root, [file]);
      assert.equal(s.indexed, 1);
      assert.deepEqual(paths('dotProduct'), []);
      assert.deepEqual(paths('freshSymbol'), ['src/math/vector.ts']);
      const snap = snapshot(home, root);
      assert.deepEqual(snap.defs('dotProduct'), []);
      assert.deepEqual(snap.defs('innerProduct'), ['src/math/vector.ts']);
      assert.deepEqual(snap.defs('freshSymbol'), ['src/math/vector.ts']);
      const expected = chunkText(text, 'typescript', { maxLines: 60, maxChars: 3000 }).map((c) => [c.startLine, c.endLine]);
      assert.deepEqual(snap.chunks.get('src/math/vector.ts'), expected);
      const { hits } = await engine.search({ query: 'innerProduct', root, k: 1 });
      assert.equal(hits[0].file, 'src/math/vector.ts');
      // Unchanged content (a touch) is not re-chunked.
      writeFileSync(file, text);
      assert.equal((await engine.refreshPaths(root, [file])).indexed, 0);
    } finally {
      await engine.dispose();
    }
  });

  it('removes deleted files and renamed files and folders from the index', async () => {
    const { engine } = makeEngine(home, { watch: { enabled: false } });
    try {
      await engine.indexRoot(root);
      rmSync(join(root, 'src/util/strings.ts'));
      renameSync(join(root, 'src/math/matrix.ts'), join(root, 'src/math/mat2.ts'));
      renameSync(join(root, 'py'), join(root, 'python'));
      const s = await engine.refreshPaths(root, ['src/util/strings.ts', 'src/math/matrix.ts', 'src/math/mat2.ts', 'py', 'python']);
      assert.equal(s.removed, 3);
      const snap = snapshot(home, root);
      assert.deepEqual(snap.files, [
        'AGENTS.md',
        'python/inventory.py',
        'src/app.ts',
        'src/geometry/shapes.ts',
        'src/math/mat2.ts',
        'src/math/vector.ts',
      ]);
      assert.deepEqual(snap.defs('parseHttpHeader'), []);
      assert.deepEqual(snap.defs('Matrix2'), ['src/math/mat2.ts']);
      assert.deepEqual(snap.defs('restock_items'), ['python/inventory.py']);
    } finally {
      await engine.dispose();
    }
  });

  it('sees changes through the file watcher (new, edited, deleted, renamed, new folders)', async () => {
    const { engine } = makeEngine(home, { watch: { enabled: true, debounceMs: 10 } });
    try {
      await engine.indexRoot(root);
      const defs = async (name: string) => {
        await engine.settle(root);
        return snapshot(home, root).defs(name);
      };
      mkdirSync(join(root, 'src', 'fresh'));
      await until(async () => {
        await engine.settle(root);
        return true;
      }, 'the new folder to be seen');
      writeFileSync(join(root, 'src', 'fresh', 'new.ts'), 'export function freshSymbol() {\n  return 1;\n}\n');
      await until(async () => (await defs('freshSymbol')).length === 1, 'a new file in a new folder');
      writeFileSync(
        join(root, 'src/math/vector.ts'),
        readFileSync(join(root, 'src/math/vector.ts'), 'utf8').replace(/dotProduct/g, 'innerProduct'),
      );
      await until(async () => (await defs('innerProduct')).length === 1 && (await defs('dotProduct')).length === 0, 'an edit');
      rmSync(join(root, 'src/util/strings.ts'));
      await until(async () => (await defs('parseHttpHeader')).length === 0, 'a delete');
      renameSync(join(root, 'src/math/matrix.ts'), join(root, 'src/math/mat2.ts'));
      await until(async () => (await defs('Matrix2')).join() === 'src/math/mat2.ts', 'a rename');
      assert.equal(snapshot(home, root).files.includes('src/math/matrix.ts'), false);
    } finally {
      await engine.dispose();
    }
  });

  it('persists across restarts: unchanged files are not re-indexed, offline changes are picked up', async () => {
    const first = makeEngine(home).engine;
    const s1 = await first.indexRoot(root);
    await first.dispose();
    assert.equal(s1.indexed, 7);

    const second = makeEngine(home).engine;
    const s2 = await second.indexRoot(root);
    await second.dispose();
    assert.equal(s2.indexed, 0);
    assert.equal(s2.unchanged, 7);
    assert.equal(s2.chunks, s1.chunks);

    writeFileSync(join(root, 'src/app.ts'), readFileSync(join(root, 'src/app.ts'), 'utf8') + '\nexport const added = 1;\n');
    rmSync(join(root, 'py/inventory.py'));
    writeFileSync(join(root, '.tandemignore'), 'secret/\nsrc/util/\n');
    const third = makeEngine(home).engine;
    const s3 = await third.indexRoot(root);
    await third.dispose();
    assert.deepEqual([s3.indexed, s3.removed, s3.unchanged, s3.files], [1, 2, 4, 5]);
  });

  it('a changed ignore file removes newly ignored files and indexes newly included ones', async () => {
    const { engine } = makeEngine(home, { watch: { enabled: false } });
    try {
      await engine.indexRoot(root);
      writeFileSync(join(root, '.tandemignore'), 'py/\n');
      const s = await engine.refreshPaths(root, ['.tandemignore']);
      assert.equal(s.removed, 1);
      assert.ok(snapshot(home, root).files.includes('secret/keys.ts'));
      assert.ok(!snapshot(home, root).files.includes('py/inventory.py'));
    } finally {
      await engine.dispose();
    }
  });
});

describe('context/index store recovery', () => {
  it('sets a corrupt index aside and rebuilds it, losing nothing', async () => {
    const t = tempDir('corrupt');
    try {
      const root = copyFixtureRepo(t.dir);
      const home = join(t.dir, 'home');
      const first = makeEngine(home).engine;
      await first.indexRoot(root);
      await first.dispose();
      const db = join(storeDirFor(home, root), 'index.db');
      writeFileSync(db, 'this is not a database, it is garbage '.repeat(200));
      rmSync(`${db}-wal`, { force: true });
      const { engine, logger } = makeEngine(home);
      try {
        const s = await engine.indexRoot(root);
        assert.equal(s.indexed, 7);
        assert.ok(logger.lines.some((l) => l.startsWith('warn') && l.includes('rebuilding the index')));
        assert.equal((await engine.search({ query: 'parseHttpHeader', root, k: 1 })).hits[0].file, 'src/util/strings.ts');
      } finally {
        await engine.dispose();
      }
    } finally {
      t.cleanup();
    }
  });
});
