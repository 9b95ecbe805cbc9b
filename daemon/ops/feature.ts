/**
 * Operations as a daemon feature: model usage accounting (the router's usage events into
 * `model_usage`, and `tandem_model_tokens_total` on /metrics), the backend health history
 * (`backend_health`, written on every health change the router reports), the dashboard's
 * time series, and model pulls for the doctor's one-click fix.
 */
import { Counter } from 'prom-client';
import {
  ErrorCodes,
  HealthHistoryRequest,
  ModelsPullProgressNotification,
  ModelsPullRequest,
  StatsTimeseriesRequest,
  TandemError,
  UsageGetRequest,
  type BackendStatus,
  type z,
} from '../../protocol';
import type { DaemonFeature, FeatureHost } from '../host/types';
import { redactorFor } from '../redact';
import { displayUrl } from '../../shared/url';
import type { RequestContext } from '../server/rpc';
import { TelemetryStore } from '../telemetry/store';
import { healthHistory, recordBackendHealth } from './health-history';
import { pullModel, type PullTarget } from './pull';
import { statsTimeseries } from './timeseries';
import { UsageStore } from './usage-store';

export const opsFeature: DaemonFeature = {
  name: 'ops',
  capabilities: ['stats', 'usage', 'health', 'models'],
  requests: [StatsTimeseriesRequest, UsageGetRequest, HealthHistoryRequest, ModelsPullRequest],
  notifications: [ModelsPullProgressNotification],
  register(host) {
    const usage = trackUsage(host);
    const events = new TelemetryStore(host.db, { storeCodeText: () => false });
    host.handle(StatsTimeseriesRequest, (params) => reading('the suggestion events', () => statsTimeseries(host.db, events, params)));
    host.handle(UsageGetRequest, (params) => reading('the model usage', () => usage.store.summary(params ?? {})));
    host.handle(HealthHistoryRequest, (params) =>
      reading('the backend health history', () => healthHistory(host.db, params, redactorFor(host.config()))),
    );
    host.handle(ModelsPullRequest, (params, ctx) => pull(host, params, ctx));
    const unsubscribeHealth = host.router.onStatusChange((backends) => recordHealth(host, backends));
    return {
      dispose() {
        unsubscribeHealth();
        usage.dispose();
      },
    };
  },
};

/** The router's usage events into `model_usage` and `tandem_model_tokens_total`. */
function trackUsage(host: FeatureHost): { store: UsageStore; dispose(): void } {
  const store = new UsageStore(host.db, {
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
    store.add(u);
    if (u.promptTokens) tokens.inc({ task: u.task, backend: u.backend, direction: 'in' }, u.promptTokens);
    if (u.outputTokens) tokens.inc({ task: u.task, backend: u.backend, direction: 'out' }, u.outputTokens);
  });
  return {
    store,
    dispose() {
      unsubscribe?.();
      store.dispose();
      host.metrics.registry.removeSingleMetric('tandem_model_tokens_total');
    },
  };
}

/** A backend health change into `backend_health`; a storage failure is counted and logged, never thrown at the router. */
function recordHealth(host: FeatureHost, backends: BackendStatus[]): void {
  try {
    recordBackendHealth(host.db, backends);
  } catch (err) {
    host.metrics.errors.inc({ kind: 'storage_error', origin: 'storage' });
    host.logger.warn(`Could not record backend health: ${(err as Error).message}`);
  }
}

/** Run a read of the user database; a failure becomes a `StorageError` naming what was read. */
function reading<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof TandemError) throw err;
    throw new TandemError(ErrorCodes.StorageError, `Could not read ${what}: ${(err as Error).message}`, { cause: err });
  }
}

/** `tandem/models/pull`: pull on the chosen Ollama backend with progress notifications, then re-probe. */
async function pull(
  host: FeatureHost,
  params: z.output<typeof ModelsPullRequest.params>,
  { session, signal }: RequestContext,
): Promise<ModelsPullRequest.Result> {
  const target = pullTarget(host, params.backend);
  host.logger.info(`Pulling ${params.model} on ${target.name} (${displayUrl(target.url)}) for ${session.client?.name ?? 'a client'}`);
  await pullModel(target, params.model, {
    signal,
    onProgress: (p) =>
      host.notify(session, ModelsPullProgressNotification, { pullId: params.pullId, model: params.model, backend: target.name, ...p }),
  });
  host.logger.info(`Pulled ${params.model} on ${target.name}`);
  await host.router.probeAll().catch(() => undefined);
  host.statusChanged();
  return { model: params.model, backend: target.name, status: 'success' as const };
}

/** The backend a pull goes to: the named one, or the best-priority Ollama backend not known to be down. */
function pullTarget(host: FeatureHost, name: string | undefined): PullTarget {
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
