/**
 * tandemd's composition root: the lock, the user database, the HTTP and WebSocket
 * server, sessions and the idle timer. Everything the daemon serves comes from the
 * features in `features.ts`, registered through `host/registry.ts`; the router and the
 * context engine come from a factory so tests can pass fakes (`parts.ts` has the real one).
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { PROTOCOL_VERSION, type DaemonStatus } from '../protocol';
import { connectionForSocket } from '../protocol/transport';
import { applyOverlay, ensureHome, type TandemConfig } from './config';
import { daemonFeatures } from './features';
import { startFeatures, type HostServices } from './host/registry';
import { StatusBroadcaster, daemonStatus, publicReadiness, type StatusInputs } from './host/status';
import type { DaemonFeature, DaemonParts } from './host/types';
import { claimLock, newToken, publishLock, releaseLock, type LockInfo } from '../protocol/lockfile';
import { AlreadyRunningError } from './already-running';
import type { DaemonLogger } from './log';
import { Metrics } from './metrics';
import { startServer } from './server/listen';
import { RpcDispatcher, type Session } from './server/rpc';
import { configSecrets, redact } from './redact';
import { openUserDb, type Db } from './storage/db';
import { describeTightening, tightenHome } from './storage/private-files';
import { DAEMON_VERSION } from './version';

export interface DaemonOptions {
  config: TandemConfig;
  logger: DaemonLogger;
  /** Build router and context engine once storage and metrics exist. */
  createParts(deps: { config: () => TandemConfig; metrics: Metrics; logger: DaemonLogger; db: Db }): DaemonParts;
  /** The features to serve, in registration order (default: the list in `features.ts`). */
  features?: readonly DaemonFeature[];
  /** Port to bind (0 = any free one). Defaults to config.daemon.port. */
  port?: number;
  /** Collect Node process metrics. */
  processMetrics?: boolean;
}

export class Daemon {
  readonly metrics: Metrics;
  readonly logger: DaemonLogger;
  private readonly rpc: RpcDispatcher;
  private readonly baseConfig: TandemConfig;
  private effectiveConfig: TandemConfig;
  private readonly token = newToken();
  private readonly startedAt = Date.now();
  private readonly sessions = new Map<string, Session>();
  private readonly sessionClosed = new Set<(session: Session) => void>();
  private readonly statusBroadcaster: StatusBroadcaster;
  private parts?: DaemonParts;
  private dbHandle?: Db;
  private port = 0;
  private idleTimer?: NodeJS.Timeout;
  private readonly disposers: Array<() => void | Promise<void>> = [];
  private stopping?: Promise<void>;
  private lastProbeAt = 0;
  private readonly stoppedCallbacks: Array<() => void> = [];

  constructor(private readonly opts: DaemonOptions) {
    this.baseConfig = opts.config;
    this.effectiveConfig = opts.config;
    this.logger = opts.logger;
    this.logger.redactWith((text) => this.redact(text));
    this.metrics = new Metrics({ processMetrics: opts.processMetrics });
    this.rpc = new RpcDispatcher({
      metrics: this.metrics,
      logger: this.logger,
      redact: (text) => this.redact(text),
      maxRequestsPerSecond: opts.config.daemon.maxRequestsPerSecond,
      maxInFlightPerSession: opts.config.daemon.maxInFlightPerSession,
    });
    this.statusBroadcaster = new StatusBroadcaster(
      () => this.status(),
      () => this.sessions.values(),
    );
  }

  config(): TandemConfig {
    return this.effectiveConfig;
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
    // Everything in the home is the user's alone; an older install is tightened (and said so once).
    ensureHome(home);
    const tightened = describeTightening(home, tightenHome(home));
    if (tightened) this.logger.warn(tightened);
    const lock = await claimLock(home, claim);
    if (!lock.acquired) throw new AlreadyRunningError(lock.holder);
    if (lock.tookOver) this.logger.warn(`Took over a stale lock: ${lock.tookOver}.`);
    try {
      const db = (this.dbHandle = openUserDb(home));
      const parts = (this.parts = this.opts.createParts({
        config: () => this.effectiveConfig,
        metrics: this.metrics,
        logger: this.logger,
        db,
      }));
      const features = await startFeatures(this.opts.features ?? daemonFeatures, this.hostServices(db, parts));
      this.disposers.push(() => features.dispose());
      this.disposers.push(this.statusBroadcaster.follow(parts, this.metrics));
      this.port = await this.listen(this.opts.port ?? this.baseConfig.daemon.port);
      const info = { ...claim, port: this.port };
      publishLock(home, info);
      this.logger.info(`tandemd ${DAEMON_VERSION} listening on 127.0.0.1:${this.port} (home ${home})`);
      this.armIdleTimer();
      // Probe the backends, then load the completion model so the first keystroke does not wait for a model load.
      void parts.router
        .probeAll()
        .then(() => parts.router.warm?.('complete'))
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

  private hostServices(db: Db, parts: DaemonParts): HostServices {
    return {
      rpc: this.rpc,
      logger: this.logger,
      db,
      metrics: this.metrics,
      parts,
      config: () => this.effectiveConfig,
      statusChanged: () => this.statusBroadcaster.schedule(),
      daemon: {
        status: () => this.status(),
        sessions: () => [...this.sessions.values()],
        onSessionClosed: (listener) => {
          this.sessionClosed.add(listener);
          return { dispose: () => void this.sessionClosed.delete(listener) };
        },
        applySettings: (overlay) => (this.effectiveConfig = applyOverlay(this.baseConfig, overlay)),
        stop: (reason) => this.stop(reason),
      },
    };
  }

  private async listen(port: number): Promise<number> {
    const server = await startServer({
      port,
      token: () => this.token,
      maxMessageBytes: this.baseConfig.daemon.maxMessageBytes,
      version: DAEMON_VERSION,
      startedAt: this.startedAt,
      readiness: () => this.readiness(),
      metrics: this.metrics,
      logger: this.logger,
      onConnection: (socket) => this.onConnection(socket),
    });
    this.disposers.push(() => server.close());
    return server.port;
  }

  private onConnection(socket: WebSocket): void {
    const connection = connectionForSocket(socket, {
      maxMessageBytes: this.baseConfig.daemon.maxMessageBytes,
      // Only answers to the daemon's own daemon → client requests (the agent's approvals, edits, diagnostics).
      acceptResponses: 'own',
      maxSendBufferBytes: this.baseConfig.daemon.maxSendBufferBytes,
      onRejected: (kind, detail) => {
        this.metrics.errors.inc({ kind, origin: 'transport' });
        this.logger.debug(`Rejected a message: ${detail}`);
      },
      onSlowConsumer: (_bytes, reason) => {
        this.metrics.errors.inc({ kind: 'slow_consumer', origin: 'transport' });
        this.logger.warn(`Closed the connection of ${session.client?.name ?? 'a client'} (${session.id}): ${reason}.`);
      },
    });
    const session: Session = { id: randomUUID(), connection, initialized: false, capabilities: {}, roots: new Set() };
    this.sessions.set(session.id, session);
    this.metrics.clients.set(this.sessions.size);
    this.armIdleTimer();
    this.rpc.attach(session);
    const close = () => {
      if (!this.sessions.delete(session.id)) return;
      this.rpc.detach(session);
      connection.dispose();
      this.metrics.clients.set(this.sessions.size);
      for (const listener of [...this.sessionClosed]) listener(session);
      this.logger.info(`Client ${session.client?.name ?? 'unknown'} disconnected (${this.sessions.size} left)`);
      this.armIdleTimer();
    };
    socket.on('close', close);
    socket.on('error', (err) => this.logger.warn(`Socket error: ${err.message}`));
    connection.listen();
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

  status(): DaemonStatus {
    return daemonStatus(this.statusInputs());
  }

  private statusInputs(): StatusInputs {
    return {
      startedAt: this.startedAt,
      clients: this.sessions.size,
      storageOpen: this.dbHandle?.open === true,
      completionModel: this.effectiveConfig.tasks.complete.model,
      router: this.parts?.router,
      context: this.parts?.context,
      redact: (text) => this.redact(text),
    };
  }

  /** Every text leaving the daemon: URLs in display form, no credential of a configured backend in any form. */
  redact(text: string): string {
    return redact(text, configSecrets(this.effectiveConfig));
  }

  /** Status for `/ready`; re-probes backends (at most every 2 s) when not ready. */
  private async readiness(): Promise<{ ready: boolean; status: DaemonStatus; anonymous: { ready: boolean; reasons: string[] } }> {
    let status = this.status();
    if (!status.ready && this.parts && Date.now() - this.lastProbeAt > 2000) {
      this.lastProbeAt = Date.now();
      await this.parts.router.probeAll().catch(() => undefined);
      status = this.status();
    }
    return { ready: status.ready, status, anonymous: publicReadiness(this.statusInputs()) };
  }

  stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info(`Stopping (${reason}).`);
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.statusBroadcaster.dispose();
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
