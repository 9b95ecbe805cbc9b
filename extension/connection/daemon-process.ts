/**
 * Spawning tandemd from the extension host: a detached child running the bundled
 * dist/daemon.js with the chosen Node, stdout and stderr appended to
 * `$TANDEM_HOME/logs/daemon.log`. The child is unref'd so VS Code can exit without it;
 * the daemon exits by itself after an idle period without clients.
 */
import { spawn, execFile } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { bundledNodePath, readRuntimeManifest, type RuntimeManifest } from '../../protocol/runtime';
import type { ExitInfo, StartedDaemon } from './daemon-manager';
import type { NodeRuntime, VersionProbe } from './node-runtime';

export function daemonLogFile(home: string): string {
  return join(home, 'logs', 'daemon.log');
}

/** The line written to the daemon log before each start, so a failure is read from its own start on. */
export const START_MARKER = '[tandem] starting tandemd';

/**
 * The runtime bundled in an extension folder, made executable if an unzip lost its mode
 * bit; undefined when the folder has none (a development checkout).
 */
export function findBundledRuntime(extensionRoot: string): { path: string; manifest?: RuntimeManifest } | undefined {
  const path = bundledNodePath(extensionRoot);
  if (!existsSync(path)) return undefined;
  if (process.platform !== 'win32') {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      try {
        chmodSync(path, statSync(path).mode | 0o755);
      } catch {
        // Not ours to change: the probe reports why it cannot run.
      }
    }
  }
  return { path, manifest: readRuntimeManifest(extensionRoot) };
}

/**
 * glibc malloc settings tandemd runs with, each unless the environment sets it (other C
 * libraries ignore them):
 *
 * - `MALLOC_ARENA_MAX=2`: by default glibc gives each thread that allocates its own arena,
 *   up to 8 per core, and keeps what the index workers freed in theirs after they exit:
 *   limited to 2, a daemon that indexed 5,000 files holds ~50 MB less (bench:context: RSS
 *   after indexing 285 → 231 MB).
 * - `MALLOC_MMAP_THRESHOLD_=1048576`: glibc raises its mmap threshold to the size of each
 *   large mapped block freed (up to 32 MB) and the heap's trim threshold to twice that, so
 *   once the index workers' large buffers (files' texts, their analyses) are freed, the heap
 *   keeps tens of MB it no longer uses. A fixed threshold turns that off: blocks of 1 MB or
 *   more are mapped and unmapped on their own, and the heap is trimmed again (bench:context
 *   RSS after the warm-up 270-282 MB in 5 runs against 275-302 MB in 6, anonymous memory
 *   168-179 against 174-196 MB; latency and the cold index within the machine's noise).
 */
export const DAEMON_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '1048576' };

/** The environment a runtime's child gets: the base, less `unsetEnv`, plus its own, TANDEM_HOME and the malloc settings. */
export function daemonEnv(runtime: NodeRuntime, home: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...DAEMON_MALLOC_ENV, ...base, ...runtime.env, TANDEM_HOME: home };
  for (const key of runtime.unsetEnv ?? []) delete env[key];
  return env;
}

/**
 * V8 flags tandemd runs with. Node 24's V8 (the bundled runtime) sizes its heap for the
 * machine: a young generation of up to 64 MB per isolate, and pages freed by a burst of
 * allocation kept until the memory reducer runs, seconds later. After indexing 5,000 files
 * the daemon held 440-530 MB against 220-245 MB on Node 20 (bench:context on the bundled
 * runtime). `--optimize-for-size` makes V8 size the heap for memory instead of speed: 237-252 MB,
 * for about 8% more CPU while indexing and no measurable change per completion.
 * Not given to VS Code's own runtime (Electron as Node), which may not take V8 flags.
 */
export const DAEMON_V8_FLAGS: readonly string[] = ['--optimize-for-size'];

/** The arguments of the daemon's command: the V8 flags (for a Node), the bundle, `serve`. */
export function daemonArgs(runtime: Pick<NodeRuntime, 'source'>, daemonJs: string): string[] {
  return [...(runtime.source === 'vscode' ? [] : DAEMON_V8_FLAGS), daemonJs, 'serve'];
}

export function spawnDaemon(opts: { runtime: NodeRuntime; daemonJs: string; home: string; env?: NodeJS.ProcessEnv }): StartedDaemon {
  const logFile = daemonLogFile(opts.home);
  mkdirSync(join(opts.home, 'logs'), { recursive: true, mode: 0o700 });
  const fd = openSync(logFile, 'a', 0o600);
  try {
    const { runtime } = opts;
    const args = daemonArgs(runtime, opts.daemonJs);
    writeSync(
      fd,
      `${START_MARKER} at ${new Date().toISOString()}: ${runtime.command} (${runtime.source}, ${runtime.version ?? 'unknown version'}) ${args.join(' ')}\n`,
    );
    const child = spawn(runtime.command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: daemonEnv(runtime, opts.home, opts.env),
      windowsHide: true,
    });
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once('error', (err) => resolve({ code: null, signal: null, error: err.message }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    child.unref();
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd);
  }
}

/** The last `bytes` of a file as text ('' if unreadable). */
export function readTail(file: string, bytes = 8192): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(bytes, size);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The part of a daemon log tail written since the last start (the whole tail if it has no start line). */
export function sinceLastStart(tail: string): string {
  const at = tail.lastIndexOf(START_MARKER);
  return at < 0 ? tail : tail.slice(at);
}

/** `<command> --version` within 5 s: its output, or why it did not run. */
export function probeNodeVersion(command: string, env: NodeJS.ProcessEnv = process.env): Promise<VersionProbe> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { timeout: 5000, env, windowsHide: true }, (err, stdout, stderr) => {
      if (!err) return resolve({ version: stdout.toString() });
      const detail = stderr.toString().trim().split('\n')[0];
      resolve({ error: detail ? `${err.message.split('\n')[0]}: ${detail}` : err.message.split('\n')[0] });
    });
  });
}
