/**
 * Processes of the end-to-end harness: waiting for a condition, free ports, finding
 * and ending processes (by pid, process group or TANDEM_HOME in their environment),
 * running a command, and the fake Ollama as a child process.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './vsix';

// ---------------------------------------------------------------------------------
// Waiting

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

// ---------------------------------------------------------------------------------
// Processes

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

// ---------------------------------------------------------------------------------
// Fake Ollama (its CLI: test/fake-ollama/cli.ts)

export class FakeOllamaProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  /** Starts the fake with `script` (a FakeScript object, written to a JSON file in `dir`). */
  static async start(script: unknown, dir: string): Promise<FakeOllamaProcess> {
    const scriptFile = join(dir, 'fake-ollama-script.json');
    writeFileSync(scriptFile, JSON.stringify(script, null, 2));
    const logFile = join(dir, 'fake-ollama.log');
    const err = openSync(logFile, 'w');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'test/fake-ollama/cli.ts'), '--port', '0', '--script', scriptFile, '--exit-on-stdin-close'],
      {
        cwd: repoRoot,
        stdio: ['pipe', 'pipe', err],
        env: cleanEnv({}),
      },
    );
    closeSync(err);
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`fake Ollama printed no URL within 30 s; see ${logFile}`)), 30_000);
      // Only an exit before the URL is a start failure; later (at teardown) the log folder may be gone.
      const onEarlyExit = (code: number | null) => {
        clearTimeout(timer);
        let tail = '';
        try {
          tail = readFileSync(logFile, 'utf8').slice(-2000);
        } catch {
          tail = '(log unreadable)';
        }
        fail(new Error(`fake Ollama exited (${code}); see ${logFile}: ${tail}`));
      };
      child.once('exit', onEarlyExit);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const nl = out.indexOf('\n');
        if (nl < 0) return;
        clearTimeout(timer);
        child.off('exit', onEarlyExit);
        try {
          done((JSON.parse(out.slice(0, nl)) as { url: string }).url);
        } catch (e) {
          fail(new Error(`fake Ollama printed ${out.slice(0, nl)}: ${(e as Error).message}`));
        }
      });
    });
    return new FakeOllamaProcess(url, child);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.pid === undefined) return;
    this.child.stdin?.end();
    await terminate(this.child.pid, 3000);
  }

  /** Synchronous last resort (process exit). */
  killNow(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null) signal(this.child.pid, 'SIGKILL');
  }
}
