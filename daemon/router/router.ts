/**
 * The model router: sends each model call to the best backend for its task and
 * streams the answer back.
 *
 * Choice: enabled backends whose circuit lets calls through; backends known to have
 * the model before those known not to, then by priority, then healthy before failing,
 * then observed latency (EWMA of time to first token per task). Among the backends of
 * the best priority, a session's sticky backend comes first while it is healthy, so
 * its prompt cache stays warm. A failing
 * backend keeps its place by priority so that its failures reach the circuit breaker,
 * which then takes it out of rotation until a half-open trial (a call or a probe).
 *
 * Failover: an error or timeout (including the first-token timeout) moves the call to
 * the next backend, but only while nothing has been streamed to the caller. Connection
 * errors, timeouts, 5xx, auth errors and garbage streams count towards the backend's
 * circuit breaker; a missing model or a rejected request does not; a cancellation is
 * never a failure. The whole call, failovers included, is bounded by the task's
 * `timeoutMs`.
 */
import { performance } from 'node:perf_hooks';
import { ErrorCodes, TandemError, type BackendStatus, type DoctorReport, type TaskType } from '../../protocol';
import type { BackendConfig, TaskConfig, TandemConfig } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { sameModel, type BackendClient, type GenerationOptions, type ProbeResult } from './backend';
import { diagnose, type DoctorBackendInput } from './doctor';
import { BackendFailure, cancelled, displayUrl, protocolFailure, timeoutFailure } from './errors';
import { planFim, type ModelTraits } from './fim';
import { redact, secretValues } from './redact';
import { BackendHealth } from './health';
import { OllamaBackend } from './ollama';
import { OpenAiBackend } from './openai';
import type { ChatRequest, EmbedRequest, EmbedResult, FimRequest, GenerationResult, ModelRouter, ModelUsage } from './types';

export interface RouterOptions {
  config: TandemConfig;
  metrics: Metrics;
  logger: Logger;
  /** Clock for circuit-breaker cooldowns (tests inject one); default `Date.now`. */
  now?: () => number;
}

interface Entry {
  config: BackendConfig;
  client: BackendClient;
  health: BackendHealth;
  /** Last successful probe. */
  probe?: ProbeResult;
  /** Failure of the last probe, if it failed. */
  probeError?: BackendFailure;
  probing?: Promise<void>;
  /** `/api/show` answers by model (only successful ones are kept). */
  traits: Map<string, ModelTraits | undefined>;
  /** Models that already got a FIM warning in the log. */
  warned: Set<string>;
  /** When (router clock) each model last finished a call here. */
  lastUsed: Map<string, number>;
}

interface AttemptContext {
  signal: AbortSignal;
  onText: (delta: string) => void;
}

interface Outcome<T> {
  value: T;
  entry: Entry;
  firstTokenAt: number | undefined;
}

const STICKY_LIMIT = 10_000;

export class Router implements ModelRouter {
  private config: TandemConfig;
  private readonly metrics: Metrics;
  private readonly logger: Logger;
  private readonly now: () => number;
  private entries = new Map<string, Entry>();
  private readonly sticky = new Map<string, string>();
  private readonly listeners = new Set<(status: BackendStatus[]) => void>();
  private readonly usageListeners = new Set<(usage: ModelUsage) => void>();
  private lastSignature = '';
  private timer: NodeJS.Timeout | undefined;
  private timerInterval = 0;
  private readonly lifetime = new AbortController();

  constructor(opts: RouterOptions) {
    this.config = opts.config;
    this.metrics = opts.metrics;
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
    this.applyBackends(opts.config);
    this.lastSignature = this.signature();
    this.scheduleHealthChecks();
  }

  // ------------------------------------------------------------ configuration

  /** Take a new configuration: backends may come, go or change; state of unchanged ones is kept. */
  reconfigure(config: TandemConfig): void {
    this.config = config;
    this.applyBackends(config);
    this.scheduleHealthChecks();
    this.emitIfChanged(true);
  }

  private applyBackends(config: TandemConfig): void {
    const settings = { failureThreshold: config.router.failureThreshold, cooldownMs: config.router.circuitCooldownMs };
    const next = new Map<string, Entry>();
    for (const b of config.backends) {
      const old = this.entries.get(b.name);
      const sameEndpoint = old && old.config.url === b.url && old.config.kind === b.kind;
      const sameHeaders = old && JSON.stringify(old.config.headers) === JSON.stringify(b.headers);
      if (old && sameEndpoint) {
        old.health.updateSettings(settings);
        if (!sameHeaders) old.client = this.makeClient(b);
        old.config = b;
        next.set(b.name, old);
      } else {
        next.set(b.name, {
          config: b,
          client: this.makeClient(b),
          health: new BackendHealth(settings, this.now),
          traits: new Map(),
          warned: new Set(),
          lastUsed: new Map(),
        });
      }
    }
    for (const name of this.entries.keys()) {
      if (!next.has(name)) this.metrics.backendUp.remove({ backend: name });
    }
    this.entries = next;
    for (const [key, name] of this.sticky) if (!next.has(name)) this.sticky.delete(key);
  }

  private makeClient(b: BackendConfig): BackendClient {
    const opts = { name: b.name, ...withCredentialsAsHeader(b.url, b.headers) };
    return b.kind === 'openai-compatible' ? new OpenAiBackend(opts) : new OllamaBackend(opts);
  }

  private scheduleHealthChecks(): void {
    const interval = this.config.router.healthIntervalMs;
    if (this.timer && interval === this.timerInterval) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.timerInterval = interval;
    if (interval > 0 && !this.lifetime.signal.aborted) {
      this.timer = setInterval(() => void this.backgroundProbe(), interval);
      this.timer.unref();
    }
  }

  // ------------------------------------------------------------ public calls

  async complete(req: FimRequest): Promise<GenerationResult> {
    const cfg = this.config.tasks.complete;
    const model = req.model ?? cfg.model;
    const stops = [...cfg.stop, ...(req.stop ?? [])];
    const started = performance.now();
    const out = await this.run('complete', model, req.sessionKey, req.signal, true, req.onDelta, async (entry, ctx) => {
      const traits = entry.client.kind === 'ollama' ? await this.traitsOf(entry, model, ctx.signal) : { capabilities: ['insert'] };
      const plan = planFim(model, traits ?? {}, req.prefix, req.suffix, stops);
      if (plan.warning && !entry.warned.has(model)) {
        entry.warned.add(model);
        this.logger.warn(`Completion model on ${entry.config.name}: ${plan.warning}`);
      }
      return entry.client.generate({
        model,
        prompt: plan.prompt,
        suffix: plan.suffix,
        raw: plan.raw,
        options: this.options(cfg, req.maxTokens, plan.stop),
        keepAlive: cfg.keep_alive,
        signal: ctx.signal,
        onText: ctx.onText,
      });
    });
    return this.used('complete', this.result(out, model, started));
  }

  async chat(req: ChatRequest): Promise<GenerationResult> {
    const cfg = this.config.tasks[req.task];
    const model = req.model ?? cfg.model;
    const started = performance.now();
    const out = await this.run(req.task, model, req.sessionKey, req.signal, true, req.onDelta, (entry, ctx) =>
      entry.client.chat({
        model,
        messages: req.messages,
        options: this.options(cfg, req.maxTokens, cfg.stop),
        keepAlive: cfg.keep_alive,
        json: req.json,
        signal: ctx.signal,
        onText: ctx.onText,
      }),
    );
    return this.used(req.task, this.result(out, model, started));
  }

  async embed(req: EmbedRequest): Promise<EmbedResult> {
    const cfg = this.config.tasks.embed;
    const model = req.model ?? cfg.model;
    const out = await this.run('embed', model, undefined, req.signal, false, undefined, (entry, ctx) =>
      entry.client.embed({ model, input: req.input, keepAlive: cfg.keep_alive, numCtx: cfg.num_ctx, signal: ctx.signal }),
    );
    return { embeddings: out.value, model, backend: out.entry.config.name };
  }

  async warm(task: TaskType): Promise<string | undefined> {
    const cfg = this.config.tasks[task];
    const entry = this.candidates(task, cfg.model, undefined).ordered.find((e) => e.client.load && e.health.health !== 'down');
    if (!entry?.client.load) return undefined;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), cfg.timeoutMs);
    const onDispose = () => ac.abort();
    this.lifetime.signal.addEventListener('abort', onDispose, { once: true });
    try {
      await entry.client.load(cfg.model, cfg.keep_alive, task === 'embed', ac.signal);
      entry.lastUsed.set(cfg.model, this.now());
      this.logger.debug(`Loaded ${cfg.model} on ${entry.config.name} for ${task}`);
      return entry.config.name;
    } catch (err) {
      this.logger.info(
        `Could not preload ${cfg.model} on ${entry.config.name}: ${this.scrub(entry, err instanceof Error ? err.message : String(err))}`,
      );
      return undefined;
    } finally {
      clearTimeout(timer);
      this.lifetime.signal.removeEventListener('abort', onDispose);
    }
  }

  private options(cfg: TaskConfig, maxTokens: number | undefined, stop: string[]): GenerationOptions {
    return {
      temperature: cfg.temperature,
      num_predict: maxTokens ?? cfg.num_predict,
      num_ctx: cfg.num_ctx,
      stop,
      ...(cfg.top_p !== undefined ? { top_p: cfg.top_p } : {}),
    };
  }

  private result(
    out: Outcome<{ text: string; doneReason: 'stop' | 'length'; promptTokens?: number; outputTokens?: number }>,
    model: string,
    started: number,
  ): GenerationResult {
    const end = performance.now();
    return {
      text: out.value.text,
      model,
      backend: out.entry.config.name,
      doneReason: out.value.doneReason,
      firstTokenMs: (out.firstTokenAt ?? end) - started,
      totalMs: end - started,
      promptTokens: out.value.promptTokens,
      outputTokens: out.value.outputTokens,
    };
  }

  onUsage(listener: (usage: ModelUsage) => void): () => void {
    this.usageListeners.add(listener);
    return () => this.usageListeners.delete(listener);
  }

  /** Tell usage listeners about a finished call; a failing listener never fails the call. */
  private used(task: TaskType, r: GenerationResult): GenerationResult {
    const usage: ModelUsage = {
      task,
      model: r.model,
      backend: r.backend,
      at: Date.now(),
      promptTokens: r.promptTokens,
      outputTokens: r.outputTokens,
      firstTokenMs: r.firstTokenMs,
      totalMs: r.totalMs,
    };
    for (const l of this.usageListeners) {
      try {
        l(usage);
      } catch (err) {
        this.logger.error(`Usage listener failed: ${(err as Error).message}`);
      }
    }
    return r;
  }

  /** `/api/show` of a model on a backend, cached per backend and model. */
  private async traitsOf(entry: Entry, model: string, signal: AbortSignal): Promise<ModelTraits | undefined> {
    if (entry.traits.has(model)) return entry.traits.get(model);
    const traits = await entry.client.show(model, signal);
    entry.traits.set(model, traits);
    return traits;
  }

  // ------------------------------------------------------------ routing core

  private async run<T>(
    task: TaskType,
    model: string,
    sessionKey: string | undefined,
    signal: AbortSignal | undefined,
    streams: boolean,
    onDelta: ((delta: string) => void) | undefined,
    attempt: (entry: Entry, ctx: AttemptContext) => Promise<T>,
  ): Promise<Outcome<T>> {
    if (signal?.aborted) throw cancelled(signal.reason);
    if (this.lifetime.signal.aborted) throw new TandemError(ErrorCodes.NoBackendAvailable, 'The model router is shut down.');
    const cfg = this.config.tasks[task];
    const deadline = performance.now() + cfg.timeoutMs;
    const { ordered, skipped } = this.candidates(task, model, sessionKey);
    const failures: BackendFailure[] = [];

    for (let i = 0; i < ordered.length; i++) {
      const entry = ordered[i];
      const name = entry.config.name;
      if (!entry.health.acquire()) {
        skipped.push({ backend: name, url: entry.config.url, reason: 'circuit open (another call is probing it)' });
        continue;
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        entry.health.release();
        break;
      }
      const ac = new AbortController();
      const onAbort = () => ac.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.lifetime.signal.addEventListener('abort', onAbort, { once: true });
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
      const ctx: AttemptContext = {
        signal: ac.signal,
        onText: (delta) => {
          if (ac.signal.aborted || delta === '') return;
          if (firstTokenAt === undefined) {
            firstTokenAt = performance.now();
            if (firstTimer) clearTimeout(firstTimer);
            firstTimer = undefined;
          }
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
        entry.lastUsed.set(model, this.now());
        this.metrics.modelRequests.inc({ backend: name, task, outcome: 'ok' });
        this.metrics.modelFirstToken.observe({ backend: name, task }, latency / 1000);
        this.metrics.modelDuration.observe({ backend: name, task }, (end - attemptStart) / 1000);
        if (sessionKey !== undefined) this.stick(task, sessionKey, name);
        this.emitIfChanged();
        return { value, entry, firstTokenAt };
      } catch (err) {
        if (sinkError) {
          entry.health.release();
          throw sinkError.error;
        }
        if (signal?.aborted || (this.lifetime.signal.aborted && !timedOut)) {
          entry.health.release();
          this.metrics.modelRequests.inc({ backend: name, task, outcome: 'cancelled' });
          this.logger.debug(`${task} call to ${name} cancelled`);
          throw cancelled(signal?.reason);
        }
        const failure = this.scrubbed(
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
        this.metrics.modelRequests.inc({ backend: name, task, outcome });
        this.metrics.modelDuration.observe({ backend: name, task }, (performance.now() - attemptStart) / 1000);
        this.metrics.errors.inc({
          kind:
            failure.code === ErrorCodes.ModelNotFound ? 'model_not_found' : outcome === 'timeout' ? 'upstream_timeout' : 'upstream_error',
          origin: 'backend',
        });
        this.emitIfChanged();
        if (firstTokenAt !== undefined) {
          // Text already reached the caller: switching backends would splice two answers.
          this.logger.warn(`${task} call to ${name} failed mid-stream: ${failure.message}`);
          throw failure.toTandemError();
        }
        failures.push(failure);
        if (i < ordered.length - 1) {
          this.metrics.failovers.inc({ from: name, task });
          this.logger.warn(`${task} call to ${name} failed (${failure.message}); failing over`);
        } else {
          this.logger.warn(`${task} call to ${name} failed: ${failure.message}`);
        }
      } finally {
        clearTimeout(totalTimer);
        if (firstTimer) clearTimeout(firstTimer);
        signal?.removeEventListener('abort', onAbort);
        this.lifetime.signal.removeEventListener('abort', onAbort);
      }
    }
    throw this.exhausted(task, model, failures, skipped);
  }

  /**
   * A failure's text partly comes from the server (error bodies, in-stream errors), and
   * a misbehaving proxy may echo the credentials it was sent. Every failure is scrubbed
   * of the backend's header values and URL password before it reaches logs, status,
   * health history, doctor output or a client.
   */
  private scrubbed(entry: Entry, failure: BackendFailure): BackendFailure {
    const message = this.scrub(entry, failure.message);
    const hint = failure.opts.hint === undefined ? undefined : this.scrub(entry, failure.opts.hint);
    if (message === failure.message && hint === failure.opts.hint) return failure;
    return new BackendFailure(failure.code, message, { ...failure.opts, hint });
  }

  private scrub(entry: Entry, text: string): string {
    const secrets = secretValues(withCredentialsAsHeader(entry.config.url, entry.config.headers).headers);
    try {
      const password = decodeURIComponent(new URL(entry.config.url).password);
      if (password.length >= 4) secrets.push(password);
    } catch {
      // Not a URL with a password.
    }
    return secrets.length === 0 ? text : redact(text, secrets);
  }

  private stick(task: TaskType, sessionKey: string, backend: string): void {
    const key = `${task}\u0000${sessionKey}`;
    this.sticky.delete(key);
    this.sticky.set(key, backend);
    if (this.sticky.size > STICKY_LIMIT) this.sticky.delete(this.sticky.keys().next().value as string);
  }

  private candidates(
    task: TaskType,
    model: string,
    sessionKey: string | undefined,
  ): { ordered: Entry[]; skipped: Array<{ backend: string; url: string; reason: string }> } {
    const skipped: Array<{ backend: string; url: string; reason: string }> = [];
    const usable: Entry[] = [];
    for (const entry of this.entries.values()) {
      if (!entry.config.enabled) {
        skipped.push({ backend: entry.config.name, url: entry.config.url, reason: 'disabled in the configuration' });
      } else if (!entry.health.available()) {
        skipped.push({ backend: entry.config.name, url: entry.config.url, reason: this.circuitReason(entry) });
      } else usable.push(entry);
    }
    const missing = (e: Entry) => (knownMissing(e, model) ? 1 : 0);
    const down = (e: Entry) => (e.health.health === 'down' ? 1 : 0);
    usable.sort(
      (a, b) =>
        missing(a) - missing(b) ||
        a.config.priority - b.config.priority ||
        down(a) - down(b) ||
        (a.health.latencyFor(task) ?? 0) - (b.health.latencyFor(task) ?? 0),
    );
    if (sessionKey !== undefined && usable.length > 1) {
      // Stickiness chooses among equally preferred backends (it beats latency, not the
      // user's priorities): a session that failed over returns to its preferred backend
      // once that one takes calls again.
      const name = this.sticky.get(`${task}\u0000${sessionKey}`);
      const idx = usable.findIndex((e) => e.config.name === name);
      const e = usable[idx];
      if (
        idx > 0 &&
        e.config.priority === usable[0].config.priority &&
        missing(e) === missing(usable[0]) &&
        e.health.health !== 'down' &&
        e.health.circuitState() === 'closed'
      ) {
        usable.unshift(...usable.splice(idx, 1));
      }
    }
    return { ordered: usable, skipped };
  }

  private circuitReason(entry: Entry): string {
    const h = entry.health;
    const wait = Math.max(0, this.config.router.circuitCooldownMs - (this.now() - (h.lastCheckedAt ?? this.now())));
    return `circuit open after ${h.consecutiveFailures} consecutive failures (last: ${h.lastError ?? 'unknown'}); next try in ${Math.ceil(wait / 1000)} s`;
  }

  private exhausted(
    task: TaskType,
    model: string,
    failures: BackendFailure[],
    skipped: Array<{ backend: string; url: string; reason: string }>,
  ): TandemError {
    if (failures.length === 1 && skipped.length === 0) return failures[0].toTandemError();
    const details = [
      ...failures.map((f) => ({
        backend: f.opts.backend,
        url: displayUrl(this.entries.get(f.opts.backend)?.config.url ?? ''),
        reason: f.message,
      })),
      ...skipped.map((s) => ({ backend: s.backend, url: displayUrl(s.url), reason: s.reason })),
    ];
    if (failures.length > 0 && failures.every((f) => f.code === ErrorCodes.ModelNotFound)) {
      const where = failures.map((f) => `${f.opts.backend} (${displayUrl(this.entries.get(f.opts.backend)?.config.url ?? '')})`).join(', ');
      const hints = failures.map((f) => f.opts.hint).filter((h): h is string => !!h);
      return new TandemError(ErrorCodes.ModelNotFound, `Model ${model} is not available on ${where}.`, { hint: hints.join(' '), details });
    }
    if (failures.length === 0 && skipped.length === 0 && this.entries.size > 0) {
      return new TandemError(
        ErrorCodes.UpstreamTimeout,
        `No backend answered the ${task} call within ${this.config.tasks[task].timeoutMs} ms.`,
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

  // ------------------------------------------------------------ health and status

  status(): BackendStatus[] {
    return [...this.entries.values()].map((e) => {
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

  canServe(task: TaskType): boolean {
    const model = this.config.tasks[task].model;
    for (const e of this.entries.values()) {
      if (!e.config.enabled || e.health.health === 'down' || !e.health.available()) continue;
      if (knownMissing(e, model)) continue;
      return true;
    }
    return false;
  }

  async probeAll(): Promise<BackendStatus[]> {
    await Promise.all([...this.entries.values()].filter((e) => e.config.enabled).map((e) => this.probe(e, true)));
    this.emitIfChanged();
    return this.status();
  }

  private async backgroundProbe(): Promise<void> {
    this.emitIfChanged();
    await Promise.all([...this.entries.values()].filter((e) => e.config.enabled).map((e) => this.probe(e, false)));
    this.emitIfChanged();
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
  private probe(entry: Entry, explicit: boolean): Promise<void> {
    if (entry.probing) return entry.probing;
    const closed = entry.health.circuitState() === 'closed';
    const trial = !closed && entry.health.acquire();
    if (!closed && !trial && !explicit) return Promise.resolve();
    const ac = new AbortController();
    const timeoutMs = this.config.router.probeTimeoutMs;
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const onDispose = () => ac.abort();
    this.lifetime.signal.addEventListener('abort', onDispose, { once: true });
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
          entry.health.lastCheckedAt = this.now();
          entry.health.observe(latency);
        }
      } catch (err) {
        if (this.lifetime.signal.aborted) return;
        const failure = this.scrubbed(
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
          entry.health.lastCheckedAt = this.now();
        }
        this.logger.debug(`Health probe of ${entry.config.name} failed: ${failure.message}`);
      } finally {
        clearTimeout(timer);
        this.lifetime.signal.removeEventListener('abort', onDispose);
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
    return [...this.entries.values()]
      .map((e) => `${e.config.name}|${e.config.enabled}|${e.health.health}|${e.health.circuitState()}`)
      .join(';');
  }

  private emitIfChanged(force = false): void {
    for (const e of this.entries.values()) {
      if (e.health.health === 'unknown' && e.health.circuitState() === 'closed') continue;
      this.metrics.backendUp.set(
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
        this.logger.error(`Status listener failed: ${(err as Error).message}`);
      }
    }
  }

  // ------------------------------------------------------------ doctor

  async doctor(): Promise<DoctorReport> {
    await this.probeAll();
    const tasks = this.config.tasks;
    const inspect = new Set([tasks.complete.model, tasks.embed.model]);
    const backends: DoctorBackendInput[] = await Promise.all(
      [...this.entries.values()].map(async (e) => {
        const traits: Record<string, ModelTraits | undefined> = {};
        if (e.config.enabled && e.probe && e.client.kind === 'ollama') {
          for (const model of inspect) {
            if (!e.probe.models.some((m) => sameModel(m.name, model))) continue;
            const ac = new AbortController();
            const timer = setTimeout(() => ac.abort(), this.config.router.probeTimeoutMs);
            try {
              traits[model] = await e.client.show(model, ac.signal);
              e.traits.set(model, traits[model]);
            } catch {
              // A model that cannot be shown is reported by its missing traits.
            } finally {
              clearTimeout(timer);
            }
          }
        }
        const now = this.now();
        return {
          name: e.config.name,
          url: e.config.url,
          kind: e.config.kind,
          enabled: e.config.enabled,
          reachable: e.probe !== undefined && e.probeError === undefined,
          error: e.probeError
            ? {
                message: e.probeError.message,
                hint: e.probeError.opts.hint,
                httpStatus: e.probeError.opts.httpStatus,
                code: e.probeError.code,
              }
            : undefined,
          version: e.probe?.version,
          models: e.probe?.models,
          loaded: e.probe?.loaded,
          traits,
          usedAgoMs: Object.fromEntries([...e.lastUsed].map(([m, t]) => [m, now - t])),
        };
      }),
    );
    return diagnose({ backends, tasks });
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.lifetime.abort();
    this.listeners.clear();
    this.usageListeners.clear();
  }
}

/**
 * The last probe lists the backend's models and `model` is not among them. A
 * single-model OpenAI-compatible server (llama.cpp) lists a file name and answers any
 * model name, so it never counts as missing one.
 */
function knownMissing(e: Entry, model: string): boolean {
  if (!e.probe || e.probe.models.length === 0) return false;
  if (e.client.kind === 'openai-compatible' && e.probe.models.length === 1) return false;
  return !e.probe.models.some((m) => sameModel(m.name, model));
}

/**
 * fetch refuses URLs with credentials; `http://user:pass@host` (a proxy with basic
 * auth) becomes the bare URL plus an Authorization header, unless one is configured.
 */
function withCredentialsAsHeader(url: string, headers: Record<string, string>): { url: string; headers: Record<string, string> } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, headers };
  }
  if (!u.username && !u.password) return { url, headers };
  const basic = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  u.username = '';
  u.password = '';
  const hasAuth = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  return { url: u.toString().replace(/\/$/, ''), headers: hasAuth ? headers : { ...headers, Authorization: `Basic ${basic}` } };
}
