/**
 * Starting the daemon's features from their list: check the declarations, give each
 * feature its own host (whose `handle`, `notify`, `broadcast` and `stream` check the
 * feature's declaration), register them in list order, and dispose them in reverse.
 *
 * Everything that can go wrong here is a programming error, and it fails the daemon's
 * start with a message naming the feature and the method:
 * - two features (or one twice) declaring the same request, or two features one name;
 * - a request declared with the daemon → client direction, or a notification the other way;
 * - `handle` for a request the feature did not declare, or after `register` returned;
 * - a declared request that `register` left without a handler;
 * - `register` throwing (the features registered before it are disposed first).
 * Sending an undeclared notification throws when it is attempted.
 */
import type { RequestType } from 'vscode-jsonrpc';
import type { z } from 'zod';
import { MessageDirection, StreamDeltaNotification, type TandemErrorData } from '../../protocol';
import type { TandemConfig } from '../config';
import type { DaemonLogger } from '../log';
import type { Metrics } from '../metrics';
import type { RpcDispatcher, Session } from '../server/rpc';
import type { Db } from '../storage/db';
import { broadcastNotification, sendClientRequest, sendNotification, streamSender } from './notify';
import type {
  DaemonControl,
  DaemonFeature,
  DaemonParts,
  Disposable,
  FeatureHost,
  NotificationNamespace,
  RequestHandler,
  RequestNamespace,
  StreamSender,
} from './types';

/** What the daemon provides to build each feature's host. */
export interface HostServices {
  readonly rpc: Pick<RpcDispatcher, 'register'>;
  readonly logger: DaemonLogger;
  readonly db: Db;
  readonly metrics: Metrics;
  readonly parts: DaemonParts;
  config(): TandemConfig;
  statusChanged(): void;
  /** The daemon control without `capabilities`, which the registry derives from the declarations. */
  readonly daemon: Omit<DaemonControl, 'capabilities'>;
}

/** A feature list that does not fit together, or a feature that broke its declaration. */
export class FeatureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeatureError';
  }
}

export interface StartedFeatures extends Disposable {
  /** `initialize`'s `capabilities.features`: the declared names, in list order, each once. */
  readonly capabilities: string[];
  /** Dispose the features in reverse order; a failing one is logged and the others still run. */
  dispose(): Promise<void>;
}

/** Capability names in list order, each once. */
export function capabilitiesOf(features: readonly DaemonFeature[]): string[] {
  return [...new Set(features.flatMap((f) => f.capabilities))];
}

/** Check that the declarations fit together; throws `FeatureError` naming what clashes. */
export function checkDeclarations(features: readonly DaemonFeature[]): void {
  const names = new Set<string>();
  const owners = new Map<string, string>();
  for (const feature of features) {
    if (!feature.name) throw new FeatureError('A daemon feature has no name.');
    if (names.has(feature.name)) throw new FeatureError(`Two daemon features are named "${feature.name}".`);
    names.add(feature.name);
    for (const request of feature.requests) {
      if (request.messageDirection === MessageDirection.serverToClient) {
        throw new FeatureError(
          `Feature "${feature.name}" declares ${request.method} as a request it serves, but it goes daemon → client; declare it in notifications.`,
        );
      }
      const owner = owners.get(request.method);
      if (owner !== undefined) {
        throw new FeatureError(
          owner === feature.name
            ? `Feature "${feature.name}" declares the request ${request.method} twice.`
            : `Features "${owner}" and "${feature.name}" both declare the request ${request.method}; a request has one feature serving it.`,
        );
      }
      owners.set(request.method, feature.name);
    }
    for (const request of feature.clientRequests ?? []) {
      if (request.messageDirection !== MessageDirection.serverToClient) {
        throw new FeatureError(
          `Feature "${feature.name}" declares ${request.method} as a request it sends to clients, but it goes client → daemon.`,
        );
      }
    }
    for (const notification of feature.notifications) {
      if (notification.messageDirection === MessageDirection.clientToServer) {
        throw new FeatureError(
          `Feature "${feature.name}" declares ${notification.method} as a notification it sends, but it goes client → daemon.`,
        );
      }
    }
  }
}

/** Register `features` in order. Throws `FeatureError` (after disposing what started) when one breaks its declaration. */
export async function startFeatures(features: readonly DaemonFeature[], services: HostServices): Promise<StartedFeatures> {
  checkDeclarations(features);
  const capabilities = capabilitiesOf(features);
  const started: Array<{ name: string; disposable: Disposable }> = [];
  const dispose = async () => {
    for (const { name, disposable } of started.splice(0).reverse()) {
      try {
        await disposable.dispose();
      } catch (err) {
        services.logger.warn(`Shutdown step failed (feature ${name}): ${(err as Error).message}`);
      }
    }
  };
  for (const feature of features) {
    const host = new ScopedHost(feature, services, capabilities);
    try {
      started.push({ name: feature.name, disposable: host.register() });
      host.checkHandled();
    } catch (err) {
      await dispose();
      if (err instanceof FeatureError) throw err;
      throw new FeatureError(`Feature "${feature.name}" failed to start: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
  }
  return { capabilities, dispose };
}

/** One feature's view of the daemon; its checks know the feature's declaration. */
class ScopedHost implements FeatureHost {
  readonly logger: DaemonLogger;
  readonly db: Db;
  readonly metrics: Metrics;
  readonly daemon: DaemonControl;
  private readonly requests: Set<string>;
  private readonly notifications: Set<string>;
  private readonly clientRequests: Set<string>;
  private readonly handled = new Set<string>();
  private registering = false;

  constructor(
    private readonly feature: DaemonFeature,
    private readonly services: HostServices,
    capabilities: string[],
  ) {
    this.logger = services.logger;
    this.db = services.db;
    this.metrics = services.metrics;
    this.daemon = { ...services.daemon, capabilities: () => [...capabilities] };
    this.requests = new Set(feature.requests.map((r) => r.method));
    this.notifications = new Set(feature.notifications.map((n) => n.method));
    this.clientRequests = new Set((feature.clientRequests ?? []).map((r) => r.method));
  }

  get router() {
    return this.services.parts.router;
  }

  get context() {
    return this.services.parts.context;
  }

  get completionDeadlineMs() {
    return this.services.parts.completionDeadlineMs;
  }

  config(): TandemConfig {
    return this.services.config();
  }

  /** Call the feature's `register`; `handle` works only meanwhile. */
  register(): Disposable {
    this.registering = true;
    try {
      return this.feature.register(this);
    } finally {
      this.registering = false;
    }
  }

  /** Every declared request got its handler. */
  checkHandled(): void {
    const missing = [...this.requests].filter((m) => !this.handled.has(m));
    if (missing.length > 0) {
      throw new FeatureError(
        `Feature "${this.feature.name}" declares ${missing.join(', ')} but registered no handler for ${missing.length === 1 ? 'it' : 'them'}.`,
      );
    }
  }

  handle<S extends z.ZodType, R>(request: RequestNamespace<S, R>, handler: RequestHandler<S, R>): void {
    const name = this.feature.name;
    if (!this.requests.has(request.method)) {
      throw new FeatureError(`Feature "${name}" registers a handler for ${request.method}, which is not among the requests it declares.`);
    }
    if (!this.registering) {
      throw new FeatureError(
        `Feature "${name}" registers a handler for ${request.method} after start; register every handler in register().`,
      );
    }
    if (this.handled.has(request.method)) throw new FeatureError(`Feature "${name}" registers two handlers for ${request.method}.`);
    this.handled.add(request.method);
    this.services.rpc.register(request, handler);
  }

  notify<P>(session: Session, notification: NotificationNamespace<P>, params: P): void {
    this.requireDeclared(notification);
    sendNotification(session, notification, params);
  }

  stream(session: Session, streamId: string | undefined): StreamSender {
    this.requireDeclared(StreamDeltaNotification);
    return streamSender(session, streamId);
  }

  broadcast<P>(notification: NotificationNamespace<P>, params: P): void {
    this.requireDeclared(notification);
    broadcastNotification(this.services.daemon.sessions(), notification, params);
  }

  request<S extends z.ZodType, R>(session: Session, request: RequestNamespace<S, R>, params: z.input<S>, signal: AbortSignal): Promise<R> {
    if (!this.clientRequests.has(request.method)) {
      throw new FeatureError(
        `Feature "${this.feature.name}" sends the request ${request.method}, which is not among the client requests it declares.`,
      );
    }
    return sendClientRequest(session, request.type as RequestType<z.input<S>, R, TandemErrorData>, params, signal);
  }

  statusChanged(): void {
    this.services.statusChanged();
  }

  private requireDeclared(notification: { method: string }): void {
    if (!this.notifications.has(notification.method)) {
      throw new FeatureError(
        `Feature "${this.feature.name}" sends ${notification.method}, which is not among the notifications it declares.`,
      );
    }
  }
}
