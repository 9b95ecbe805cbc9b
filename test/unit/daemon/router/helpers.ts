/** Shared setup for router tests: configs, a recording logger, a manual clock, free ports. */
import { createServer } from 'node:net';
import type { BackendConfig, TaskConfig, TandemConfig } from '../../../../daemon/config';
import { defaultConfigFile } from '../../../../daemon/config';
import type { Logger } from '../../../../daemon/log';
import { Metrics } from '../../../../daemon/metrics';
import { Router } from '../../../../daemon/router/router';
import type { TaskType } from '../../../../protocol';
import { FakeOllama, tandemDefaultModels, type FakeModel } from '../../../fake-ollama';

export type BackendSpec = Pick<BackendConfig, 'name' | 'url'> & Partial<BackendConfig>;

export function makeConfig(
  backends: BackendSpec[],
  opts: { tasks?: Partial<Record<TaskType, Partial<TaskConfig>>>; router?: Partial<TandemConfig['router']> } = {},
): TandemConfig {
  const file = defaultConfigFile();
  const tasks = {} as Record<TaskType, TaskConfig>;
  for (const [task, cfg] of Object.entries(file.tasks) as Array<[TaskType, TaskConfig]>) {
    tasks[task] = { ...cfg, ...(opts.tasks?.[task] ?? {}) };
  }
  return {
    ...file,
    home: '/nonexistent/tandem-test-home',
    backends: backends.map((b) => ({ kind: 'ollama', priority: 0, headers: {}, enabled: true, ...b })),
    tasks,
    // Tests drive probes themselves: no background interval unless asked for.
    router: {
      ...file.router,
      failureThreshold: 3,
      circuitCooldownMs: 15_000,
      healthIntervalMs: 0,
      probeTimeoutMs: 2_000,
      ...(opts.router ?? {}),
    },
  };
}

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(msg: string): void {
    this.lines.push(`debug ${msg}`);
  }
  info(msg: string): void {
    this.lines.push(`info ${msg}`);
  }
  warn(msg: string): void {
    this.lines.push(`warn ${msg}`);
  }
  error(msg: string): void {
    this.lines.push(`error ${msg}`);
  }
}

/** A clock the test moves by hand. */
export class ManualClock {
  t = 1_000_000;
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export function makeRouter(
  config: TandemConfig,
  opts: { now?: () => number } = {},
): { router: Router; metrics: Metrics; logger: RecordingLogger } {
  const metrics = new Metrics();
  const logger = new RecordingLogger();
  const router = new Router({ config, metrics, logger, now: opts.now });
  return { router, metrics, logger };
}

/** A port nothing listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Value of a counter/gauge sample with the given labels. */
export async function metricValue(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const data = await metric.get();
  const sample = data.values.find((v) => Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val));
  return sample?.value ?? 0;
}

/** Await a promise expected to reject; return the error. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/**
 * Fake Ollama servers and routers for the tests of one suite (call it inside `describe`):
 * every router is disposed and every fake stopped after each test.
 */
export function routerFixtures(): {
  startFake: (models?: FakeModel[]) => Promise<FakeOllama>;
  /** Stop this (already started) fake after the test too. */
  adopt: (fake: FakeOllama) => void;
  router: (backends: BackendSpec[], opts?: Parameters<typeof makeConfig>[1] & { now?: () => number }) => ReturnType<typeof makeRouter>;
} {
  const fakes: FakeOllama[] = [];
  const routers: Router[] = [];
  afterEach(async () => {
    for (const r of routers.splice(0)) r.dispose();
    await Promise.all(fakes.splice(0).map((f) => f.stop()));
  });
  return {
    async startFake(models = tandemDefaultModels()) {
      const fake = new FakeOllama({ models });
      await fake.start();
      fakes.push(fake);
      return fake;
    },
    adopt(fake) {
      fakes.push(fake);
    },
    router(backends, opts = {}) {
      const made = makeRouter(makeConfig(backends, opts), { now: opts.now });
      routers.push(made.router);
      return made;
    },
  };
}
