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
import { BM25_SQL, DOC_FREQUENCY_SQL, VOCABULARY_RANGE_SQL, type ScoredId } from './index-store';
import { lexicalSearch, type LexicalReader, type LexicalSource, type LexicalWorkerIn, type LexicalWorkerOut } from './lexical-search';

/** Connections kept open (one per root searched recently). */
const MAX_CONNECTIONS = 8;
/** Terms whose document frequency is remembered per connection (the daemon's store keeps as many). */
const MAX_DF_CACHE = 50_000;
/**
 * Terms held whole, in all the thread's vocabularies together (about 100 bytes a term): a lookup
 * through fts5vocab costs ~44 µs, and a query makes 20-40 of them. bench:context's 46,000 chunks
 * have 47,655 terms, read in 112 ms. Over it, the least recently searched roots' go first.
 */
const MAX_VOCABULARY = vocabularyLimit(process.argv, 200_000);

/** `--max-vocabulary=N` among the thread's arguments (LexicalThread's `maxVocabularyTerms`), else the default. */
function vocabularyLimit(argv: string[], fallback: number): number {
  const arg = argv.find((a) => a.startsWith('--max-vocabulary='));
  const n = arg ? Number(arg.slice('--max-vocabulary='.length)) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
/** Terms read per slice of that (~3 ms): queries are answered between slices. */
const VOCABULARY_SLICE = 1024;

class ReadOnlyIndex implements LexicalReader {
  private readonly db: Database.Database;
  private readonly bm25Stmt: Database.Statement<[string, number], ScoredId>;
  private readonly dfStmt: Database.Statement<[string], { doc: number }>;
  private readonly df = new Map<string, number>();
  private readonly rangeStmt: Database.Statement<[string, number], [string, number]>;
  /** Every term's document frequency at `vocabularyGeneration`, once read whole. */
  private vocabulary: Map<string, number> | undefined;
  private vocabularyGeneration = -1;
  /** The vocabulary being read, slice by slice, for a generation. */
  private reading: { generation: number; after: string; terms: Map<string, number> } | undefined;
  /** Larger than MAX_VOCABULARY: per-term lookups only. */
  private tooLarge = false;
  generation = -1;

  constructor(
    readonly file: string,
    readonly instance: number,
  ) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    // No memory map here: the daemon's connection maps the same file, and a second map counts
    // every page both touch twice in the daemon's RSS (28 MB after tandemd's warm-up on
    // bench:context's tree, whose full-text tables, all this thread reads, are 12 MB). A page
    // cache that holds those tables reads them as fast as the map did (BM25 query p50 1.1 ms
    // either way; with the 8 MB cache this connection had, 1.8 ms), and costs at most 16 MB.
    this.db.pragma('cache_size = -16000');
    this.db.pragma('mmap_size = 0');
    this.bm25Stmt = this.db.prepare(BM25_SQL);
    this.dfStmt = this.db.prepare(DOC_FREQUENCY_SQL);
    this.rangeStmt = this.db.prepare<[string, number], [string, number]>(VOCABULARY_RANGE_SQL).raw();
  }

  at(generation: number): this {
    if (generation !== this.generation) {
      this.df.clear();
      this.generation = generation;
    }
    // A vocabulary read for another generation is stale; so is one still being read for it.
    if (this.vocabularyGeneration !== generation) this.vocabulary = undefined;
    if (!this.vocabulary && !this.tooLarge && this.reading?.generation !== generation)
      this.reading = { generation, after: '', terms: new Map() };
    return this;
  }

  /** Terms held: the vocabulary read and the one being read. */
  get termsHeld(): number {
    return (this.vocabulary?.size ?? 0) + (this.reading?.terms.size ?? 0);
  }

  /** Let go of the vocabulary (read again on the next query); returns the terms it held. */
  dropVocabulary(): number {
    const n = this.termsHeld;
    this.vocabulary = undefined;
    this.vocabularyGeneration = -1;
    this.reading = undefined;
    return n;
  }

  /** Whether document frequencies come from the whole vocabulary (else one lookup per term). */
  get whole(): boolean {
    return this.vocabulary !== undefined;
  }

  /**
   * Read one more slice of the vocabulary; true while more remain. Exact: every change of the
   * index moves the store's generation before a query can carry it, so a vocabulary read across
   * a change is labelled with a generation the next query no longer has, and is dropped.
   */
  readSlice(): boolean {
    const r = this.reading;
    if (!r) return false;
    if (r.generation !== this.generation) {
      this.reading = undefined;
      return false;
    }
    const rows = this.rangeStmt.all(r.after, VOCABULARY_SLICE);
    for (const [term, doc] of rows) r.terms.set(term, doc);
    if (r.terms.size > MAX_VOCABULARY) {
      this.tooLarge = true;
      this.reading = undefined;
      return false;
    }
    if (rows.length === VOCABULARY_SLICE) {
      r.after = rows[rows.length - 1][0];
      return true;
    }
    this.vocabulary = r.terms;
    this.vocabularyGeneration = r.generation;
    this.reading = undefined;
    this.df.clear();
    return false;
  }

  docFrequency(term: string): number {
    if (this.vocabulary) return this.vocabulary.get(term) ?? 0;
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

/** Read the vocabularies being read, a slice per turn of the event loop, so queries come first. */
let reader: NodeJS.Immediate | undefined;
function readVocabularies(): void {
  if (reader) return;
  reader = setImmediate(() => {
    reader = undefined;
    let more = false;
    for (const ix of open.values()) {
      try {
        if (ix.readSlice()) more = true;
      } catch {
        // Read per term instead (a failing range read is a failing lookup, reported by the query).
      }
    }
    // At most MAX_VOCABULARY terms in all: the least recently searched roots' vocabularies go first.
    let total = 0;
    for (const ix of open.values()) total += ix.termsHeld;
    for (const ix of open.values()) {
      if (total <= MAX_VOCABULARY) break;
      total -= ix.dropVocabulary();
    }
    if (more) readVocabularies();
  });
}

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
      const ix = indexFor(msg.source);
      const ids = lexicalSearch(ix, msg.query);
      reply = { id: msg.id, ids, ms: performance.now() - t, wholeVocabulary: ix.whole };
    } catch (err) {
      reply = { id: msg.id, error: (err as Error).message };
    }
    port.postMessage(reply);
    readVocabularies();
  });
  port.postMessage({ ready: true } satisfies LexicalWorkerOut);
}
