/**
 * Pulling a model through Ollama's `/api/pull` (against the fake Ollama over real
 * HTTP): streamed progress, success, Ollama's own error, HTTP errors with secrets
 * redacted, cancellation closing the upstream download, and a stalled server.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { ErrorCodes, TandemError } from '../../../../protocol';
import { pullModel, type PullProgress } from '../../../../daemon/ops/pull';
import { FakeOllama } from '../../../fake-ollama';

const isCode = (code: number, text: RegExp) => (e: unknown) => e instanceof TandemError && e.code === code && text.test(e.message);

describe('ops: model pull', function () {
  this.timeout(10_000);
  let fake: FakeOllama;
  beforeEach(async () => {
    fake = new FakeOllama({ models: [], pullable: [{ name: 'qwen2.5-coder:1.5b-base', sizeBytes: 1000 }] });
    await fake.start();
  });
  afterEach(async () => fake.stop());

  it('streams progress until success, sends the headers, and the model is then listed', async () => {
    const progress: PullProgress[] = [];
    await pullModel({ name: 'local', url: fake.url, headers: { Authorization: 'Bearer tok-1234' } }, 'qwen2.5-coder:1.5b-base', {
      signal: new AbortController().signal,
      throttleMs: 0,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(progress[0].status, 'pulling manifest');
    assert.equal(progress.at(-1)!.status, 'success');
    const bytes = progress.filter((p) => p.total !== undefined).map((p) => [p.completed, p.total]);
    assert.deepEqual(bytes, [
      [0, 1000],
      [500, 1000],
      [1000, 1000],
    ]);
    const req = fake.requestsTo('/api/pull')[0];
    assert.deepEqual(req.body, { model: 'qwen2.5-coder:1.5b-base', stream: true });
    assert.equal(req.headers.authorization, 'Bearer tok-1234');
    const tags = (await (await fetch(`${fake.url}/api/tags`)).json()) as { models: Array<{ name: string }> };
    assert.deepEqual(
      tags.models.map((m) => m.name),
      ['qwen2.5-coder:1.5b-base'],
    );
  });

  it('throttles byte progress but never a status change', async () => {
    const progress: PullProgress[] = [];
    await pullModel({ name: 'local', url: fake.url, headers: {} }, 'qwen2.5-coder:1.5b-base', {
      signal: new AbortController().signal,
      throttleMs: 60_000,
      onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(
      progress.map((p) => p.status),
      ['pulling manifest', progress[1].status, 'verifying sha256 digest', 'writing manifest', 'success'],
    );
  });

  it("reports Ollama's error for a model it cannot pull", async () => {
    await assert.rejects(
      pullModel({ name: 'local', url: fake.url, headers: {} }, 'no-such-model:1b', {
        signal: new AbortController().signal,
        onProgress: () => undefined,
      }),
      isCode(
        ErrorCodes.UpstreamError,
        /Ollama on local \(http:\/\/127\.0\.0\.1:\d+\) could not pull no-such-model:1b: pull model manifest: file does not exist/,
      ),
    );
  });

  it('cancellation closes the upstream download at once', async () => {
    const server: Server = createServer((req, res) => {
      // A pull that sends one line and then stalls.
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"status":"pulling manifest"}\n');
      req.on('close', () => closed++);
    });
    let closed = 0;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const ac = new AbortController();
      const seen: string[] = [];
      const pulling = pullModel({ name: 'local', url, headers: {} }, 'big:1b', {
        signal: ac.signal,
        onProgress: (p) => seen.push(p.status),
      });
      while (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
      ac.abort();
      await assert.rejects(pulling, isCode(ErrorCodes.RequestCancelled, /cancelled/));
      for (let i = 0; i < 100 && closed === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(closed, 1, 'the server saw the connection close');

      await assert.rejects(
        pullModel({ name: 'local', url, headers: {} }, 'big:1b', {
          signal: new AbortController().signal,
          stallMs: 200,
          onProgress: () => undefined,
        }),
        isCode(ErrorCodes.UpstreamTimeout, /stalled: no progress/),
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('HTTP errors name the backend and never echo the credentials', async () => {
    const server: Server = createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `invalid credentials: ${req.headers.authorization}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const err = await pullModel({ name: 'dgx', url, headers: { Authorization: 'Bearer very-secret-token' } }, 'm:1b', {
        signal: new AbortController().signal,
        onProgress: () => undefined,
      }).then(
        () => undefined,
        (e: unknown) => e as TandemError,
      );
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.UpstreamError);
      assert.match(err.message, /HTTP 401 invalid credentials: \[redacted\]/);
      assert.doesNotMatch(`${err.message} ${err.hint}`, /very-secret-token/);
      assert.match(err.hint ?? '', /refused the credentials of backend dgx/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a dead backend is a clear NoBackendAvailable error', async () => {
    const url = fake.url;
    await fake.stop();
    await assert.rejects(
      pullModel({ name: 'local', url, headers: {} }, 'm:1b', { signal: new AbortController().signal, onProgress: () => undefined }),
      isCode(ErrorCodes.NoBackendAvailable, /Cannot reach local .* connection refused/),
    );
    await fake.start();
  });
});
