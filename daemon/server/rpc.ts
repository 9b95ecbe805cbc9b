/**
 * The daemon's request dispatcher. Every protocol request passes through here:
 * initialization gate, rate limit, schema validation of params (zod, from the message
 * namespace in protocol/), cancellation (an AbortSignal per request), error mapping to
 * typed JSON-RPC errors, and metrics. Handlers are registered from the message
 * namespaces themselves, so method names and param types cannot drift apart. Each
 * handler runs in its request scope (`request-scope.ts`): an error escaping from a
 * callback it scheduled fails that request with an `InternalError` instead of the process.
 */
import { ResponseError, type CancellationToken, type MessageConnection, type RequestType, type RequestType0 } from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import { ErrorCodes, InitializeRequest, TandemError, isCancellation, type TandemErrorData } from '../../protocol';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { runInRequestScope } from './request-scope';

/** The per-connection state handlers see. */
export interface Session {
  readonly id: string;
  readonly connection: MessageConnection;
  initialized: boolean;
  client?: { name: string; version: string };
  capabilities: NonNullable<InitializeRequest.Params['capabilities']>;
  /** Workspace roots this session registered (realpaths). */
  roots: Set<string>;
}

export interface RequestContext {
  session: Session;
  signal: AbortSignal;
}

/** A request namespace from protocol/: method, params schema and typed RequestType. */
export interface RequestSpec<S extends z.ZodType, R> {
  method: string;
  params: S;
  type: RequestType<z.input<S>, R, TandemErrorData> | RequestType0<R, TandemErrorData>;
}

type AnyHandler = (params: unknown, ctx: RequestContext) => unknown;

interface Entry {
  schema: z.ZodType;
  handler: AnyHandler;
}

export interface DispatcherOptions {
  metrics: Metrics;
  logger: Logger;
  maxRequestsPerSecond: number;
  /** Requests one connection may have unanswered at a time before `RateLimited`. Default 32. */
  maxInFlightPerSession?: number;
  /** Applied to every error message and hint sent to a client (the daemon's secret redaction). */
  redact?: (text: string) => string;
}

/** What the dispatcher keeps per connection: its rate limiter and its unanswered requests. */
interface SessionRequests {
  limiter: RateLimiter;
  inFlight: Set<AbortController>;
}

export class RpcDispatcher {
  private readonly handlers = new Map<string, Entry>();
  private readonly sessions = new Map<string, SessionRequests>();

  constructor(private readonly deps: DispatcherOptions) {}

  register<S extends z.ZodType, R>(spec: RequestSpec<S, R>, handler: (params: z.output<S>, ctx: RequestContext) => R | Promise<R>): void {
    if (this.handlers.has(spec.method)) throw new Error(`Handler for ${spec.method} registered twice`);
    this.handlers.set(spec.method, { schema: spec.params, handler: handler as AnyHandler });
  }

  methods(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** Wire a session's connection to the dispatcher. Call before `connection.listen()`. */
  attach(session: Session): void {
    const state: SessionRequests = { limiter: new RateLimiter(this.deps.maxRequestsPerSecond), inFlight: new Set() };
    this.sessions.set(session.id, state);
    session.connection.onRequest((method: string, params: unknown, token: CancellationToken) =>
      this.dispatch(session, state, method, params, token),
    );
  }

  /**
   * The session's connection is gone: abort every request it left unanswered, so their
   * model calls stop upstream instead of streaming to nobody.
   */
  detach(session: Session): void {
    const state = this.sessions.get(session.id);
    this.sessions.delete(session.id);
    for (const abort of state?.inFlight ?? []) abort.abort();
  }

  /** Unanswered requests of a session (for tests and status). */
  inFlight(sessionId: string): number {
    return this.sessions.get(sessionId)?.inFlight.size ?? 0;
  }

  private async dispatch(
    session: Session,
    state: SessionRequests,
    method: string,
    rawParams: unknown,
    token: CancellationToken,
  ): Promise<unknown> {
    const { limiter, inFlight } = state;
    const maxInFlight = this.deps.maxInFlightPerSession ?? 32;
    const started = performance.now();
    const { metrics } = this.deps;
    const known = this.handlers.get(method);
    const label = known ? method : 'unknown';
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    if (token.isCancellationRequested) abort.abort();
    try {
      if (!known) {
        throw new TandemError(ErrorCodes.MethodNotFound, `Unknown method "${truncate(method, 100)}".`, {
          hint: `Supported methods: ${this.methods().join(', ')}.`,
        });
      }
      if (!limiter.take()) {
        throw new TandemError(
          ErrorCodes.RateLimited,
          `More than ${this.deps.maxRequestsPerSecond} requests per second on this connection.`,
          {
            hint: 'Slow down; completions are debounced by the extension.',
          },
        );
      }
      if (inFlight.size >= maxInFlight) {
        throw new TandemError(ErrorCodes.RateLimited, `${maxInFlight} requests are already unanswered on this connection.`, {
          hint: 'Wait for answers (or cancel requests) before sending more.',
        });
      }
      inFlight.add(abort);
      if (!session.initialized && method !== InitializeRequest.method) {
        throw new TandemError(ErrorCodes.NotInitialized, `"${method}" was sent before "initialize".`, {
          hint: 'Send the initialize request first on every connection.',
        });
      }
      const parsed = known.schema.safeParse(rawParams ?? undefined);
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        const summary = details
          .slice(0, 5)
          .map((d) => `${d.path || 'params'}: ${d.message}`)
          .join('; ');
        throw new TandemError(ErrorCodes.InvalidParams, `Invalid params for ${method}: ${summary}`, { details });
      }
      const result = await this.runHandler(known, method, parsed.data, { session, signal: abort.signal }, abort);
      metrics.rpcRequests.inc({ method: label, outcome: 'ok' });
      return result ?? null;
    } catch (err) {
      const rerr = this.toResponseError(err, method, abort.signal.aborted);
      const kind = (rerr.data as TandemErrorData | undefined)?.kind ?? 'internal';
      metrics.rpcRequests.inc({ method: label, outcome: kind });
      if (kind !== 'cancelled') metrics.errors.inc({ kind, origin: 'rpc' });
      if (kind === 'internal') this.deps.logger.error(`${method} failed: ${(err as Error)?.stack ?? String(err)}`);
      return rerr;
    } finally {
      inFlight.delete(abort);
      sub.dispose();
      metrics.rpcDuration.observe({ method: label }, (performance.now() - started) / 1000);
    }
  }

  /**
   * Run a handler in its request scope. An error that escapes it (thrown by a timer or
   * callback it scheduled, caught by the crash guard) fails this request at once and
   * aborts the handler's signal, so its remaining work stops.
   */
  private runHandler(entry: Entry, method: string, params: unknown, ctx: RequestContext, abort: AbortController): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const fail = (err: unknown) => {
        reject(new EscapedError(err));
        abort.abort();
      };
      runInRequestScope({ method, sessionId: ctx.session.id, fail }, () => {
        try {
          Promise.resolve(entry.handler(params, ctx)).then(resolve, reject);
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  private toResponseError(err: unknown, method: string, aborted: boolean): ResponseError<TandemErrorData> {
    if (err instanceof EscapedError) {
      return new ResponseError(ErrorCodes.InternalError, `${method} failed: ${err.message}`, { kind: 'internal' });
    }
    if (aborted || isCancellation(err)) {
      return new ResponseError(ErrorCodes.RequestCancelled, `${method} was cancelled.`, { kind: 'cancelled' });
    }
    const clean = this.deps.redact ?? ((text: string) => text);
    if (err instanceof TandemError) {
      const data = err.toData();
      return new ResponseError(err.code, clean(err.message), data.hint === undefined ? data : { ...data, hint: clean(data.hint) });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new ResponseError(ErrorCodes.InternalError, clean(`${method} failed: ${message}`), { kind: 'internal' });
  }
}

/** An error that escaped a handler's own promise chain (see `runHandler`). */
class EscapedError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
    this.name = 'EscapedError';
  }
}

/** Token bucket: `rate` requests per second with a burst of `rate`. */
class RateLimiter {
  private tokens: number;
  private last = performance.now();
  constructor(private readonly rate: number) {
    this.tokens = rate;
  }
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
