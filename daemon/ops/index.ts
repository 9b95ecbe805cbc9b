/**
 * Operations as a daemon feature: model usage accounting (the router's usage events
 * into `model_usage`, and `tandem_model_tokens_total` on /metrics), the dashboard's time series and health history, and model pulls
 * for the doctor's one-click fix. Registered in daemon/features.ts.
 */
import {
  ErrorCodes,
  HealthHistoryRequest,
  ModelsPullProgressNotification,
  ModelsPullRequest,
  StatsTimeseriesRequest,
  TandemError,
  UsageGetRequest,
} from '../../protocol';
import { Counter } from 'prom-client';
import type { DaemonHost } from '../daemon';
import { displayUrl } from '../router/errors';
import { TelemetryStore } from '../telemetry/store';
import { healthHistory } from './health-history';
import { pullModel, type PullTarget } from './pull';
import { statsTimeseries } from './timeseries';
import { UsageStore } from './usage-store';

export { UsageStore } from './usage-store';
export { statsTimeseries } from './timeseries';
export { healthHistory } from './health-history';
export { pullModel } from './pull';

export function opsFeature(host: DaemonHost): () => void {
  const usage = new UsageStore(host.db, {
    logger: host.logger,
    onWriteError: () => host.metrics.errors.inc({ kind: 'storage_error', origin: 'storage' }),
  });
  const tokens = new Counter({
    name: 'tandem_model_tokens_total',
    help: 'Tokens of completed model calls as the backends counted them, by task, backend and direction (in = prompt, out = generated).',
    labelNames: ['task', 'backend', 'direction'] as const,
    registers: [host.metrics.registry],
  });
  const unsubscribe = host.router.onUsage?.((u) => {
    usage.add(u);
    if (u.promptTokens) tokens.inc({ task: u.task, backend: u.backend, direction: 'in' }, u.promptTokens);
    if (u.outputTokens) tokens.inc({ task: u.task, backend: u.backend, direction: 'out' }, u.outputTokens);
  });
  const events = new TelemetryStore(host.db, { storeCodeText: () => false });
  const storage = <T>(what: string, run: () => T): T => {
    try {
      return run();
    } catch (err) {
      if (err instanceof TandemError) throw err;
      throw new TandemError(ErrorCodes.StorageError, `Could not read ${what}: ${(err as Error).message}`, { cause: err });
    }
  };

  host.rpc.register(StatsTimeseriesRequest, (params) => storage('the suggestion events', () => statsTimeseries(host.db, events, params)));
  host.rpc.register(UsageGetRequest, (params) => storage('the model usage', () => usage.summary(params ?? {})));
  host.rpc.register(HealthHistoryRequest, (params) => storage('the backend health history', () => healthHistory(host.db, params)));

  host.rpc.register(ModelsPullRequest, async (params, { session, signal }) => {
    const target = pullTarget(host, params.backend);
    host.logger.info(`Pulling ${params.model} on ${target.name} (${displayUrl(target.url)}) for ${session.client?.name ?? 'a client'}`);
    await pullModel(target, params.model, {
      signal,
      onProgress: (p) =>
        void session.connection
          .sendNotification(ModelsPullProgressNotification.type, { pullId: params.pullId, model: params.model, backend: target.name, ...p })
          .catch(() => undefined),
    });
    host.logger.info(`Pulled ${params.model} on ${target.name}`);
    await host.router.probeAll().catch(() => undefined);
    host.broadcastStatus();
    return { model: params.model, backend: target.name, status: 'success' as const };
  });

  return () => {
    unsubscribe?.();
    usage.dispose();
    host.metrics.registry.removeSingleMetric('tandem_model_tokens_total');
  };
}

/** The backend a pull goes to: the named one, or the best-priority Ollama backend not known to be down. */
function pullTarget(host: DaemonHost, name: string | undefined): PullTarget {
  const backends = host.config().backends.filter((b) => b.enabled);
  if (name !== undefined) {
    const b = backends.find((x) => x.name === name);
    if (!b) {
      throw new TandemError(ErrorCodes.InvalidParams, `No enabled backend is named "${name}".`, {
        hint: `Configured: ${backends.map((x) => x.name).join(', ') || 'none'}.`,
      });
    }
    if (b.kind !== 'ollama') {
      throw new TandemError(ErrorCodes.InvalidParams, `Backend ${b.name} is ${b.kind}: Tandem can pull models only on Ollama servers.`, {
        hint: `Load the model on the server at ${displayUrl(b.url)} itself (for vLLM: restart it with --model).`,
      });
    }
    return { name: b.name, url: b.url, headers: b.headers };
  }
  const health = new Map(host.router.status().map((s) => [s.name, s.health]));
  const candidates = backends.filter((b) => b.kind === 'ollama').sort((a, b) => a.priority - b.priority);
  const pick = candidates.find((b) => health.get(b.name) !== 'down') ?? candidates[0];
  if (!pick) {
    throw new TandemError(ErrorCodes.NoBackendAvailable, 'No Ollama backend is configured to pull the model on.', {
      hint: 'Add an Ollama backend (e.g. http://127.0.0.1:11434) in the Tandem settings or config.json.',
    });
  }
  return { name: pick.name, url: pick.url, headers: pick.headers };
}
