/**
 * The extension's view of tandemd: a DaemonManager keeping the connection alive, typed
 * requests that fail fast with `NotConnectedError` while it is down, and events for the
 * daemon's status and log lines. No vscode import: the benchmark drives it in plain Node.
 */
import { Emitter, ResponseError, type Event } from 'vscode-jsonrpc/node';
import {
  DoctorRequest,
  ErrorCodes,
  EventsReportRequest,
  InlineCompletionRequest,
  LogNotification,
  PrepareCompletionRequest,
  SettingsUpdateRequest,
  StatsGetRequest,
  StatusChangedNotification,
  StatusRequest,
  WorkspaceRegisterRequest,
  type DaemonStatus,
  type TandemErrorData,
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
import type { RootRefusal } from '../shared/root-policy';

/** A workspace folder that is not registered as a root, and the sentence saying why. */
export interface RefusedRoot {
  root: string;
  message: string;
}

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
  /** Why a folder may not be a root (`shared/root-policy.ts`): such folders are not sent at all. */
  rootRefusal?: (root: string) => RootRefusal | undefined;
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
  private readonly rootsRefusedEmitter = new Emitter<RefusedRoot[]>();
  /** Folders already reported refused: each is news once per client (window), not on every reconnect. */
  private readonly refusalsReported = new Set<string>();
  private lastStatus: DaemonStatus | undefined;
  private lastSettings: SettingsUpdateRequest.Result | undefined;

  readonly onStatus: Event<DaemonStatus> = this.statusEmitter.event;
  readonly onDaemonLog: Event<LogNotification.Params> = this.logEmitter.event;
  /** The effective routing configuration after each settings update. */
  readonly onSettingsApplied: Event<SettingsUpdateRequest.Result> = this.settingsEmitter.event;
  /** The daemon refused the settings overlay (it keeps its own configuration then). */
  readonly onSettingsRejected: Event<Error> = this.settingsErrorEmitter.event;
  /** Workspace folders that were not registered (refused here or by the daemon; each folder once); the others were. */
  readonly onRootsRefused: Event<RefusedRoot[]> = this.rootsRefusedEmitter.event;

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
    await this.registerOn(session, this.deps.workspaceRoots());
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
    if (session) await this.registerOn(session, roots);
  }

  /**
   * Register the roots the policy allows. A refused folder costs neither the connection
   * nor the other folders: when the daemon refuses some (its policy is the same, but its
   * home may differ), the rest are sent again without them.
   */
  private async registerOn(session: TandemSession, roots: string[]): Promise<void> {
    const refused: RefusedRoot[] = [];
    let allowed: string[] = [];
    for (const root of roots) {
      const refusal = this.deps.rootRefusal?.(root);
      if (refusal) refused.push({ root, message: refusal.message });
      else allowed.push(root);
    }
    try {
      if (allowed.length > 0) await session.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: allowed });
    } catch (err) {
      const byDaemon = refusedByDaemon(err, allowed);
      if (!byDaemon) throw err;
      refused.push(...byDaemon);
      allowed = allowed.filter((root) => !byDaemon.some((r) => r.root === root));
      if (allowed.length > 0) await session.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: allowed });
    }
    const news = refused.filter((r) => !this.refusalsReported.has(r.root));
    for (const r of news) this.refusalsReported.add(r.root);
    if (news.length > 0) this.rootsRefusedEmitter.fire(news);
  }

  complete(params: InlineCompletionRequest.Params, signal?: AbortSignal): Promise<InlineCompletionRequest.Result> {
    const { connection } = this.session();
    return requestWithSignal(signal, (token) => connection.sendRequest(InlineCompletionRequest.type, params, token));
  }

  /** `tandem/completion/prepare`: the context of a document's first completion assembled ahead of it (no model call). */
  prepareCompletion(params: PrepareCompletionRequest.Params, signal?: AbortSignal): Promise<PrepareCompletionRequest.Result> {
    const { connection } = this.session();
    return requestWithSignal(signal, (token) => connection.sendRequest(PrepareCompletionRequest.type, params, token));
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
    this.rootsRefusedEmitter.dispose();
  }
}

/** The roots a `WorkspaceRootRefused` error lists (all of `sent` when it lists none), or undefined for any other error. */
function refusedByDaemon(err: unknown, sent: string[]): RefusedRoot[] | undefined {
  if (!(err instanceof ResponseError) || err.code !== ErrorCodes.WorkspaceRootRefused) return undefined;
  const details = (err.data as TandemErrorData | undefined)?.details as { refused?: Array<{ root: string; reason: string }> } | undefined;
  const refused = (details?.refused ?? []).map((r) => ({ root: r.root, message: r.reason }));
  return refused.length > 0 ? refused : sent.map((root) => ({ root, message: err.message }));
}
