/**
 * Prometheus metrics of next-edit suggestions (the `/metrics` next-edit section), kept
 * apart from the inline completion series: events by outcome — shown, accepted,
 * rejected (Escape), ignored (typed over, moved away, replaced, closed) — the latency
 * of shown suggestions, and the acceptance ratio over the last `windowMs` computed from
 * the store at scrape time. Model, backend and language labels go through the same
 * `SuggestionLabels` as the completion series (labels.ts): unknown values are `other`.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SuggestionEvent } from '../../protocol';
import type { SuggestionLabels } from './labels';
import type { TelemetryStore } from './store';

const latencyBuckets = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2.5, 5, 10];

/** What a stored event means for a next edit. */
export function nextEditOutcome(e: SuggestionEvent): 'shown' | 'accepted' | 'rejected' | 'ignored' | undefined {
  if (e.kind === 'shown' || e.kind === 'accepted') return e.kind;
  if (e.kind === 'dismissed') return e.reason === 'escaped' ? 'rejected' : 'ignored';
  return undefined;
}

export class NextEditMetrics {
  readonly events: Counter<'event' | 'model' | 'backend' | 'language'>;
  readonly latency: Histogram<'model' | 'backend'>;
  readonly acceptanceRate: Gauge<'model' | 'backend' | 'language'>;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly labels: SuggestionLabels,
    store?: TelemetryStore,
    windowMs = 7 * 24 * 3600 * 1000,
  ) {
    const registers = [registry];
    this.events = new Counter({
      name: 'tandem_next_edit_events_total',
      help: 'Next-edit suggestions by what happened to them (shown, accepted, rejected with Escape, ignored: typed over or moved away), model, backend and language.',
      labelNames: ['event', 'model', 'backend', 'language'] as const,
      registers,
    });
    this.latency = new Histogram({
      name: 'tandem_next_edit_latency_seconds',
      help: 'Total latency of shown next-edit suggestions as measured by the daemon, by model and backend.',
      labelNames: ['model', 'backend'] as const,
      buckets: latencyBuckets,
      registers,
    });
    this.acceptanceRate = new Gauge({
      name: 'tandem_next_edit_acceptance_ratio',
      help: 'Next-edit suggestions accepted / shown, over the last 7 days, by model, backend and language.',
      labelNames: ['model', 'backend', 'language'] as const,
      registers,
      collect() {
        // Grouped by the bounded labels, so events with unknown values merge into the `other` rows.
        const stats = store?.stats({
          sinceMs: Date.now() - windowMs,
          suggestionKind: 'nextEdit',
          relabel: (dims) => labels.of(dims.model, dims.backend, dims.language),
        });
        this.reset();
        for (const row of stats?.rows ?? []) {
          if (row.acceptanceRate !== null)
            this.set({ model: row.model ?? '', backend: row.backend ?? '', language: row.language ?? '' }, row.acceptanceRate);
        }
      },
    });
    this.unsubscribe = store?.onRecorded((events) => this.observe(events));
  }

  observe(events: readonly SuggestionEvent[]): void {
    for (const e of events) {
      if (e.suggestionKind !== 'nextEdit') continue;
      const outcome = nextEditOutcome(e);
      if (!outcome) continue;
      const labels = this.labels.of(e.model, e.backend, e.languageId);
      this.events.inc({ event: outcome, ...labels });
      if (e.kind === 'shown') this.latency.observe({ model: labels.model, backend: labels.backend }, e.totalMs / 1000);
    }
  }

  dispose(): void {
    this.unsubscribe?.();
    for (const name of ['tandem_next_edit_events_total', 'tandem_next_edit_latency_seconds', 'tandem_next_edit_acceptance_ratio'])
      this.registry.removeSingleMetric(name);
  }
}
