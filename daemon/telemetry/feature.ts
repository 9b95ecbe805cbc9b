/**
 * Acceptance tracking as a daemon feature: the store on the user database, its
 * Prometheus metrics (inline completions, and next edits in `next-edit-metrics.ts`), and
 * `tandem/events/report` and `tandem/stats/get` (handlers in `rpc.ts`).
 */
import { EventsReportRequest, StatsGetRequest } from '../../protocol';
import type { DaemonFeature } from '../host/types';
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
    const metrics = new TelemetryMetrics(host.metrics.registry, store);
    const nextEdit = new NextEditMetrics(host.metrics.registry, store);
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
