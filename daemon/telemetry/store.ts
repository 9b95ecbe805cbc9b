/**
 * The suggestion events store (table `completion_events` of the user database) and the
 * statistics computed from it: acceptance rate, retained-character rate per checkpoint
 * and latency percentiles, per model, backend and language.
 *
 * Code text is stored only when `telemetry.storeCodeText` is true in config.json;
 * otherwise the `text` of an event is dropped before it reaches the disk.
 *
 * Each event says what was suggested (`suggestion_kind`: an inline completion or a next
 * edit); statistics are of one kind at a time, inline completions unless asked.
 */
import type { DismissReason, StatsDimension, StatsGetRequest, StatsRow, SuggestionEvent, SuggestionKind } from '../../protocol';
import type { Db } from '../storage/db';
import { timeRangeClause } from '../storage/time-range';
import { percentiles } from './percentiles';

export interface TelemetryStoreOptions {
  /** Read on every write, so a config change applies at once. */
  storeCodeText(): boolean;
}

interface EventRow {
  kind: SuggestionEvent['kind'];
  completion_id: string;
  model: string;
  backend: string;
  language: string;
  first_token_ms: number | null;
  total_ms: number | null;
  overhead_ms: number | null;
  chars: number | null;
  accepted_chars: number | null;
  retained_chars: number | null;
  checkpoint_sec: number | null;
  reason: string | null;
}

const checkpoints = ['30', '120', '600'] as const;

class Accumulator {
  readonly shown = new Set<string>();
  readonly accepted = new Map<string, number>();
  readonly partial = new Map<string, number>();
  readonly dismissed = new Set<string>();
  readonly retention = new Map<string, { checked: Set<string>; accepted: number; retained: number }>(
    checkpoints.map((c) => [c, { checked: new Set(), accepted: 0, retained: 0 }]),
  );
  readonly firstToken: number[] = [];
  readonly total: number[] = [];
  readonly overhead: number[] = [];
  readonly reasons: Partial<Record<DismissReason, number>> = {};

  add(row: EventRow): void {
    const id = row.completion_id;
    switch (row.kind) {
      case 'shown':
        if (this.shown.has(id)) return;
        this.shown.add(id);
        if (row.first_token_ms !== null) this.firstToken.push(row.first_token_ms);
        if (row.total_ms !== null) this.total.push(row.total_ms);
        if (row.overhead_ms !== null) this.overhead.push(row.overhead_ms);
        return;
      case 'accepted':
        if (!this.accepted.has(id)) this.accepted.set(id, row.chars ?? 0);
        return;
      case 'partially_accepted':
        this.partial.set(id, Math.max(this.partial.get(id) ?? 0, row.accepted_chars ?? 0));
        return;
      case 'dismissed':
        if (this.dismissed.has(id)) return;
        this.dismissed.add(id);
        if (row.reason) this.reasons[row.reason as DismissReason] = (this.reasons[row.reason as DismissReason] ?? 0) + 1;
        return;
      case 'retention': {
        const bucket = this.retention.get(String(row.checkpoint_sec));
        if (!bucket || bucket.checked.has(id)) return;
        bucket.checked.add(id);
        bucket.accepted += row.accepted_chars ?? 0;
        bucket.retained += Math.min(row.retained_chars ?? 0, row.accepted_chars ?? 0);
        return;
      }
    }
  }

  row(dims: Partial<Record<StatsDimension, string>>): StatsRow {
    const acceptedOrPartial = new Set([...this.accepted.keys(), ...this.partial.keys()]);
    let acceptedChars = 0;
    for (const chars of this.accepted.values()) acceptedChars += chars;
    for (const [id, chars] of this.partial) if (!this.accepted.has(id)) acceptedChars += chars;
    const retention = {} as StatsRow['retention'];
    for (const c of checkpoints) {
      const b = this.retention.get(c)!;
      retention[c] = {
        checked: b.checked.size,
        acceptedChars: b.accepted,
        retainedChars: b.retained,
        rate: b.accepted > 0 ? b.retained / b.accepted : null,
      };
    }
    return {
      ...dims,
      shown: this.shown.size,
      accepted: this.accepted.size,
      partiallyAccepted: [...this.partial.keys()].filter((id) => !this.accepted.has(id)).length,
      dismissed: this.dismissed.size,
      acceptanceRate: this.shown.size > 0 ? Math.min(1, acceptedOrPartial.size / this.shown.size) : null,
      acceptedChars,
      retention,
      latency: { firstTokenMs: percentiles(this.firstToken), totalMs: percentiles(this.total), overheadMs: percentiles(this.overhead) },
      dismissReasons: { ...this.reasons },
    };
  }
}

export class TelemetryStore {
  private readonly insert;
  private readonly listeners = new Set<(events: SuggestionEvent[]) => void>();

  constructor(
    private readonly db: Db,
    private readonly opts: TelemetryStoreOptions,
  ) {
    this.insert = db.prepare(`
      INSERT INTO completion_events
        (at, kind, completion_id, model, backend, language, first_token_ms, total_ms, overhead_ms, lines, chars,
         accepted_chars, retained_chars, edit_distance, checkpoint_sec, reason, unit, text, suggestion_kind)
      VALUES
        (@at, @kind, @completionId, @model, @backend, @language, @firstTokenMs, @totalMs, @overheadMs, @lines, @chars,
         @acceptedChars, @retainedChars, @editDistance, @checkpointSec, @reason, @unit, @text, @suggestionKind)
    `);
  }

  /** Be told of every stored batch (Prometheus counters). */
  onRecorded(listener: (events: SuggestionEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Store a batch in one transaction. Returns how many were stored. */
  record(events: SuggestionEvent[]): number {
    const keepText = this.opts.storeCodeText();
    const write = this.db.transaction((batch: SuggestionEvent[]) => {
      for (const e of batch) {
        this.insert.run({
          at: e.at,
          kind: e.kind,
          completionId: e.completionId,
          model: e.model,
          backend: e.backend,
          language: e.languageId,
          firstTokenMs: e.kind === 'shown' ? e.firstTokenMs : null,
          totalMs: e.kind === 'shown' ? e.totalMs : null,
          overheadMs: e.kind === 'shown' ? (e.overheadMs ?? null) : null,
          lines: e.kind === 'shown' || e.kind === 'accepted' ? e.lines : null,
          chars: e.kind === 'shown' || e.kind === 'accepted' ? e.chars : null,
          acceptedChars: e.kind === 'partially_accepted' || e.kind === 'retention' ? e.acceptedChars : null,
          retainedChars: e.kind === 'retention' ? e.retainedChars : null,
          editDistance: e.kind === 'retention' ? e.editDistance : null,
          checkpointSec: e.kind === 'retention' ? e.checkpointSec : null,
          reason: e.kind === 'dismissed' ? e.reason : null,
          unit: e.kind === 'partially_accepted' ? e.unit : null,
          text: keepText && e.kind === 'shown' && e.text !== undefined ? e.text : null,
          suggestionKind: e.suggestionKind ?? 'completion',
        });
      }
    });
    write(events);
    for (const listener of this.listeners) listener(events);
    return events.length;
  }

  /** Number of stored events (tests, doctor). */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM completion_events').get() as { n: number }).n;
  }

  /**
   * Statistics over the stored events. `relabel` maps each event's dimensions before
   * grouping (the Prometheus gauges group by their bounded labels this way).
   */
  stats(
    params: {
      sinceMs?: number;
      untilMs?: number;
      groupBy?: StatsDimension[];
      suggestionKind?: SuggestionKind;
      relabel?: (dims: Record<StatsDimension, string>) => Record<StatsDimension, string>;
    } = {},
  ): StatsGetRequest.Result {
    const groupBy = params.groupBy ?? ['model', 'backend', 'language'];
    const suggestionKind = params.suggestionKind ?? 'completion';
    const range = timeRangeClause(params);
    const where = `${range.where ? `${range.where} AND` : 'WHERE'} suggestion_kind = ?`;
    const args = [...range.args, suggestionKind];
    const sql = `SELECT kind, completion_id, model, backend, language, first_token_ms, total_ms, overhead_ms, chars,
                        accepted_chars, retained_chars, checkpoint_sec, reason
                 FROM completion_events ${where} ORDER BY id`;
    const total = new Accumulator();
    const groups = new Map<string, { dims: Partial<Record<StatsDimension, string>>; acc: Accumulator }>();
    for (const row of this.db.prepare(sql).iterate(...args) as IterableIterator<EventRow>) {
      total.add(row);
      if (groupBy.length === 0) continue;
      const raw = { model: row.model, backend: row.backend, language: row.language };
      const values = params.relabel ? params.relabel(raw) : raw;
      const dims: Partial<Record<StatsDimension, string>> = {};
      for (const d of groupBy) dims[d] = values[d];
      const key = groupBy.map((d) => dims[d]).join('\u0000');
      let group = groups.get(key);
      if (!group) {
        group = { dims, acc: new Accumulator() };
        groups.set(key, group);
      }
      group.acc.add(row);
    }
    const rows = [...groups.values()].map((g) => g.acc.row(g.dims)).sort((a, b) => b.shown - a.shown);
    return { suggestionKind, sinceMs: params.sinceMs ?? null, untilMs: params.untilMs ?? null, groupBy, total: total.row({}), rows };
  }
}
