import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseContextConfig } from '../../../../daemon/context/config';
import type { Embedder } from '../../../../daemon/context/embeddings';
import { ContextEngineError } from '../../../../daemon/context/errors';
import { WorkspaceRegistry, relPath, safeRel } from '../../../../daemon/context/roots';
import { MemoryLogger, tempDir } from './helpers';

describe('context/roots', () => {
  let t: ReturnType<typeof tempDir>;
  let outer: string;
  let inner: string;
  const registries: WorkspaceRegistry[] = [];
  before(() => {
    t = tempDir('roots');
    outer = join(t.dir, 'outer');
    inner = join(outer, 'packages', 'inner');
    mkdirSync(inner, { recursive: true });
    writeFileSync(join(outer, 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(inner, 'b.ts'), 'export const b = 2;\n');
    symlinkSync(inner, join(t.dir, 'link'));
  });
  afterEach(async () => {
    for (const r of registries.splice(0)) await r.dispose();
  });
  after(() => t.cleanup());

  const registry = (config = {}, embedder?: Embedder) => {
    const r = new WorkspaceRegistry({
      home: join(t.dir, 'home'),
      config: parseContextConfig({ watch: { enabled: false }, ...config }),
      embedder,
      logger: new MemoryLogger(),
      now: () => performance.now(),
      backgroundEmbedding: false,
    });
    registries.push(r);
    return r;
  };
  const kindOf = (err: unknown) => (err instanceof ContextEngineError ? err.kind : String(err));

  it('registers a root once by its realpath and reports progress until it is indexed', async () => {
    const r = registry();
    const seen: string[] = [];
    r.onProgress((p) => seen.push(p.map((x) => x.state).join(',')));
    const ws = r.register(join(t.dir, 'link'));
    assert.equal(ws.root, inner);
    assert.equal(r.register(inner), ws);
    await ws.initial;
    assert.deepEqual(r.roots(), [inner]);
    assert.equal(r.progress()[0].state, 'ready');
    assert.ok(seen.includes('ready'));
    r.unregister(inner);
    assert.deepEqual(r.roots(), []);
    assert.throws(
      () => r.register(join(outer, 'a.ts')),
      (err: unknown) => kindOf(err) === 'workspace_not_registered',
    );
  });

  it('finds the deepest root of a document, also through a symlinked folder', () => {
    const r = registry();
    r.register(outer);
    r.register(inner);
    assert.equal(r.rootOf(join(inner, 'b.ts'))?.root, inner);
    assert.equal(r.rootOf(join(outer, 'a.ts'))?.root, outer);
    assert.equal(r.rootOf(join(t.dir, 'link', 'b.ts'))?.root, inner);
    assert.equal(r.rootOf(join(t.dir, 'elsewhere.ts')), undefined);
    assert.equal(r.require(inner).root, inner);
    assert.throws(
      () => r.require(join(t.dir, 'nowhere')),
      (err: unknown) => kindOf(err) === 'workspace_not_registered',
    );
  });

  it('makes paths root-relative, refusing (or, for diagnostics, keeping) those outside', () => {
    const ws = { root: inner };
    assert.equal(relPath(ws, join(inner, 'b.ts')), 'b.ts');
    assert.equal(relPath(ws, join(t.dir, 'link', 'b.ts')), 'b.ts');
    assert.throws(
      () => relPath(ws, join(outer, 'a.ts')),
      (err: unknown) => kindOf(err) === 'path_outside_workspace',
    );
    assert.equal(safeRel(ws, join(outer, 'a.ts')), join(outer, 'a.ts'));
  });

  it('says why semantic retrieval is off before any root is registered', () => {
    const up: Embedder = { canServe: () => true, embed: () => Promise.reject(new Error('unused')) };
    const down: Embedder = { canServe: () => false, embed: up.embed };
    assert.match(registry().semanticStatus().reason!, /No embed backend/);
    assert.match(registry({ enabled: false }).semanticStatus().reason!, /context engine is disabled/);
    assert.match(registry({ embeddings: { enabled: false } }, up).semanticStatus().reason!, /Embeddings are disabled/);
    assert.match(registry({}, down).semanticStatus().reason!, /No backend can serve the embed task/);
    assert.deepEqual(registry({}, up).semanticStatus(), { active: true });
  });
});
