/**
 * tandemd's composition root: lock, storage, metrics, router, context engine, the HTTP
 * and WebSocket server, sessions and the idle timer. Parts come in through factories
 * so tests can pass fakes; `main.ts` passes the real ones.
 */
import { createServer, type Server } from 'node:http';
import { realpathSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import {
  DoctorRequest,
  ErrorCodes,
  InitializeRequest,
  InlineCompletionRequest,
  LogNotification,
  PROTOCOL_VERSION,
  SettingsUpdateRequest,
  ShutdownRequest,
  StatusChangedNotification,
  StatusRequest,
  StreamDeltaNotification,
  TandemError,
  TaskTypes,
  WorkspaceRegisterRequest,
  formatVersion,
  isCompatible,
  type BackendStatus,
  type DaemonStatus,
  type TaskType,
} from '../protocol';
import { connectionForSocket } from '../protocol/transport';
import { applyOverlay, type TandemConfig } from './config';
import { runInlineCompletion, type CompletionParams } from './completion';
import type { ContextEngine } from './context/types';
import { acquireLock, newToken, publishLock, releaseLock, type LockInfo } from '../protocol/lockfile';
import type { DaemonLogger } from './log';
import { Metrics } from './metrics';
import { displayUrl } from './router/errors';
import { sameModel } from './router/backend';
import type { ModelRouter } from './router/types';
import { httpHandler } from './server/http';
import { RpcDispatcher, type Session } from './server/rpc';
import { createWsGate } from './server/ws';
import { openUserDb, type Db } from './storage/db';
import { DAEMON_VERSION } from './version';

export interface ReconfigurableRouter extends ModelRouter {
  reconfigure(config: TandemConfig): void;
}

export interface DaemonParts {
  router: ReconfigurableRouter;
  context: ContextEngine;
  /** Completion-time context deadline, ms (default 30). */
  completionDeadlineMs?: number;
  /** Extra protocol handlers and shutdown hooks contributed by features (telemetry, chat…). */
  extensions?: Array<(daemon: DaemonHost) => void | (() => void | Promise<void>)>;
}

/** What a feature module may use to plug itself into the daemon. */
export interface DaemonHost {
  readonly rpc: RpcDispatcher;
  /** The model router (chat, fix and edit features call it directly). */
  readonly router: ReconfigurableRouter;
  /** The context engine (retrieval for chat, fix and edit). */
  readonly context: ContextEngine;
  readonly db: Db;
  readonly metrics: Metrics;
  readonly logger: DaemonLogger;
  config(): TandemConfig;
  broadcastStatus(): void;
  /** Open, initialized sessions. */
  sessionsList(): Session[];
}

export interface DaemonOptions {
  config: TandemConfig;
  logger: DaemonLogger;
  /** Build router and context engine once storage and metrics exist. */
  createParts(deps: { config: () => TandemConfig; metrics: Metrics; logger: DaemonLogger; db: Db }): DaemonParts;
  /** Port to bind (0 = any free one). Defaults to config.daemon.port. */
  port?: number;
  /** Collect Node process metrics. */
  processMetrics?: boolean;
}

export class AlreadyRunningError extends Error {
  constructor(readonly holder: LockInfo) {
    super(`tandemd is already running (pid ${holder.pid}, port ${holder.port}).`);
    this.name = 'AlreadyRunningError';
  }
}

const startedStatus = Symbol('started');

export class Daemon implements DaemonHost {
  readonly metrics: Metrics;
  readonly logger: DaemonLogger;
  readonly rpc: RpcDispatcher;
  private baseConfig: TandemConfig;
  private effectiveConfig: TandemConfig;
  private readonly token = newToken();
  private readonly startedAt = Date.now();
  private readonly sessions = new Map<string, Session>();
  private server?: Server;
  private parts?: DaemonParts;
  private dbHandle?: Db;
  private port = 0;
  private idleTimer?: NodeJS.Timeout;
  private statusTimer?: NodeJS.Timeout;
  private readonly disposers: Array<() => void | Promise<void>> = [];
  private stopping?: Promise<void>;
  private [startedStatus] = false;
  private lastProbeAt = 0;
  private readonly stoppedCallbacks: Array<() => void> = [];

  constructor(private readonly opts: DaemonOptions) {
    this.baseConfig = opts.config;
    this.effectiveConfig = opts.config;
    this.logger = opts.logger;
    this.metrics = new Metrics({ processMetrics: opts.processMetrics });
    this.rpc = new RpcDispatcher({
      metrics: this.metrics,
      logger: this.logger,
      maxRequestsPerSecond: opts.config.daemon.maxRequestsPerSecond,
    });
  }

  config(): TandemConfig {
    return this.effectiveConfig;
  }

  get db(): Db {
    if (!this.dbHandle) throw new TandemError(ErrorCodes.StorageError, 'Storage is not open.');
    return this.dbHandle;
  }

  get router(): ReconfigurableRouter {
    if (!this.parts) throw new Error('Daemon parts are not built yet');
    return this.parts.router;
  }

  get context(): ContextEngine {
    if (!this.parts) throw new Error('Daemon parts are not built yet');
    return this.parts.context;
  }

  /** Sessions (connections) currently open, for features that push notifications. */
  sessionsList(): Session[] {
    return [...this.sessions.values()];
  }

  get listeningPort(): number {
    return this.port;
  }

  /** Resolves when the daemon has stopped (idle exit, shutdown request or signal). */
  onStopped(cb: () => void): void {
    this.stoppedCallbacks.push(cb);
  }

  async start(): Promise<LockInfo> {
    const home = this.baseConfig.home;
    const claim: LockInfo = {
      pid: process.pid,
      port: 0,
      token: this.token,
      version: DAEMON_VERSION,
      protocol: { ...PROTOCOL_VERSION },
      startedAt: this.startedAt,
    };
    const lock = acquireLock(home, claim);
    if (!lock.acquired) throw new AlreadyRunningError(lock.holder);
    try {
      this.dbHandle = openUserDb(home);
      this.parts = this.opts.createParts({
        config: () => this.effectiveConfig,
        metrics: this.metrics,
        logger: this.logger,
        db: this.dbHandle,
      });
      this.registerHandlers();
      for (const ext of this.parts.extensions ?? []) {
        const dispose = ext(this);
        if (dispose) this.disposers.push(dispose);
      }
      this.disposers.push(this.parts.router.onStatusChange((s) => this.onBackendStatus(s)));
      this.disposers.push(this.parts.context.onProgress(() => this.broadcastStatus()));
      this.port = await this.listen(this.opts.port ?? this.baseConfig.daemon.port);
      const info = { ...claim, port: this.port };
      publishLock(home, info);
      this[startedStatus] = true;
      this.logger.info(`tandemd ${DAEMON_VERSION} listening on 127.0.0.1:${this.port} (home ${home})`);
      this.armIdleTimer();
      // Probe the backends, then load the completion model so the first keystroke does not wait for a model load.
      const router = this.parts.router;
      void router
        .probeAll()
        .then(() => router.warm?.('complete'))
        .then(
          (backend) => backend && this.logger.info(`Completion model ${this.effectiveConfig.tasks.complete.model} loaded on ${backend}.`),
        )
        .catch((err: unknown) => this.logger.warn(`Initial backend probe failed: ${(err as Error).message}`));
      return info;
    } catch (err) {
      await this.teardown();
      releaseLock(home);
      throw err;
    }
  }

  private listen(port: number): Promise<number> {
    const maxMessageBytes = this.baseConfig.daemon.maxMessageBytes;
    const gate = createWsGate({
      token: () => this.token,
      maxMessageBytes,
      onConnection: (socket) => this.onConnection(socket),
      onRefused: (status, reason) => {
        this.metrics.errors.inc({ kind: status === 401 ? 'unauthorized' : 'forbidden', origin: 'transport' });
        this.logger.warn(`Refused a connection: ${status} ${reason}`);
      },
    });
    const server = createServer(
      httpHandler({
        version: DAEMON_VERSION,
        startedAt: this.startedAt,
        readiness: () => this.readiness(),
        metricsText: async () => ({ contentType: this.metrics.contentType, body: await this.metrics.text() }),
      }),
    );
    server.on('upgrade', (req, socket, head) => gate.handleUpgrade(req, socket, head));
    server.on('clientError', (_err, socket) => socket.destroy());
    this.server = server;
    this.disposers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const client of gate.wss.clients) client.terminate();
          gate.wss.close();
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  private onConnection(socket: WebSocket): void {
    const connection = connectionForSocket(socket, {
      maxMessageBytes: this.baseConfig.daemon.maxMessageBytes,
      onRejected: (kind, detail) => {
        this.metrics.errors.inc({ kind, origin: 'transport' });
        this.logger.debug(`Rejected a message: ${detail}`);
      },
    });
    const session: Session = {
      id: randomUUID(),
      connection,
      initialized: false,
      capabilities: {},
      roots: new Set(),
    };
    this.sessions.set(session.id, session);
    this.metrics.clients.set(this.sessions.size);
    this.armIdleTimer();
    this.rpc.attach(session);
    const removeSink = this.logger.addSink((level, message, time) => {
      if (session.initialized && session.capabilities.statusNotifications) {
        void connection.sendNotification(LogNotification.type, { level, message, time }).catch(() => undefined);
      }
    });
    const close = () => {
      if (!this.sessions.delete(session.id)) return;
      removeSink();
      connection.dispose();
      this.metrics.clients.set(this.sessions.size);
      this.releaseRoots(session);
      this.logger.info(`Client ${session.client?.name ?? 'unknown'} disconnected (${this.sessions.size} left)`);
      this.armIdleTimer();
    };
    socket.on('close', close);
    socket.on('error', (err) => this.logger.warn(`Socket error: ${err.message}`));
    connection.listen();
  }

  private releaseRoots(session: Session): void {
    const context = this.parts?.context;
    if (!context) return;
    for (const root of session.roots) {
      const stillUsed = [...this.sessions.values()].some((s) => s.roots.has(root));
      if (!stillUsed) context.unregisterRoot(root);
    }
  }

  private armIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const idle = this.baseConfig.daemon.idleTimeoutSec;
    if (idle <= 0 || this.sessions.size > 0 || this.stopping) return;
    this.idleTimer = setTimeout(() => {
      this.logger.info(`No clients for ${idle} s; exiting.`);
      void this.stop('idle');
    }, idle * 1000);
  }

  private registerHandlers(): void {
    const rpc = this.rpc;
    const parts = this.parts!;

    rpc.register(InitializeRequest, (params, { session }) => {
      if (!isCompatible(params.protocolVersion, PROTOCOL_VERSION)) {
        throw new TandemError(
          ErrorCodes.ProtocolVersionMismatch,
          `Protocol version mismatch: client ${params.client.name} ${params.client.version} speaks ${formatVersion(params.protocolVersion)}, tandemd ${DAEMON_VERSION} speaks ${formatVersion(PROTOCOL_VERSION)}.`,
          {
            hint: 'Update the Tandem extension and daemon together, then restart the daemon (`tandemd stop`); the extension starts the bundled one.',
            details: { client: params.protocolVersion, daemon: PROTOCOL_VERSION },
          },
        );
      }
      session.initialized = true;
      session.client = params.client;
      session.capabilities = params.capabilities;
      this.logger.info(`Client ${params.client.name} ${params.client.version} connected (${this.sessions.size} connected)`);
      const result: InitializeRequest.Result = {
        protocolVersion: { ...PROTOCOL_VERSION },
        daemon: { name: 'tandemd', version: DAEMON_VERSION, pid: process.pid },
        sessionId: session.id,
        capabilities: { tasks: [...TaskTypes], features: this.features() },
      };
      return result;
    });

    rpc.register(ShutdownRequest, () => {
      setImmediate(() => void this.stop('shutdown request'));
      return { stopping: true as const };
    });

    rpc.register(SettingsUpdateRequest, (params, { session }) => {
      this.effectiveConfig = applyOverlay(this.baseConfig, params);
      parts.router.reconfigure(this.effectiveConfig);
      this.logger.info(
        `Settings updated by ${session.client?.name ?? 'a client'}: backends ${this.effectiveConfig.backends.map((b) => `${b.name}=${displayUrl(b.url)}`).join(', ')}`,
      );
      this.broadcastStatus();
      return this.routingSummary();
    });

    rpc.register(StatusRequest, () => this.status());

    rpc.register(DoctorRequest, async () => {
      const report = await parts.router.doctor();
      const semantic = parts.context.semanticStatus();
      if (!semantic.active) {
        report.checks.push({
          id: 'context.semantic',
          status: 'warn',
          title: 'Semantic retrieval is off; context comes from BM25 only',
          detail: semantic.reason,
          fix: `Pull the embed model: ollama pull ${this.effectiveConfig.tasks.embed.model}`,
        });
      }
      return report;
    });

    rpc.register(WorkspaceRegisterRequest, async (params, { session }) => {
      const roots: string[] = [];
      for (const root of params.roots) {
        let real: string;
        try {
          real = realpathSync(root);
          if (!statSync(real).isDirectory()) throw new Error('not a directory');
        } catch (err) {
          throw new TandemError(ErrorCodes.InvalidParams, `Workspace root ${root} cannot be used: ${(err as Error).message}.`);
        }
        session.roots.add(real);
        roots.push(real);
        await parts.context.registerRoot(real);
      }
      this.broadcastStatus();
      return { roots };
    });

    rpc.register(InlineCompletionRequest, (params, { session, signal }) => {
      const streamId = params.streamId;
      let seq = 0;
      return runInlineCompletion(
        { router: parts.router, context: parts.context, config: () => this.effectiveConfig, contextDeadlineMs: parts.completionDeadlineMs },
        {
          params: params as CompletionParams,
          sessionKey: session.id,
          signal,
          onDelta: streamId
            ? (delta) =>
                void session.connection
                  .sendNotification(StreamDeltaNotification.type, { streamId, seq: seq++, delta })
                  .catch(() => undefined)
            : undefined,
        },
      );
    });
  }

  private features(): string[] {
    return [
      'completion',
      'context',
      ...this.rpc
        .methods()
        .filter((m) => m.startsWith('tandem/'))
        .map((m) => m.split('/')[1]!),
    ].filter((v, i, a) => a.indexOf(v) === i);
  }

  private routingSummary(): SettingsUpdateRequest.Result {
    const cfg = this.effectiveConfig;
    const models = {} as Record<TaskType, string>;
    for (const t of TaskTypes) models[t] = cfg.tasks[t].model;
    return {
      backends: cfg.backends
        .filter((b) => b.enabled)
        .map((b) => ({ name: b.name, url: displayUrl(b.url), kind: b.kind, priority: b.priority })),
      models,
    };
  }

  status(): DaemonStatus {
    const backends = this.parts?.router.status() ?? [];
    const reasons: string[] = [];
    if (!this.dbHandle?.open) reasons.push('Storage is not open.');
    const model = this.effectiveConfig.tasks.complete.model;
    const serving = backends.filter((b) => servesModel(b, model));
    if (serving.length === 0) {
      if (backends.length === 0) reasons.push('No backend is configured; add one to config.json or the tandem settings.');
      for (const b of backends) reasons.push(backendReason(b, model));
    }
    const semantic = this.parts?.context.semanticStatus();
    const degraded = semantic && !semantic.active ? [`Retrieval is BM25-only: ${semantic.reason ?? 'no embed model'}.`] : [];
    return {
      version: DAEMON_VERSION,
      pid: process.pid,
      uptimeSec: Math.round((Date.now() - this.startedAt) / 1000),
      ready: reasons.length === 0,
      reasons: [...reasons, ...degraded],
      clients: this.sessions.size,
      backends,
      indexing: this.parts?.context
        .progress()
        .map((p) => ({ root: p.root, filesDone: p.filesDone, filesTotal: p.filesTotal, state: p.state })),
    };
  }

  /** Status for `/ready`; re-probes backends (at most every 2 s) when not ready. */
  private async readiness(): Promise<{ ready: boolean; status: DaemonStatus }> {
    let status = this.status();
    if (!status.ready && this.parts && Date.now() - this.lastProbeAt > 2000) {
      this.lastProbeAt = Date.now();
      await this.parts.router.probeAll().catch(() => undefined);
      status = this.status();
    }
    return { ready: status.ready, status };
  }

  private onBackendStatus(backends: BackendStatus[]): void {
    for (const b of backends) this.metrics.backendUp.set({ backend: b.name }, b.health === 'up' && b.circuit !== 'open' ? 1 : 0);
    try {
      const insert = this.db.prepare(
        'INSERT INTO backend_health (at, backend, health, circuit, latency_ms, error) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const now = Date.now();
      this.db.transaction(() => {
        for (const b of backends) insert.run(now, b.name, b.health, b.circuit, b.latencyMs, b.lastError ?? null);
      })();
    } catch (err) {
      this.metrics.errors.inc({ kind: 'storage_error', origin: 'storage' });
      this.logger.warn(`Could not record backend health: ${(err as Error).message}`);
    }
    this.broadcastStatus();
  }

  /** Send `tandem/status/changed` to subscribed clients, at most every 250 ms. */
  broadcastStatus(): void {
    if (this.statusTimer || this.stopping) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      const status = this.status();
      for (const s of this.sessions.values()) {
        if (s.initialized && s.capabilities.statusNotifications) {
          void s.connection.sendNotification(StatusChangedNotification.type, status).catch(() => undefined);
        }
      }
    }, 250);
  }

  stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info(`Stopping (${reason}).`);
      if (this.idleTimer) clearTimeout(this.idleTimer);
      if (this.statusTimer) clearTimeout(this.statusTimer);
      await this.teardown();
      releaseLock(this.baseConfig.home);
      for (const cb of this.stoppedCallbacks) cb();
    })();
    return this.stopping;
  }

  private async teardown(): Promise<void> {
    for (const dispose of this.disposers.splice(0).reverse()) {
      try {
        await dispose();
      } catch (err) {
        this.logger.warn(`Shutdown step failed: ${(err as Error).message}`);
      }
    }
    if (this.parts) {
      this.parts.router.dispose();
      await this.parts.context.dispose().catch((err: unknown) => this.logger.warn(`Context engine shutdown: ${(err as Error).message}`));
    }
    if (this.dbHandle?.open) this.dbHandle.close();
  }
}

function servesModel(b: BackendStatus, model: string): boolean {
  if (b.health !== 'up' || b.circuit === 'open') return false;
  if (b.kind !== 'ollama' || b.models === undefined) return true;
  return b.models.some((m) => sameModel(m, model));
}

function backendReason(b: BackendStatus, model: string): string {
  if (b.health === 'unknown') return `Backend ${b.name} (${b.url}) has not been reached yet.`;
  if (b.health === 'down' || b.circuit === 'open') return `Backend ${b.name} (${b.url}) is down: ${b.lastError ?? 'no answer'}.`;
  return `Backend ${b.name} (${b.url}) does not have the completion model ${model}; run \`ollama pull ${model}\` there.`;
}
