/**
 * Retrieval orchestration: for a cursor, run the retrievers against the deadline (the
 * vector search concurrently; the synchronous imports, definitions and BM25 retrievers
 * in turn, each skipped once the deadline has passed), then fuse their ranked lists with
 * the cursor's signals (imported, open, recent files; the excluded window) into ranked
 * chunks. No budget here: the assemblies fit what this returns.
 *
 * The work a request can cause is bounded whatever it sends: the query is the last
 * `queryLines` lines but never more than `QUERY_WINDOW_MAX_CHARS` characters (a 2 MB
 * line is not a query), each retriever checks the deadline inside its loops, and the
 * event loop gets a turn between retrievers, so other clients' requests are not held
 * behind one request's synchronous work.
 */
import { resolve } from 'node:path';
import type { ContextSource, RecentFile, RetrieverRun } from '../../protocol';
import type { ContextConfig } from './config';
import { definitionsRetriever } from './definitions-retriever';
import { roundMs } from './diagnostics';
import { assemblyCancelled } from './errors';
import { fuse, type FusedCandidate, type FusionMeta } from './fusion';
import type { VectorIndex } from './embeddings';
import { importsRetriever, type ImportSignals, type ImportsIndex } from './imports-retriever';
import type { ChunkRow, ChunkSpan, IndexStore } from './index-store';
import { languageOfPath } from './languages';
import { BM25_MAX_POSTINGS, lexicalSearch, type LexicalAnswer, type LexicalQuery, type LexicalThread } from './lexical-search';
import { relPath } from './roots';
import { isInside, toRel } from './walker';

/** A cursor to retrieve context for. */
export interface RetrieveRequest {
  /** Absolute path of the document. */
  path: string;
  languageId?: string;
  prefix: string;
  suffix: string;
  /** 0-based cursor line. */
  line: number;
  recentFiles?: RecentFile[];
  /** Most chunks to return (default `completion.maxChunks`). */
  k?: number;
  /** Per-file cap (default `completion.perFileCap`). */
  perFileCap?: number;
  /** 1-based inclusive lines of the current file not to return (default: the cursor window). */
  excludeLines?: [number, number];
  /** Time allowed for the retrievers, ms (default: no deadline). */
  deadlineMs?: number;
  /** Treat all-lowercase words as prose, not symbol names (search queries). */
  prose?: boolean;
  /** The roots it may draw from (a session's own); default every registered root. */
  roots?: readonly string[];
  /**
   * Run only the retrievers that place chunks by syntax (imports, definitions), not BM25 or
   * embeddings, saying why in the diagnostics: the caller would use none of their chunks.
   */
  skipLexical?: string;
  /** Why the vector search is not run (the query would be embedded by a model), when it is not. */
  skipVector?: string;
  signal?: AbortSignal;
}

export interface RetrievedChunk {
  root: string;
  /** Root-relative path. */
  file: string;
  language: string;
  startLine: number;
  endLine: number;
  score: number;
  sources: ContextSource[];
  signals: string[];
  symbols: string[];
  text: string;
  hash: string;
  /** What placed it at its rank (a placement signal such as `unused-import`, or its strongest source). */
  placedBy: string;
  /** The header lines of the class (or other container) a member chunk was cut out of. */
  context?: string;
}

export interface RetrieveResult {
  root?: string;
  /** The chunks to use, best first (after per-file and count caps). */
  chunks: RetrievedChunk[];
  /** Every fused candidate, for diagnostics (`capped` marks those over a cap). */
  candidates: FusedCandidate[];
  retrievers: RetrieverRun[];
  elapsedMs: number;
}

/** What retrieval needs of a root's index (a `WorkspaceIndex` is one). */
export interface RetrievalIndex extends ImportsIndex {
  root: string;
  store: ImportsIndex['store'] &
    Pick<IndexStore, 'bm25' | 'chunks' | 'chunkSpans' | 'chunkIdsByHash' | 'definitions'> &
    Partial<Pick<IndexStore, 'dbFile' | 'instance' | 'generation'>>;
  vectors: Pick<VectorIndex, 'status' | 'search'>;
}

export interface RetrievalDeps {
  config: ContextConfig;
  /** The registered root containing a document (the deepest), if any. */
  roots: { rootOf(path: string, allowed?: readonly string[]): RetrievalIndex | undefined };
  /** A monotonic clock, ms. */
  now: () => number;
  /** The search thread BM25 runs in (lexical-search.ts); without one, or while it is not running, BM25 runs here. */
  lexical?: LexicalThread;
}

/**
 * Least time the search thread is given to answer before the query is run on the daemon's
 * thread instead (a hedge against a thread held up by a busy machine): its answers usually
 * come 2-3 ms after they are asked for on bench:context's 46,000-chunk tree.
 */
export const LEXICAL_HEDGE_MIN_MS = 6;

/** The retrieval query never reaches further back than this many characters. */
export const QUERY_WINDOW_MAX_CHARS = 4000;

export class Retrieval {
  /**
   * Recent vector-search latency (EWMA, ms) and how many searches it has seen. Under a
   * deadline, a search expected to take longer than the time left is not waited for: it
   * finishes in the background (warming the query-vector cache and this average), so a
   * slow embedder costs completions nothing instead of the whole deadline every time.
   */
  private vectorLatency = { ewmaMs: 0, samples: 0 };
  /** How long the search thread takes to answer (EWMA from sending to the answer, ms). */
  private lexicalLatency = { ewmaMs: 0, samples: 0 };
  /** BM25 queries started by `prefetch`, by index, generation and query. */
  private readonly prefetched = new Map<string, { pending: Promise<LexicalAnswer>; at: number }>();

  constructor(private readonly deps: RetrievalDeps) {}

  /** Ranked context chunks for a cursor (what completions use before budget fitting). */
  async retrieve(req: RetrieveRequest): Promise<RetrieveResult> {
    const { config: cfg, now } = this.deps;
    const started = now();
    const ws = this.deps.roots.rootOf(req.path, req.roots);
    if (!ws || !cfg.enabled) return { chunks: [], candidates: [], retrievers: [], elapsedMs: 0 };
    const rel = relPath(ws, req.path);
    const language = req.languageId ?? languageOfPath(rel) ?? 'plaintext';
    const deadline = req.deadlineMs !== undefined ? started + req.deadlineMs : Infinity;
    const cursorLine = req.line + 1;
    const window = cfg.completion.cursorWindowLines;
    const excludeLines = req.excludeLines ?? [cursorLine - window, cursorLine + window];
    const queryWindow = queryWindowOf(req.prefix, cfg.completion.queryLines);
    const expired = () => now() >= deadline;
    const runs: RetrieverRun[] = [];
    const lists: Partial<Record<ContextSource, number[]>> = {};

    // Vector search runs concurrently with the synchronous retrievers below.
    let vectorDone = false;
    // Once the deadline gives up on the search, its late outcome is not reported as this request's.
    let vectorAbandoned = false;
    const semantic = ws.vectors.status();
    const vectorStart = now();
    const vectorPromise: Promise<number[] | undefined> | undefined =
      semantic.active && queryWindow.trim() !== '' && !req.skipLexical && !req.skipVector
        ? ws.vectors
            .search(queryWindow, cfg.retrieval.vectorCandidates, req.signal)
            .then((hits) => hits.flatMap((h) => ws.store.chunkIdsByHash(h.hash)))
            .then(
              (ids) => {
                vectorDone = true;
                const ms = now() - vectorStart;
                this.observeVectorLatency(ms);
                if (!vectorAbandoned) runs.push({ name: 'vector', status: 'done', ms: roundMs(ms), hits: ids.length });
                return ids;
              },
              (err: Error) => {
                vectorDone = true;
                if (!vectorAbandoned)
                  runs.push({ name: 'vector', status: 'error', ms: roundMs(now() - vectorStart), hits: 0, reason: err.message });
                return undefined;
              },
            )
        : undefined;
    if (!vectorPromise)
      runs.push({
        name: 'vector',
        status: 'skipped',
        ms: 0,
        hits: 0,
        reason: req.skipLexical ?? req.skipVector ?? semantic.reason ?? 'empty query',
      });

    // Each synchronous retriever is one slice of work: the event loop gets a turn before it
    // (other clients' messages are read and answered), and it is skipped once the deadline has passed.
    const timed = async (name: ContextSource, fn: () => number[], skip?: string) => {
      await yieldToEventLoop();
      if (req.signal?.aborted) throw assemblyCancelled();
      if (skip) {
        runs.push({ name, status: 'skipped', ms: 0, hits: 0, reason: skip });
        return;
      }
      if (now() >= deadline) {
        runs.push({ name, status: 'timeout', ms: 0, hits: 0, reason: 'deadline passed before it could start' });
        return;
      }
      const t = now();
      try {
        const ids = fn();
        lists[name] = ids;
        const cut = now() >= deadline ? { reason: 'deadline reached: what was found by then' } : {};
        runs.push({ name, status: 'done', ms: roundMs(now() - t), hits: ids.length, ...cut });
      } catch (err) {
        runs.push({ name, status: 'error', ms: roundMs(now() - t), hits: 0, reason: (err as Error).message });
      }
    };

    // BM25 needs only the query window: it starts in the search thread now and is collected
    // after the imports and definitions retrievers have run here (lexical-search.ts).
    const lexicalQuery: LexicalQuery = {
      window: queryWindow,
      totalDocs: ws.chunkCount,
      limit: cfg.retrieval.bm25Candidates,
      maxPostings: BM25_MAX_POSTINGS,
    };
    const early = req.skipLexical ? undefined : this.takePrefetched(ws, lexicalQuery);
    const sent = req.skipLexical ? undefined : (early ?? this.startLexical(ws, lexicalQuery));
    const offThread = sent?.pending;
    const lexicalStart = sent?.at ?? 0;

    const imports: ImportSignals = { files: new Set<string>(), placed: new Map() };
    await timed('imports', () =>
      importsRetriever(ws, { rel, language, prefix: req.prefix, suffix: req.suffix, queryWindow, line: cursorLine, expired }, imports),
    );
    // Placed chunks rank first (fusion.ts): when enough of them lie outside the excluded
    // window to fill every slot, nothing the other retrievers find can reach the result.
    const limit = req.k ?? cfg.completion.maxChunks;
    const placedRows = ws.store.chunkSpans([...imports.placed.keys()]);
    const full = placedOutside(placedRows, rel, excludeLines) >= limit ? `the placed definitions fill every slot (${limit})` : undefined;
    await timed('definitions', () => definitionsRetriever(ws.store, queryWindow, req.prose === true, expired), full);
    const here = () => lexicalSearch(ws.store, lexicalQuery, expired);
    const answer = offThread && !full ? await this.collect(offThread, lexicalStart, deadline) : undefined;
    if (answer === 'slow') {
      // Hedged: the thread is held up (a busy machine); the query costs the same here.
      const t = now();
      try {
        const ids = here();
        lists.bm25 = ids;
        runs.push({
          name: 'bm25',
          status: 'done',
          ms: roundMs(now() - t),
          hits: ids.length,
          reason: 'the search thread was slow to answer: run here',
        });
      } catch (err) {
        runs.push({ name: 'bm25', status: 'error', ms: roundMs(now() - t), hits: 0, reason: (err as Error).message });
      }
    } else if (answer === 'timeout')
      runs.push({
        name: 'bm25',
        status: 'timeout',
        ms: roundMs(now() - lexicalStart),
        hits: 0,
        reason: 'the search thread had not answered by the deadline',
      });
    else if (answer) {
      lists.bm25 = answer.ids;
      runs.push({ name: 'bm25', status: 'done', ms: roundMs(answer.ms), hits: answer.ids.length });
    } else await timed('bm25', here, full ?? req.skipLexical);

    const expectedVectorMs = this.vectorLatency.samples >= 3 ? this.vectorLatency.ewmaMs : undefined;
    if (vectorPromise && !vectorDone && full) {
      vectorAbandoned = true;
      runs.push({ name: 'vector', status: 'skipped', ms: 0, hits: 0, reason: `not waited for: ${full}; it finishes in the background` });
    } else if (vectorPromise && !vectorDone && expectedVectorMs !== undefined && expectedVectorMs > deadline - now()) {
      vectorAbandoned = true;
      runs.push({
        name: 'vector',
        status: 'timeout',
        ms: 0,
        hits: 0,
        reason: `not waited for: recent searches took ~${roundMs(expectedVectorMs)} ms, ${roundMs(Math.max(0, deadline - now()))} ms were left; it finishes in the background`,
      });
    } else if (vectorPromise) {
      const ids = await raceTimer(vectorPromise, deadline - now(), undefined);
      if (ids) lists.vector = ids;
      else if (!vectorDone) {
        vectorAbandoned = true;
        runs.push({
          name: 'vector',
          status: 'timeout',
          ms: roundMs(now() - vectorStart),
          hits: 0,
          reason: 'lost the race against the deadline',
        });
      }
    }
    if (req.signal?.aborted) throw assemblyCancelled();

    // The placed chunks' rows are read already.
    // Ranking needs only where the candidates are; the text is read for the few kept (below).
    const rows = ws.store.chunkSpans(Object.values(lists).flatMap((ids) => ids.filter((id) => !placedRows.has(id))));
    for (const [id, r] of placedRows) rows.set(id, r);
    const meta = new Map<number, FusionMeta>();
    for (const [id, r] of rows) meta.set(id, { path: r.path, startLine: r.startLine, endLine: r.endLine });
    const recent = new Set<string>();
    const open = new Set<string>();
    for (const f of req.recentFiles ?? []) {
      if (!isInside(ws.root, resolve(f.path))) continue;
      const r = toRel(ws.root, resolve(f.path));
      if (f.open) open.add(r);
      if (f.editedAt !== undefined) recent.add(r);
    }
    const candidates = fuse(
      lists,
      meta,
      {
        currentPath: rel,
        excludeLines,
        importedFiles: imports.files,
        placed: imports.placed,
        openFiles: open,
        recentFiles: recent,
      },
      {
        rrfK: cfg.retrieval.rrfK,
        weights: cfg.retrieval.weights,
        boosts: cfg.retrieval.boosts,
        perFileCap: req.perFileCap ?? cfg.completion.perFileCap,
        limit: req.k ?? cfg.completion.maxChunks,
      },
    );
    const kept = candidates.filter((c) => !c.capped);
    const texts = ws.store.chunks(kept.map((c) => c.id));
    // A placed chunk replaced by an edit while the retrievers ran is left out (its place was read before).
    const chunks = kept.flatMap((c) => {
      const row = texts.get(c.id);
      return row ? [toRetrieved(ws.root, c, row)] : [];
    });
    return { root: ws.root, chunks, candidates, retrievers: runs, elapsedMs: roundMs(now() - started) };
  }

  /**
   * Start the BM25 query of a cursor in the search thread before `retrieve` is called (the
   * completion assembler does while it clips the prefix and suffix): `retrieve` for the same
   * query window over the same index takes the answer instead of asking again.
   */
  prefetch(req: Pick<RetrieveRequest, 'path' | 'roots' | 'prefix'>): void {
    const { config: cfg } = this.deps;
    if (!this.deps.lexical?.running || !cfg.enabled) return;
    const ws = this.deps.roots.rootOf(req.path, req.roots);
    if (!ws) return;
    const query: LexicalQuery = {
      window: queryWindowOf(req.prefix, cfg.completion.queryLines),
      totalDocs: ws.chunkCount,
      limit: cfg.retrieval.bm25Candidates,
      maxPostings: BM25_MAX_POSTINGS,
    };
    const key = lexicalKey(ws, query);
    if (key === undefined || this.prefetched.has(key)) return;
    const started = this.startLexical(ws, query);
    if (!started) return;
    this.prefetched.set(key, started);
    // A few at most: one per cursor being assembled; a prefetch never collected is dropped.
    while (this.prefetched.size > 4) this.prefetched.delete(this.prefetched.keys().next().value!);
  }

  private takePrefetched(ws: RetrievalIndex, query: LexicalQuery): { pending: Promise<LexicalAnswer>; at: number } | undefined {
    const key = lexicalKey(ws, query);
    const hit = key === undefined ? undefined : this.prefetched.get(key);
    if (hit) this.prefetched.delete(key!);
    return hit;
  }

  private startLexical(ws: RetrievalIndex, query: LexicalQuery): { pending: Promise<LexicalAnswer>; at: number } | undefined {
    const { dbFile: file, instance, generation } = ws.store;
    if (!this.deps.lexical || file === undefined || instance === undefined || generation === undefined) return undefined;
    const pending = this.deps.lexical.start({ file, instance, generation }, query);
    if (!pending) return undefined;
    const at = this.deps.now();
    // A rejection (the thread lost) is handled where the answer is collected; never unhandled meanwhile.
    pending.then(
      () => this.observeLexicalLatency(this.deps.now() - at),
      () => undefined,
    );
    return { pending, at };
  }

  /**
   * The search thread's answer; 'slow' when it has not come by the time the thread usually
   * answers (three times its recent latency, at least LEXICAL_HEDGE_MIN_MS) and the deadline
   * leaves time to run the query here; 'timeout' when the deadline came first; undefined
   * when the thread was lost before answering (the caller runs the query here instead).
   */
  private async collect(
    pending: Promise<LexicalAnswer>,
    startedAt: number,
    deadline: number,
  ): Promise<LexicalAnswer | 'slow' | 'timeout' | undefined> {
    const hedgeAt = startedAt + Math.max(LEXICAL_HEDGE_MIN_MS, 3 * this.lexicalLatency.ewmaMs);
    const slow = hedgeAt < deadline;
    const wait = (slow ? hedgeAt : deadline) - this.deps.now();
    try {
      return await raceTimer(pending, wait, slow ? ('slow' as const) : ('timeout' as const));
    } catch {
      return undefined;
    }
  }

  private observeLexicalLatency(ms: number): void {
    const v = this.lexicalLatency;
    v.ewmaMs = v.samples === 0 ? ms : v.ewmaMs * 0.8 + ms * 0.2;
    v.samples++;
  }

  private observeVectorLatency(ms: number): void {
    const v = this.vectorLatency;
    v.ewmaMs = v.samples === 0 ? ms : v.ewmaMs * 0.8 + ms * 0.2;
    v.samples++;
  }
}

function toRetrieved(root: string, c: FusedCandidate, row: ChunkRow): RetrievedChunk {
  return {
    root,
    file: c.path,
    language: row.language,
    startLine: c.startLine,
    endLine: c.endLine,
    score: c.score,
    sources: c.sources,
    signals: c.signals,
    symbols: row.symbols,
    text: row.text,
    hash: row.hash,
    placedBy: c.placedBy,
    ...(row.context ? { context: row.context } : {}),
  };
}

/** What identifies a BM25 query's answer: the index (file, store, generation) and the query. */
function lexicalKey(ws: RetrievalIndex, q: LexicalQuery): string | undefined {
  const { dbFile, instance, generation } = ws.store;
  if (dbFile === undefined || instance === undefined || generation === undefined) return undefined;
  return JSON.stringify([dbFile, instance, generation, q.totalDocs, q.limit, q.maxPostings, q.window]);
}

/** How many placed chunks fusion will keep: those outside the current file's excluded lines. */
function placedOutside(placed: Map<number, ChunkSpan>, rel: string, [a, b]: [number, number]): number {
  let n = 0;
  for (const r of placed.values()) if (r.path !== rel || r.startLine > b || r.endLine < a) n++;
  return n;
}

/** Let pending I/O and other requests run before the next slice of synchronous work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * `promise`'s value, or `late` once `ms` have passed first (never, for Infinity); the timer is
 * cleared either way. A rejection of `promise` rejects.
 */
export async function raceTimer<T, U>(promise: Promise<T>, ms: number, late: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<U>((r) => {
        if (ms !== Infinity) timer = setTimeout(() => r(late), Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The query: the last `lines` lines of the prefix, and no more than
 * `QUERY_WINDOW_MAX_CHARS` characters of them, starting at an identifier boundary.
 */
export function queryWindowOf(prefix: string, lines: number): string {
  const window = lastLines(prefix, lines);
  if (window.length <= QUERY_WINDOW_MAX_CHARS) return window;
  const cut = window.slice(-QUERY_WINDOW_MAX_CHARS);
  const partial = /^[A-Za-z0-9_$]+/.exec(cut);
  return partial && /[A-Za-z0-9_$]/.test(window[window.length - QUERY_WINDOW_MAX_CHARS - 1] ?? '') ? cut.slice(partial[0].length) : cut;
}

/** The last `n` lines of `text` (all of it when shorter). */
function lastLines(text: string, n: number): string {
  let idx = text.length;
  for (let i = 0; i < n; i++) {
    const j = text.lastIndexOf('\n', idx - 1);
    if (j < 0) return text;
    idx = j;
  }
  return text.slice(idx + 1);
}
