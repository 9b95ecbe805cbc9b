/**
 * The request a piece of daemon work belongs to. The dispatcher runs every handler in
 * its request's scope, and AsyncLocalStorage carries the scope into everything the
 * handler awaits or schedules (timers, callbacks, model calls). Two parts read it: the
 * crash guard (`crash-guard.ts`) fails the request an escaped error belongs to, and the
 * router's upstream scheduler (`router/scheduler.ts`) shares a backend fairly between
 * the sessions its calls come from. Work outside any request (indexing, embeddings,
 * probes) has no scope.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestScope {
  readonly method: string;
  /** The session (one WebSocket connection) that sent the request. */
  readonly sessionId: string;
  /** Fail the request with this error (no-op once the request has been answered). */
  fail(err: unknown): void;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/** Run `fn` (a handler) so that anything it schedules belongs to `scope`. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** The request whose handler (or a callback it scheduled) is running now, if any. */
export function currentRequestScope(): RequestScope | undefined {
  return scopes.getStore();
}
