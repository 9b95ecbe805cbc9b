/**
 * The real daemon process over its real WebSocket and HTTP port, against the fake
 * Ollama: handshake, auth, bad input, streaming, cancellation, failover, circuit
 * breaker, lock-file takeover, idle exit and readiness.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import { CancellationTokenSource, type ResponseError } from 'vscode-jsonrpc/node';
import {
  ErrorCodes,
  InlineCompletionRequest,
  PrepareCompletionRequest,
  StatusRequest,
  StreamDeltaNotification,
  DoctorRequest,
  WorkspaceRegisterRequest,
  type TandemErrorData,
} from '../../protocol';
import { connectToDaemon, openSocket } from '../../protocol/client';
import { lockPath, readLock } from '../../protocol/lockfile';
import { FakeOllama } from '../fake-ollama';
import { eventually, removeHome, spawnDaemon, startDaemon, tempHome, writeConfig, type RunningDaemon } from './daemon-harness';

const MODEL = 'qwen2.5-coder:1.5b-base';

/** Generate calls that carry a prompt (the daemon's model warm-up at start has none). */
function promptCalls(fake: FakeOllama) {
  return fake.requestsTo('/api/generate').filter((r) => Boolean((r.body as { prompt?: string }).prompt));
}

function completionParams(extra: Partial<InlineCompletionRequest.Params> = {}): InlineCompletionRequest.Params {
  return {
    document: {
      path: '/tmp/example/sum.ts',
      languageId: 'typescript',
      prefix: 'export function sum(a: number, b: number) {\n  ',
      suffix: '\n}\n',
      line: 1,
      character: 2,
    },
    ...extra,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Send a raw frame and wait for the next frame back. */
function rawExchange(ws: WebSocket, frame: string | Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reply to raw frame')), 5000);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(JSON.parse(data.toString()) as Record<string, unknown>);
    });
    ws.send(frame);
  });
}

function wsStatus(port: number, headers: Record<string, string>, host?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`, { headers: { ...(host ? { Host: host } : {}), ...headers } });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => undefined);
  });
}

describe('tandemd (integration, real process)', function () {
  this.timeout(30_000);
  let fake: FakeOllama;
  let home: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(async () => {
    fake = new FakeOllama({
      models: [
        { name: MODEL, capabilities: ['completion', 'insert'] },
        { name: 'qwen2.5-coder:7b-instruct' },
        { name: 'nomic-embed-text', capabilities: ['embedding'] },
      ],
      defaultReply: { chunks: ['return', ' a', ' +', ' b;'] },
    });
    await fake.start();
    home = tempHome();
  });

  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    await fake.stop();
    removeHome(home);
  });

  describe('handshake and security', () => {
    beforeEach(async () => {
      daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }] });
    });

    it('writes a 0600 lock file with pid, port, token and version', () => {
      const lock = readLock(home)!;
      assert.equal(lock.pid, daemon!.proc.pid);
      assert.equal(lock.port, daemon!.port);
      assert.ok(lock.token.length >= 32);
      assert.match(lock.version, /^\d+\.\d+\.\d+/);
      assert.equal(statSync(lockPath(home)).mode & 0o777, 0o600);
    });

    it('completes the initialize handshake with versions and capabilities', async () => {
      const conn = await daemon!.connect();
      try {
        assert.equal(conn.init.daemon.name, 'tandemd');
        assert.equal(conn.init.daemon.pid, daemon!.proc.pid);
        assert.equal(conn.init.protocolVersion.major, 1);
        assert.deepEqual(conn.init.capabilities.tasks, ['complete', 'chat', 'fix', 'edit', 'embed', 'nextEdit', 'agent']);
        assert.ok(conn.init.sessionId);
      } finally {
        conn.close();
      }
    });

    it('refuses an incompatible protocol version with a clear error', async () => {
      await assert.rejects(
        connectToDaemon({
          port: daemon!.port,
          token: daemon!.lock.token,
          client: { name: 'old', version: '0.0.1' },
          protocolVersion: { major: 99, minor: 0 },
        }),
        (err: ResponseError<TandemErrorData>) => {
          assert.equal(err.code, ErrorCodes.ProtocolVersionMismatch);
          assert.match(err.message, /client old 0\.0\.1 speaks 99\.0, tandemd .* speaks 1\.\d/);
          assert.ok(err.data?.hint);
          return true;
        },
      );
    });

    it('refuses connections without the token, with a wrong token, from a browser origin or a foreign Host', async () => {
      assert.equal(await wsStatus(daemon!.port, {}), 401);
      assert.equal(await wsStatus(daemon!.port, { Authorization: 'Bearer not-the-token' }), 401);
      const auth = { Authorization: `Bearer ${daemon!.lock.token}` };
      assert.equal(await wsStatus(daemon!.port, { ...auth, Origin: 'https://evil.example' }), 403);
      assert.equal(await wsStatus(daemon!.port, auth, `evil.example:${daemon!.port}`), 403);
      assert.equal(await wsStatus(daemon!.port, auth), 101);
      const res = await fetch(daemon!.url('/health'), { headers: { Origin: 'https://evil.example' } });
      assert.equal(res.status, 403);
    });

    it('answers malformed, unknown, invalid, oversize and premature requests with typed errors and keeps serving', async () => {
      const ws = await openSocket({ port: daemon!.port, token: daemon!.lock.token });
      try {
        const premature = await rawExchange(ws, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tandem/status/get' }));
        assert.equal((premature.error as { code: number }).code, ErrorCodes.NotInitialized);

        const init = await rawExchange(
          ws,
          JSON.stringify({
            jsonrpc: '2.0',
            id: 2,
            method: 'initialize',
            params: { protocolVersion: { major: 1, minor: 0 }, client: { name: 'raw', version: '1' } },
          }),
        );
        assert.ok(init.result);

        const malformed = await rawExchange(ws, '{"jsonrpc": "2.0", "id": 3, "method": s3cr3t-token');
        assert.equal((malformed.error as { code: number }).code, ErrorCodes.ParseError);
        assert.doesNotMatch((malformed.error as { message: string }).message, /s3cr3t|jsonrpc/, 'the error never quotes the frame');
        assert.equal(malformed.id, null);

        const notRpc = await rawExchange(ws, JSON.stringify({ hello: 'world', id: 4 }));
        assert.equal((notRpc.error as { code: number }).code, ErrorCodes.InvalidRequest);

        const unknown = await rawExchange(ws, JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tandem/nope/nope' }));
        assert.equal((unknown.error as { code: number }).code, ErrorCodes.MethodNotFound);
        assert.equal(unknown.id, 5);

        const invalid = await rawExchange(
          ws,
          JSON.stringify({
            jsonrpc: '2.0',
            id: 6,
            method: 'tandem/completion/inline',
            params: { document: { path: '/x.ts', languageId: 'typescript', prefix: 'a', suffix: '', line: -1, character: 'x' } },
          }),
        );
        const err = invalid.error as { code: number; message: string; data: TandemErrorData };
        assert.equal(err.code, ErrorCodes.InvalidParams);
        assert.match(err.message, /document\.line/);
        assert.ok((err.data.details as Array<{ path: string }>).some((d) => d.path === 'document.character'));

        const huge = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tandem/status/get', params: { pad: 'x'.repeat(5 * 1024 * 1024) } });
        const oversize = await rawExchange(ws, huge);
        assert.equal((oversize.error as { code: number }).code, ErrorCodes.MessageTooLarge);
        assert.equal(oversize.id, 7);

        const ok = await rawExchange(ws, JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tandem/status/get' }));
        assert.equal((ok.result as { pid: number }).pid, daemon!.proc.pid);
      } finally {
        ws.close();
      }
      // Another client is unaffected.
      const other = await daemon!.connect();
      try {
        const status = await other.connection.sendRequest(StatusRequest.type);
        assert.equal(status.pid, daemon!.proc.pid);
      } finally {
        other.close();
      }
    });

    it('serves /health and Prometheus /metrics with request counts and histograms', async () => {
      const health = (await (await fetch(daemon!.url('/health'))).json()) as { status: string; version: string; uptimeSec: number };
      assert.equal(health.status, 'ok');
      assert.match(health.version, /^\d+\.\d+\.\d+/);
      const conn = await daemon!.connect();
      try {
        await conn.connection.sendRequest(InlineCompletionRequest.type, completionParams());
      } finally {
        conn.close();
      }
      const res = await fetch(daemon!.url('/metrics'));
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      const text = await res.text();
      assert.match(text, /tandem_rpc_requests_total\{method="tandem\/completion\/inline",outcome="ok"\} 1/);
      assert.match(text, /tandem_model_requests_total\{backend="local",task="complete",outcome="ok"\} 1/);
      assert.match(text, /tandem_model_first_token_seconds_bucket\{le="[^"]+",backend="local",task="complete"\}/);
      assert.match(text, /tandem_rpc_requests_total\{method="initialize",outcome="ok"\}/);
    });
  });

  describe('completions', () => {
    beforeEach(async () => {
      daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }] });
    });

    it('streams deltas in order and returns the full text with model, backend and timings', async () => {
      const conn = await daemon!.connect();
      try {
        const deltas: Array<{ seq: number; delta: string }> = [];
        conn.connection.onNotification(StreamDeltaNotification.type, (p) => {
          if (p.streamId === 's1') deltas.push(p);
        });
        const result = await conn.connection.sendRequest(InlineCompletionRequest.type, completionParams({ streamId: 's1' }));
        assert.equal(result.text, 'return a + b;');
        assert.equal(result.model, MODEL);
        assert.equal(result.backend, 'local');
        assert.equal(result.finishReason, 'stop');
        assert.ok(result.completionId);
        assert.ok(result.timings.totalMs >= result.timings.firstTokenMs);
        await eventually(() => deltas.length === 4, 2000, 'all deltas');
        assert.deepEqual(
          deltas.map((d) => d.seq),
          [0, 1, 2, 3],
        );
        assert.equal(deltas.map((d) => d.delta).join(''), result.text);
        const [gen] = promptCalls(fake);
        const body = gen!.body as { model: string; prompt: string; suffix: string; stream: boolean; keep_alive: unknown };
        assert.equal(body.model, MODEL);
        assert.equal(body.stream, true);
        assert.match(body.prompt, /export function sum\(a: number, b: number\) \{\n {2}$/);
        assert.equal(body.suffix, '\n}\n');
        assert.ok(body.keep_alive !== undefined, 'keep_alive is sent so the model stays loaded');
      } finally {
        conn.close();
      }
    });

    it('prepares a document in a registered root before its first completion, without calling a model', async () => {
      const ws = mkdtempSync(join(tmpdir(), 'tandem-prepare-ws-')); // outside the daemon's home (a root inside it is refused)
      mkdirSync(join(ws, 'src'), { recursive: true });
      writeFileSync(
        join(ws, 'src', 'math.ts'),
        'export function sumOfSquares(xs: number[]): number {\n  return xs.reduce((a, x) => a + x * x, 0);\n}\n',
      );
      const main = "import { sumOfSquares } from './math';\n\nexport function norm(xs: number[]): number {\n  return Math.sqrt(";
      writeFileSync(join(ws, 'src', 'main.ts'), `${main}sumOfSquares(xs));\n}\n`);
      const conn = await daemon!.connect();
      try {
        assert.ok(conn.init.capabilities.features.includes('completionPrepare'));
        await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [ws] });
        await eventually(
          async () =>
            (await conn.connection.sendRequest(StatusRequest.type)).indexing?.some((i) => i.state === 'ready' && i.filesDone >= 2),
          20_000,
          'the workspace index to be ready',
        );
        const before = promptCalls(fake).length;
        const document = {
          path: join(ws, 'src', 'main.ts'),
          languageId: 'typescript',
          prefix: main,
          suffix: 'sumOfSquares(xs));\n}\n',
          line: 3,
          character: 19,
        };
        const prepared = await conn.connection.sendRequest(PrepareCompletionRequest.type, { document, workspaceRoot: ws });
        assert.ok(prepared.contextChunks >= 1, 'the imported definition was assembled');
        assert.ok(prepared.contextMs >= 0);
        // Outside every root there is nothing to prepare, and that is no error.
        const outside = await conn.connection.sendRequest(PrepareCompletionRequest.type, completionParams());
        assert.equal(outside.contextChunks, 0);
        await assert.rejects(
          conn.connection.sendRequest(PrepareCompletionRequest.type, { document: { ...document, line: -1 } } as never),
          (err: ResponseError<TandemErrorData>) => err.code === ErrorCodes.InvalidParams,
        );
        assert.equal(promptCalls(fake).length, before, 'no model was called');
      } finally {
        conn.close();
        rmSync(ws, { recursive: true, force: true });
      }
    });

    it('loads the completion model at start, with keep_alive, so the first keystroke does not wait for it', async () => {
      const warm = await eventually(
        () => fake.requestsTo('/api/generate').find((r) => !(r.body as { prompt?: string }).prompt),
        10_000,
        'the warm-up request',
      );
      const body = warm.body as { model: string; keep_alive: unknown };
      assert.equal(body.model, MODEL);
      assert.equal(body.keep_alive, '30m');
    });

    it('cancellation aborts the upstream Ollama stream at once', async () => {
      fake.addRule({ path: '/api/generate', chunks: Array.from({ length: 200 }, (_, i) => `t${i} `), chunkDelayMs: 50 }, true);
      const conn = await daemon!.connect();
      try {
        let firstDelta!: () => void;
        const gotDelta = new Promise<void>((r) => (firstDelta = r));
        conn.connection.onNotification(StreamDeltaNotification.type, () => firstDelta());
        const cts = new CancellationTokenSource();
        const pending = conn.connection.sendRequest(InlineCompletionRequest.type, completionParams({ streamId: 'c1' }), cts.token);
        await gotDelta;
        assert.equal(fake.openStreams, 1);
        cts.cancel();
        await assert.rejects(pending, (err: ResponseError<TandemErrorData>) => err.code === ErrorCodes.RequestCancelled);
        await fake.waitFor(() => fake.clientAborts === 1 && fake.openStreams === 0, 3000, 'upstream stream closed by the daemon');
        const [gen] = promptCalls(fake);
        assert.equal(gen!.outcome, 'client-closed');
      } finally {
        conn.close();
      }
    });

    it('reports a model that is not pulled with the pull command', async () => {
      fake.removeModel(MODEL);
      const conn = await daemon!.connect();
      try {
        await assert.rejects(
          conn.connection.sendRequest(InlineCompletionRequest.type, completionParams()),
          (err: ResponseError<TandemErrorData>) => {
            assert.equal(err.code, ErrorCodes.ModelNotFound);
            assert.match(`${err.message} ${err.data?.hint ?? ''}`, /ollama pull qwen2\.5-coder:1\.5b-base/);
            return true;
          },
        );
      } finally {
        conn.close();
      }
    });
  });

  describe('routing', () => {
    it('fails over from a dead backend to a live one within the same request', async () => {
      const deadPort = await freePort();
      daemon = await startDaemon(home, {
        backends: [
          { name: 'dgx', url: `http://127.0.0.1:${deadPort}`, priority: 0 },
          { name: 'local', url: fake.url, priority: 1 },
        ],
      });
      const conn = await daemon.connect();
      try {
        const result = await conn.connection.sendRequest(InlineCompletionRequest.type, completionParams());
        assert.equal(result.backend, 'local');
        assert.equal(result.text, 'return a + b;');
      } finally {
        conn.close();
      }
      const metrics = await (await fetch(daemon.url('/metrics'))).text();
      assert.match(metrics, /tandem_router_failovers_total\{from="dgx",task="complete"\} [1-9]/);
    });

    it('fails over from an HTTP 500 and opens the circuit after repeated failures', async () => {
      const broken = new FakeOllama({
        models: [{ name: MODEL, capabilities: ['completion', 'insert'] }],
        rules: [{ path: '/api/generate', status: 500, error: 'llama runner process has terminated' }],
      });
      await broken.start();
      try {
        daemon = await startDaemon(home, {
          backends: [
            { name: 'flaky', url: broken.url, priority: 0 },
            { name: 'local', url: fake.url, priority: 1 },
          ],
          router: { failureThreshold: 2, circuitCooldownMs: 60_000 },
        });
        const conn = await daemon.connect();
        try {
          for (let i = 0; i < 3; i++) {
            const r = await conn.connection.sendRequest(InlineCompletionRequest.type, completionParams());
            assert.equal(r.backend, 'local');
          }
          const status = await conn.connection.sendRequest(StatusRequest.type);
          const flaky = status.backends.find((b) => b.name === 'flaky')!;
          assert.equal(flaky.circuit, 'open');
          assert.match(flaky.lastError ?? '', /terminated|500/);
          // With the circuit open the broken backend is skipped: it saw only the first two calls.
          assert.equal(promptCalls(broken).length, 2);
        } finally {
          conn.close();
        }
      } finally {
        await broken.stop();
      }
    });

    it('/ready is 503 with reasons while no backend serves completions (URLs only for token holders), then 200', async () => {
      const port = await freePort();
      daemon = await startDaemon(home, { backends: [{ name: 'local', url: `http://127.0.0.1:${port}` }] });
      const before = await fetch(daemon.url('/ready'), { headers: { Authorization: `Bearer ${daemon.lock.token}` } });
      assert.equal(before.status, 503);
      const body = (await before.json()) as { ready: boolean; reasons: string[] };
      assert.equal(body.ready, false);
      assert.ok(
        body.reasons.some((r) => r.includes(`127.0.0.1:${port}`)),
        body.reasons.join('\n'),
      );
      // Without the token: the same verdict and a reason naming the backend, but no URL.
      const anonymous = await fetch(daemon.url('/ready'));
      assert.equal(anonymous.status, 503);
      const plain = (await anonymous.json()) as { ready: boolean; reasons: string[] };
      assert.equal(plain.ready, false);
      assert.ok(
        plain.reasons.some((r) => r.startsWith('Backend local ')),
        plain.reasons.join('\n'),
      );
      assert.ok(!JSON.stringify(plain).includes(`127.0.0.1:${port}`), JSON.stringify(plain));

      const late = new FakeOllama({ models: [{ name: MODEL, capabilities: ['completion', 'insert'] }] });
      await late.start(port);
      try {
        await eventually(async () => (await fetch(daemon!.url('/ready'))).status === 200, 15_000, '/ready to turn 200');
      } finally {
        await late.stop();
      }
    });

    it('doctor over the protocol names the missing model and how to pull it', async () => {
      fake.removeModel('qwen2.5-coder:7b-instruct');
      daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }] });
      const conn = await daemon.connect();
      try {
        const report = await conn.connection.sendRequest(DoctorRequest.type);
        assert.equal(report.completionsWork, true);
        const missing = report.checks.find((c) => c.status !== 'ok' && /7b-instruct/.test(`${c.title} ${c.detail ?? ''}`));
        assert.ok(missing, JSON.stringify(report.checks, null, 2));
        assert.match(missing.fix ?? '', /ollama pull qwen2\.5-coder:7b-instruct/);
      } finally {
        conn.close();
      }
    });
  });

  describe('lifecycle', () => {
    it('a second start finds the live daemon and does not start another', async () => {
      daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }] });
      const second = spawnDaemon(home);
      const line = await second.firstLine;
      assert.equal(line.event, 'already-running');
      assert.equal(line.pid, daemon.proc.pid);
      assert.equal(await second.exited, 0);
      assert.equal(readLock(home)!.pid, daemon.proc.pid);
    });

    it('takes over a stale lock left by a dead process', async () => {
      writeConfig(home, { backends: [{ name: 'local', url: fake.url }] });
      const deadPid = 2 ** 22 + 12345; // above pid_max defaults: never alive
      writeFileSync(
        lockPath(home),
        JSON.stringify({ pid: deadPid, port: 1, token: 'stale', version: '0.0.0', protocol: { major: 1, minor: 0 }, startedAt: 0 }),
        { mode: 0o600 },
      );
      daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }] });
      const lock = readLock(home)!;
      assert.equal(lock.pid, daemon.proc.pid);
      assert.notEqual(lock.token, 'stale');
    });

    it('exits after the idle time without clients and removes its lock', async () => {
      daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }], idleTimeoutSec: 1 });
      const conn = await daemon.connect();
      // While a client is connected the daemon stays up past the idle time.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(daemon.proc.exitCode, null);
      conn.close();
      assert.equal(await daemon.exited, 0);
      assert.equal(existsSync(join(home, 'daemon.lock')), false);
    });
  });
});
