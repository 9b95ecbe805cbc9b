/**
 * Prometheus metrics of acceptance tracking, registered on the daemon's registry:
 * counters of suggestion events and characters, latency histograms of shown
 * suggestions, and gauges of acceptance and retention rates computed from the store at
 * scrape time (over the last `windowMs`, default 7 days) so they survive restarts.
 * Every model, backend and language label goes through `SuggestionLabels` (labels.ts):
 * values the daemon does not know are `other`, and the label sets are capped.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { StatsGetRequest, StatsRow, SuggestionEvent } from '../../protocol';
import type { SuggestionLabels } from './labels';
import type { TelemetryStore } from './store';

const latencyBuckets = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2.5, 5, 10];
/** How long one computation of the gauges serves scrapes while no new events arrive. */
const GAUGE_CACHE_MS = 5000;

export class TelemetryMetrics {
  readonly events: Counter<'event' | 'model' | 'backend' | 'language'>;
  readonly acceptedChars: Counter<'model' | 'backend' | 'language'>;
  readonly retainedChars: Counter<'checkpoint' | 'model' | 'backend' | 'language'>;
  readonly retentionCheckedChars: Counter<'checkpoint' | 'model' | 'backend' | 'language'>;
  readonly shownLatency: Histogram<'model' | 'backend'>;
  readonly shownFirstToken: Histogram<'model' | 'backend'>;
  readonly acceptanceRate: Gauge<'model' | 'backend' | 'language'>;
  readonly retentionRate: Gauge<'checkpoint' | 'model' | 'backend' | 'language'>;
  private readonly unsubscribe: (() => void) | undefined;
  /** The gauges' statistics of the last scrape. */
  private gauges: { at: number; stats: StatsGetRequest.Result } | undefined;

  constructor(
    registry: Registry,
    private readonly labels: SuggestionLabels,
    store?: TelemetryStore,
    windowMs = 7 * 24 * 3600 * 1000,
  ) {
    const registers = [registry];
    this.events = new Counter({
      name: 'tandem_suggestion_events_total',
      help: 'Inline suggestion events reported by clients, by event (shown, accepted, partially_accepted, dismissed, retention), model, backend and language.',
      labelNames: ['event', 'model', 'backend', 'language'] as const,
      registers,
    });
    this.acceptedChars = new Counter({
      name: 'tandem_suggestion_accepted_chars_total',
      help: 'Characters of fully accepted suggestions.',
      labelNames: ['model', 'backend', 'language'] as const,
      registers,
    });
    this.retainedChars = new Counter({
      name: 'tandem_suggestion_retained_chars_total',
      help: 'Characters of accepted suggestions still in the document at a retention checkpoint (30, 120, 600 s).',
      labelNames: ['checkpoint', 'model', 'backend', 'language'] as const,
      registers,
    });
    this.retentionCheckedChars = new Counter({
      name: 'tandem_suggestion_retention_checked_chars_total',
      help: 'Characters of accepted suggestions checked at a retention checkpoint (denominator of the retained rate).',
      labelNames: ['checkpoint', 'model', 'backend', 'language'] as const,
      registers,
    });
    this.shownLatency = new Histogram({
      name: 'tandem_suggestion_latency_seconds',
      help: 'Total latency of shown inline suggestions as measured by the daemon, by model and backend.',
      labelNames: ['model', 'backend'] as const,
      buckets: latencyBuckets,
      registers,
    });
    this.shownFirstToken = new Histogram({
      name: 'tandem_suggestion_first_token_seconds',
      help: 'Time to first token of shown inline suggestions, by model and backend.',
      labelNames: ['model', 'backend'] as const,
      buckets: latencyBuckets,
      registers,
    });
    // Grouped by the bounded labels, so events with unknown values merge into the `other` rows;
    // computed once for both gauges and kept until a batch is stored or GAUGE_CACHE_MS pass.
    const statsNow = () => {
      if (!store) return undefined;
      const now = Date.now();
      if (!this.gauges || now - this.gauges.at > GAUGE_CACHE_MS) {
        const stats = store.stats({ sinceMs: now - windowMs, relabel: (dims) => labels.of(dims.model, dims.backend, dims.language) });
        this.gauges = { at: now, stats };
      }
      return this.gauges.stats;
    };
    this.acceptanceRate = new Gauge({
      name: 'tandem_suggestion_acceptance_ratio',
      help: 'Suggestions accepted fully or partly / suggestions shown, over the last 7 days, by model, backend and language.',
      labelNames: ['model', 'backend', 'language'] as const,
      registers,
      collect() {
        const stats = statsNow();
        this.reset();
        for (const row of stats?.rows ?? []) {
          if (row.acceptanceRate !== null) this.set(rowLabels(row), row.acceptanceRate);
        }
      },
    });
    this.retentionRate = new Gauge({
      name: 'tandem_suggestion_retained_chars_ratio',
      help: 'Retained characters / accepted characters at each checkpoint, over the last 7 days, by model, backend and language.',
      labelNames: ['checkpoint', 'model', 'backend', 'language'] as const,
      registers,
      collect() {
        const stats = statsNow();
        this.reset();
        for (const row of stats?.rows ?? []) {
          for (const checkpoint of ['30', '120', '600'] as const) {
            const rate = row.retention[checkpoint].rate;
            if (rate !== null) this.set({ checkpoint, ...rowLabels(row) }, rate);
          }
        }
      },
    });
    this.unsubscribe = store?.onRecorded((events) => {
      this.gauges = undefined;
      this.observe(events);
    });
  }

  /** Count a stored batch (inline completions; next edits have their own metrics). */
  observe(events: readonly SuggestionEvent[]): void {
    for (const e of events) {
      if (e.suggestionKind === 'nextEdit') continue;
      const labels = this.labels.of(e.model, e.backend, e.languageId);
      this.events.inc({ event: e.kind, ...labels });
      if (e.kind === 'shown') {
        this.shownLatency.observe({ model: labels.model, backend: labels.backend }, e.totalMs / 1000);
        this.shownFirstToken.observe({ model: labels.model, backend: labels.backend }, e.firstTokenMs / 1000);
      } else if (e.kind === 'accepted') {
        this.acceptedChars.inc(labels, e.chars);
      } else if (e.kind === 'retention') {
        const withCheckpoint = { checkpoint: String(e.checkpointSec), ...labels };
        this.retainedChars.inc(withCheckpoint, Math.min(e.retainedChars, e.acceptedChars));
        this.retentionCheckedChars.inc(withCheckpoint, e.acceptedChars);
      }
    }
  }

  dispose(): void {
    this.unsubscribe?.();
  }
}

/** A stats row's group as gauge labels (its dimensions are already bounded labels). */
function rowLabels(row: StatsRow): { model: string; backend: string; language: string } {
  return { model: row.model ?? '', backend: row.backend ?? '', language: row.language ?? '' };
}
