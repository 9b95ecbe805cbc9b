import { strict as assert } from 'node:assert';
import {
  DaemonManager,
  type ConnectionState,
  type DaemonLockInfo,
  type DaemonSession,
  type ExitInfo,
} from '../../../../extension/connection/daemon-manager';
import { nullLogger } from '../../../../extension/log';
import { FakeClock, flushAsync } from '../fake-clock';

class FakeSession implements DaemonSession {
  private resolveClosed!: () => void;
  readonly closed = new Promise<void>((r) => (this.resolveClosed = r));
  closedByUs = false;
  constructor(readonly lock: DaemonLockInfo) {}
  close(): void {
    this.closedByUs = true;
    this.resolveClosed();
  }
  /** The daemon died. */
  drop(): void {
    this.resolveClosed();
  }
}

function lock(pid: number, port = 4000 + pid): DaemonLockInfo {
  return { pid, port, token: `t${pid}`, version: '0.1.0' };
}

function setup(opts: { startBehaviour?: 'publish' | 'crash' | 'silent'; refuse?: boolean } = {}) {
  const clock = new FakeClock();
  let live: DaemonLockInfo | undefined;
  let nextPid = 100;
  const world = {
    starts: 0,
    connects: [] as DaemonLockInfo[],
    prepared: 0,
    sessions: [] as FakeSession[],
    startBehaviour: opts.startBehaviour ?? 'publish',
    refuse: opts.refuse ?? false,
    setLive(l: DaemonLockInfo | undefined) {
      live = l;
    },
  };
  const manager = new DaemonManager<FakeSession>(
    {
      findLive: () => live,
      start: async () => {
        world.starts++;
        const pid = ++nextPid;
        let exit!: (e: ExitInfo) => void;
        const exited = new Promise<ExitInfo>((r) => (exit = r));
        if (world.startBehaviour === 'publish') {
          // The daemon claims the lock (port 0), then publishes the port a little later.
          clock.setTimeout(() => (live = { ...lock(pid), port: 0 }), 50);
          clock.setTimeout(() => (live = lock(pid)), 150);
        } else if (world.startBehaviour === 'crash') {
          clock.setTimeout(() => exit({ code: 1, signal: null }), 30);
        }
        return { pid, exited };
      },
      connect: async (l) => {
        world.connects.push(l);
        if (world.refuse) throw new Error('ECONNREFUSED');
        const s = new FakeSession(l);
        world.sessions.push(s);
        return s;
      },
      prepare: async () => {
        world.prepared++;
      },
      explainExit: async (e) => `daemon exited with code ${e.code}: cannot load better-sqlite3`,
      clock,
      log: nullLogger,
    },
    {
      maxStarts: 3,
      startWindowMs: 60_000,
      initialBackoffMs: 100,
      backoffFactor: 2,
      maxBackoffMs: 1000,
      startTimeoutMs: 2000,
      lockPollMs: 25,
    },
  );
  const states: ConnectionState<FakeSession>[] = [];
  manager.onDidChangeState((s) => states.push(s));
  return { clock, manager, world, states };
}

describe('DaemonManager', () => {
  it('connects to a live daemon from its lock without starting one', async () => {
    const { manager, world } = setup();
    world.setLive(lock(7));
    await manager.start();
    assert.equal(manager.current.kind, 'connected');
    assert.equal(world.starts, 0);
    assert.deepEqual(world.connects, [lock(7)]);
    assert.equal(world.prepared, 1, 'settings and roots are sent on connect');
  });

  it('starts a daemon when none runs, waits for its port, then connects', async () => {
    const { clock, manager, world } = setup();
    const done = manager.start();
    await clock.advance(200);
    await done;
    assert.equal(world.starts, 1);
    assert.equal(manager.current.kind, 'connected');
    assert.equal(world.connects.length, 1);
    assert.ok(world.connects[0].port > 0, 'never connects to a claim with port 0');
  });

  it('reconnects with growing backoff when the daemon dies, restarting it and re-sending settings', async () => {
    const { clock, manager, world, states } = setup();
    world.setLive(lock(7));
    await manager.start();
    world.setLive(undefined);
    world.sessions[0].drop();
    await flushAsync();
    const waiting = states.at(-1);
    assert.equal(waiting?.kind, 'waiting');
    assert.equal(waiting?.kind === 'waiting' && waiting.retryInMs, 100);
    await clock.advance(100 + 200);
    assert.equal(manager.current.kind, 'connected');
    assert.equal(world.starts, 1);
    assert.equal(world.prepared, 2);
  });

  it('retries connection failures with exponential backoff, then stops at the start budget', async () => {
    const { clock, manager, world, states } = setup({ refuse: true });
    // A live but unresponsive daemon: every attempt fails to connect.
    world.setLive(lock(7));
    world.startBehaviour = 'silent';
    void manager.start();
    await clock.advance(5000);
    const delays = states.filter((s) => s.kind === 'waiting').map((s) => (s.kind === 'waiting' ? s.retryInMs : 0));
    assert.deepEqual(delays, [100, 200, 400]);
    assert.equal(manager.current.kind, 'failed');
    assert.match(manager.current.kind === 'failed' ? manager.current.message : '', /ECONNREFUSED/);
  });

  it('gives up after the start budget with a clear message naming the cause, until reconnect() resets it', async () => {
    const { clock, manager, world, states } = setup({ startBehaviour: 'crash' });
    void manager.start();
    await clock.advance(10_000);
    assert.equal(manager.current.kind, 'failed');
    assert.equal(world.starts, 3, 'at most maxStarts starts in the window');
    const failed = states.find((s) => s.kind === 'failed');
    assert.match(failed?.kind === 'failed' ? failed.message : '', /Restart Daemon/);
    assert.match(failed?.kind === 'failed' ? failed.message : '', /better-sqlite3/);
    const pendingBefore = clock.pendingTimers;
    await clock.advance(60_000);
    assert.equal(world.starts, 3, 'no more starts once failed');
    assert.equal(pendingBefore, 0);

    world.startBehaviour = 'publish';
    const again = manager.reconnect();
    await clock.advance(200);
    await again;
    assert.equal(manager.current.kind, 'connected');
    assert.equal(world.starts, 4);
  });

  it('reports a crashing start as an error state with the explanation (not a silent hang)', async () => {
    const { clock, manager, states } = setup({ startBehaviour: 'crash' });
    void manager.start();
    await clock.advance(60);
    const waiting = states.find((s) => s.kind === 'waiting');
    assert.match(waiting?.kind === 'waiting' ? waiting.lastError : '', /cannot load better-sqlite3/);
  });

  it('dispose closes the session and stops retrying', async () => {
    const { clock, manager, world } = setup();
    world.setLive(lock(7));
    await manager.start();
    manager.dispose();
    assert.equal(world.sessions[0].closedByUs, true);
    assert.equal(manager.current.kind, 'disposed');
    world.sessions[0].drop();
    await clock.advance(10_000);
    assert.equal(world.connects.length, 1);
  });
});
