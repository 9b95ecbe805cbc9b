/**
 * The model router: sends each model call to the best backend for its task and
 * streams the answer back. This class is the `ModelRouter` the daemon uses; the work is
 * done by its parts:
 *
 * - `pool.ts`: the configured backends (client, health, probe, traits) and credentials;
 * - `selection.ts`: which backends may take a call, in which order (model known,
 *   priority, health, latency), with `sticky.ts` keeping a session on its backend;
 * - `failover.ts`: one call tried on the ordered backends until one answers, while
 *   nothing has been streamed, within the task's timeout;
 * - `monitor.ts`: probes, status, status-change events (the circuit breaker itself is
 *   `health.ts`);
 * - `scheduler.ts`: capacity per backend, a reserve for completions, sessions in turn.
 */
import { performance } from 'node:perf_hooks';
import type { BackendStatus, DoctorReport, TaskType } from '../../protocol';
import type { TaskConfig, TandemConfig } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { sameModel, type GenerationOptions } from './backend';
import { diagnose, type DoctorBackendInput } from './doctor';
import { FailoverRunner, type Outcome } from './failover';
import { planFim, type ModelTraits } from './fim';
import { HealthMonitor } from './monitor';
import { BackendPool, scrub, type BackendEntry } from './pool';
import { DEFAULT_SCHEDULER_LIMITS, UpstreamScheduler } from './scheduler';
import { knownMissing, orderCandidates, type Candidates } from './selection';
import { StickySessions } from './sticky';
import type {
  ChatRequest,
  EmbedRequest,
  EmbedResult,
  FimRequest,
  GenerationResult,
  ModelRouter,
  ModelToolCall,
  ModelUsage,
  RawGenerateRequest,
} from './types';

export interface RouterOptions {
  config: TandemConfig;
  metrics: Metrics;
  logger: Logger;
  /** Clock for circuit-breaker cooldowns (tests inject one); default `Date.now`. */
  now?: () => number;
}

export class Router implements ModelRouter {
  private config: TandemConfig;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly pool: BackendPool;
  private readonly sticky = new StickySessions();
  private readonly monitor: HealthMonitor;
  private readonly failover: FailoverRunner;
  private readonly usageListeners = new Set<(usage: ModelUsage) => void>();
  private readonly lifetime = new AbortController();
  /** Upstream capacity per backend (limits read from the current config on every call). */
  readonly scheduler = new UpstreamScheduler(() => {
    const r = this.config.router;
    return {
      maxConcurrent: r.maxConcurrentPerBackend ?? DEFAULT_SCHEDULER_LIMITS.maxConcurrent,
      reservedInteractive: r.reservedForInteractive ?? DEFAULT_SCHEDULER_LIMITS.reservedInteractive,
      maxQueued: r.maxQueuedPerBackend ?? DEFAULT_SCHEDULER_LIMITS.maxQueued,
    };
  });

  constructor(opts: RouterOptions) {
    this.config = opts.config;
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
    this.pool = new BackendPool(opts.metrics, this.now);
    this.applyBackends(opts.config);
    const config = () => this.config;
    const common = { pool: this.pool, config, metrics: opts.metrics, logger: opts.logger, now: this.now, lifetime: this.lifetime.signal };
    this.monitor = new HealthMonitor(common);
    this.failover = new FailoverRunner({
      ...common,
      candidates: (task, model, sessionKey) => this.candidates(task, model, sessionKey),
      sticky: this.sticky,
      healthChanged: () => this.monitor.emitIfChanged(),
      scheduler: this.scheduler,
    });
    this.monitor.schedule();
  }

  // ------------------------------------------------------------ configuration

  /** Take a new configuration: backends may come, go or change; state of unchanged ones is kept. */
  reconfigure(config: TandemConfig): void {
    this.config = config;
    this.applyBackends(config);
    this.monitor.schedule();
    this.monitor.emitIfChanged(true);
  }

  private applyBackends(config: TandemConfig): void {
    this.pool.apply(config);
    this.sticky.retain((name) => this.pool.has(name));
  }

  private candidates(task: TaskType, model: string, sessionKey: string | undefined): Candidates {
    return orderCandidates(this.pool.all(), { task, model, sessionKey }, this.sticky, (e) => this.monitor.circuitReason(e));
  }

  // ------------------------------------------------------------ public calls

  async complete(req: FimRequest): Promise<GenerationResult> {
    const cfg = this.config.tasks.complete;
    const model = req.model ?? cfg.model;
    const stops = [...cfg.stop, ...(req.stop ?? [])];
    const started = performance.now();
    const out = await this.failover.run(
      { task: 'complete', model, sessionKey: req.sessionKey, signal: req.signal, streams: true, onDelta: req.onDelta },
      async (entry, ctx) => {
        const traits = entry.client.kind === 'ollama' ? await this.traitsOf(entry, model, ctx.signal) : { capabilities: ['insert'] };
        const plan = planFim(model, traits ?? {}, req.prefix, req.suffix, stops, req.repoContext);
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
      },
    );
    return this.used('complete', this.result(out, model, started));
  }

  async generate(req: RawGenerateRequest): Promise<GenerationResult> {
    const cfg = this.config.tasks[req.task];
    const model = req.model ?? cfg.model;
    const stop = [...new Set([...cfg.stop, ...(req.stop ?? [])])];
    const started = performance.now();
    const out = await this.failover.run(
      { task: req.task, model, sessionKey: req.sessionKey, signal: req.signal, streams: true, onDelta: req.onDelta },
      (entry, ctx) =>
        entry.client.generate({
          model,
          prompt: req.prompt,
          raw: true,
          options: this.options(cfg, req.maxTokens, stop),
          keepAlive: cfg.keep_alive,
          signal: ctx.signal,
          onText: ctx.onText,
        }),
    );
    return this.used(req.task, this.result(out, model, started));
  }

  async chat(req: ChatRequest): Promise<GenerationResult> {
    const cfg = this.config.tasks[req.task];
    const model = req.model ?? cfg.model;
    const started = performance.now();
    const out = await this.failover.run(
      { task: req.task, model, sessionKey: req.sessionKey, signal: req.signal, streams: true, onDelta: req.onDelta },
      (entry, ctx) =>
        entry.client.chat({
          model,
          messages: req.messages,
          options: this.options(cfg, req.maxTokens, cfg.stop),
          keepAlive: cfg.keep_alive,
          json: req.json,
          tools: req.tools,
          signal: ctx.signal,
          onText: ctx.onText,
          onThinking: req.onThinking,
          onProgress: ctx.onProgress,
        }),
    );
    return this.used(req.task, this.result(out, model, started));
  }

  async embed(req: EmbedRequest): Promise<EmbedResult> {
    const cfg = this.config.tasks.embed;
    const model = req.model ?? cfg.model;
    const out = await this.failover.run(
      { task: 'embed', model, sessionKey: undefined, signal: req.signal, streams: false, onDelta: undefined },
      (entry, ctx) => entry.client.embed({ model, input: req.input, keepAlive: cfg.keep_alive, numCtx: cfg.num_ctx, signal: ctx.signal }),
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
        `Could not preload ${cfg.model} on ${entry.config.name}: ${scrub(entry, err instanceof Error ? err.message : String(err))}`,
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
    out: Outcome<{
      text: string;
      doneReason: 'stop' | 'length';
      promptTokens?: number;
      outputTokens?: number;
      toolCalls?: ModelToolCall[];
    }>,
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
      ...(out.value.toolCalls && out.value.toolCalls.length > 0 ? { toolCalls: out.value.toolCalls } : {}),
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
  private async traitsOf(entry: BackendEntry, model: string, signal: AbortSignal): Promise<ModelTraits | undefined> {
    if (entry.traits.has(model)) return entry.traits.get(model);
    const traits = await entry.client.show(model, signal);
    entry.traits.set(model, traits);
    return traits;
  }

  // ------------------------------------------------------------ health and status

  status(): BackendStatus[] {
    return this.monitor.status();
  }

  canServe(task: TaskType): boolean {
    const model = this.config.tasks[task].model;
    for (const e of this.pool.all()) {
      if (!e.config.enabled || e.health.health === 'down' || !e.health.available()) continue;
      if (knownMissing(e, model)) continue;
      return true;
    }
    return false;
  }

  probeAll(): Promise<BackendStatus[]> {
    return this.monitor.probeAll();
  }

  onStatusChange(listener: (status: BackendStatus[]) => void): () => void {
    return this.monitor.onStatusChange(listener);
  }

  // ------------------------------------------------------------ doctor

  async doctor(): Promise<DoctorReport> {
    await this.probeAll();
    const tasks = this.config.tasks;
    const inspect = new Set([tasks.complete.model, tasks.embed.model, tasks.nextEdit.model, tasks.agent.model]);
    const backends: DoctorBackendInput[] = await Promise.all(
      this.pool.all().map(async (e) => {
        const traits: Record<string, ModelTraits | undefined> = {};
        const show = async (model: string) => {
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
        };
        if (e.config.enabled && e.probe && e.client.kind === 'ollama') {
          for (const model of inspect) {
            if (!e.probe.models.some((m) => sameModel(m.name, model))) continue;
            await show(model);
          }
          // The agent model cannot call tools: look for a pulled model that can, to name it.
          const agentTraits = traits[tasks.agent.model];
          if (agentTraits?.capabilities && !agentTraits.capabilities.includes('tools')) {
            for (const m of e.probe.models.filter((x) => !inspect.has(x.name)).slice(0, 8)) await show(m.name);
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
    return diagnose({ backends, tasks, nextEditFormat: this.config.nextEdit.format });
  }

  dispose(): void {
    this.monitor.dispose();
    this.lifetime.abort();
    this.usageListeners.clear();
  }
}
