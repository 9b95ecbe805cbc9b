/**
 * Call execution with failover: try the ordered backends in turn until one answers.
 * An error or timeout (including the first-token timeout) moves the call to the next
 * backend, but only while nothing has been streamed to the caller. Connection errors,
 * timeouts, 5xx, auth errors and garbage streams count towards the backend's circuit
 * breaker; a missing model or a rejected request does not; a cancellation is never a
 * failure. The whole call, failovers included, is bounded by the task's `timeoutMs`.
 * When every backend failed or was skipped, one error says what happened on each.
 *
 * Before a backend is tried, the call waits for a slot on it (`scheduler.ts`: bounded
 * concurrency per backend, completions first, sessions in turn). The wait counts
 * against the task's timeout but not against the backend: a backend busy with other
 * calls is passed over for the next one, never marked as failing.
 */
import { performance } from 'node:perf_hooks';
import { ErrorCodes, TandemError, type TaskType } from '../../protocol';
import type { TandemConfig } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { displayUrl } from '../../shared/url';
import { currentRequestScope } from '../server/request-scope';
import { BackendFailure, cancelled, protocolFailure, timeoutFailure } from './errors';
import { scrubbed, type BackendEntry, type BackendPool } from './pool';
import type { Slot, UpstreamScheduler } from './scheduler';
import type { Candidates, SkippedBackend } from './selection';
import type { StickySessions } from './sticky';

export interface AttemptContext {
  signal: AbortSignal;
  onText: (delta: string) => void;
  /** The backend produced something other than answer text (a tool call, reasoning): the first token has arrived. */
  onProgress: () => void;
}

export interface Outcome<T> {
  value: T;
  entry: BackendEntry;
  firstTokenAt: number | undefined;
}

export interface CallSpec {
  task: TaskType;
  model: string;
  sessionKey: string | undefined;
  signal: AbortSignal | undefined;
  /** Streaming calls get a first-token timeout. */
  streams: boolean;
  onDelta: ((delta: string) => void) | undefined;
}

export interface FailoverDeps {
  config: () => TandemConfig;
  pool: Pick<BackendPool, 'get' | 'size'>;
  /** The backends that may take this call, best first, and those passed over. */
  candidates: (task: TaskType, model: string, sessionKey: string | undefined) => Candidates;
  sticky: Pick<StickySessions, 'stick'>;
  metrics: Pick<Metrics, 'modelRequests' | 'modelFirstToken' | 'modelDuration' | 'errors' | 'failovers'>;
  logger: Logger;
  now: () => number;
  /** Aborted when the router is disposed. */
  lifetime: AbortSignal;
  /** A backend's health may have changed (status events, gauges). */
  healthChanged: () => void;
  /** Upstream capacity per backend; without one, calls go out at once. */
  scheduler?: Pick<UpstreamScheduler, 'acquire'>;
}

export class FailoverRunner {
  constructor(private readonly deps: FailoverDeps) {}

  async run<T>(call: CallSpec, attempt: (entry: BackendEntry, ctx: AttemptContext) => Promise<T>): Promise<Outcome<T>> {
    const { task, model, sessionKey, signal, streams, onDelta } = call;
    const { lifetime, metrics, logger } = this.deps;
    if (signal?.aborted) throw cancelled(signal.reason);
    if (lifetime.aborted) throw new TandemError(ErrorCodes.NoBackendAvailable, 'The model router is shut down.');
    const cfg = this.deps.config().tasks[task];
    const deadline = performance.now() + cfg.timeoutMs;
    const { ordered, skipped } = this.deps.candidates(task, model, sessionKey);
    const failures: BackendFailure[] = [];
    /** Backends passed over because their capacity was taken (the waits that ran out). */
    const busy: TandemError[] = [];
    const owner = currentRequestScope()?.sessionId ?? 'daemon';

    for (let i = 0; i < ordered.length; i++) {
      const entry = ordered[i];
      const name = entry.config.name;
      if (!entry.health.acquire()) {
        skipped.push({ backend: name, url: entry.config.url, reason: 'circuit open (another call is probing it)' });
        continue;
      }
      let slot: Slot | undefined;
      try {
        slot = await this.slotOn(name, task, owner, signal, deadline - performance.now());
      } catch (err) {
        entry.health.release();
        if (signal?.aborted || lifetime.aborted) throw cancelled(signal?.reason);
        if (!(err instanceof TandemError)) throw err;
        busy.push(err);
        skipped.push({ backend: name, url: entry.config.url, reason: err.message });
        logger.debug(`${task} call passed over ${name}: ${err.message}`);
        continue;
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        entry.health.release();
        slot?.release();
        break;
      }
      const ac = new AbortController();
      const onAbort = () => ac.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      lifetime.addEventListener('abort', onAbort, { once: true });
      let timedOut: { what: 'first token' | 'response'; ms: number } | undefined;
      const totalTimer = setTimeout(() => {
        timedOut ??= { what: 'response', ms: cfg.timeoutMs };
        ac.abort();
      }, remaining);
      const firstMs = Math.min(cfg.firstTokenTimeoutMs, remaining);
      let firstTimer: NodeJS.Timeout | undefined = streams
        ? setTimeout(() => {
            timedOut ??= { what: 'first token', ms: firstMs };
            ac.abort();
          }, firstMs)
        : undefined;
      const attemptStart = performance.now();
      let firstTokenAt: number | undefined;
      /** Set when the caller's own delta sink threw: the call ends with that error, the backend is not blamed. */
      let sinkError: { error: unknown } | undefined;
      const firstToken = () => {
        if (firstTokenAt !== undefined) return;
        firstTokenAt = performance.now();
        if (firstTimer) clearTimeout(firstTimer);
        firstTimer = undefined;
      };
      const ctx: AttemptContext = {
        signal: ac.signal,
        onProgress: () => {
          if (!ac.signal.aborted) firstToken();
        },
        onText: (delta) => {
          if (ac.signal.aborted || delta === '') return;
          firstToken();
          try {
            onDelta?.(delta);
          } catch (error) {
            sinkError = { error };
            ac.abort();
          }
        },
      };
      try {
        const value = await attempt(entry, ctx);
        if (ac.signal.aborted) throw new Error('aborted');
        const end = performance.now();
        const latency = (firstTokenAt ?? end) - attemptStart;
        entry.health.success(latency, task);
        entry.lastUsed.set(model, this.deps.now());
        metrics.modelRequests.inc({ backend: name, task, outcome: 'ok' });
        metrics.modelFirstToken.observe({ backend: name, task }, latency / 1000);
        metrics.modelDuration.observe({ backend: name, task }, (end - attemptStart) / 1000);
        if (sessionKey !== undefined) this.deps.sticky.stick(task, sessionKey, name);
        this.deps.healthChanged();
        return { value, entry, firstTokenAt };
      } catch (err) {
        if (sinkError) {
          entry.health.release();
          throw sinkError.error;
        }
        if (signal?.aborted || (lifetime.aborted && !timedOut)) {
          entry.health.release();
          metrics.modelRequests.inc({ backend: name, task, outcome: 'cancelled' });
          logger.debug(`${task} call to ${name} cancelled`);
          throw cancelled(signal?.reason);
        }
        const failure = scrubbed(
          entry,
          timedOut
            ? timeoutFailure(name, entry.config.url, timedOut.what, timedOut.ms)
            : err instanceof BackendFailure
              ? err
              : protocolFailure(name, entry.config.url, `failed: ${(err as Error)?.message ?? String(err)}`, err),
        );
        if (failure.opts.countsAsFailure) entry.health.failure(failure.message);
        else entry.health.release();
        const outcome = failure.code === ErrorCodes.UpstreamTimeout ? 'timeout' : 'error';
        metrics.modelRequests.inc({ backend: name, task, outcome });
        metrics.modelDuration.observe({ backend: name, task }, (performance.now() - attemptStart) / 1000);
        metrics.errors.inc({
          kind:
            failure.code === ErrorCodes.ModelNotFound ? 'model_not_found' : outcome === 'timeout' ? 'upstream_timeout' : 'upstream_error',
          origin: 'backend',
        });
        this.deps.healthChanged();
        if (firstTokenAt !== undefined) {
          // Text already reached the caller: switching backends would splice two answers.
          logger.warn(`${task} call to ${name} failed mid-stream: ${failure.message}`);
          throw failure.toTandemError();
        }
        failures.push(failure);
        if (i < ordered.length - 1) {
          metrics.failovers.inc({ from: name, task });
          logger.warn(`${task} call to ${name} failed (${failure.message}); failing over`);
        } else {
          logger.warn(`${task} call to ${name} failed: ${failure.message}`);
        }
      } finally {
        slot?.release();
        clearTimeout(totalTimer);
        if (firstTimer) clearTimeout(firstTimer);
        signal?.removeEventListener('abort', onAbort);
        lifetime.removeEventListener('abort', onAbort);
      }
    }
    if (failures.length === 0 && busy.length > 0 && busy.length === skipped.length) {
      // Every backend was busy with other calls: say so, with what to do, rather than "no backend".
      if (busy.length === 1) throw busy[0];
      throw new TandemError(busy[0].code, `Every backend is busy:\n${busy.map((b) => `  - ${b.message}`).join('\n')}`, {
        hint: busy[0].hint,
      });
    }
    throw this.exhausted(task, model, failures, skipped);
  }

  /** Wait for capacity on a backend (at once when it has a free slot), within what is left of the call's time. */
  private slotOn(
    backend: string,
    task: TaskType,
    owner: string,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<Slot | undefined> {
    const { scheduler, lifetime } = this.deps;
    if (!scheduler) return Promise.resolve(undefined);
    return scheduler.acquire({ backend, task, owner, signal: signal ? AbortSignal.any([signal, lifetime]) : lifetime, timeoutMs });
  }

  /** The one error for a call no backend could serve: what happened on each backend, and what to do. */
  private exhausted(task: TaskType, model: string, failures: BackendFailure[], skipped: SkippedBackend[]): TandemError {
    const { pool } = this.deps;
    if (failures.length === 1 && skipped.length === 0) return failures[0].toTandemError();
    const details = [
      ...failures.map((f) => ({
        backend: f.opts.backend,
        url: displayUrl(pool.get(f.opts.backend)?.config.url ?? ''),
        reason: f.message,
      })),
      ...skipped.map((s) => ({ backend: s.backend, url: displayUrl(s.url), reason: s.reason })),
    ];
    if (failures.length > 0 && failures.every((f) => f.code === ErrorCodes.ModelNotFound)) {
      const where = failures.map((f) => `${f.opts.backend} (${displayUrl(pool.get(f.opts.backend)?.config.url ?? '')})`).join(', ');
      const hints = failures.map((f) => f.opts.hint).filter((h): h is string => !!h);
      return new TandemError(ErrorCodes.ModelNotFound, `Model ${model} is not available on ${where}.`, { hint: hints.join(' '), details });
    }
    if (failures.length === 0 && skipped.length === 0 && pool.size > 0) {
      return new TandemError(
        ErrorCodes.UpstreamTimeout,
        `No backend answered the ${task} call within ${this.deps.config().tasks[task].timeoutMs} ms.`,
        {
          hint: 'Raise the task timeoutMs or use a faster backend.',
          details,
        },
      );
    }
    const lines = details.map((d) => `${d.backend} (${d.url}): ${d.reason}`);
    const message =
      details.length === 0
        ? `No backend is configured for ${task}.`
        : `No backend could serve the ${task} call with model ${model}:\n${lines.map((l) => `  - ${l}`).join('\n')}`;
    const hint =
      details.length === 0
        ? 'Add a backend in the Tandem settings or $TANDEM_HOME/config.json (e.g. Ollama at http://127.0.0.1:11434).'
        : 'Run `tandemd doctor` (or the Tandem: Doctor command) for a diagnosis and fixes.';
    return new TandemError(ErrorCodes.NoBackendAvailable, message, { hint, details });
  }
}
