/**
 * Daemon discovery: `$TANDEM_HOME/daemon.lock` (mode 0600) names the live daemon's pid,
 * port, token and version. One daemon per user and machine: a start finds a live lock
 * and stops; a stale lock is taken over. The lock is created with O_EXCL so two daemons
 * starting at the same moment cannot both win.
 *
 * A live pid alone proves nothing: after a crash or reboot the pid may belong to another
 * process. So the holder is probed (`probeHolder`): its port must answer `GET /health`
 * as tandemd with the lock's pid. Nothing listening, or something else answering, makes
 * the lock stale; a holder that does not answer in time is left alone (busy, not dead).
 * A claim never published (port 0) is a daemon starting up, stale after a minute.
 *
 * Part of the contract: the daemon claims and publishes the lock, the extension and the
 * CLI read it to find the daemon, so its format, its place (`home.ts`) and the liveness
 * rule live here, next to the messages. Node-only, so not re-exported from `index.ts`
 * (the webviews import that).
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
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

/**
 * The lock if its pid is alive, or undefined. A cheap first check only: the pid may have
 * been reused by another process; `liveDaemon` / `findDaemon` probe the holder.
 */
export function liveLock(home: string): LockInfo | undefined {
  const info = readLock(home);
  return info && pidAlive(info.pid) ? info : undefined;
}

export type AcquireResult = { acquired: true } | { acquired: false; holder: LockInfo };

/** What probing a lock's holder found. Only `stale` may be taken over. */
export type HolderState =
  | { state: 'live'; lock: LockInfo }
  | { state: 'starting'; lock: LockInfo }
  | { state: 'unresponsive'; lock: LockInfo; reason: string }
  | { state: 'stale'; lock: LockInfo; reason: string };

/** A claim (port 0) older than this was left by a daemon that died while starting. */
export const CLAIM_STALE_AFTER_MS = 60_000;
export const DEFAULT_PROBE_TIMEOUT_MS = 2_000;

/** `GET /health` on the holder's port: its JSON body, 'refused' when nothing listens, 'timeout' when nothing answers. */
function health(port: number, timeoutMs: number): Promise<Record<string, unknown> | 'refused' | 'timeout' | 'other'> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
        if (body.length > 64 * 1024) req.destroy();
      });
      res.on('end', () => {
        try {
          const parsed: unknown = JSON.parse(body);
          resolve(typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : 'other');
        } catch {
          resolve('other');
        }
      });
      res.on('error', () => resolve('other'));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve('timeout');
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'other'));
  });
}

/**
 * Who holds this lock: `live` when its port answers `/health` as tandemd with the lock's
 * pid; `stale` when the pid is dead, nothing listens on the port, or something else
 * answers there (the pid was reused, the port taken by another program); `unresponsive`
 * when the port accepts but does not answer in time; `starting` for a fresh claim.
 */
export async function probeHolder(lock: LockInfo, opts: { timeoutMs?: number; now?: number } = {}): Promise<HolderState> {
  if (!pidAlive(lock.pid)) return { state: 'stale', lock, reason: `pid ${lock.pid} is not running` };
  if (lock.port === 0) {
    const age = (opts.now ?? Date.now()) - lock.startedAt;
    if (age < CLAIM_STALE_AFTER_MS) return { state: 'starting', lock };
    return { state: 'stale', lock, reason: `pid ${lock.pid} claimed the lock ${Math.round(age / 1000)} s ago and never published a port` };
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const answer = await health(lock.port, timeoutMs);
  if (answer === 'timeout') {
    return { state: 'unresponsive', lock, reason: `port ${lock.port} did not answer /health within ${timeoutMs} ms` };
  }
  if (answer === 'refused') {
    return { state: 'stale', lock, reason: `nothing listens on port ${lock.port} (pid ${lock.pid} is another process now)` };
  }
  // A tandemd that does not say its pid cannot be told apart: leave it alone rather than risk two daemons.
  if (answer !== 'other' && answer.name === 'tandemd' && (answer.pid === lock.pid || answer.pid === undefined))
    return { state: 'live', lock };
  const who =
    answer === 'other' ? 'something that is not tandemd' : `${String(answer.name ?? 'a server')} with pid ${String(answer.pid ?? '?')}`;
  return { state: 'stale', lock, reason: `port ${lock.port} answers as ${who}, not as tandemd pid ${lock.pid}` };
}

/** The lock and what probing its holder found; undefined when there is no (readable) lock. */
export async function findDaemon(home: string, opts: { timeoutMs?: number } = {}): Promise<HolderState | undefined> {
  const lock = readLock(home);
  return lock ? probeHolder(lock, opts) : undefined;
}

/**
 * The lock of the daemon to connect to: its holder is live, starting (port 0: wait for
 * it) or merely slow to answer; undefined when there is no lock or it is stale.
 */
export async function liveDaemon(home: string, opts: { timeoutMs?: number } = {}): Promise<LockInfo | undefined> {
  const found = await findDaemon(home, opts);
  return found && found.state !== 'stale' ? found.lock : undefined;
}

/** Remove the lock only if it is still exactly the one judged stale (another daemon may have replaced it meanwhile). */
export function removeStaleLock(home: string, stale: LockInfo): boolean {
  const now = readLock(home);
  if (!now || now.pid !== stale.pid || now.token !== stale.token || now.startedAt !== stale.startedAt) return false;
  try {
    unlinkSync(lockPath(home));
    return true;
  } catch {
    return false;
  }
}

export type ClaimResult = { acquired: true; tookOver?: string } | { acquired: false; holder: HolderState };

/**
 * Claim the lock, probing a holder whose pid is alive: a stale holder's lock is removed
 * and the claim tried again; a live, starting or unresponsive one wins.
 */
export async function claimLock(home: string, claim: LockInfo, opts: { timeoutMs?: number } = {}): Promise<ClaimResult> {
  let tookOver: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = acquireLock(home, claim);
    if (result.acquired) return tookOver ? { acquired: true, tookOver } : { acquired: true };
    const holder = await probeHolder(result.holder, opts);
    if (holder.state !== 'stale') return { acquired: false, holder };
    tookOver = holder.reason;
    removeStaleLock(home, holder.lock);
  }
  const holder = readLock(home);
  if (holder) return { acquired: false, holder: { state: 'unresponsive', lock: holder, reason: 'the lock keeps changing hands' } };
  throw new Error(`Could not acquire ${lockPath(home)}; remove it if no tandemd is running.`);
}

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
