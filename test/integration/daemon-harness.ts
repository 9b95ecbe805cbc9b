/**
 * Start the real daemon (`node dist/daemon.js serve`) in a temporary Tandem home and
 * talk to it over its real WebSocket. Used by the integration tests and benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectToDaemon, type DaemonConnection } from '../../protocol/client';
import { readLock, type LockInfo } from '../../protocol/lockfile';

export const DAEMON_JS = resolve(__dirname, '../../dist/daemon.js');

export function tempHome(prefix = 'tandem-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface HarnessConfig {
  backends?: Array<{ name: string; url: string; kind?: 'ollama' | 'openai-compatible'; priority?: number }>;
  idleTimeoutSec?: number;
  maxMessageBytes?: number;
  maxRequestsPerSecond?: number;
  router?: Partial<{ failureThreshold: number; circuitCooldownMs: number; healthIntervalMs: number; probeTimeoutMs: number }>;
  tasks?: Record<string, Record<string, unknown>>;
  context?: Record<string, unknown>;
  agent?: Record<string, unknown>;
  mcp?: Record<string, unknown>;
  memory?: Record<string, unknown>;
  nextEdit?: Record<string, unknown>;
}

export function writeConfig(home: string, cfg: HarnessConfig): void {
  mkdirSync(home, { recursive: true });
  const file = {
    backends: (cfg.backends ?? []).map((b, i) => ({ kind: 'ollama', priority: i, ...b })),
    daemon: {
      idleTimeoutSec: cfg.idleTimeoutSec ?? 120,
      ...(cfg.maxMessageBytes ? { maxMessageBytes: cfg.maxMessageBytes } : {}),
      ...(cfg.maxRequestsPerSecond ? { maxRequestsPerSecond: cfg.maxRequestsPerSecond } : {}),
      logLevel: 'debug',
    },
    router: { healthIntervalMs: 0, ...cfg.router },
    tasks: cfg.tasks ?? {},
    context: cfg.context ?? {},
    ...(cfg.agent ? { agent: cfg.agent } : {}),
    ...(cfg.mcp ? { mcp: cfg.mcp } : {}),
    ...(cfg.memory ? { memory: cfg.memory } : {}),
    ...(cfg.nextEdit ? { nextEdit: cfg.nextEdit } : {}),
  };
  writeFileSync(join(home, 'config.json'), JSON.stringify(file, null, 2));
}

export interface RunningDaemon {
  home: string;
  proc: ChildProcess;
  lock: LockInfo;
  port: number;
  /** All stderr so far (the daemon's log). */
  log(): string;
  exited: Promise<number | null>;
  connect(opts?: { name?: string; statusNotifications?: boolean; capabilities?: Record<string, unknown> }): Promise<DaemonConnection>;
  /** SIGTERM and wait; SIGKILL after 5 s. */
  stop(): Promise<void>;
  url(path: string): string;
}

/** Spawn `tandemd serve` and wait for its "listening" (or "already-running") line. */
export function spawnDaemon(
  home: string,
  extraEnv: NodeJS.ProcessEnv = {},
  args: string[] = [],
): { proc: ChildProcess; firstLine: Promise<Record<string, unknown>>; log: () => string; exited: Promise<number | null> } {
  const env: NodeJS.ProcessEnv = { ...process.env, TANDEM_HOME: home, ...extraEnv };
  delete env.TANDEM_OLLAMA_URL;
  delete env.TANDEM_DGX_URL;
  Object.assign(env, extraEnv);
  // TANDEM_DAEMON_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the daemon under a benchmark.
  const nodeArgs = (process.env.TANDEM_DAEMON_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, DAEMON_JS, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  const firstLine = new Promise<Record<string, unknown>>((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`daemon did not start within 15 s; log:\n${stderr}`)), 15_000);
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        res(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`daemon exited with ${code} before listening; log:\n${stderr}`));
    });
  });
  return { proc, firstLine, log: () => stderr, exited };
}

export async function startDaemon(home: string, cfg: HarnessConfig, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningDaemon> {
  writeConfig(home, cfg);
  const { proc, firstLine, log, exited } = spawnDaemon(home, extraEnv);
  const line = await firstLine;
  if (line.event !== 'listening') throw new Error(`unexpected first line ${JSON.stringify(line)}`);
  const lock = readLock(home);
  if (!lock) throw new Error('no lock file after listening');
  const port = lock.port;
  return {
    home,
    proc,
    lock,
    port,
    log,
    exited,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    connect: (opts = {}) =>
      connectToDaemon({
        port,
        token: lock.token,
        client: { name: opts.name ?? 'integration-test', version: '0.0.0' },
        capabilities: { streaming: true, statusNotifications: opts.statusNotifications ?? false, ...opts.capabilities },
      }),
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}

/** Poll until `check` returns a truthy value (or throw after `timeoutMs`). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
