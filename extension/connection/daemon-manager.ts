/**
 * Keeps one live connection to tandemd: find the daemon through its lock file or start
 * it, connect with the token, hand the session to `prepare` (settings, workspace roots),
 * and when the connection drops, reconnect with exponential backoff. Starting the
 * daemon is budgeted (at most `maxStarts` per `startWindowMs`) so a daemon that crashes
 * on start is not restarted forever; when the budget is spent the manager stops in the
 * `failed` state with a message the user can act on.
 *
 * Pure: the lock file, the process spawn, the socket and time come in through `deps`.
 */
import { sleep, type Clock, type TimerHandle } from '../clock';
import type { Logger } from '../log';

export interface DaemonLockInfo {
  pid: number;
  port: number;
  token: string;
  version: string;
}

export interface DaemonSession {
  /** Settles when the connection is gone (daemon exited, socket closed). */
  readonly closed: Promise<void>;
  close(): void;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Set when the process could not be spawned at all (e.g. ENOENT). */
  error?: string;
}

export interface StartedDaemon {
  pid: number | undefined;
  /** Settles when the spawned process exits (a second daemon exits 0 at once). */
  exited: Promise<ExitInfo>;
}

export interface DaemonManagerDeps<S extends DaemonSession> {
  /**
   * The lock of a live daemon, or undefined. The extension probes the holder (its
   * `/health` answers with the lock's pid), so a stale lock whose pid was reused reads
   * as absent and a new daemon is started, which takes the stale lock over.
   */
  findLive(): Promise<DaemonLockInfo | undefined> | DaemonLockInfo | undefined;
  /** Spawn a detached daemon. Rejects if the process cannot be spawned at all. */
  start(): Promise<StartedDaemon>;
  connect(lock: DaemonLockInfo): Promise<S>;
  /** Runs on every (re)connect before the session is published. */
  prepare(session: S): Promise<void>;
  /** A sentence explaining why a spawned daemon exited early (reads its log). */
  explainExit(exit: ExitInfo): Promise<string>;
  clock: Clock;
  log: Logger;
}

export interface DaemonManagerOptions {
  /** Daemon starts allowed within `startWindowMs` before giving up. */
  maxStarts: number;
  startWindowMs: number;
  /** First reconnect delay, growth factor and cap. */
  initialBackoffMs: number;
  backoffFactor: number;
  maxBackoffMs: number;
  /** How long a started daemon may take to publish its lock. */
  startTimeoutMs: number;
  /** Interval of lock file checks while waiting for a starting daemon. */
  lockPollMs: number;
}

export const defaultDaemonManagerOptions: DaemonManagerOptions = {
  maxStarts: 4,
  startWindowMs: 3 * 60_000,
  initialBackoffMs: 250,
  backoffFactor: 2,
  maxBackoffMs: 30_000,
  startTimeoutMs: 20_000,
  lockPollMs: 100,
};

export type ConnectionState<S> =
  | { kind: 'idle' }
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected'; session: S; lock: DaemonLockInfo }
  | { kind: 'waiting'; attempt: number; retryInMs: number; lastError: string }
  | { kind: 'failed'; message: string }
  | { kind: 'disposed' };

/** A daemon that could not be started; the message is meant for the user. */
export class DaemonStartError extends Error {
  constructor(
    message: string,
    /** True when the start budget is spent: stop retrying. */
    readonly budgetExhausted = false,
  ) {
    super(message);
    this.name = 'DaemonStartError';
  }
}

export class DaemonManager<S extends DaemonSession> {
  private state: ConnectionState<S> = { kind: 'idle' };
  private readonly listeners = new Set<(state: ConnectionState<S>) => void>();
  private readonly starts: number[] = [];
  private failures = 0;
  private retryTimer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly opts: DaemonManagerOptions;

  constructor(
    private readonly deps: DaemonManagerDeps<S>,
    opts: Partial<DaemonManagerOptions> = {},
  ) {
    this.opts = { ...defaultDaemonManagerOptions, ...opts };
  }

  get current(): ConnectionState<S> {
    return this.state;
  }

  /** The connected session, if any. */
  get session(): S | undefined {
    return this.state.kind === 'connected' ? this.state.session : undefined;
  }

  onDidChangeState(listener: (state: ConnectionState<S>) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Connect now (no-op while connected or connecting). */
  start(): Promise<void> {
    if (this.state.kind === 'disposed' || this.state.kind === 'connected') return Promise.resolve();
    if (this.running) return this.running;
    this.clearRetry();
    this.running = this.attempt().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Drop the current connection and connect again with a fresh start budget (the user
   * asked for it: "Restart daemon", or fixed a setting after `failed`).
   */
  async reconnect(): Promise<void> {
    if (this.state.kind === 'disposed') return;
    await this.running;
    this.starts.length = 0;
    this.failures = 0;
    this.lastError = undefined;
    const session = this.session;
    this.setState({ kind: 'idle' });
    session?.close();
    await this.start();
  }

  dispose(): void {
    if (this.state.kind === 'disposed') return;
    const session = this.session;
    this.clearRetry();
    this.abort.abort();
    this.setState({ kind: 'disposed' });
    session?.close();
  }

  private setState(state: ConnectionState<S>): void {
    if (this.state.kind === 'disposed') return;
    this.state = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (err) {
        this.deps.log.error(`connection state listener failed: ${(err as Error).message}`);
      }
    }
  }

  private clearRetry(): void {
    if (this.retryTimer) this.deps.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private startsInWindow(): number {
    const since = this.deps.clock.now() - this.opts.startWindowMs;
    while (this.starts.length > 0 && this.starts[0] < since) this.starts.shift();
    return this.starts.length;
  }

  private async attempt(): Promise<void> {
    const { deps } = this;
    this.setState({ kind: 'connecting', attempt: this.failures + 1 });
    let session: S | undefined;
    try {
      session = await this.findOrStart();
      if (this.abort.signal.aborted) {
        session.close();
        return;
      }
      await deps.prepare(session);
      if (this.abort.signal.aborted) {
        session.close();
        return;
      }
    } catch (err) {
      session?.close();
      if (this.abort.signal.aborted) return;
      this.onAttemptFailed(err);
      return;
    }
    const lock = this.lastLock!;
    this.failures = 0;
    this.setState({ kind: 'connected', session, lock });
    deps.log.info(`connected to tandemd ${lock.version} (pid ${lock.pid}, port ${lock.port})`);
    const connected = session;
    void connected.closed.then(() => this.onClosed(connected));
  }

  private lastLock: DaemonLockInfo | undefined;
  private lastError: string | undefined;

  private async findOrStart(): Promise<S> {
    const { deps } = this;
    const existing = await deps.findLive();
    if (existing) {
      const lock = existing.port > 0 ? existing : await this.waitForLock(undefined);
      try {
        const session = await deps.connect(lock);
        this.lastLock = lock;
        return session;
      } catch (err) {
        // A live pid that refuses us (hung, or a stale lock whose pid was reused):
        // fall through and start our own; the new daemon takes over a stale lock.
        deps.log.warn(`tandemd (pid ${lock.pid}) did not accept the connection: ${(err as Error).message}`);
      }
    }
    if (this.startsInWindow() >= this.opts.maxStarts) {
      const minutes = Math.round(this.opts.startWindowMs / 60_000);
      const last = this.lastError ? ` Last error: ${this.lastError}` : '';
      throw new DaemonStartError(
        `tandemd was started ${this.opts.maxStarts} times within ${minutes} minutes and is still not reachable; Tandem stops trying until you run "Tandem: Restart Daemon".${last}`,
        true,
      );
    }
    this.starts.push(deps.clock.now());
    deps.log.info('starting tandemd');
    const started = await deps.start();
    const lock = await this.waitForLock(started);
    const session = await deps.connect(lock);
    this.lastLock = lock;
    return session;
  }

  /** Wait until a live lock with a port appears; fail fast if our child exits with an error. */
  private async waitForLock(started: StartedDaemon | undefined): Promise<DaemonLockInfo> {
    const { deps, opts } = this;
    let exit: ExitInfo | undefined;
    void started?.exited.then((info) => (exit = info));
    const deadline = deps.clock.now() + opts.startTimeoutMs;
    for (;;) {
      const lock = await deps.findLive();
      if (lock && lock.port > 0) return lock;
      if (exit && (exit.code !== 0 || exit.error)) {
        throw new DaemonStartError(await deps.explainExit(exit));
      }
      if (deps.clock.now() >= deadline) {
        throw new DaemonStartError(`tandemd did not become ready within ${Math.round(opts.startTimeoutMs / 1000)} s.`);
      }
      await sleep(deps.clock, opts.lockPollMs, this.abort.signal);
    }
  }

  private onAttemptFailed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.failures += 1;
    if (err instanceof DaemonStartError && err.budgetExhausted) {
      this.setState({ kind: 'failed', message });
      this.deps.log.error(message);
      return;
    }
    this.lastError = message;
    const delay = Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * this.opts.backoffFactor ** (this.failures - 1));
    this.deps.log.warn(`cannot reach tandemd (${message}); retrying in ${delay} ms`);
    this.setState({ kind: 'waiting', attempt: this.failures, retryInMs: delay, lastError: message });
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.start();
    }, delay);
  }

  private onClosed(session: S): void {
    if (this.state.kind !== 'connected' || this.state.session !== session) return;
    this.deps.log.warn('connection to tandemd lost; reconnecting');
    this.failures += 1;
    const delay = Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * this.opts.backoffFactor ** (this.failures - 1));
    this.setState({ kind: 'waiting', attempt: this.failures, retryInMs: delay, lastError: 'connection lost' });
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.start();
    }, delay);
  }
}
