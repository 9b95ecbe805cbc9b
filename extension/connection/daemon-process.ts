/**
 * Spawning tandemd from the extension host: a detached child running the bundled
 * dist/daemon.js with the chosen Node, stdout and stderr appended to
 * `$TANDEM_HOME/logs/daemon.log`. The child is unref'd so VS Code can exit without it;
 * the daemon exits by itself after an idle period without clients.
 */
import { spawn, execFile } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import type { ExitInfo, StartedDaemon } from './daemon-manager';
import type { NodeRuntime } from './node-runtime';

export function daemonLogFile(home: string): string {
  return join(home, 'logs', 'daemon.log');
}

export function spawnDaemon(opts: { runtime: NodeRuntime; daemonJs: string; home: string; env?: NodeJS.ProcessEnv }): StartedDaemon {
  const logFile = daemonLogFile(opts.home);
  mkdirSync(join(opts.home, 'logs'), { recursive: true, mode: 0o700 });
  const fd = openSync(logFile, 'a', 0o600);
  try {
    const child = spawn(opts.runtime.command, [opts.daemonJs, 'serve'], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...(opts.env ?? process.env), ...opts.runtime.env, TANDEM_HOME: opts.home },
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

/** `<command> --version`, or undefined when it cannot run within 5 s. */
export function probeNodeVersion(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { timeout: 5000, env, windowsHide: true }, (err, stdout) => {
      resolve(err ? undefined : stdout.toString());
    });
  });
}
