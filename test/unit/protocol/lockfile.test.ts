import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CLAIM_STALE_AFTER_MS,
  acquireLock,
  claimLock,
  liveDaemon,
  liveLock,
  lockPath,
  pidAlive,
  probeHolder,
  publishLock,
  readLock,
  releaseLock,
  removeStaleLock,
  type LockInfo,
} from '../../../protocol/lockfile';

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

describe('probing the lock holder', () => {
  let home: string;
  let server: Server | undefined;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'tandem-lock-'))));
  afterEach(async () => {
    if (server) await new Promise((r) => server!.close(r));
    server = undefined;
    rmSync(home, { recursive: true, force: true });
  });

  /** A local HTTP server answering every request with `handler`; resolves to its port. */
  async function serve(handler: (res: ServerResponse) => void): Promise<number> {
    server = createServer((_req, res) => handler(res));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return (server.address() as AddressInfo).port;
  }
  const json = (body: unknown) => (res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  /** A port that refuses connections: a server that listened there and closed. */
  async function closedPort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const { port } = s.address() as AddressInfo;
    await new Promise((r) => s.close(r));
    return port;
  }

  it('is live when /health answers as tandemd with the lock pid', async () => {
    const port = await serve(json({ status: 'ok', name: 'tandemd', pid: process.pid }));
    assert.deepEqual(await probeHolder(info(process.pid, port)), { state: 'live', lock: info(process.pid, port) });
  });

  it('is stale when the pid is dead, whatever the port', async () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout.toString());
    const found = await probeHolder(info(deadPid, 1));
    assert.equal(found.state, 'stale');
    if (found.state === 'stale') assert.equal(found.reason, `pid ${deadPid} is not running`);
  });

  it('is stale when the pid lives (reused) but nothing listens on the port', async () => {
    const port = await closedPort();
    const found = await probeHolder(info(process.ppid, port));
    assert.equal(found.state, 'stale');
    if (found.state === 'stale') assert.match(found.reason, new RegExp(`nothing listens on port ${port}`));
  });

  it('is stale when the port answers as another program or as tandemd with another pid', async () => {
    const other = await serve((res) => res.end('<html>not json</html>'));
    const a = await probeHolder(info(process.ppid, other));
    assert.equal(a.state, 'stale');
    if (a.state === 'stale') assert.match(a.reason, /something that is not tandemd/);
    await new Promise((r) => server!.close(r));
    const port = await serve(json({ status: 'ok', name: 'tandemd', pid: 4242 }));
    const b = await probeHolder(info(process.ppid, port));
    assert.equal(b.state, 'stale');
    if (b.state === 'stale') assert.match(b.reason, /answers as tandemd with pid 4242, not as tandemd pid/);
  });

  it('leaves a holder that accepts but does not answer in time alone (unresponsive, not stale)', async () => {
    const port = await serve(() => undefined); // never answers
    const found = await probeHolder(info(process.pid, port), { timeoutMs: 200 });
    assert.equal(found.state, 'unresponsive');
    server!.closeAllConnections();
  });

  it('treats a fresh claim (port 0) as starting and an old one as stale', async () => {
    const fresh = { ...info(process.ppid), startedAt: Date.now() };
    assert.equal((await probeHolder(fresh)).state, 'starting');
    const old = await probeHolder(fresh, { now: fresh.startedAt + CLAIM_STALE_AFTER_MS + 1 });
    assert.equal(old.state, 'stale');
    if (old.state === 'stale') assert.match(old.reason, /never published a port/);
  });

  it('claimLock takes a stale lock over (saying why) and yields to a live holder', async () => {
    const port = await closedPort();
    writeFileSync(lockPath(home), JSON.stringify(info(process.ppid, port)));
    assert.equal(acquireLock(home, info(process.pid)).acquired, false, 'the pid check alone trusts it');
    const took = await claimLock(home, info(process.pid));
    assert.equal(took.acquired, true);
    if (took.acquired) assert.match(took.tookOver ?? '', new RegExp(`nothing listens on port ${port}`));
    assert.equal(readLock(home)!.pid, process.pid);

    const live = await serve(json({ status: 'ok', name: 'tandemd', pid: process.ppid }));
    writeFileSync(lockPath(home), JSON.stringify(info(process.ppid, live)));
    const refused = await claimLock(home, info(process.pid));
    assert.equal(refused.acquired, false);
    if (!refused.acquired) assert.equal(refused.holder.state, 'live');
    assert.equal(readLock(home)!.pid, process.ppid, 'the live lock is untouched');
  });

  it('liveDaemon returns the lock of a live holder and nothing for a stale one', async () => {
    assert.equal(await liveDaemon(home), undefined, 'no lock');
    writeFileSync(lockPath(home), JSON.stringify(info(process.ppid, await closedPort())));
    assert.equal(await liveDaemon(home), undefined, 'stale');
    const port = await serve(json({ status: 'ok', name: 'tandemd', pid: process.ppid }));
    writeFileSync(lockPath(home), JSON.stringify(info(process.ppid, port)));
    assert.equal((await liveDaemon(home))?.port, port);
  });

  it('removeStaleLock removes only the very lock judged stale', () => {
    const judged = info(process.ppid, 1);
    writeFileSync(lockPath(home), JSON.stringify({ ...judged, token: 'replaced' }));
    assert.equal(removeStaleLock(home, judged), false);
    assert.ok(readLock(home), 'a lock that changed hands meanwhile stays');
    writeFileSync(lockPath(home), JSON.stringify(judged));
    assert.equal(removeStaleLock(home, judged), true);
    assert.equal(readLock(home), undefined);
  });
});
