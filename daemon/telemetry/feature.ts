/**
 * Acceptance tracking as a daemon feature: the store on the user database, its
 * Prometheus metrics (inline completions, and next edits in `next-edit-metrics.ts`; labels
 * bounded by the configured models and backends), and `tandem/events/report` and
 * `tandem/stats/get` (handlers in `rpc.ts`).
 */
import { EventsReportRequest, StatsGetRequest } from '../../protocol';
import { TaskTypes } from '../../protocol';
import type { DaemonFeature, FeatureHost } from '../host/types';
import { SuggestionLabels } from './labels';
import { TelemetryMetrics } from './metrics';
import { NextEditMetrics } from './next-edit-metrics';
import { getStats, reportEvents } from './rpc';
import { TelemetryStore } from './store';

export const telemetryFeature: DaemonFeature = {
  name: 'telemetry',
  capabilities: ['events', 'stats'],
  requests: [EventsReportRequest, StatsGetRequest],
  notifications: [],
  register(host) {
    const store = new TelemetryStore(host.db, { storeCodeText: () => host.config().telemetry.storeCodeText });
    const labels = knownLabels(host);
    const metrics = new TelemetryMetrics(host.metrics.registry, labels, store);
    const nextEdit = new NextEditMetrics(host.metrics.registry, labels, store);
    host.handle(EventsReportRequest, (params) => reportEvents(store, params));
    host.handle(StatsGetRequest, (params) => getStats(store, params));
    return {
      dispose: () => {
        metrics.dispose();
        nextEdit.dispose();
      },
    };
  },
};

/** Metric labels bounded by what the daemon is configured with: the task models and the backends. */
function knownLabels(host: FeatureHost): SuggestionLabels {
  return new SuggestionLabels({
    models: () => TaskTypes.map((t) => host.config().tasks[t].model),
    backends: () => host.config().backends.map((b) => b.name),
  });
}
