/**
 * The extension's view of tandemd: a DaemonManager keeping the connection alive, typed
 * requests that fail fast with `NotConnectedError` while it is down, and events for the
 * daemon's status and log lines. No vscode import: the benchmark drives it in plain Node.
 */
import { Emitter, type Event } from 'vscode-jsonrpc/node';
import {
  DoctorRequest,
  EventsReportRequest,
  InlineCompletionRequest,
  LogNotification,
  SettingsUpdateRequest,
  StatsGetRequest,
  StatusChangedNotification,
  StatusRequest,
  WorkspaceRegisterRequest,
  type DaemonStatus,
} from '../protocol';
import { IndexProgressNotification } from '../protocol/messages/context';
import type { Clock } from './clock';
import {
  DaemonManager,
  type ConnectionState,
  type DaemonLockInfo,
  type DaemonManagerOptions,
  type StartedDaemon,
  type ExitInfo,
} from './connection/daemon-manager';
import { openSession, requestWithSignal, type TandemSession } from './connection/daemon-session';
import type { Logger } from './log';

export class NotConnectedError extends Error {
  constructor() {
    super('Not connected to tandemd.');
    this.name = 'NotConnectedError';
  }
}

export interface TandemClientDeps {
  client: { name: string; version: string };
  /** The lock of the live daemon (its holder probed), or undefined: see DaemonManagerDeps.findLive. */
  findLive(): Promise<DaemonLockInfo | undefined> | DaemonLockInfo | undefined;
  startDaemon(): Promise<StartedDaemon>;
  explainExit(exit: ExitInfo): Promise<string>;
  /** Current settings overlay and workspace roots, read on every (re)connect. */
  settings(): SettingsUpdateRequest.Params;
  workspaceRoots(): string[];
  clock: Clock;
  log: Logger;
  managerOptions?: Partial<DaemonManagerOptions>;
}

export class TandemClient {
  readonly manager: DaemonManager<TandemSession>;
  private readonly statusEmitter = new Emitter<DaemonStatus>();
  private readonly logEmitter = new Emitter<LogNotification.Params>();
  private readonly settingsEmitter = new Emitter<SettingsUpdateRequest.Result>();
  private readonly settingsErrorEmitter = new Emitter<Error>();
  private lastStatus: DaemonStatus | undefined;
  private lastSettings: SettingsUpdateRequest.Result | undefined;

  readonly onStatus: Event<DaemonStatus> = this.statusEmitter.event;
  readonly onDaemonLog: Event<LogNotification.Params> = this.logEmitter.event;
  /** The effective routing configuration after each settings update. */
  readonly onSettingsApplied: Event<SettingsUpdateRequest.Result> = this.settingsEmitter.event;
  /** The daemon refused the settings overlay (it keeps its own configuration then). */
  readonly onSettingsRejected: Event<Error> = this.settingsErrorEmitter.event;

  constructor(private readonly deps: TandemClientDeps) {
    this.manager = new DaemonManager<TandemSession>(
      {
        findLive: deps.findLive,
        start: deps.startDaemon,
        connect: (lock) => openSession(lock, deps.client),
        prepare: (session) => this.prepare(session),
        explainExit: deps.explainExit,
        clock: deps.clock,
        log: deps.log,
      },
      deps.managerOptions,
    );
  }

  get status(): DaemonStatus | undefined {
    return this.manager.session ? this.lastStatus : undefined;
  }

  get effectiveSettings(): SettingsUpdateRequest.Result | undefined {
    return this.lastSettings;
  }

  get state(): ConnectionState<TandemSession> {
    return this.manager.current;
  }

  /** Features the connected daemon announced (`context`, `telemetry`, …). */
  hasFeature(name: string): boolean {
    return this.manager.session?.init.capabilities.features.includes(name) ?? false;
  }

  start(): Promise<void> {
    return this.manager.start();
  }

  private async prepare(session: TandemSession): Promise<void> {
    const { connection } = session;
    connection.onNotification(LogNotification.type, (p) => this.logEmitter.fire(p));
    connection.onNotification(StatusChangedNotification.type, (s) => {
      this.lastStatus = s;
      this.statusEmitter.fire(s);
    });
    connection.onNotification(IndexProgressNotification.type, (p) => {
      if (!this.lastStatus) return;
      this.lastStatus = {
        ...this.lastStatus,
        indexing: p.roots.map(({ root, filesDone, filesTotal, state }) => ({ root, filesDone, filesTotal, state })),
      };
      this.statusEmitter.fire(this.lastStatus);
    });
    // A refused overlay (say, a malformed URL) must not cost the connection.
    await this.updateSettingsOn(session);
    const roots = this.deps.workspaceRoots();
    if (roots.length > 0) await connection.sendRequest(WorkspaceRegisterRequest.type, { roots });
    this.lastStatus = await connection.sendRequest(StatusRequest.type);
    this.statusEmitter.fire(this.lastStatus);
  }

  private session(): TandemSession {
    const session = this.manager.session;
    if (!session) throw new NotConnectedError();
    return session;
  }

  /** Push changed settings (no-op while disconnected: they are sent on connect). */
  async updateSettings(): Promise<void> {
    const session = this.manager.session;
    if (session) await this.updateSettingsOn(session);
  }

  private async updateSettingsOn(session: TandemSession): Promise<void> {
    try {
      const applied = await session.connection.sendRequest(SettingsUpdateRequest.type, this.deps.settings());
      this.lastSettings = applied;
      this.settingsEmitter.fire(applied);
    } catch (err) {
      this.deps.log.warn(`tandemd refused the settings: ${(err as Error).message}`);
      this.settingsErrorEmitter.fire(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async registerRoots(roots: string[]): Promise<void> {
    const session = this.manager.session;
    if (!session || roots.length === 0) return;
    await session.connection.sendRequest(WorkspaceRegisterRequest.type, { roots });
  }

  complete(params: InlineCompletionRequest.Params, signal?: AbortSignal): Promise<InlineCompletionRequest.Result> {
    const { connection } = this.session();
    return requestWithSignal(signal, (token) => connection.sendRequest(InlineCompletionRequest.type, params, token));
  }

  reportEvents(params: EventsReportRequest.Params): Promise<EventsReportRequest.Result> {
    return this.session().connection.sendRequest(EventsReportRequest.type, params);
  }

  stats(params: StatsGetRequest.Params): Promise<StatsGetRequest.Result> {
    return this.session().connection.sendRequest(StatsGetRequest.type, params);
  }

  async refreshStatus(): Promise<DaemonStatus> {
    const status = await this.session().connection.sendRequest(StatusRequest.type);
    this.lastStatus = status;
    this.statusEmitter.fire(status);
    return status;
  }

  doctor(): Promise<DoctorRequest.Result> {
    return this.session().connection.sendRequest(DoctorRequest.type);
  }

  /** Send a request of a protocol namespace that this module does not wrap. */
  get connection() {
    return this.session().connection;
  }

  dispose(): void {
    this.manager.dispose();
    this.statusEmitter.dispose();
    this.logEmitter.dispose();
    this.settingsEmitter.dispose();
    this.settingsErrorEmitter.dispose();
  }
}
