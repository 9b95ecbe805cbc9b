/**
 * Processes for the end-to-end harness: polling waits, free loopback ports, signals and
 * termination (a negative pid names a process group), finding a session's processes by
 * their environment, and running a command to completion.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, and returns it.
 * On timeout, throws with `what` and the last probe error, if any.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: WaitOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? ` (last error: ${(lastError as Error).message ?? String(lastError)})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => done(port));
    });
  });
}

/** True while a process with this pid exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** SIGTERM, then SIGKILL if still alive after `graceMs`. A negative pid names a process group. */
export async function terminate(pid: number, graceMs = 5000): Promise<void> {
  signal(pid, 'SIGTERM');
  const probe = Math.abs(pid);
  try {
    await waitFor(`pid ${probe} to exit`, () => !pidAlive(probe), { timeoutMs: graceMs, intervalMs: 100 });
  } catch {
    signal(pid, 'SIGKILL');
    await waitFor(`pid ${probe} to die`, () => !pidAlive(probe), { timeoutMs: 5000, intervalMs: 100 }).catch(() => undefined);
  }
}

/**
 * Pids of processes whose environment has `key=value` (Linux /proc; elsewhere none).
 * Every process of a session inherits its TANDEM_HOME, so this finds a daemon even
 * if it was started after the lock file was last read.
 */
export function pidsWithEnv(key: string, value: string): number[] {
  if (process.platform !== 'linux') return [];
  const needle = `${key}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) found.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** The environment for children: the caller's, minus anything that would tie them to an outer VS Code. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VSCODE_|ELECTRON_)/.test(k) || k === 'TANDEM_HOME' || k === 'TANDEM_OLLAMA_URL') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(cmd, args, { env: opts.env, timeout: opts.timeoutMs, cwd: opts.cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else done({ stdout, stderr });
    });
  });
}
