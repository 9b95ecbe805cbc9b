/**
 * The BM25 retriever, and the thread it runs on.
 *
 * `lexicalSearch` is the query itself: the identifier terms of the query window, chosen by
 * document frequency within a postings budget (bm25.ts), ranked by FTS5's `bm25()`. It is
 * the largest share of a completion's assembly (2-3 ms on a 46,000-chunk index, about
 * 1 µs per posting scored), and it needs nothing but the query window and the index. So it
 * runs in a thread of its own (lexical-worker.ts, its own read-only connection to the
 * root's index.db) while the daemon's thread clips the prompt and runs the imports and
 * definitions retrievers: a completion waits for the longer of the two, not their sum.
 * The thread answers with exactly what the daemon's thread would (the same function over
 * the same SQL; the store's generation tells it when the index changed under its
 * document-frequency cache).
 *
 * Where the thread is not running (starting, off in the settings, failed to start, died),
 * the query runs on the daemon's thread as before; a thread that fails is reported once
 * and not tried again in this process. Nothing is lost either way: a query the thread
 * dropped is run again on the daemon's thread.
 *
 *   const thread = new LexicalThread({ enabled: true, logger });
 *   const pending = thread.start(store, { window, totalDocs, limit: 40 }); // undefined: run lexicalSearch here
 *   const { ids, ms } = await pending;
 *   await thread.dispose();
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../log';
import { buildMatch, queryTerms } from './bm25';
import type { ScoredId } from './index-store';
import { spawnWorker, workerEntry } from './worker-entry';

/**
 * Postings a BM25 query may touch (bm25.ts): FTS5's bm25() costs about 1 µs per posting
 * scored, the match itself a tenth of that. Measured on a 46,000-chunk index (bench:context's
 * tree, 300 cursors): 12 terms without a budget 4.5-8 ms per query; 4,000 postings 3.5 ms,
 * 2,000 2.2 ms, 1,000 1.2 ms (and a top 10 only 75 % the same as 4,000's). The dev
 * repositories of bench:retrieval rank the same at 3,000 and 1,500 (within the bench's
 * noise), so the middle.
 */
export const BM25_MAX_POSTINGS = 2000;

/** What the BM25 retriever reads from an index. */
export interface LexicalReader {
  docFrequency(term: string): number;
  bm25(match: string, limit: number): ScoredId[];
}

export interface LexicalQuery {
  /** The query window (retrieval.ts `queryWindowOf`). */
  window: string;
  /** Chunks in the index (for the terms' inverse document frequency). */
  totalDocs: number;
  limit: number;
  maxPostings?: number;
}

/** The BM25 retriever's ranked chunk ids, best first. */
export function lexicalSearch(reader: LexicalReader, q: LexicalQuery, expired?: () => boolean): number[] {
  const match = buildMatch(queryTerms(q.window), {
    docFrequency: (t) => reader.docFrequency(t),
    totalDocs: q.totalDocs,
    maxPostings: q.maxPostings ?? BM25_MAX_POSTINGS,
    expired,
  });
  return reader.bm25(match, q.limit).map((h) => h.id);
}

/** An index the thread can open itself: its file, which store it is, and its generation. */
export interface LexicalSource {
  file: string;
  instance: number;
  generation: number;
}

export interface LexicalRequest {
  id: number;
  source: LexicalSource;
  query: LexicalQuery;
}

export type LexicalWorkerIn = LexicalRequest | { forget: string };
export type LexicalWorkerOut =
  { ready: true } | { id: number; ids: number[]; ms: number; wholeVocabulary: boolean } | { id: number; error: string };

export interface LexicalAnswer {
  ids: number[];
  /** The thread's own time on the query, ms. */
  ms: number;
  /** Whether the document frequencies came from the whole vocabulary held in the thread (else a lookup per term). */
  wholeVocabulary: boolean;
}

export interface LexicalThreadOptions {
  /** Run the query in a thread of its own (`context.retrieval.searchThread`). */
  enabled: boolean;
  logger: Logger;
  /** The worker's entry file (default: lexical-worker.js beside the daemon bundle, or lexical-worker.ts beside this file). */
  file?: string;
  /** How long the thread may take to start (default 10 s). */
  startTimeoutMs?: number;
  /** Most terms the thread holds in its whole-vocabulary maps, all roots together (default 200,000: about 20 MB). */
  maxVocabularyTerms?: number;
}

type State = 'idle' | 'starting' | 'ready' | 'failed' | 'closed';

export class LexicalThread {
  private worker: Worker | undefined;
  private state: State;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (a: LexicalAnswer) => void; reject: (e: Error) => void }>();
  /** Waiting for the thread to start (or fail). */
  private readonly waiters: Array<(ready: boolean) => void> = [];
  /** Why the thread is not used, once it failed. */
  private failure: string | undefined;

  constructor(private readonly opts: LexicalThreadOptions) {
    this.state = opts.enabled ? 'idle' : 'closed';
  }

  /** Whether queries run in the thread now. */
  get running(): boolean {
    return this.state === 'ready';
  }

  /** Why the thread stopped being used (undefined while it works or was never needed). */
  get failedBecause(): string | undefined {
    return this.failure;
  }

  /**
   * Send a query to the thread. Undefined when the thread is not ready (it is started on
   * the first call): the caller runs `lexicalSearch` on its own thread. The promise
   * rejects if the thread is lost before it answers; the caller then does the same.
   */
  start(source: LexicalSource, query: LexicalQuery): Promise<LexicalAnswer> | undefined {
    if (this.state === 'idle') this.spawn();
    if (this.state !== 'ready' || !this.worker) return undefined;
    const id = this.nextId++;
    const worker = this.worker;
    return new Promise<LexicalAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, source, query } satisfies LexicalWorkerIn);
    });
  }

  /** Start the thread if it is not yet; true once queries run in it, false when they cannot (off, failed, closed). */
  ready(): Promise<boolean> {
    if (this.state === 'idle') this.spawn();
    if (this.state === 'ready') return Promise.resolve(true);
    if (this.state !== 'starting') return Promise.resolve(false);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Close the thread's connection to an index (its root was removed or its store closed). */
  forget(file: string): void {
    if (this.state === 'ready') this.worker?.postMessage({ forget: file } satisfies LexicalWorkerIn);
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.state = 'closed';
    this.worker = undefined;
    this.rejectPending('the search thread was closed');
    this.settleWaiters(false);
    if (worker) await worker.terminate().catch(() => undefined);
  }

  private spawn(): void {
    const file = this.opts.file ?? workerEntry('lexical-worker');
    if (!file) {
      this.fail('lexical-worker.js is missing beside the daemon');
      return;
    }
    this.state = 'starting';
    let worker: Worker;
    try {
      worker = spawnWorker(file, this.opts.maxVocabularyTerms !== undefined ? [`--max-vocabulary=${this.opts.maxVocabularyTerms}`] : []);
    } catch (err) {
      this.fail((err as Error).message);
      return;
    }
    // The thread never keeps the daemon alive on its own.
    worker.unref();
    this.worker = worker;
    const timer = setTimeout(
      () => this.lost(worker, `the search thread did not start within ${this.opts.startTimeoutMs ?? 10_000} ms`),
      this.opts.startTimeoutMs ?? 10_000,
    );
    timer.unref();
    worker.on('message', (msg: LexicalWorkerOut) => {
      if ('ready' in msg) {
        clearTimeout(timer);
        if (this.state === 'starting' && this.worker === worker) {
          this.state = 'ready';
          this.settleWaiters(true);
        }
        return;
      }
      const job = this.pending.get(msg.id);
      if (!job) return;
      this.pending.delete(msg.id);
      if ('ids' in msg) {
        job.resolve({ ids: msg.ids, ms: msg.ms, wholeVocabulary: msg.wholeVocabulary });
        return;
      }
      // A query the thread cannot run (its SQLite does not load, the index cannot be opened)
      // would fail the same way the next time: this one and the rest run on the daemon's thread.
      job.reject(new Error(msg.error));
      this.lost(worker, `the search thread could not run a query (${msg.error})`);
    });
    worker.on('error', (err) => {
      clearTimeout(timer);
      this.lost(worker, `the search thread failed (${err.message})`);
    });
    worker.on('exit', (code) => {
      clearTimeout(timer);
      this.lost(worker, `the search thread exited with code ${code}`);
    });
  }

  private lost(worker: Worker, why: string): void {
    if (this.worker !== worker || this.state === 'closed') return;
    this.worker = undefined;
    void worker.terminate().catch(() => undefined);
    this.fail(why);
  }

  private fail(why: string): void {
    this.state = 'failed';
    this.failure = why;
    this.rejectPending(why);
    this.settleWaiters(false);
    this.opts.logger.warn(`context: BM25 search runs on the daemon's thread from now on (${why}).`);
  }

  private settleWaiters(ready: boolean): void {
    for (const w of this.waiters.splice(0)) w(ready);
  }

  private rejectPending(why: string): void {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const job of jobs) job.reject(new Error(why));
  }
}
