/**
 * A stale lock whose pid was reused by another process used to block start-up: `serve`
 * said "already running", `status` failed with ECONNREFUSED, and the extension gave up
 * after its start budget. The holder is now probed (`/health` must answer as tandemd
 * with the lock's pid) before the lock is trusted, and the extension and the CLI check
 * that the handshake comes from the pid and version in the lock, so a program squatting
 * on the port gets no settings, roots or secrets.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { WebSocketServer } from 'ws';
import { systemClock } from '../../../extension/clock';
import { nullLogger } from '../../../extension/log';
import { TandemClient } from '../../../extension/tandem-client';
import { PROTOCOL_VERSION } from '../../../protocol';
import { liveDaemon, lockPath, readLock } from '../../../protocol/lockfile';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { DAEMON_JS, eventually, removeHome, spawnDaemon, tempHome, writeConfig } from '../daemon-harness';
import { faultCase, tally } from './tally';

const SECRET = 'SECRET-REMOTE-TOKEN-7c1d';

/** A process that is alive and is not tandemd: the pid a crashed daemon's lock names after reuse. */
function otherProcess(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

function writeStaleLock(home: string, pid: number, port: number): void {
  const lock = {
    pid,
    port,
    token: 'token-of-a-dead-daemon',
    version: '0.1.0',
    protocol: { ...PROTOCOL_VERSION },
    startedAt: Date.now() - 86_400_000,
  };
  writeFileSync(lockPath(home), JSON.stringify(lock), { mode: 0o600 });
}

/** Run a tandemd command (asynchronously: the squatter in this process must be able to answer it). */
function cli(home: string, ...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [DAEMON_JS, ...args], { env: { ...process.env, TANDEM_HOME: home } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** The extension's client, starting the real daemon the way the extension does when none answers. */
function extensionClient(home: string, started: ChildProcess[]): TandemClient {
  return new TandemClient({
    client: { name: 'tandem-vscode-test', version: '0.0.0' },
    findLive: () => liveDaemon(home),
    startDaemon: async () => {
      const d = spawnDaemon(home);
      d.firstLine.catch(() => undefined);
      started.push(d.proc);
      return { pid: d.proc.pid, exited: d.exited.then((code) => ({ code, signal: null })) };
    },
    explainExit: async (exit) => `tandemd exited with ${exit.code}`,
    settings: () => ({
      backends: [{ name: 'dgx', url: 'http://127.0.0.1:9', kind: 'ollama', priority: 0, headers: { Authorization: `Bearer ${SECRET}` } }],
    }),
    workspaceRoots: () => [home],
    clock: systemClock,
    log: nullLogger,
    managerOptions: { initialBackoffMs: 50, maxBackoffMs: 200, maxStarts: 2, startTimeoutMs: 15_000 },
  });
}

async function stopAll(procs: ChildProcess[]): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          p.once('exit', () => resolve());
          p.kill('SIGTERM');
        }),
    ),
  );
}

describe('faults: a stale lock and a port squatter (real daemon)', function () {
  this.timeout(90_000);
  let fake: FakeOllama;
  let home: string;
  let other: ChildProcess;
  const started: ChildProcess[] = [];

  beforeEach(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels() });
    await fake.start();
    home = tempHome('tandem-fault-lock-');
    writeConfig(home, { backends: [{ name: 'local', url: fake.url }] });
    other = otherProcess();
  });
  afterEach(async () => {
    await stopAll([...started.splice(0), other]);
    await fake.stop();
    removeHome(home);
  });

  faultCase('a lock whose pid is another process now: serve takes it over and status finds the new daemon', async () => {
    writeStaleLock(home, other.pid!, 1); // nothing of ours listens on port 1
    const d = spawnDaemon(home);
    started.push(d.proc);
    const first = await d.firstLine;
    assert.equal(first.event, 'listening', `serve started instead of saying "already running" (${JSON.stringify(first)})`);
    assert.match(d.log(), new RegExp(`Took over a stale lock: nothing listens on port 1 \\(pid ${other.pid} is another process now\\)`));
    assert.equal(readLock(home)?.pid, d.proc.pid);
    const status = await cli(home, 'status', '--json');
    assert.notEqual(status.code, 3, status.out);
    assert.equal((JSON.parse(status.out) as { pid: number }).pid, d.proc.pid);
    tally.notes.push('stale lock (pid reused): serve took it over, status answered by the new daemon');
  });

  faultCase(
    'a lock whose pid is another process now: status says why it is not running, and the extension starts and connects',
    async () => {
      writeStaleLock(home, other.pid!, 1);
      const status = await cli(home, 'status');
      assert.equal(status.code, 3, status.out);
      assert.match(status.out, /tandemd is not running .*stale lock: nothing listens on port 1/);
      const client = extensionClient(home, started);
      try {
        await client.start();
        await eventually(() => client.state.kind === 'connected', 20_000, `the extension connected (state ${client.state.kind})`);
        assert.equal(client.manager.session?.init.daemon.pid, started[0]?.pid, 'to the daemon it started');
        assert.equal(
          client.effectiveSettings?.backends.some((b) => b.name === 'dgx'),
          true,
          'and its settings were applied',
        );
      } finally {
        client.dispose();
      }
    },
  );

  faultCase('a squatter on the lock port that passes /health but answers the handshake with another pid gets nothing', async () => {
    const received: string[] = [];
    const squatter: Server = createServer((req, res) => {
      // It even answers /health as tandemd with the lock's pid.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', name: 'tandemd', version: '0.1.0', pid: other.pid }));
    });
    const wss = new WebSocketServer({ noServer: true });
    squatter.on('upgrade', (req, socket, head) => {
      received.push(`upgrade ${req.headers.authorization ?? ''}`);
      wss.handleUpgrade(req, socket, head, (ws) =>
        ws.on('message', (data) => {
          const text = data.toString();
          received.push(text);
          const msg = JSON.parse(text) as { id?: number; method?: string };
          if (msg.method === 'initialize') {
            ws.send(
              JSON.stringify({
                jsonrpc: '2.0',
                id: msg.id,
                result: {
                  protocolVersion: { ...PROTOCOL_VERSION },
                  daemon: { name: 'tandemd', version: '9.9.9', pid: 4242 },
                  sessionId: 'x',
                  capabilities: { tasks: [], features: [] },
                },
              }),
            );
          } else if (msg.id !== undefined) ws.send(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: {} }));
        }),
      );
    });
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', () => r()));
    try {
      writeStaleLock(home, other.pid!, (squatter.address() as AddressInfo).port);
      const client = extensionClient(home, started);
      try {
        await client.start();
        await eventually(() => client.state.kind === 'failed' || client.state.kind === 'waiting', 20_000, 'the extension gave up on it');
        const state = client.state;
        const message = state.kind === 'failed' ? state.message : state.kind === 'waiting' ? state.lastError : '';
        assert.match(message, /answered as tandemd 9\.9\.9 \(pid 4242\), but the lock file names tandemd 0\.1\.0 \(pid \d+\)/);
      } finally {
        client.dispose();
      }
      const status = await cli(home, 'status');
      assert.notEqual(status.code, 0);
      assert.match(status.out, /not that daemon, so nothing was sent to it/);
      const methods = received.filter((r) => r.startsWith('{')).map((r) => (JSON.parse(r) as { method?: string }).method);
      assert.ok(methods.length > 0 && methods.every((m) => m === 'initialize'), `the squatter saw only handshakes (${methods.join(', ')})`);
      assert.ok(!received.some((r) => r.includes(SECRET)), 'the remote backend token never reached it');
      assert.ok(!received.some((r) => r.includes(home)), 'nor the workspace roots');
      tally.notes.push(`port squatter: ${methods.length} handshake(s) refused, no settings, roots or secrets sent`);
    } finally {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => squatter.close(r));
    }
  });
});
