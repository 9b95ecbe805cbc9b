/**
 * The shape of a daemon feature and what the daemon hands it.
 *
 * A feature is one folder, `daemon/<feature>/`, whose `feature.ts` exports one
 * `DaemonFeature`: its name, the capability names it announces in `initialize`, the
 * protocol requests it serves and the notifications it sends (namespaces from
 * protocol/, never strings), and `register(host)`, which wires its handlers and returns
 * what to dispose when the daemon stops. `daemon/features.ts` lists every feature; the
 * daemon registers them in that order and disposes them in reverse.
 *
 * Registration is checked against the declaration (`host/registry.ts`): a handler for
 * an undeclared request, a declared request left without a handler, a notification the
 * feature did not declare, or a request two features claim, each fails with an error
 * naming the feature and the method, at daemon start for the first three.
 */
import type { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { z } from 'zod';
import type { DaemonStatus, MessageDirection, TandemErrorData } from '../../protocol';
import type { TandemConfig, applyOverlay } from '../config';
import type { TandemContextEngine } from '../context/engine';
import type { DaemonLogger } from '../log';
import type { Metrics } from '../metrics';
import type { ModelRouter } from '../router/types';
import type { RequestContext, Session } from '../server/rpc';
import type { Db } from '../storage/db';

/** Something to release when the daemon stops (timers, subscriptions, metrics, running work). */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** A request namespace from protocol/ (`ChatSendRequest`, …): method, direction, params schema, typed `RequestType`. */
export interface RequestNamespace<S extends z.ZodType = z.ZodType, R = unknown> {
  readonly method: string;
  readonly messageDirection: MessageDirection;
  readonly params: S;
  readonly type: RequestType<z.input<S>, R, TandemErrorData> | RequestType0<R, TandemErrorData>;
}

/** A notification namespace from protocol/ (`IndexProgressNotification`, …). */
export interface NotificationNamespace<P = unknown> {
  readonly method: string;
  readonly messageDirection: MessageDirection;
  readonly type: NotificationType<P>;
}

/** One daemon feature: a folder under daemon/ exporting this from its `feature.ts`. */
export interface DaemonFeature {
  /** Unique among the daemon's features; named in registration errors and shutdown logs. */
  readonly name: string;
  /**
   * Names this feature adds to `initialize`'s `capabilities.features` (what clients test
   * with `hasFeature`). Part of the wire contract: never rename one.
   */
  readonly capabilities: readonly string[];
  /** Requests it serves; `register` must give each one handler and no others. */
  readonly requests: readonly RequestNamespace[];
  /** Notifications it sends through `notify`, `broadcast` or `stream` (`StreamDeltaNotification`). */
  readonly notifications: readonly NotificationNamespace[];
  /** Requests it sends to clients (daemon → client) through `request`; each needs a capability the client declared. */
  readonly clientRequests?: readonly RequestNamespace[];
  /** Wire handlers and subscriptions; runs once, at daemon start, before the server listens. */
  register(host: FeatureHost): Disposable;
}

/** The router as the daemon owns it: features use `ModelRouter`; settings updates reconfigure it. */
export interface ReconfigurableRouter extends ModelRouter {
  reconfigure(config: TandemConfig): void;
}

/** What the parts factory builds once storage and metrics exist (tests pass fakes). */
export interface DaemonParts {
  router: ReconfigurableRouter;
  context: TandemContextEngine;
  /** Completion-time context deadline, ms (the context engine's `completion.deadlineMs`; default 30). */
  completionDeadlineMs?: number;
}

/** Sends one stream's `tandem/stream/delta` notifications, `seq` counting from 0. */
export type StreamSender = (delta: string) => void;

/** A request handler: params arrive validated (and defaulted) by the message's zod schema. */
export type RequestHandler<S extends z.ZodType, R> = (params: z.output<S>, ctx: RequestContext) => R | Promise<R>;

/** What every feature gets from the daemon. One per feature: its checks know the feature's declaration. */
export interface FeatureHost {
  readonly logger: DaemonLogger;
  /** The user database (migrations in daemon/storage/migrations.ts). */
  readonly db: Db;
  /** The daemon's Prometheus registry (`metrics.registry`) and its shared counters. */
  readonly metrics: Metrics;
  readonly router: ReconfigurableRouter;
  readonly context: TandemContextEngine;
  /** Completion-time context deadline from the parts factory, ms (undefined: the completion default). */
  readonly completionDeadlineMs: number | undefined;
  /** The effective configuration (config.json overlaid with the clients' settings); read it per call. */
  config(): TandemConfig;
  /** Serve a declared request. Only inside `register`. */
  handle<S extends z.ZodType, R>(request: RequestNamespace<S, R>, handler: RequestHandler<S, R>): void;
  /** Send a declared notification to one session (a closed connection drops it silently). */
  notify<P>(session: Session, notification: NotificationNamespace<P>, params: P): void;
  /**
   * The sender of `tandem/stream/delta` for a request's `streamId` (declare
   * `StreamDeltaNotification`); without a stream id it drops the deltas.
   */
  stream(session: Session, streamId: string | undefined): StreamSender;
  /** Send a declared notification to every initialized session that asked for `statusNotifications`. */
  broadcast<P>(notification: NotificationNamespace<P>, params: P): void;
  /**
   * Send a declared daemon → client request to one session and await its answer;
   * aborting `signal` cancels it (`$/cancelRequest`) and rejects. A closed connection rejects.
   */
  request<S extends z.ZodType, R>(session: Session, request: RequestNamespace<S, R>, params: z.input<S>, signal: AbortSignal): Promise<R>;
  /** Something `tandem/status/get` reports changed: subscribed clients get `tandem/status/changed` (at most every 250 ms). */
  statusChanged(): void;
  /** The daemon itself: status, sessions, settings and stopping (the lifecycle feature's business). */
  readonly daemon: DaemonControl;
}

/** A client's `tandem/settings/update` params, validated. */
export type SettingsOverlay = Parameters<typeof applyOverlay>[1];

export interface DaemonControl {
  /** The status `tandem/status/get` and `/ready` report. */
  status(): DaemonStatus;
  /** `initialize`'s `capabilities.features`: every feature's declared names, in list order. */
  capabilities(): string[];
  /** Open sessions, initialized or not. */
  sessions(): Session[];
  /** Called after a session's connection closed (it is no longer in `sessions()`). */
  onSessionClosed(listener: (session: Session) => void): { dispose(): void };
  /** Overlay a client's settings on config.json's; returns the new effective configuration. */
  applySettings(overlay: SettingsOverlay): TandemConfig;
  /** Stop the daemon: dispose the features, close the server and storage, release the lock. */
  stop(reason: string): Promise<void>;
}
