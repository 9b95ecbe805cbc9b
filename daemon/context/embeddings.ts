/**
 * Semantic retrieval: chunk embeddings from the router's `embed` task, computed in the
 * background in batches, cached by content hash (a chunk that moves or comes back is
 * never embedded twice) and stored in LanceDB, one table per embed model. Without an
 * embedder, with embeddings disabled or while embed calls fail, retrieval is BM25-only
 * and `status()` says why.
 */
import { mkdirSync } from 'node:fs';
import type * as lancedb from '@lancedb/lancedb';
import type { ModelRouter } from '../router/types';
import type { Logger } from '../log';
import { PRIVATE_DIR_MODE } from '../storage/private-files';
import type { ContextConfig } from './config';
import type { IndexStore } from './index-store';

export type Embedder = Pick<ModelRouter, 'embed' | 'canServe'>;

export interface VectorHit {
  hash: string;
  distance: number;
}

export interface SemanticStatus {
  active: boolean;
  reason?: string;
  embedded: number;
  total: number;
}

const tableName = (model: string) => `vectors_${model.replace(/[^A-Za-z0-9_]/g, '_')}`;

export class VectorIndex {
  private conn?: lancedb.Connection;
  private readonly tables = new Map<string, lancedb.Table>();
  private running?: Promise<void>;
  private rerun = false;
  private lastError?: { message: string; at: number };
  private readonly abort = new AbortController();
  private readonly queryCache = new Map<string, { model: string; vector: number[] }>();
  private retryTimer?: NodeJS.Timeout;
  private counts?: { embedded: number; total: number };

  constructor(
    private readonly dir: string,
    private readonly store: IndexStore,
    private readonly embedder: Embedder | undefined,
    private readonly cfg: ContextConfig['embeddings'],
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The embed model vectors were last computed with (remembered across restarts). */
  get model(): string | undefined {
    return this.store.meta('embed.model');
  }

  /** Refresh the cached vector coverage (an O(chunks) query: run off the completion path). */
  refreshCounts(): void {
    const model = this.model;
    this.counts = model ? this.store.embeddedCount(model) : { embedded: 0, total: this.store.counts().chunks };
  }

  /** Why the background embedding stopped for good (the vector store failed), if it did. */
  private stopped?: string;

  status(): SemanticStatus {
    if (!this.embedder || !this.cfg.enabled) return this.statusWith({ embedded: 0, total: 0 });
    if (!this.counts) this.refreshCounts();
    return this.statusWith(this.counts!);
  }

  private statusWith(counts: { embedded: number; total: number }): SemanticStatus {
    const base = { embedded: counts.embedded, total: counts.total };
    if (!this.embedder)
      return { ...base, active: false, reason: 'No embed backend is connected to the context engine; retrieval is BM25 only.' };
    if (!this.cfg.enabled)
      return { ...base, active: false, reason: 'Embeddings are disabled (context.embeddings.enabled = false); retrieval is BM25 only.' };
    if (!this.embedder.canServe('embed')) {
      return {
        ...base,
        active: false,
        reason: 'No backend can serve the embed task now (is the embed model pulled?); retrieval is BM25 only.',
      };
    }
    if (this.stopped) return { ...base, active: false, reason: `Background embedding stopped (${this.stopped}); retrieval is BM25 only.` };
    if (this.lastError && this.now() - this.lastError.at < this.cfg.retryMs) {
      return {
        ...base,
        active: false,
        reason: `Embed calls are failing (${this.lastError.message}); retrieval is BM25 only until they succeed.`,
      };
    }
    if (counts.embedded === 0)
      return {
        ...base,
        active: false,
        reason: `Embeddings are being computed (0/${counts.total} chunks); retrieval is BM25 only until then.`,
      };
    if (counts.embedded < counts.total)
      return { ...base, active: true, reason: `Embeddings cover ${counts.embedded}/${counts.total} chunks; the rest is being computed.` };
    return { ...base, active: true };
  }

  /** Start (or re-run) the background embedding of chunks without vectors. */
  schedule(): void {
    if (!this.embedder || !this.cfg.enabled || this.abort.signal.aborted) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.loop()
      .catch((err) => {
        this.stopped = (err as Error).message;
        this.logger.warn(`context: background embedding stopped: ${this.stopped}`);
      })
      .finally(() => {
        this.running = undefined;
        if (this.rerun && !this.abort.signal.aborted) {
          this.rerun = false;
          this.schedule();
        }
      });
  }

  /** Resolves when no background embedding is running (for the CLI and tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    const embedder = this.embedder!;
    while (!this.abort.signal.aborted) {
      if (!embedder.canServe('embed')) return;
      const model = this.model ?? '';
      this.refreshCounts();
      const batch = this.store.missingEmbeddings(model, this.cfg.batchSize);
      if (batch.length === 0) return;
      let result;
      try {
        result = await embedder.embed({
          input: batch.map((b) => `${b.path}\n${b.text}`.slice(0, this.cfg.maxChars)),
          signal: this.abort.signal,
        });
        if (result.embeddings.length !== batch.length)
          throw new Error(`the backend returned ${result.embeddings.length} vectors for ${batch.length} inputs`);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.lastError = { message: (err as Error).message, at: this.now() };
        this.logger.warn(
          `context: embedding a batch failed (${(err as Error).message}); retrying in ${Math.round(this.cfg.retryMs / 1000)} s.`,
        );
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.schedule(), this.cfg.retryMs);
        this.retryTimer.unref();
        return;
      }
      this.lastError = undefined;
      if (result.model !== model) this.store.setMeta('embed.model', result.model);
      const rows = batch.map((b, i) => ({ hash: b.hash, vector: result.embeddings[i] }));
      await this.addRows(result.model, rows);
      this.stopped = undefined;
      this.store.markEmbedded(
        batch.map((b) => b.hash),
        result.model,
      );
      this.refreshCounts();
      // Let completions and indexing run between batches.
      await new Promise((r) => setImmediate(r));
    }
  }

  private async connection(): Promise<lancedb.Connection> {
    if (!this.conn) {
      mkdirSync(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      // Loaded on first use: LanceDB (its native addon and Arrow) is ~30 MB of memory that a
      // daemon without an embed model never needs.
      let connect: typeof lancedb.connect;
      try {
        ({ connect } = await import('@lancedb/lancedb'));
      } catch (err) {
        throw new Error(`LanceDB (the vector store) does not load on this machine: ${(err as Error).message}`);
      }
      this.conn = await connect(this.dir);
    }
    return this.conn;
  }

  private async table(model: string): Promise<lancedb.Table | undefined> {
    const name = tableName(model);
    const cached = this.tables.get(name);
    if (cached) return cached;
    const conn = await this.connection();
    if (!(await conn.tableNames()).includes(name)) return undefined;
    const t = await conn.openTable(name);
    this.tables.set(name, t);
    return t;
  }

  private async addRows(model: string, rows: Array<{ hash: string; vector: number[] }>): Promise<void> {
    const existing = await this.table(model);
    if (existing) {
      try {
        await existing.add(rows);
        return;
      } catch (err) {
        // A different vector size under the same model name (model replaced): start over.
        this.logger.warn(`context: vector table for ${model} rejected rows (${(err as Error).message}); rebuilding it.`);
        const conn = await this.connection();
        await conn.dropTable(tableName(model));
        this.tables.delete(tableName(model));
        this.store.db.prepare('DELETE FROM embedded WHERE model = ?').run(model);
      }
    }
    const conn = await this.connection();
    const t = await conn.createTable(tableName(model), rows, { mode: 'overwrite' });
    this.tables.set(tableName(model), t);
  }

  /** Nearest chunks (by content hash) to a query text; empty when semantic search is off. */
  async search(query: string, k: number, signal?: AbortSignal): Promise<VectorHit[]> {
    if (!this.embedder || !this.cfg.enabled || !this.embedder.canServe('embed')) return [];
    const model = this.model;
    if (!model) return [];
    const table = await this.table(model);
    if (!table) return [];
    const key = query.slice(-this.cfg.maxChars);
    let q = this.queryCache.get(key);
    if (!q || q.model !== model) {
      const res = await this.embedder.embed({ input: [key], signal });
      if (res.embeddings.length !== 1) throw new Error('the embed backend returned no vector for the query');
      q = { model: res.model, vector: res.embeddings[0] };
      this.queryCache.set(key, q);
      if (this.queryCache.size > 256) this.queryCache.delete(this.queryCache.keys().next().value as string);
      if (res.model !== model) return [];
    }
    const rows = (await table
      .vectorSearch(q.vector)
      .distanceType('cosine')
      .select(['hash', '_distance'])
      .limit(k * 2)
      .toArray()) as Array<{
      hash: string;
      _distance: number;
    }>;
    const seen = new Set<string>();
    const out: VectorHit[] = [];
    for (const r of rows) {
      if (seen.has(r.hash)) continue;
      seen.add(r.hash);
      out.push({ hash: r.hash, distance: r._distance });
      if (out.length >= k) break;
    }
    return out;
  }

  async close(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.retryTimer);
    await this.running?.catch(() => undefined);
    for (const t of this.tables.values()) t.close();
    this.tables.clear();
    this.conn?.close();
    this.conn = undefined;
  }
}
