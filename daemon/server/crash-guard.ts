/**
 * The last line of defence against a dead daemon. An error that escapes every handler
 * (thrown in a timer or event callback that a handler started, or a rejected promise
 * nobody awaited) reaches the process's `uncaughtException` / `unhandledRejection`
 * listeners installed here. When it was raised inside a request (the dispatcher runs
 * each handler in its `RequestScope`, see `request-scope.ts`, which follows every
 * callback the handler schedules), that request fails with a typed `InternalError`; either way
 * the error is logged with its stack and counted, and the daemon keeps serving its
 * other clients. The daemon's state stays consistent across such an error: storage
 * writes are transactions, and each request owns its own state.
 */
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { currentRequestScope } from './request-scope';

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
    const scope = currentRequestScope();
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
