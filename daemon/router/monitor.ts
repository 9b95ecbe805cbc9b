/**
 * Backend health as the rest of the daemon sees it: probes (on demand, and in the
 * background on `router.healthIntervalMs`), the status list, the `backendUp` gauge and
 * status-change events. A probe is the half-open trial of an open circuit once its
 * cooldown has passed; the circuit itself is `BackendHealth` (health.ts).
 */
import { performance } from 'node:perf_hooks';
import type { BackendStatus } from '../../protocol';
import type { TandemConfig } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { displayUrl } from '../../shared/url';
import { BackendFailure, protocolFailure, timeoutFailure } from './errors';
import { scrubbed, type BackendEntry, type BackendPool } from './pool';

export interface HealthMonitorDeps {
  pool: Pick<BackendPool, 'all'>;
  config: () => TandemConfig;
  metrics: Pick<Metrics, 'backendUp'>;
  logger: Logger;
  now: () => number;
  /** Aborted when the router is disposed: probes in flight are cut, none start. */
  lifetime: AbortSignal;
}

export class HealthMonitor {
  private readonly listeners = new Set<(status: BackendStatus[]) => void>();
  private lastSignature = '';
  private timer: NodeJS.Timeout | undefined;
  private timerInterval = 0;

  constructor(private readonly deps: HealthMonitorDeps) {
    this.lastSignature = this.signature();
  }

  /** (Re)arm the background probes on the configured interval (0 = none). */
  schedule(): void {
    const interval = this.deps.config().router.healthIntervalMs;
    if (this.timer && interval === this.timerInterval) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.timerInterval = interval;
    if (interval > 0 && !this.deps.lifetime.aborted) {
      this.timer = setInterval(() => void this.backgroundProbe(), interval);
      this.timer.unref();
    }
  }

  status(): BackendStatus[] {
    return this.deps.pool.all().map((e) => {
      const s: BackendStatus = {
        name: e.config.name,
        url: displayUrl(e.config.url),
        kind: e.config.kind,
        priority: e.config.priority,
        health: e.config.enabled ? e.health.health : 'down',
        circuit: e.health.circuitState(),
        consecutiveFailures: e.health.consecutiveFailures,
        latencyMs: e.health.latencyMs === null ? null : Math.round(e.health.latencyMs * 10) / 10,
      };
      if (!e.config.enabled) s.lastError = 'disabled in the configuration';
      else if (e.health.lastError) s.lastError = e.health.lastError;
      if (e.health.lastCheckedAt !== undefined) s.lastCheckedAt = e.health.lastCheckedAt;
      if (e.probe) {
        s.models = e.probe.models.map((m) => m.name);
        if (e.probe.loaded) s.loaded = e.probe.loaded.map((m) => m.name);
        if (e.probe.version) s.version = e.probe.version;
      }
      return s;
    });
  }

  /** Why a backend's circuit keeps calls away, and for how long. */
  circuitReason(entry: BackendEntry): string {
    const h = entry.health;
    const now = this.deps.now;
    const wait = Math.max(0, this.deps.config().router.circuitCooldownMs - (now() - (h.lastCheckedAt ?? now())));
    return `circuit open after ${h.consecutiveFailures} consecutive failures (last: ${h.lastError ?? 'unknown'}); next try in ${Math.ceil(wait / 1000)} s`;
  }

  async probeAll(): Promise<BackendStatus[]> {
    await Promise.all(this.enabled().map((e) => this.probe(e, true)));
    this.emitIfChanged();
    return this.status();
  }

  private async backgroundProbe(): Promise<void> {
    this.emitIfChanged();
    await Promise.all(this.enabled().map((e) => this.probe(e, false)));
    this.emitIfChanged();
  }

  private enabled(): BackendEntry[] {
    return this.deps.pool.all().filter((e) => e.config.enabled);
  }

  /**
   * Probe one backend (reachability, version, models, loaded models).
   *
   * A probe is shallow: a server can answer `/api/version` and still fail every
   * generation. So a successful probe marks the backend reachable but does not clear
   * failures that calls counted; only as the half-open trial of an open circuit (the
   * background probe takes that role once the cooldown has passed) does it close the
   * circuit. A failed probe is a real failure and counts towards opening it.
   */
  private probe(entry: BackendEntry, explicit: boolean): Promise<void> {
    if (entry.probing) return entry.probing;
    const { lifetime, logger, now } = this.deps;
    const closed = entry.health.circuitState() === 'closed';
    const trial = !closed && entry.health.acquire();
    if (!closed && !trial && !explicit) return Promise.resolve();
    const ac = new AbortController();
    const timeoutMs = this.deps.config().router.probeTimeoutMs;
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const onDispose = () => ac.abort();
    lifetime.addEventListener('abort', onDispose, { once: true });
    const started = performance.now();
    const run = async () => {
      try {
        const result = await entry.client.probe(ac.signal);
        entry.probe = result;
        entry.probeError = undefined;
        const latency = performance.now() - started;
        if (trial || (closed && entry.health.consecutiveFailures === 0)) entry.health.success(latency);
        else {
          entry.health.health = 'up';
          entry.health.lastCheckedAt = now();
          entry.health.observe(latency);
        }
      } catch (err) {
        if (lifetime.aborted) return;
        const failure = scrubbed(
          entry,
          ac.signal.aborted && !(err instanceof BackendFailure)
            ? timeoutFailure(entry.config.name, entry.config.url, 'response', timeoutMs)
            : err instanceof BackendFailure
              ? err
              : protocolFailure(
                  entry.config.name,
                  entry.config.url,
                  `failed a health probe: ${(err as Error)?.message ?? String(err)}`,
                  err,
                ),
        );
        entry.probeError = failure;
        if (closed || trial) entry.health.failure(failure.message);
        else {
          entry.health.health = 'down';
          entry.health.lastError = failure.message;
          entry.health.lastCheckedAt = now();
        }
        logger.debug(`Health probe of ${entry.config.name} failed: ${failure.message}`);
      } finally {
        clearTimeout(timer);
        lifetime.removeEventListener('abort', onDispose);
        entry.probing = undefined;
      }
    };
    entry.probing = run();
    return entry.probing;
  }

  onStatusChange(listener: (status: BackendStatus[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private signature(): string {
    return this.deps.pool
      .all()
      .map((e) => `${e.config.name}|${e.config.enabled}|${e.health.health}|${e.health.circuitState()}`)
      .join(';');
  }

  /** Update the `backendUp` gauge and tell listeners when a backend's health or circuit changed (or always, with `force`). */
  emitIfChanged(force = false): void {
    for (const e of this.deps.pool.all()) {
      if (e.health.health === 'unknown' && e.health.circuitState() === 'closed') continue;
      this.deps.metrics.backendUp.set(
        { backend: e.config.name },
        e.config.enabled && e.health.health === 'up' && e.health.circuitState() === 'closed' ? 1 : 0,
      );
    }
    const sig = this.signature();
    if (!force && sig === this.lastSignature) return;
    this.lastSignature = sig;
    if (this.listeners.size === 0) return;
    const status = this.status();
    for (const l of [...this.listeners]) {
      try {
        l(status);
      } catch (err) {
        this.deps.logger.error(`Status listener failed: ${(err as Error).message}`);
      }
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }
}
