/**
 * The real parts of a daemon (or of an in-process CLI run): the model router and the
 * context engine, built from the effective configuration.
 */
import { join } from 'node:path';
import type { TandemConfig } from './config';
import { TandemContextEngine } from './context/engine';
import type { DaemonParts } from './host/types';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import { Router } from './router/router';

export function createRouter(config: TandemConfig, metrics: Metrics, logger: Logger): Router {
  return new Router({ config, metrics, logger });
}

export function createContextEngine(config: TandemConfig, router: Router, logger: Logger): TandemContextEngine {
  return new TandemContextEngine({
    home: config.home,
    config: TandemContextEngine.parseConfig(config.context),
    embedder: router,
    logger,
    // The first completions after a start are as quick as the rest (context/warm-up.ts).
    warmUp: true,
  });
}

/** The daemon's parts factory (`DaemonOptions.createParts`): the router, and the context engine embedding through it. */
export function createDaemonParts(deps: { config: () => TandemConfig; metrics: Metrics; logger: Logger }): DaemonParts {
  const router = createRouter(deps.config(), deps.metrics, deps.logger);
  const context = createContextEngine(deps.config(), router, deps.logger);
  return { router, context, completionDeadlineMs: context.config.completion.deadlineMs };
}

export function indexHome(config: TandemConfig): string {
  return join(config.home, 'index');
}
