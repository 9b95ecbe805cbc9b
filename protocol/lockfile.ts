/**
 * Daemon discovery: `$TANDEM_HOME/daemon.lock` (mode 0600) names the live daemon's pid,
 * port, token and version. One daemon per user and machine: a start finds a live lock
 * and stops; a lock whose pid is dead (or whose port does not answer) is stale and
 * taken over. The lock is created with O_EXCL so two daemons starting at the same
 * moment cannot both win.
 *
 * Part of the contract: the daemon claims and publishes the lock, the extension and the
 * CLI read it to find the daemon, so its format, its place (`home.ts`) and the liveness
 * rule live here, next to the messages. Node-only, so not re-exported from `index.ts`
 * (the webviews import that).
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface LockInfo {
  pid: number;
  port: number;
  /** Secret every WebSocket connection must present (`Authorization: Bearer <token>`). */
  token: string;
  version: string;
  protocol: { major: number; minor: number };
  startedAt: number;
}

export function lockPath(home: string): string {
  return join(home, 'daemon.lock');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** True if a process with this pid exists (it may belong to someone else: EPERM). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isLockInfo(v: unknown): v is LockInfo {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.pid === 'number' && typeof o.port === 'number' && typeof o.token === 'string' && typeof o.version === 'string';
}

/** The lock's content, or undefined when absent or unreadable (a torn write counts as absent). */
export function readLock(home: string): LockInfo | undefined {
  const file = lockPath(home);
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isLockInfo(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The live daemon's lock, or undefined (stale locks are reported as undefined). */
export function liveLock(home: string): LockInfo | undefined {
  const info = readLock(home);
  return info && pidAlive(info.pid) ? info : undefined;
}

export type AcquireResult = { acquired: true } | { acquired: false; holder: LockInfo };

/**
 * Claim the lock for this process before it starts listening: writes a claim with
 * port 0, which `publishLock` later completes. Returns the live holder if another
 * daemon owns it.
 */
export function acquireLock(home: string, claim: LockInfo): AcquireResult {
  const file = lockPath(home);
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(claim));
      } finally {
        closeSync(fd);
      }
      return { acquired: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(home);
      if (holder && holder.pid !== process.pid && pidAlive(holder.pid)) return { acquired: false, holder };
      if (!holder) {
        // Unreadable: maybe a racing daemon is between open and write; give it a moment.
        const age = Date.now() - safeMtime(file);
        if (age < 2000 && attempt < 3) {
          sleepSync(50);
          continue;
        }
      }
      // Stale (dead pid or garbage): take it over.
      try {
        unlinkSync(file);
      } catch {
        // Another process removed it first; retry the exclusive create.
      }
    }
  }
  const holder = readLock(home);
  if (holder && holder.pid !== process.pid) return { acquired: false, holder };
  throw new Error(`Could not acquire ${file}; remove it if no tandemd is running.`);
}

/** Atomically replace our lock with the final content (listening port known). */
export function publishLock(home: string, info: LockInfo): void {
  const file = lockPath(home);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Remove the lock if it is ours. */
export function releaseLock(home: string, pid = process.pid): void {
  const holder = readLock(home);
  if (holder && holder.pid === pid) {
    try {
      unlinkSync(lockPath(home));
    } catch {
      // Already gone.
    }
  }
}

function safeMtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
