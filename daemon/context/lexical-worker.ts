/**
 * The search thread (a worker_threads entry, bundled as dist/lexical-worker.js): runs the
 * BM25 retriever (lexical-search.ts `lexicalSearch`) beside the daemon's thread, over its
 * own read-only connection to each root's index.db (WAL: it reads what the daemon's
 * thread has committed, never blocking its writes).
 *
 * Messages (lexical-search.ts `LexicalThread` sends and reads them):
 *   in:  { id, source: { file, instance, generation }, query } | { forget: file }
 *   out: { ready: true } once at start; { id, ids, ms } | { id, error } per query
 *
 * A connection is kept per index file (the few most recently used), opened again when the
 * store at that path is a new one (`instance`: an index rebuilt after corruption); its
 * document-frequency cache is emptied whenever the store's generation moved.
 */
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { BM25_SQL, DOC_FREQUENCY_SQL, type ScoredId } from './index-store';
import { lexicalSearch, type LexicalReader, type LexicalSource, type LexicalWorkerIn, type LexicalWorkerOut } from './lexical-search';

/** Connections kept open (one per root searched recently). */
const MAX_CONNECTIONS = 8;
/** Terms whose document frequency is remembered per connection (the daemon's store keeps as many). */
const MAX_DF_CACHE = 50_000;

class ReadOnlyIndex implements LexicalReader {
  private readonly db: Database.Database;
  private readonly bm25Stmt: Database.Statement<[string, number], ScoredId>;
  private readonly dfStmt: Database.Statement<[string], { doc: number }>;
  private readonly df = new Map<string, number>();
  generation = -1;

  constructor(
    readonly file: string,
    readonly instance: number,
  ) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    // As the daemon's connection: hot pages cached (bounded), the rest read through a memory map.
    // A second map of the same file counts the pages both touch twice in the daemon's RSS (about
    // 15 MB over 300 completions on bench:context's tree); reading them through read() instead
    // made each query ~0.6 ms slower (p50 3.8 against 3.2 ms).
    this.db.pragma('cache_size = -8000');
    this.db.pragma('mmap_size = 268435456');
    this.bm25Stmt = this.db.prepare(BM25_SQL);
    this.dfStmt = this.db.prepare(DOC_FREQUENCY_SQL);
  }

  at(generation: number): this {
    if (generation !== this.generation) {
      this.df.clear();
      this.generation = generation;
    }
    return this;
  }

  docFrequency(term: string): number {
    let n = this.df.get(term);
    if (n === undefined) {
      n = this.dfStmt.get(term)?.doc ?? 0;
      if (this.df.size >= MAX_DF_CACHE) this.df.clear();
      this.df.set(term, n);
    }
    return n;
  }

  bm25(match: string, limit: number): ScoredId[] {
    return match === '' ? [] : this.bm25Stmt.all(match, limit);
  }

  close(): void {
    this.db.close();
  }
}

const open = new Map<string, ReadOnlyIndex>();

function indexFor(source: LexicalSource): ReadOnlyIndex {
  let ix = open.get(source.file);
  if (ix && ix.instance !== source.instance) {
    ix.close();
    open.delete(source.file);
    ix = undefined;
  }
  if (!ix) {
    ix = new ReadOnlyIndex(source.file, source.instance);
    if (open.size >= MAX_CONNECTIONS) {
      const [oldest] = open.keys();
      open.get(oldest)?.close();
      open.delete(oldest);
    }
  } else open.delete(source.file);
  // Most recently used last.
  open.set(source.file, ix);
  return ix.at(source.generation);
}

const port = parentPort;
if (port) {
  port.on('message', (msg: LexicalWorkerIn) => {
    if ('forget' in msg) {
      open.get(msg.forget)?.close();
      open.delete(msg.forget);
      return;
    }
    const t = performance.now();
    let reply: LexicalWorkerOut;
    try {
      const ids = lexicalSearch(indexFor(msg.source), msg.query);
      reply = { id: msg.id, ids, ms: performance.now() - t };
    } catch (err) {
      reply = { id: msg.id, error: (err as Error).message };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies LexicalWorkerOut);
}
