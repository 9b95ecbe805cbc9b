import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { acquireLock, liveLock, lockPath, pidAlive, publishLock, readLock, releaseLock, type LockInfo } from '../../../protocol/lockfile';

function info(pid: number, port = 0): LockInfo {
  return { pid, port, token: 't', version: '0.1.0', protocol: { major: 1, minor: 0 }, startedAt: 1 };
}

describe('lock file', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'tandem-lock-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('acquires an absent lock with mode 0600 and publishes the final port atomically', () => {
    assert.deepEqual(acquireLock(home, info(process.pid)), { acquired: true });
    assert.equal(statSync(lockPath(home)).mode & 0o777, 0o600);
    publishLock(home, info(process.pid, 4242));
    assert.equal(readLock(home)!.port, 4242);
    assert.equal(statSync(lockPath(home)).mode & 0o777, 0o600);
  });

  it('reports a live holder instead of acquiring', () => {
    const holderPid = process.ppid; // alive for the duration of the test
    writeFileSync(lockPath(home), JSON.stringify(info(holderPid, 1234)));
    const result = acquireLock(home, info(process.pid));
    assert.equal(result.acquired, false);
    if (!result.acquired) assert.equal(result.holder.port, 1234);
  });

  it('takes over a lock whose process is dead', () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout.toString());
    assert.equal(pidAlive(deadPid), false);
    writeFileSync(lockPath(home), JSON.stringify(info(deadPid, 1)));
    assert.equal(liveLock(home), undefined);
    assert.deepEqual(acquireLock(home, info(process.pid)), { acquired: true });
    assert.equal(readLock(home)!.pid, process.pid);
  });

  it('treats a garbage lock file as stale', () => {
    writeFileSync(lockPath(home), 'garbage{');
    assert.equal(readLock(home), undefined);
    assert.deepEqual(acquireLock(home, info(process.pid)), { acquired: true });
  });

  it('releases only its own lock', () => {
    writeFileSync(lockPath(home), JSON.stringify(info(process.ppid, 1)));
    releaseLock(home);
    assert.ok(readLock(home), "another process's lock is left alone");
    publishLock(home, info(process.pid, 2));
    releaseLock(home);
    assert.equal(readLock(home), undefined);
  });
});
