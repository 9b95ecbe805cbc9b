/**
 * Acceptance tracking as a daemon feature: the store on the user database, its
 * Prometheus metrics, and the two protocol handlers. Plug in with
 * `daemonExtensions.push(telemetryFeature)` (daemon/features.ts).
 */
import { EventsReportRequest, StatsGetRequest } from '../../protocol';
import type { DaemonHost } from '../daemon';
import { TelemetryMetrics } from './metrics';
import { getStats, reportEvents } from './rpc';
import { TelemetryStore } from './store';

export { TelemetryStore } from './store';
export { TelemetryMetrics } from './metrics';
export { reportEvents, getStats } from './rpc';

export function telemetryFeature(host: DaemonHost): () => void {
  const store = new TelemetryStore(host.db, { storeCodeText: () => host.config().telemetry.storeCodeText });
  const metrics = new TelemetryMetrics(host.metrics.registry, store);
  host.rpc.register(EventsReportRequest, (params) => reportEvents(store, params));
  host.rpc.register(StatsGetRequest, (params) => getStats(store, params));
  return () => metrics.dispose();
}
