/**
 * Where files are analysed for the index: a small pool of index workers (index-worker.ts,
 * worker_threads) for a walk with many files to (re)index, so parsing runs beside the
 * SQLite writes of the daemon's thread; in-process (one file per macrotask, the short
 * parse budget) when workers are off or cannot start. A worker that fails to start or
 * dies makes the pool fall back in-process for the rest, losing no file (its pending files
 * are analysed in-process), and the daemon says so once.
 *
 *   const pool = await AnalysisPool.start({ size: 2, logger });
 *   const analysis = await pool.analyze({ text, language: 'typescript', chunk: { maxLines: 60, maxChars: 3000 } });
 *   await pool.close();
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../log';
import { analyzeForIndex, type AnalysisRequest, type FileAnalysis } from './file-analysis';
import type { WorkerReply, WorkerRequest } from './index-worker';
import { PARSE_BUDGET_MS, WORKER_PARSE_BUDGET_MS } from './syntax/analyze';
import { grammarFor, loadGrammar } from './syntax/grammars';
import { spawnWorker, workerEntry } from './worker-entry';

export interface AnalysisPoolOptions {
  /** Workers to start; 0 analyses in-process. */
  size: number;
  logger: Logger;
  /** The worker's entry file (default: index-worker.js beside the daemon bundle, or index-worker.ts beside this file). */
  file?: string;
  /** How long a worker may take to start (default 10 s). */
  startTimeoutMs?: number;
}

interface Slot {
  worker: Worker;
  pending: Map<number, { req: AnalysisRequest; resolve: (a: FileAnalysis) => void; reject: (e: Error) => void }>;
  alive: boolean;
}

/** Why workers could not start in this process (then they are not tried again), and whether that was said. */
let startFailure: string | undefined;
let fallbackReported = false;

/** The worker entry next to the running code: dist/index-worker.js in the bundle, index-worker.ts in the sources. */
export function defaultWorkerFile(): string | undefined {
  return workerEntry('index-worker');
}

export class AnalysisPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(private readonly logger: Logger) {}

  /** Start `size` workers (resolves once they are ready, or with an in-process pool when they cannot start). */
  static async start(opts: AnalysisPoolOptions): Promise<AnalysisPool> {
    const pool = new AnalysisPool(opts.logger);
    if (opts.size <= 0) return pool;
    if (startFailure !== undefined) {
      pool.reportFallback(startFailure);
      return pool;
    }
    const file = opts.file ?? defaultWorkerFile();
    if (!file) {
      pool.failStart('index-worker.js is missing beside the daemon');
      return pool;
    }
    try {
      await Promise.all(Array.from({ length: opts.size }, () => pool.spawn(file, opts.startTimeoutMs ?? 10_000)));
    } catch (err) {
      await pool.close();
      const fresh = new AnalysisPool(opts.logger);
      fresh.failStart((err as Error).message);
      return fresh;
    }
    return pool;
  }

  /** Whether files are analysed in workers (false: in-process). */
  get usesWorkers(): boolean {
    return this.slots.some((s) => s.alive);
  }

  analyze(req: AnalysisRequest): Promise<FileAnalysis> {
    const live = this.slots.filter((s) => s.alive);
    if (this.closed || live.length === 0) return inProcess(req);
    const slot = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    const withBudget: AnalysisRequest = { ...req, parseBudgetMs: WORKER_PARSE_BUDGET_MS };
    return new Promise<FileAnalysis>((resolve, reject) => {
      slot.pending.set(id, { req, resolve, reject });
      slot.worker.postMessage({ id, req: withBudget } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const s of slots) s.alive = false;
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => undefined)));
    // Whatever was still pending (a close during a walk) is finished in-process.
    for (const s of slots) this.drainInProcess(s);
  }

  private spawn(file: string, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const worker = spawnWorker(file);
      const slot: Slot = { worker, pending: new Map(), alive: false };
      this.slots.push(slot);
      const timer = setTimeout(() => reject(new Error(`the index worker did not start within ${timeoutMs} ms`)), timeoutMs);
      worker.on('message', (msg: WorkerReply) => {
        if ('ready' in msg) {
          clearTimeout(timer);
          slot.alive = true;
          resolve();
          return;
        }
        const job = slot.pending.get(msg.id);
        if (!job) return;
        slot.pending.delete(msg.id);
        if ('result' in msg) job.resolve(msg.result);
        // The worker could not analyse this file: the daemon's thread tries (and falls back) itself.
        else inProcess(job.req).then(job.resolve, job.reject);
      });
      const lost = (why: string) => {
        clearTimeout(timer);
        const wasAlive = slot.alive;
        slot.alive = false;
        if (!wasAlive) reject(new Error(why));
        else if (!this.closed) {
          this.reportFallback(why);
          this.drainInProcess(slot);
        }
      };
      worker.on('error', (err) => lost(`the index worker failed (${err.message})`));
      worker.on('exit', (code) => lost(`the index worker exited with code ${code}`));
    });
  }

  private drainInProcess(slot: Slot): void {
    const jobs = [...slot.pending.values()];
    slot.pending.clear();
    for (const job of jobs) inProcess(job.req).then(job.resolve, job.reject);
  }

  private failStart(reason: string): void {
    startFailure = reason;
    this.reportFallback(reason);
  }

  private reportFallback(reason: string): void {
    if (fallbackReported) return;
    fallbackReported = true;
    this.logger.warn(`context: parsing files in-process (slower, on the daemon's thread): ${reason}.`);
  }
}

/** Analyse on the daemon's thread, one file per macrotask so the event loop stays free between files. */
async function inProcess(req: AnalysisRequest): Promise<FileAnalysis> {
  const grammar = grammarFor(req.language);
  if (grammar) await loadGrammar(grammar);
  await new Promise((r) => setImmediate(r));
  return analyzeForIndex({ ...req, parseBudgetMs: PARSE_BUDGET_MS });
}

/** For tests: forget that workers failed to start and that it was reported. */
export function resetAnalysisPoolState(): void {
  startFailure = undefined;
  fallbackReported = false;
}
