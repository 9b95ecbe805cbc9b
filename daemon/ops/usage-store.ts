/**
 * Model usage (table `model_usage` of the user database): one row per generation the
 * router completed, with tokens in/out and timings, summarised per task, model and
 * backend for `tandem/usage/get`.
 *
 * Writes are batched: rows wait in memory for at most `flushMs` (or `maxBatch` rows)
 * and go to disk in one transaction, so a burst of completions costs one fsync-free
 * WAL append. A crash loses at most the rows of the last interval. A failed write
 * (disk full) drops that batch, is logged once per failure streak, and never reaches
 * the model call that produced it.
 */
import type { TaskType, UsageGetRequest, UsageRow } from '../../protocol';
import type { Logger } from '../log';
import type { ModelUsage } from '../router/types';
import type { Db } from '../storage/db';
import { timeRangeClause } from '../storage/time-range';
import { percentiles } from '../telemetry/percentiles';

export interface UsageStoreOptions {
  flushMs?: number;
  maxBatch?: number;
  logger: Logger;
  /** Told of each failed write (metrics). */
  onWriteError?(err: Error): void;
}

interface Row {
  task: TaskType;
  model: string;
  backend: string;
  prompt_tokens: number | null;
  output_tokens: number | null;
  first_token_ms: number;
  total_ms: number;
}

export class UsageStore {
  private pending: ModelUsage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private readonly insert;
  private readonly flushMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly db: Db,
    private readonly opts: UsageStoreOptions,
  ) {
    this.flushMs = opts.flushMs ?? 1000;
    this.maxBatch = opts.maxBatch ?? 200;
    this.insert = db.prepare(
      `INSERT INTO model_usage (at, task, model, backend, prompt_tokens, output_tokens, first_token_ms, total_ms)
       VALUES (@at, @task, @model, @backend, @promptTokens, @outputTokens, @firstTokenMs, @totalMs)`,
    );
  }

  /** Queue one call's usage; written within `flushMs`. */
  add(u: ModelUsage): void {
    this.pending.push(u);
    if (this.pending.length >= this.maxBatch) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Write what is queued now. Never throws. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0 || !this.db.open) return;
    try {
      this.db.transaction(() => {
        for (const u of batch) {
          this.insert.run({
            at: Math.round(u.at),
            task: u.task,
            model: u.model,
            backend: u.backend,
            promptTokens: u.promptTokens ?? null,
            outputTokens: u.outputTokens ?? null,
            firstTokenMs: u.firstTokenMs,
            totalMs: u.totalMs,
          });
        }
      })();
      if (this.failing) this.opts.logger.info('Model usage is being recorded again.');
      this.failing = false;
    } catch (err) {
      this.opts.onWriteError?.(err as Error);
      if (!this.failing) {
        this.opts.logger.warn(
          `Could not record model usage (${batch.length} call(s) dropped): ${(err as Error).message}. Completions are not affected.`,
        );
      }
      this.failing = true;
    }
  }

  /** Rows not yet written (tests). */
  get queued(): number {
    return this.pending.length;
  }

  summary(params: { sinceMs?: number; untilMs?: number }): UsageGetRequest.Result {
    this.flush();
    const { where, args } = timeRangeClause(params);
    const sql = `SELECT task, model, backend, prompt_tokens, output_tokens, first_token_ms, total_ms FROM model_usage
                 ${where} ORDER BY id`;
    const groups = new Map<string, { row: Omit<UsageRow, 'firstTokenMs' | 'totalMs'>; first: number[]; total: number[] }>();
    const byTask = new Map<TaskType, { task: TaskType; calls: number; promptTokens: number; outputTokens: number }>();
    for (const r of this.db.prepare(sql).iterate(...args) as IterableIterator<Row>) {
      const key = `${r.task}\u0000${r.model}\u0000${r.backend}`;
      let g = groups.get(key);
      if (!g) {
        g = { row: { task: r.task, model: r.model, backend: r.backend, calls: 0, promptTokens: 0, outputTokens: 0 }, first: [], total: [] };
        groups.set(key, g);
      }
      g.row.calls++;
      g.row.promptTokens += r.prompt_tokens ?? 0;
      g.row.outputTokens += r.output_tokens ?? 0;
      g.first.push(r.first_token_ms);
      g.total.push(r.total_ms);
      const t = byTask.get(r.task) ?? { task: r.task, calls: 0, promptTokens: 0, outputTokens: 0 };
      t.calls++;
      t.promptTokens += r.prompt_tokens ?? 0;
      t.outputTokens += r.output_tokens ?? 0;
      byTask.set(r.task, t);
    }
    const rows = [...groups.values()]
      .map((g) => ({ ...g.row, firstTokenMs: percentiles(g.first), totalMs: percentiles(g.total) }))
      .sort((a, b) => b.calls - a.calls || a.task.localeCompare(b.task));
    return { rows, byTask: [...byTask.values()].sort((a, b) => b.calls - a.calls) };
  }

  dispose(): void {
    this.flush();
  }
}
