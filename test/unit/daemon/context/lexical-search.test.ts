import assert from 'node:assert/strict';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentHash } from '../../../../daemon/context/chunker';
import { parseContextConfig } from '../../../../daemon/context/config';
import { IndexStore } from '../../../../daemon/context/index-store';
import { LexicalThread, lexicalSearch, type LexicalQuery } from '../../../../daemon/context/lexical-search';
import { LEXICAL_HEDGE_MIN_MS, Retrieval } from '../../../../daemon/context/retrieval';
import type { Logger } from '../../../../daemon/log';
import { tempDir } from './helpers';
import { memoryIndex, type MemoryIndex } from './memory-index';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    warn: (m: string) => warnings.push(m),
    error: (m: string) => warnings.push(m),
  } as unknown as Logger & {
    warnings: string[];
  };
}

const source = (store: IndexStore) => ({ file: store.dbFile, instance: store.instance, generation: store.generation });

function addFile(store: IndexStore, path: string, text: string, symbols: string[]): void {
  store.replaceFile(
    { path, hash: contentHash(text), size: text.length, mtimeMs: 1, language: 'typescript' },
    [
      {
        startLine: 1,
        endLine: text.split('\n').length,
        text,
        hash: contentHash(text),
        symbols: symbols.map((name) => ({ name, line: 1 })),
      },
    ],
    1,
  );
}

describe('context/lexical-search', () => {
  let index: MemoryIndex;
  before(() => {
    const files: Parameters<typeof memoryIndex>[1] = {};
    // Enough chunks that document frequency matters (common terms drop out, rare ones weigh).
    for (let i = 0; i < 40; i++) {
      files[`src/mod${i}.ts`] = [
        {
          startLine: 1,
          text: `export function handler${i}(request: Request) {\n  return route${i % 7}(request, table${i % 3});\n}`,
          symbols: [`handler${i}`],
        },
        { startLine: 5, text: `export const limit${i} = parseLimit(process.env.LIMIT_${i % 5});`, symbols: [`limit${i}`] },
      ];
    }
    index = memoryIndex('/repo', files);
  });
  after(() => index.close());

  const queries = [
    'const r = handler3(request);\nreturn route2(',
    'parseLimit(process.env.LIMIT_4)',
    'table1 table2 route6 handler39',
    'nothing matches these words zzqx',
    '',
  ];

  it('answers in the search thread exactly what the daemon thread would', async () => {
    const thread = new LexicalThread({ enabled: true, logger: recordingLogger() });
    try {
      assert.equal(await thread.ready(), true);
      for (const window of queries) {
        const q: LexicalQuery = { window, totalDocs: index.chunkCount, limit: 10 };
        const here = lexicalSearch(index.store, q);
        const there = await thread.start(source(index.store), q);
        assert.ok(there, 'the thread takes the query once ready');
        assert.deepEqual(there.ids, here, window);
        assert.ok(there.ms >= 0);
      }
      assert.ok(lexicalSearch(index.store, { window: queries[0], totalDocs: index.chunkCount, limit: 10 }).length > 0);
    } finally {
      await thread.dispose();
    }
  });

  it('reads the whole vocabulary between queries and answers from it exactly as from per-term lookups', async () => {
    const thread = new LexicalThread({ enabled: true, logger: recordingLogger() });
    try {
      assert.equal(await thread.ready(), true);
      const q = (window: string): LexicalQuery => ({ window, totalDocs: index.chunkCount, limit: 10 });
      const first = await thread.start(source(index.store), q(queries[0]));
      assert.equal(first!.wholeVocabulary, false, 'the first query looks its terms up');
      let whole = false;
      for (let i = 0; i < 50 && !whole; i++) {
        await new Promise((r) => setTimeout(r, 20));
        whole = (await thread.start(source(index.store), q(queries[1])))!.wholeVocabulary;
      }
      assert.equal(whole, true, 'the vocabulary was read between queries');
      for (const window of queries) {
        const there = await thread.start(source(index.store), q(window));
        assert.equal(there!.wholeVocabulary, true);
        assert.deepEqual(there!.ids, lexicalSearch(index.store, q(window)), window);
      }
    } finally {
      await thread.dispose();
    }
  });

  it('drops the vocabulary it read when the index changes, and reads it again', async () => {
    const t = tempDir('lexical-vocabulary');
    const thread = new LexicalThread({ enabled: true, logger: recordingLogger() });
    const store = new IndexStore(join(t.dir, 'index.db'));
    try {
      assert.equal(await thread.ready(), true);
      addFile(store, 'a.ts', 'export function alphaOnly() {}', ['alphaOnly']);
      const q = (window: string): LexicalQuery => ({ window, totalDocs: store.counts().chunks, limit: 5 });
      const settle = async (window: string) => {
        for (let i = 0; i < 50; i++) {
          const a = (await thread.start(source(store), q(window)))!;
          if (a.wholeVocabulary) return a;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error('the vocabulary was never read');
      };
      assert.deepEqual((await settle('zebraQuagga')).ids, []);
      addFile(store, 'b.ts', 'export function zebraQuagga() { return 1; }', ['zebraQuagga']);
      const next = (await thread.start(source(store), q('zebraQuagga')))!;
      assert.equal(next.wholeVocabulary, false, 'the old vocabulary is not used for the new generation');
      assert.deepEqual(next.ids, store.chunkIdsOf('b.ts'));
      assert.deepEqual((await settle('zebraQuagga')).ids, store.chunkIdsOf('b.ts'));
    } finally {
      await thread.dispose();
      store.close();
      t.cleanup();
    }
  });

  it('holds at most maxVocabularyTerms in all: the least recently searched root lets go of its vocabulary', async () => {
    const t = tempDir('lexical-vocabulary-limit');
    const a = new IndexStore(join(t.dir, 'a.db'));
    const b = new IndexStore(join(t.dir, 'b.db'));
    addFile(a, 'a.ts', 'export function alphaOnly() { return betaPart + gammaPart; }', ['alphaOnly']);
    addFile(b, 'b.ts', 'export function deltaOnly() { return epsilonPart + zetaPart; }', ['deltaOnly']);
    const terms = (store: IndexStore) => (store.db.prepare('SELECT count(*) AS n FROM chunks_vocab').get() as { n: number }).n;
    // Room for either vocabulary, not for both.
    const thread = new LexicalThread({ enabled: true, logger: recordingLogger(), maxVocabularyTerms: Math.max(terms(a), terms(b)) + 1 });
    const q = (store: IndexStore, window: string): LexicalQuery => ({ window, totalDocs: store.counts().chunks, limit: 5 });
    const settle = async (store: IndexStore, window: string) => {
      for (let i = 0; i < 50; i++) {
        const answer = (await thread.start(source(store), q(store, window)))!;
        if (answer.wholeVocabulary) return answer;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('the vocabulary was never read');
    };
    try {
      assert.equal(await thread.ready(), true);
      assert.deepEqual((await settle(a, 'alphaOnly')).ids, a.chunkIdsOf('a.ts'));
      assert.deepEqual((await settle(b, 'deltaOnly')).ids, b.chunkIdsOf('b.ts'));
      const again = (await thread.start(source(a), q(a, 'alphaOnly')))!;
      assert.equal(again.wholeVocabulary, false, "a's vocabulary made room for b's");
      assert.deepEqual(again.ids, a.chunkIdsOf('a.ts'));
    } finally {
      await thread.dispose();
      a.close();
      b.close();
      t.cleanup();
    }
  });

  it('sees what the index gained since its last query (generation), and a store rebuilt at the same path', async () => {
    const t = tempDir('lexical');
    const file = join(t.dir, 'index.db');
    const thread = new LexicalThread({ enabled: true, logger: recordingLogger() });
    let store = new IndexStore(file);
    try {
      assert.equal(await thread.ready(), true);
      addFile(store, 'a.ts', 'export function alpha() {}', ['alpha']);
      const q = (window: string): LexicalQuery => ({ window, totalDocs: store.counts().chunks, limit: 5 });
      assert.deepEqual((await thread.start(source(store), q('zebraQuagga')))!.ids, []);
      addFile(store, 'b.ts', 'export function zebraQuagga() { return 1; }', ['zebraQuagga']);
      const found = (await thread.start(source(store), q('zebraQuagga')))!.ids;
      assert.deepEqual(found, store.chunkIdsOf('b.ts'));

      // The index is set aside and rebuilt at the same path (as an unreadable one is): a new store, a new connection.
      store.close();
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, `${file}.aside${suffix}`);
      store = new IndexStore(file);
      addFile(store, 'c.ts', 'export function yakOnly() {}', ['yakOnly']);
      assert.deepEqual((await thread.start(source(store), q('zebraQuagga')))!.ids, []);
      assert.deepEqual((await thread.start(source(store), q('yakOnly')))!.ids, store.chunkIdsOf('c.ts'));
    } finally {
      await thread.dispose();
      store.close();
      t.cleanup();
    }
  });

  it('off in the settings: never starts, every query runs on the caller thread', async () => {
    const thread = new LexicalThread({ enabled: false, logger: recordingLogger() });
    assert.equal(await thread.ready(), false);
    assert.equal(thread.start(source(index.store), { window: 'handler3', totalDocs: index.chunkCount, limit: 5 }), undefined);
    assert.equal(thread.running, false);
  });

  it('a thread that dies rejects what it held, says why once, and leaves the queries to the caller', async () => {
    const t = tempDir('lexical-dies');
    const file = join(t.dir, 'dies.js');
    writeFileSync(
      file,
      "const { parentPort } = require('node:worker_threads');\nparentPort.postMessage({ ready: true });\nparentPort.on('message', () => process.exit(7));\n",
    );
    const logger = recordingLogger();
    const thread = new LexicalThread({ enabled: true, logger, file });
    try {
      assert.equal(await thread.ready(), true);
      const q: LexicalQuery = { window: 'handler3', totalDocs: index.chunkCount, limit: 5 };
      await assert.rejects(thread.start(source(index.store), q)!, /exited with code 7/);
      assert.equal(thread.start(source(index.store), q), undefined);
      assert.equal(thread.running, false);
      assert.match(thread.failedBecause ?? '', /exited with code 7/);
      assert.deepEqual(logger.warnings, [
        "context: BM25 search runs on the daemon's thread from now on (the search thread exited with code 7).",
      ]);
    } finally {
      await thread.dispose();
      t.cleanup();
    }
  });

  it('a thread that does not start in time is given up, and said so', async () => {
    const t = tempDir('lexical-silent');
    const file = join(t.dir, 'silent.js');
    writeFileSync(file, 'setInterval(() => {}, 1000);\n');
    const logger = recordingLogger();
    const thread = new LexicalThread({ enabled: true, logger, file, startTimeoutMs: 200 });
    try {
      assert.equal(await thread.ready(), false);
      assert.match(logger.warnings[0], /did not start within 200 ms/);
    } finally {
      await thread.dispose();
      t.cleanup();
    }
  });

  describe('in retrieval', () => {
    const cursor = {
      path: '/repo/src/app.ts',
      languageId: 'typescript',
      suffix: '',
      line: 40,
      prefix: 'const r = handler3(request);\nreturn route2(',
    };
    const retrieval = (lexical?: LexicalThread) =>
      new Retrieval({ config: parseContextConfig({}), roots: { rootOf: () => index }, now: () => performance.now(), lexical });

    it('ranks the same with BM25 in the thread as on the daemon thread', async () => {
      const thread = new LexicalThread({ enabled: true, logger: recordingLogger() });
      try {
        assert.equal(await thread.ready(), true);
        const here = await retrieval().retrieve(cursor);
        const there = await retrieval(thread).retrieve(cursor);
        assert.ok(here.chunks.length > 0);
        assert.deepEqual(
          there.chunks.map((c) => [c.file, c.startLine, c.sources]),
          here.chunks.map((c) => [c.file, c.startLine, c.sources]),
        );
        const bm25 = there.retrievers.find((r) => r.name === 'bm25')!;
        assert.equal(bm25.status, 'done');
        assert.ok(bm25.hits > 0);
      } finally {
        await thread.dispose();
      }
    });

    it('takes the answer of a query prefetched for the same window and index instead of asking again', async () => {
      const thread = new LexicalThread({ enabled: true, logger: recordingLogger() });
      try {
        assert.equal(await thread.ready(), true);
        const asked: string[] = [];
        const start = thread.start.bind(thread);
        thread.start = (source, query) => {
          asked.push(query.window);
          return start(source, query);
        };
        const r = retrieval(thread);
        const here = await retrieval().retrieve(cursor);
        r.prefetch(cursor);
        const there = await r.retrieve(cursor);
        assert.equal(asked.length, 1);
        assert.deepEqual(
          there.chunks.map((c) => [c.file, c.startLine, c.sources]),
          here.chunks.map((c) => [c.file, c.startLine, c.sources]),
        );
        // Another window is another query.
        r.prefetch(cursor);
        await r.retrieve({ ...cursor, prefix: `${cursor.prefix}table1, ` });
        assert.equal(asked.length, 3);
      } finally {
        await thread.dispose();
      }
    });

    it('runs BM25 on the daemon thread when the thread is lost mid-query', async () => {
      const t = tempDir('lexical-lost');
      const file = join(t.dir, 'dies.js');
      writeFileSync(
        file,
        "const { parentPort } = require('node:worker_threads');\nparentPort.postMessage({ ready: true });\nparentPort.on('message', () => process.exit(3));\n",
      );
      const thread = new LexicalThread({ enabled: true, logger: recordingLogger(), file });
      try {
        assert.equal(await thread.ready(), true);
        const here = await retrieval().retrieve(cursor);
        const r = await retrieval(thread).retrieve(cursor);
        assert.deepEqual(
          r.chunks.map((c) => [c.file, c.startLine]),
          here.chunks.map((c) => [c.file, c.startLine]),
        );
        assert.equal(r.retrievers.find((x) => x.name === 'bm25')!.status, 'done');
      } finally {
        await thread.dispose();
        t.cleanup();
      }
    });

    it('runs BM25 here when the thread is slow to answer, and reports a timeout when the deadline leaves no time', async () => {
      const t = tempDir('lexical-slow');
      const file = join(t.dir, 'slow.js');
      // Ready, then never answers.
      writeFileSync(
        file,
        "const { parentPort } = require('node:worker_threads');\nparentPort.postMessage({ ready: true });\nparentPort.on('message', () => {});\n",
      );
      const thread = new LexicalThread({ enabled: true, logger: recordingLogger(), file });
      try {
        assert.equal(await thread.ready(), true);
        const here = await retrieval().retrieve(cursor);
        const hedged = await retrieval(thread).retrieve({ ...cursor, deadlineMs: 5_000 });
        const run = hedged.retrievers.find((x) => x.name === 'bm25')!;
        assert.equal(run.status, 'done');
        assert.equal(run.reason, 'the search thread was slow to answer: run here');
        assert.deepEqual(
          hedged.chunks.map((c) => [c.file, c.startLine, c.sources]),
          here.chunks.map((c) => [c.file, c.startLine, c.sources]),
        );

        // The deadline comes before the thread is given up on: nothing from BM25, and said so.
        const late = await retrieval(thread).retrieve({ ...cursor, deadlineMs: LEXICAL_HEDGE_MIN_MS - 2 });
        const bm25 = late.retrievers.find((x) => x.name === 'bm25')!;
        assert.equal(bm25.status, 'timeout');
        assert.equal(bm25.reason, 'the search thread had not answered by the deadline');
        assert.ok(late.chunks.every((c) => !c.sources.includes('bm25')));
      } finally {
        await thread.dispose();
        t.cleanup();
      }
    });
  });
});
