import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { FakeOllama, fakeEmbedding, tandemDefaultModels } from '../../../fake-ollama';
import { contentHash } from '../../../../daemon/context/chunker';
import type { Embedder } from '../../../../daemon/context/embeddings';
import { storeDirFor } from '../../../../daemon/context/workspace';
import { copyFixtureRepo, cursorAt, makeEngine, tempDir } from './helpers';

const DIM = 64;

/** A narrow embedder calling the fake Ollama's /api/embed, with switches for failure modes. */
function fakeEmbedder(url: string) {
  const state = { up: true, hang: false, calls: 0, inputs: 0 };
  const embedder: Embedder = {
    canServe: () => state.up,
    async embed({ input, signal }) {
      state.calls++;
      state.inputs += input.length;
      if (state.hang) {
        await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));
      }
      const res = await fetch(`${url}/api/embed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'nomic-embed-text', input }),
        signal,
      });
      if (!res.ok) throw new Error(`embed failed with HTTP ${res.status}`);
      const body = (await res.json()) as { embeddings: number[][] };
      return { embeddings: body.embeddings, model: 'nomic-embed-text', backend: 'fake' };
    },
  };
  return { embedder, state };
}

describe('context/embeddings (through the fake Ollama)', () => {
  let fake: FakeOllama;
  let t: ReturnType<typeof tempDir>;
  let root: string;
  before(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels().map((m) => (m.name.startsWith('nomic') ? { ...m, embeddingDim: DIM } : m)) });
    await fake.start();
  });
  after(() => fake.stop());
  beforeEach(() => {
    t = tempDir('embed');
    root = copyFixtureRepo(t.dir);
  });
  afterEach(() => t.cleanup());

  it('embeds every chunk in background batches, stores deterministic vectors and searches them', async () => {
    const { embedder, state } = fakeEmbedder(fake.url);
    const home = join(t.dir, 'home');
    const { engine } = makeEngine(home, { embeddings: { batchSize: 4 } }, { embedder });
    try {
      const stats = await engine.indexRoot(root);
      await engine.embeddingsIdle();
      assert.deepEqual(engine.semanticStatus(), { active: true });
      assert.equal(state.inputs, stats.chunks, 'each distinct chunk embedded once');
      assert.ok(state.calls >= Math.ceil(stats.chunks / 4));

      // The stored vector of a chunk is exactly the fake's deterministic vector of its text.
      const db = await lancedb.connect(join(storeDirFor(home, root), 'vectors'));
      const table = await db.openTable('vectors_nomic_embed_text');
      const rows = (await table.query().toArray()) as Array<{ hash: string; vector: { toArray(): Float32Array } }>;
      assert.equal(rows.length, stats.chunks);
      const text = readFileSync(join(root, 'py/inventory.py'), 'utf8').split('\n').slice(13, 19).join('\n');
      const row = rows.find((r) => r.hash === contentHash(text))!;
      assert.ok(row, 'the restock_items chunk has a vector');
      const want = fakeEmbedding(`py/inventory.py\n${text}`, DIM);
      Array.from(row.vector.toArray()).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6));
      table.close();
      db.close();

      const { hits } = await engine.search({ query: 'restock items that ran out', root, k: 3 });
      assert.equal(hits[0].file, 'py/inventory.py');
      assert.ok(hits[0].sources.includes('vector'), JSON.stringify(hits[0]));
    } finally {
      await engine.dispose();
    }
  });

  it('caches by content hash: restarts and copies of a file cost no new embeddings', async () => {
    const { embedder, state } = fakeEmbedder(fake.url);
    const home = join(t.dir, 'home');
    const first = makeEngine(home, {}, { embedder }).engine;
    await first.indexRoot(root);
    await first.embeddingsIdle();
    await first.dispose();
    const before = state.inputs;
    copyFileSync(join(root, 'src/math/vector.ts'), join(root, 'src/math/vector-copy.ts'));
    const second = makeEngine(home, {}, { embedder }).engine;
    try {
      const s = await second.indexRoot(root);
      await second.embeddingsIdle();
      assert.equal(s.indexed, 1);
      assert.equal(state.inputs, before, 'no chunk embedded twice');
      assert.equal(second.semanticStatus().active, true);
    } finally {
      await second.dispose();
    }
  });

  it('says why retrieval is BM25 only: no embedder, backend down, calls failing', async () => {
    const none = makeEngine(join(t.dir, 'h1')).engine;
    await none.indexRoot(root);
    assert.match(none.semanticStatus().reason!, /No embed backend/);
    await none.dispose();

    const { embedder, state } = fakeEmbedder('http://127.0.0.1:9');
    const failing = makeEngine(join(t.dir, 'h2'), { embeddings: { retryMs: 60_000 } }, { embedder });
    try {
      await failing.engine.indexRoot(root);
      await failing.engine.embeddingsIdle();
      const st = failing.engine.semanticStatus();
      assert.equal(st.active, false);
      assert.match(st.reason!, /failing/);
      assert.ok(failing.logger.lines.some((l) => l.startsWith('warn') && l.includes('retrying')));
      // Retrieval still works, lexically.
      const { hits } = await failing.engine.search({ query: 'parseHttpHeader', root, k: 1 });
      assert.equal(hits[0].file, 'src/util/strings.ts');
      state.up = false;
      assert.match(failing.engine.semanticStatus().reason!, /No backend can serve the embed task/);
    } finally {
      await failing.engine.dispose();
    }
  });

  it('says so when the vector store itself fails, and keeps retrieval lexical', async () => {
    const { embedder } = fakeEmbedder(fake.url);
    const home = join(t.dir, 'h3');
    // A file where the vector store's folder belongs: the store cannot be created.
    mkdirSync(storeDirFor(home, root), { recursive: true });
    writeFileSync(join(storeDirFor(home, root), 'vectors'), 'not a folder');
    const broken = makeEngine(home, {}, { embedder });
    try {
      await broken.engine.indexRoot(root);
      await broken.engine.embeddingsIdle();
      const st = broken.engine.semanticStatus();
      assert.equal(st.active, false);
      assert.match(st.reason!, /^Background embedding stopped \(.+\); retrieval is BM25 only\.$/);
      assert.ok(broken.logger.lines.some((l) => l.startsWith('warn') && l.includes('background embedding stopped')));
      const { hits } = await broken.engine.search({ query: 'parseHttpHeader', root, k: 1 });
      assert.equal(hits[0].file, 'src/util/strings.ts');
    } finally {
      await broken.engine.dispose();
    }
  });

  it('races the vector search against the completion deadline and uses what finished', async () => {
    const { embedder, state } = fakeEmbedder(fake.url);
    const { engine } = makeEngine(join(t.dir, 'home'), {}, { embedder });
    try {
      await engine.indexRoot(root);
      await engine.embeddingsIdle();
      state.hang = true;
      const text = readFileSync(join(root, 'src/geometry/shapes.ts'), 'utf8');
      const { prefix, suffix } = cursorAt(text, 21);
      const a = await engine.assembleCompletion({
        completionId: 'race',
        path: join(root, 'src/geometry/shapes.ts'),
        languageId: 'typescript',
        prefix,
        suffix,
        line: 20,
        character: 0,
        recentFiles: [],
        numCtx: 4096,
        outputReserve: 128,
        deadlineMs: 300,
      });
      const d = engine.diagnostics('race')!;
      assert.equal(d.retrievers.find((r) => r.name === 'vector')!.status, 'timeout');
      assert.ok(a.contextChunks > 0, 'lexical and import context still used');
      assert.match(a.prefix, /\/\/ Path: src\/math\/vector\.ts/);
    } finally {
      state.hang = false;
      await engine.dispose();
    }
  });

  it('stops waiting for a vector search that is known to be slower than the deadline', async () => {
    const { embedder, state } = fakeEmbedder(fake.url);
    const slow: Embedder = {
      canServe: embedder.canServe,
      async embed(req) {
        // Query embeddings (one input) take far longer than the completion deadline.
        if (req.input.length === 1) await new Promise((r) => setTimeout(r, 120));
        return embedder.embed(req);
      },
    };
    const { engine } = makeEngine(join(t.dir, 'home'), {}, { embedder: slow });
    try {
      await engine.indexRoot(root);
      await engine.embeddingsIdle();
      const text = readFileSync(join(root, 'src/geometry/shapes.ts'), 'utf8');
      const assemble = async (id: string, line: number, deadlineMs: number) => {
        const { prefix, suffix } = cursorAt(text, line);
        await engine.assembleCompletion({
          completionId: id,
          path: join(root, 'src/geometry/shapes.ts'),
          languageId: 'typescript',
          prefix,
          suffix,
          line: line - 1,
          character: 0,
          recentFiles: [],
          numCtx: 4096,
          outputReserve: 128,
          deadlineMs,
        });
        return engine.diagnostics(id)!.retrievers.find((r) => r.name === 'vector')!;
      };
      // Without a deadline the searches complete and teach the engine how long they take.
      for (let i = 0; i < 3; i++) assert.equal((await assemble(`learn-${i}`, 18 + i, 10_000)).status, 'done');
      const callsBefore = state.calls;
      const run = await assemble('fast-path', 21, 30);
      assert.equal(run.status, 'timeout');
      assert.match(run.reason ?? '', /not waited for: recent searches took ~\d+/);
      // The search still ran (in the background), so the average keeps tracking the embedder.
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(state.calls > callsBefore, 'the abandoned search still reached the embedder');
      const later = engine.diagnostics('fast-path')!.retrievers.filter((r) => r.name === 'vector');
      assert.equal(later.length, 1, "the late result is not reported as this request's");
    } finally {
      await engine.dispose();
    }
  });
});
