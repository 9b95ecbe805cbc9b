/**
 * The last line of defence against a dead daemon. An error that escapes every handler
 * (thrown in a timer or event callback that a handler started, or a rejected promise
 * nobody awaited) reaches the process's `uncaughtException` / `unhandledRejection`
 * listeners installed here. When it was raised inside a request (the dispatcher runs
 * each handler in a `RequestScope`, which AsyncLocalStorage carries into every callback
 * the handler schedules), that request fails with a typed `InternalError`; either way
 * the error is logged with its stack and counted, and the daemon keeps serving its
 * other clients. The daemon's state stays consistent across such an error: storage
 * writes are transactions, and each request owns its own state.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';

/** The request an error belongs to: its method, and how to fail it. */
export interface RequestScope {
  readonly method: string;
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

export interface CrashGuard {
  /** Errors caught so far. */
  readonly caught: number;
  dispose(): void;
}

/** Install the process-level listeners (once per process: `tandemd serve` does). */
export function installCrashGuard(deps: { logger: Logger; metrics?: Pick<Metrics, 'errors'> }): CrashGuard {
  let caught = 0;
  const handle = (err: unknown, what: 'exception' | 'rejection') => {
    caught++;
    const scope = scopes.getStore();
    deps.metrics?.errors.inc({ kind: 'internal', origin: 'uncaught' });
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    deps.logger.error(`Uncaught ${what}${scope ? ` in ${scope.method}` : ''}; the daemon keeps serving: ${detail}`);
    scope?.fail(err);
  };
  const onException = (err: Error) => handle(err, 'exception');
  const onRejection = (reason: unknown) => handle(reason, 'rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    get caught() {
      return caught;
    },
    dispose() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
