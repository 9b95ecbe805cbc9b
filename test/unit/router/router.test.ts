import assert from 'node:assert/strict';
import { ErrorCodes, TandemError, isCancellation, type BackendStatus } from '../../../protocol';
import type { Router } from '../../../daemon/router/router';
import { FakeOllama, fakeEmbedding, cosine, tandemDefaultModels, type FakeModel } from '../../fake-ollama';
import { closedPort, makeConfig, makeRouter, ManualClock, metricValue, rejection, type BackendSpec } from './helpers';

const generateBodies = (fake: FakeOllama) => fake.requestsTo('/api/generate').map((r) => r.body as Record<string, unknown>);

describe('Router', function () {
  const fakes: FakeOllama[] = [];
  const routers: Router[] = [];

  async function startFake(models: FakeModel[] = tandemDefaultModels()): Promise<FakeOllama> {
    const fake = new FakeOllama({ models });
    await fake.start();
    fakes.push(fake);
    return fake;
  }

  function router(backends: BackendSpec[], opts: Parameters<typeof makeConfig>[1] & { now?: () => number } = {}) {
    const made = makeRouter(makeConfig(backends, opts), { now: opts.now });
    routers.push(made.router);
    return made;
  }

  afterEach(async () => {
    for (const r of routers.splice(0)) r.dispose();
    await Promise.all(fakes.splice(0).map((f) => f.stop()));
  });

  describe('completion (Ollama)', () => {
    it('streams deltas and sends the task hyperparameters with a native suffix', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['return', ' a', ' + b'] });
      const { router: r } = router([{ name: 'local', url: fake.url }], {
        tasks: { complete: { temperature: 0.2, num_predict: 64, num_ctx: 2048, top_p: 0.8, keep_alive: '1h', stop: ['\n\n'] } },
      });
      const deltas: string[] = [];
      const result = await r.complete({ prefix: 'def add(a, b):\n    ', suffix: '\n', stop: ['\n'], onDelta: (d) => deltas.push(d) });
      assert.deepEqual(deltas, ['return', ' a', ' + b']);
      assert.equal(result.text, 'return a + b');
      assert.equal(result.backend, 'local');
      assert.equal(result.model, 'qwen2.5-coder:1.5b-base');
      assert.equal(result.doneReason, 'stop');
      assert.equal(result.outputTokens, 3);
      assert.ok(result.totalMs >= result.firstTokenMs);
      const [body] = generateBodies(fake);
      assert.equal(body.model, 'qwen2.5-coder:1.5b-base');
      assert.equal(body.prompt, 'def add(a, b):\n    ');
      assert.equal(body.suffix, '\n');
      assert.equal(body.raw, false);
      assert.equal(body.stream, true);
      assert.equal(body.keep_alive, '1h');
      const options = body.options as Record<string, unknown>;
      assert.equal(options.temperature, 0.2);
      assert.equal(options.num_predict, 64);
      assert.equal(options.num_ctx, 2048);
      assert.equal(options.top_p, 0.8);
      assert.ok((options.stop as string[]).includes('\n\n') && (options.stop as string[]).includes('\n'));
    });

    it('reads /api/show once per model and backend', async () => {
      const fake = await startFake();
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      await r.complete({ prefix: 'a', suffix: 'b' });
      await r.complete({ prefix: 'c', suffix: 'd' });
      assert.equal(fake.requestsTo('/api/show').length, 1);
      assert.equal(fake.requestsTo('/api/generate').length, 2);
    });

    const rawCases: Array<{ model: string; expected: string; stop: string }> = [
      { model: 'qwen2.5-coder:1.5b', expected: '<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>', stop: '<|fim_pad|>' },
      { model: 'deepseek-coder:1.3b-base', expected: '<｜fim▁begin｜>P<｜fim▁hole｜>S<｜fim▁end｜>', stop: '<｜end▁of▁sentence｜>' },
      { model: 'codellama:7b-code', expected: '<PRE> P <SUF>S <MID>', stop: '<EOT>' },
      { model: 'starcoder2:3b', expected: '<fim_prefix>P<fim_suffix>S<fim_middle>', stop: '<file_sep>' },
      { model: 'codestral:22b', expected: '[SUFFIX]S[PREFIX]P', stop: '[PREFIX]' },
      { model: 'codegemma:2b', expected: '<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>', stop: '<|file_separator|>' },
    ];
    for (const c of rawCases) {
      it(`sends a raw FIM prompt for ${c.model} without insert support`, async () => {
        const fake = await startFake([{ name: c.model, capabilities: ['completion'], template: '{{ .Prompt }}' }]);
        const { router: r, logger } = router([{ name: 'local', url: fake.url }], { tasks: { complete: { model: c.model } } });
        const result = await r.complete({ prefix: 'P', suffix: 'S' });
        assert.equal(result.text, 'Hello from the fake Ollama.');
        const [body] = generateBodies(fake);
        assert.equal(body.raw, true);
        assert.equal(body.prompt, c.expected);
        assert.equal(body.suffix, undefined);
        assert.ok((body.options as { stop: string[] }).stop.includes(c.stop));
        assert.ok(!logger.lines.some((l) => l.startsWith('warn')), 'a base FIM model gets no warning');
      });
    }

    it('warns once in the log when an instruct model serves completions', async () => {
      const fake = await startFake();
      const { router: r, logger } = router([{ name: 'local', url: fake.url }], {
        tasks: { complete: { model: 'qwen2.5-coder:7b-instruct' } },
      });
      await r.complete({ prefix: 'a', suffix: 'b' });
      await r.complete({ prefix: 'a', suffix: 'b' });
      assert.equal(logger.lines.filter((l) => l.includes('instruct')).length, 1);
    });

    it('reports a model that is not pulled as ModelNotFound with the pull command', async () => {
      const fake = await startFake([{ name: 'nomic-embed-text' }]);
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      const err = await rejection(r.complete({ prefix: 'a', suffix: 'b' }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.ModelNotFound);
      assert.match(err.hint ?? '', new RegExp(`ollama pull qwen2\\.5-coder:1\\.5b-base\` on ${fake.url.replace(/\./g, '\\.')}`));
      assert.equal(r.status()[0].consecutiveFailures, 0, 'a missing model is not a backend failure');
    });

    it('fails with a clear UpstreamError on garbage lines in the stream', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['a', 'b', 'c'], garbage: { afterChunks: 0, line: '<html>502 Bad Gateway</html>' } });
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      const err = await rejection(r.complete({ prefix: 'a', suffix: 'b' }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.UpstreamError);
      assert.match(err.message, /not JSON.*502 Bad Gateway/);
      assert.ok(err.hint);
    });

    it('fails with an UpstreamError carrying the server message on an in-stream error', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['a', 'b'], streamError: { afterChunks: 0, message: 'llama runner process has terminated' } });
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      const err = await rejection(r.complete({ prefix: 'a', suffix: 'b' }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.UpstreamError);
      assert.match(err.message, /llama runner process has terminated/);
    });
  });

  describe('cancellation', () => {
    const noTimeouts = { timeoutMs: 3_600_000, firstTokenTimeoutMs: 600_000 };
    it('aborts the upstream stream mid-generation and rejects with a cancellation', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['one', 'two', 'three'], hangAfterChunks: 1 });
      // Timeouts far beyond mocha's: only the cancellation itself can end this call.
      const { router: r, metrics } = router([{ name: 'local', url: fake.url }], { tasks: { complete: noTimeouts } });
      const ac = new AbortController();
      const p = r.complete({ prefix: 'a', suffix: 'b', signal: ac.signal, onDelta: () => ac.abort() });
      const err = await rejection(p);
      assert.ok(isCancellation(err), `expected a cancellation, got ${String(err)}`);
      await fake.waitFor(() => fake.clientAborts === 1, 5_000, 'upstream connection closed by the router');
      assert.equal(fake.openStreams, 0);
      const [s] = r.status();
      assert.equal(s.consecutiveFailures, 0);
      assert.notEqual(s.health, 'down');
      assert.equal(
        await metricValue(metrics, 'tandem_model_requests_total', { backend: 'local', task: 'complete', outcome: 'cancelled' }),
        1,
      );
    });

    it('aborts a request that has no response yet', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ hang: true });
      const { router: r } = router([{ name: 'local', url: fake.url }], { tasks: { complete: noTimeouts } });
      const ac = new AbortController();
      const p = r.complete({ prefix: 'a', suffix: 'b', signal: ac.signal });
      await fake.waitFor(() => fake.requestsTo('/api/generate').length === 1 && fake.openStreams === 1);
      ac.abort();
      assert.ok(isCancellation(await rejection(p)));
      await fake.waitFor(() => fake.clientAborts === 1, 5_000, 'upstream connection closed by the router');
    });

    it('ends the call with the error of a throwing delta sink, closing upstream, without blaming the backend', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['a', 'b'], hangAfterChunks: 1 });
      const { router: r } = router([{ name: 'local', url: fake.url }], { tasks: { complete: noTimeouts } });
      const sinkFailure = new Error('client socket closed');
      const err = await rejection(
        r.complete({
          prefix: 'p',
          suffix: 's',
          onDelta: () => {
            throw sinkFailure;
          },
        }),
      );
      assert.equal(err, sinkFailure);
      await fake.waitFor(() => fake.clientAborts === 1);
      assert.equal(r.status()[0].consecutiveFailures, 0);
    });

    it('rejects at once when the signal is already aborted, without calling a backend', async () => {
      const fake = await startFake();
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      const ac = new AbortController();
      ac.abort();
      assert.ok(isCancellation(await rejection(r.chat({ task: 'chat', messages: [{ role: 'user', content: 'hi' }], signal: ac.signal }))));
      assert.equal(fake.requests.length, 0);
    });
  });

  describe('failover', () => {
    it('moves from a dead backend to a live one within the same request', async () => {
      const live = await startFake();
      const dead = `http://127.0.0.1:${await closedPort()}`;
      const { router: r, metrics } = router([
        { name: 'dead', url: dead, priority: 0 },
        { name: 'live', url: live.url, priority: 1 },
      ]);
      const result = await r.complete({ prefix: 'a', suffix: 'b' });
      assert.equal(result.backend, 'live');
      const dStatus = r.status().find((s) => s.name === 'dead')!;
      assert.equal(dStatus.health, 'down');
      assert.match(dStatus.lastError ?? '', /connection refused/);
      assert.equal(await metricValue(metrics, 'tandem_router_failovers_total', { from: 'dead', task: 'complete' }), 1);
    });

    it('moves on after an HTTP 500', async () => {
      const a = await startFake();
      const b = await startFake();
      a.addRule({ path: '/api/generate', status: 500, error: 'llama runner process has terminated' });
      const { router: r } = router([
        { name: 'a', url: a.url, priority: 0 },
        { name: 'b', url: b.url, priority: 1 },
      ]);
      const result = await r.complete({ prefix: 'a', suffix: 'b' });
      assert.equal(result.backend, 'b');
      assert.equal(a.requestsTo('/api/generate').length, 1);
      assert.equal(r.status().find((s) => s.name === 'a')!.consecutiveFailures, 1);
    });

    it('moves on when the first token does not come in time, closing the slow stream', async () => {
      const slow = await startFake();
      const fast = await startFake();
      slow.setDefaultReply({ hang: true });
      const { router: r, metrics } = router(
        [
          { name: 'slow', url: slow.url, priority: 0 },
          { name: 'fast', url: fast.url, priority: 1 },
        ],
        // The whole-call timeout is far away: only the first-token timeout can move this call.
        { tasks: { complete: { firstTokenTimeoutMs: 1_000, timeoutMs: 3_600_000 } } },
      );
      const result = await r.complete({ prefix: 'a', suffix: 'b' });
      assert.equal(result.backend, 'fast');
      await slow.waitFor(() => slow.clientAborts === 1, 5_000, 'slow stream closed');
      assert.equal(await metricValue(metrics, 'tandem_model_requests_total', { backend: 'slow', task: 'complete', outcome: 'timeout' }), 1);
    });

    it('does not fail over once text reached the caller', async () => {
      const a = await startFake();
      const b = await startFake();
      a.setDefaultReply({ chunks: ['x', 'y', 'z'], disconnectAfterChunks: 2 });
      const { router: r } = router([
        { name: 'a', url: a.url, priority: 0 },
        { name: 'b', url: b.url, priority: 1 },
      ]);
      const deltas: string[] = [];
      const err = await rejection(r.complete({ prefix: 'p', suffix: 's', onDelta: (d) => deltas.push(d) }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.UpstreamError);
      assert.match(err.message, /mid-stream/);
      assert.deepEqual(deltas, ['x', 'y']);
      assert.equal(b.requestsTo('/api/generate').length, 0);
    });

    it('times out a stream that stalls after its first tokens', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['a', 'b'], hangAfterChunks: 1 });
      const { router: r } = router([{ name: 'local', url: fake.url }], { tasks: { chat: { timeoutMs: 300 } } });
      const err = await rejection(r.chat({ task: 'chat', messages: [{ role: 'user', content: 'hi' }] }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.UpstreamTimeout);
      await fake.waitFor(() => fake.clientAborts === 1);
    });

    it('lists every backend and why when none can serve', async () => {
      const p1 = await closedPort();
      const p2 = await closedPort();
      const { router: r } = router([
        { name: 'one', url: `http://127.0.0.1:${p1}` },
        { name: 'two', url: `http://127.0.0.1:${p2}`, priority: 5 },
        { name: 'off', url: 'http://127.0.0.1:9', enabled: false },
      ]);
      const err = await rejection(r.complete({ prefix: 'a', suffix: 'b' }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.NoBackendAvailable);
      assert.match(err.message, /one \(http:\/\/127\.0\.0\.1:\d+\): Cannot reach .*connection refused/);
      assert.match(err.message, /two \(/);
      assert.match(err.message, /off \(.*disabled/);
      assert.match(err.hint ?? '', /doctor/);
      assert.equal((err.details as unknown[]).length, 3);
    });

    it('aggregates ModelNotFound across backends with a pull hint for each', async () => {
      const a = await startFake([]);
      const b = await startFake([]);
      const { router: r } = router([
        { name: 'a', url: a.url },
        { name: 'b', url: b.url, priority: 1 },
      ]);
      const err = await rejection(r.complete({ prefix: 'a', suffix: 'b' }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.ModelNotFound);
      assert.ok((err.hint ?? '').includes(a.url) && (err.hint ?? '').includes(b.url));
    });
  });

  describe('circuit breaker', () => {
    it('opens after N failures, half-opens after the cooldown and closes on a good trial', async () => {
      const clock = new ManualClock();
      const a = await startFake();
      a.setRules([{ path: '/api/generate', status: 500, error: 'boom' }]);
      const { router: r } = router([{ name: 'a', url: a.url }], {
        router: { failureThreshold: 2, circuitCooldownMs: 1_000 },
        now: clock.now,
      });
      const changes: BackendStatus[][] = [];
      r.onStatusChange((s) => changes.push(s));
      const circuitOf = () => r.status()[0].circuit;
      const calls = () => a.requestsTo('/api/generate').length;

      assert.equal(((await rejection(r.complete({ prefix: '1', suffix: '' }))) as TandemError).code, ErrorCodes.UpstreamError);
      assert.equal(circuitOf(), 'closed');
      await rejection(r.complete({ prefix: '2', suffix: '' }));
      assert.equal(circuitOf(), 'open');
      assert.ok(
        changes.some((s) => s[0].circuit === 'open'),
        'onStatusChange reported the open circuit',
      );
      assert.equal(r.canServe('complete'), false);

      const open = await rejection(r.complete({ prefix: '3', suffix: '' }));
      assert.equal((open as TandemError).code, ErrorCodes.NoBackendAvailable);
      assert.match((open as Error).message, /circuit open after 2 consecutive failures/);
      assert.equal(calls(), 2, 'an open circuit is skipped');

      clock.advance(999);
      assert.equal(circuitOf(), 'open');
      clock.advance(1);
      assert.equal(circuitOf(), 'half-open');
      await rejection(r.complete({ prefix: '4', suffix: '' }));
      assert.equal(calls(), 3, 'one trial call went through');
      assert.equal(circuitOf(), 'open', 'a failed trial opens the circuit again');

      a.setRules([]);
      clock.advance(1_000);
      const fifth = await r.complete({ prefix: '5', suffix: '' });
      assert.equal(fifth.backend, 'a');
      assert.equal(circuitOf(), 'closed');
      assert.equal(r.status()[0].consecutiveFailures, 0);
      assert.equal(changes.at(-1)?.[0].circuit, 'closed');
    });

    it('lets exactly one trial through a half-open circuit', async () => {
      const clock = new ManualClock();
      const a = await startFake();
      const b = await startFake();
      a.setRules([{ path: '/api/generate', times: 1, status: 500, error: 'boom' }]);
      const { router: r } = router(
        [
          { name: 'a', url: a.url, priority: 0 },
          { name: 'b', url: b.url, priority: 1 },
        ],
        { router: { failureThreshold: 1, circuitCooldownMs: 1_000 }, now: clock.now },
      );
      assert.equal((await r.complete({ prefix: '1', suffix: '' })).backend, 'b');
      assert.equal(r.status()[0].circuit, 'open');
      clock.advance(1_000);
      a.setDefaultReply({ firstTokenDelayMs: 100 });
      const [first, second] = await Promise.all([r.complete({ prefix: '2', suffix: '' }), r.complete({ prefix: '3', suffix: '' })]);
      assert.deepEqual([first.backend, second.backend].sort(), ['a', 'b'], 'the trial went to a, the concurrent call to b');
      assert.equal(r.status()[0].circuit, 'closed');
    });

    it('skips a backend with an open circuit in favour of the next one', async () => {
      const clock = new ManualClock();
      const a = await startFake();
      const b = await startFake();
      a.setRules([{ status: 503, error: 'overloaded' }]);
      const { router: r } = router(
        [
          { name: 'a', url: a.url, priority: 0 },
          { name: 'b', url: b.url, priority: 1 },
        ],
        { router: { failureThreshold: 1, circuitCooldownMs: 60_000 }, now: clock.now },
      );
      assert.equal((await r.complete({ prefix: 'x', suffix: '' })).backend, 'b');
      await r.probeAll();
      assert.equal(r.status()[0].health, 'up', 'an explicit probe sees a reachable');
      assert.equal(r.status()[0].circuit, 'open', 'but only a trial may close the circuit');
      assert.equal((await r.complete({ prefix: 'y', suffix: '' })).backend, 'b');
      assert.equal(a.requestsTo('/api/generate').length, 1);
    });
  });

  describe('sticky sessions', () => {
    it('keeps a session on its backend while it is healthy, and moves it when it dies', async () => {
      const a = await startFake();
      const b = await startFake();
      a.addRule({ path: '/api/generate', times: 1, status: 500, error: 'transient' });
      b.setDefaultReply({ firstTokenDelayMs: 300 });
      const { router: r } = router([
        { name: 'a', url: a.url, priority: 0 },
        { name: 'b', url: b.url, priority: 0 },
      ]);
      assert.equal((await r.complete({ prefix: '1', suffix: '', sessionKey: 's1' })).backend, 'b', 'failed over to b');
      await r.probeAll();
      assert.equal((await r.complete({ prefix: '2', suffix: '' })).backend, 'a', 'without a session the faster a wins');
      assert.equal((await r.complete({ prefix: '3', suffix: '', sessionKey: 's1' })).backend, 'b', 's1 sticks to b');
      assert.equal((await r.complete({ prefix: '4', suffix: '', sessionKey: 's2' })).backend, 'a');
      assert.equal((await r.complete({ prefix: '5', suffix: '', sessionKey: 's1' })).backend, 'b', 'still b');
      await b.stop();
      assert.equal((await r.complete({ prefix: '6', suffix: '', sessionKey: 's1' })).backend, 'a', 's1 moves when b dies');
      assert.equal((await r.complete({ prefix: '7', suffix: '', sessionKey: 's1' })).backend, 'a');
    });

    it('returns a session to its preferred backend once that one takes calls again', async () => {
      const a = await startFake();
      const b = await startFake();
      a.addRule({ path: '/api/generate', times: 1, status: 500, error: 'transient' });
      const { router: r } = router([
        { name: 'a', url: a.url, priority: 0 },
        { name: 'b', url: b.url, priority: 1 },
      ]);
      assert.equal((await r.complete({ prefix: '1', suffix: '', sessionKey: 's1' })).backend, 'b');
      assert.equal((await r.complete({ prefix: '2', suffix: '', sessionKey: 's1' })).backend, 'a', 'priority beats stickiness');
    });
  });

  describe('chat and embed', () => {
    it('streams chat from Ollama with messages, options and JSON format', async () => {
      const fake = await startFake();
      fake.addRule({ path: '/api/chat', match: 'explain', chunks: ['It ', 'adds.'] });
      const { router: r } = router([{ name: 'local', url: fake.url }], { tasks: { fix: { num_predict: 99 } } });
      const deltas: string[] = [];
      const result = await r.chat({
        task: 'fix',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'explain add' },
        ],
        json: true,
        onDelta: (d) => deltas.push(d),
      });
      assert.equal(result.text, 'It adds.');
      assert.deepEqual(deltas, ['It ', 'adds.']);
      const body = fake.requestsTo('/api/chat')[0].body as Record<string, unknown>;
      assert.equal(body.model, 'qwen2.5-coder:7b-instruct');
      assert.equal(body.format, 'json');
      assert.equal((body.options as Record<string, unknown>).num_predict, 99);
      assert.equal((body.messages as unknown[]).length, 2);
    });

    it('embeds with deterministic vectors that keep similar texts close', async () => {
      const fake = await startFake();
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      const input = ['function parseConfig(file)', 'parse the config file', 'render a button'];
      const result = await r.embed({ input });
      assert.equal(result.embeddings.length, 3);
      assert.equal(result.backend, 'local');
      assert.equal(result.model, 'nomic-embed-text');
      assert.deepEqual(result.embeddings[0], fakeEmbedding(input[0], 768));
      assert.ok(cosine(result.embeddings[0], result.embeddings[1]) > cosine(result.embeddings[0], result.embeddings[2]));
      assert.equal((fake.requestsTo('/api/embed')[0].body as { keep_alive: string }).keep_alive, '30m');
    });
  });

  describe('openai-compatible backend', () => {
    it('completes through /v1/completions with suffix, streaming SSE', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['x', ' + ', 'y'] });
      const { router: r } = router([
        { name: 'vllm', url: fake.url, kind: 'openai-compatible', headers: { Authorization: 'Bearer s3cret-token' } },
      ]);
      const deltas: string[] = [];
      const result = await r.complete({ prefix: 'return ', suffix: ';', onDelta: (d) => deltas.push(d) });
      assert.equal(result.text, 'x + y');
      assert.deepEqual(deltas, ['x', ' + ', 'y']);
      const req = fake.requestsTo('/v1/completions')[0];
      const body = req.body as Record<string, unknown>;
      assert.equal(body.prompt, 'return ');
      assert.equal(body.suffix, ';');
      assert.equal(body.stream, true);
      assert.equal(body.max_tokens, 128);
      assert.equal(req.headers.authorization, 'Bearer s3cret-token');
    });

    it('streams chat and embeds', async () => {
      const fake = await startFake();
      fake.addRule({ path: '/v1/chat/completions', chunks: ['Hi', '!'] });
      const { router: r } = router([{ name: 'lm', url: `${fake.url}/v1`, kind: 'openai-compatible' }]);
      const result = await r.chat({ task: 'chat', messages: [{ role: 'user', content: 'hello' }] });
      assert.equal(result.text, 'Hi!');
      const emb = await r.embed({ input: ['a b', 'c'] });
      assert.deepEqual(emb.embeddings[1], fakeEmbedding('c', 768));
      const status = await r.probeAll();
      assert.equal(status[0].health, 'up');
      assert.ok(status[0].models?.includes('nomic-embed-text:latest'));
    });

    it('fails clearly on a garbage SSE stream and on an unknown model', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['a'], garbage: { afterChunks: 1, line: 'data: {not json' } });
      const { router: r } = router([{ name: 'vllm', url: fake.url, kind: 'openai-compatible' }]);
      const err = await rejection(r.chat({ task: 'chat', messages: [{ role: 'user', content: 'x' }] }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.UpstreamError);
      assert.match(err.message, /not JSON/);
      const missing = await rejection(r.chat({ task: 'chat', model: 'nope:1b', messages: [{ role: 'user', content: 'x' }] }));
      assert.ok(missing instanceof TandemError);
      assert.equal(missing.code, ErrorCodes.ModelNotFound);
      assert.match(missing.hint ?? '', /v1\/models/);
    });
  });

  describe('health, status and configuration', () => {
    it('probes version, models and loaded models, and fires onStatusChange', async () => {
      const fake = new FakeOllama({ models: tandemDefaultModels(), loaded: ['qwen2.5-coder:1.5b-base'], version: '0.9.0' });
      await fake.start();
      fakes.push(fake);
      const { router: r, metrics } = router([{ name: 'local', url: fake.url }]);
      assert.equal(r.status()[0].health, 'unknown');
      const seen: BackendStatus[][] = [];
      r.onStatusChange((s) => seen.push(s));
      const [s] = await r.probeAll();
      assert.equal(s.health, 'up');
      assert.equal(s.version, '0.9.0');
      assert.deepEqual(s.loaded, ['qwen2.5-coder:1.5b-base']);
      assert.equal(s.models?.length, 3);
      assert.equal(seen.length, 1);
      assert.equal(await metricValue(metrics, 'tandem_backend_up', { backend: 'local' }), 1);
      for (const p of ['/api/version', '/api/tags', '/api/ps']) assert.equal(fake.requestsTo(p).length, 1, p);
    });

    it('runs background health checks on the configured interval', async () => {
      const fake = await startFake();
      const { router: r } = router([{ name: 'local', url: fake.url }], { router: { healthIntervalMs: 20 } });
      await fake.waitFor(() => fake.requestsTo('/api/version').length >= 2, 5_000, 'two background probes');
      r.dispose();
      assert.equal(r.status()[0].health, 'up');
    });

    it('canServe is false when the probe shows the task model is missing', async () => {
      const fake = await startFake([{ name: 'nomic-embed-text' }]);
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      await r.probeAll();
      assert.equal(r.canServe('complete'), false);
      assert.equal(r.canServe('embed'), true);
    });

    it('treats a single-model OpenAI-compatible server as serving any model name', async () => {
      const single = await startFake([{ name: '/models/qwen2.5-coder-1.5b-q4_k_m.gguf' }]);
      const multi = await startFake([{ name: 'other-model:7b' }, { name: 'another:1b' }]);
      const { router: r1 } = router([{ name: 'llamacpp', url: single.url, kind: 'openai-compatible' }]);
      const { router: r2 } = router([{ name: 'vllm', url: multi.url, kind: 'openai-compatible' }]);
      await Promise.all([r1.probeAll(), r2.probeAll()]);
      assert.equal(r1.canServe('complete'), true);
      assert.equal(r2.canServe('complete'), false);
    });

    it('prefers a backend that has the model over one known not to have it', async () => {
      const without = await startFake([{ name: 'nomic-embed-text' }]);
      const withModel = await startFake();
      const { router: r } = router([
        { name: 'without', url: without.url, priority: 0 },
        { name: 'with', url: withModel.url, priority: 5 },
      ]);
      await r.probeAll();
      assert.equal((await r.complete({ prefix: 'a', suffix: '' })).backend, 'with');
      assert.equal(without.requestsTo('/api/generate').length, 0);
    });

    it('prefers the faster of two backends with the same priority', async () => {
      const slow = await startFake();
      const fast = await startFake();
      slow.setDefaultReply({ firstTokenDelayMs: 300 });
      const { router: r } = router([
        { name: 'slow', url: slow.url, priority: 3 },
        { name: 'fast', url: fast.url, priority: 3 },
      ]);
      // Both get tried once (no latency known yet), then the observed latency decides.
      const firstTwo = [(await r.complete({ prefix: '1', suffix: '' })).backend, (await r.complete({ prefix: '2', suffix: '' })).backend];
      assert.deepEqual(firstTwo.sort(), ['fast', 'slow']);
      for (let i = 0; i < 3; i++) assert.equal((await r.complete({ prefix: `${i}`, suffix: '' })).backend, 'fast');
      const slowStatus = r.status().find((s) => s.name === 'slow')!;
      const fastStatus = r.status().find((s) => s.name === 'fast')!;
      assert.ok(slowStatus.latencyMs! > fastStatus.latencyMs!);
    });

    it('preloads a task model with its keep_alive', async () => {
      const fake = await startFake();
      const { router: r } = router([{ name: 'local', url: fake.url }], { tasks: { complete: { keep_alive: '2h' } } });
      assert.equal(await r.warm('complete'), 'local');
      assert.equal(await r.warm('embed'), 'local');
      assert.deepEqual(fake.loadedModels().sort(), ['nomic-embed-text:latest', 'qwen2.5-coder:1.5b-base']);
      assert.equal((fake.requestsTo('/api/generate')[0].body as { keep_alive: string }).keep_alive, '2h');
      fake.removeModel('qwen2.5-coder:1.5b-base');
      assert.equal(await r.warm('complete'), undefined, 'a missing model resolves to undefined, never rejects');
    });

    it('takes new backends and models at run time', async () => {
      const a = await startFake();
      const b = await startFake();
      const { router: r } = router([{ name: 'a', url: a.url }]);
      assert.equal((await r.complete({ prefix: 'x', suffix: '' })).backend, 'a');
      const seen: BackendStatus[][] = [];
      r.onStatusChange((s) => seen.push(s));
      r.reconfigure(makeConfig([{ name: 'b', url: b.url }], { tasks: { complete: { model: 'qwen2.5-coder:7b-instruct' } } }));
      assert.equal(seen.length, 1);
      assert.deepEqual(
        r.status().map((s) => s.name),
        ['b'],
      );
      const result = await r.complete({ prefix: 'x', suffix: '' });
      assert.equal(result.backend, 'b');
      assert.equal(result.model, 'qwen2.5-coder:7b-instruct');
    });

    it('sends backend headers but never logs them, and hides URL credentials', async () => {
      const fake = await startFake();
      fake.setRules([{ path: '/api/generate', status: 500, error: 'boom' }]);
      const url = new URL(fake.url);
      url.username = 'user';
      url.password = 'pw-secret';
      const { router: r, logger } = router([{ name: 'dgx', url: url.toString(), headers: { Authorization: 'Bearer top-secret' } }]);
      const err = await rejection(r.complete({ prefix: 'a', suffix: 'b' }));
      await r.probeAll();
      assert.equal(fake.requestsTo('/api/show')[0].headers.authorization, 'Bearer top-secret');
      const everything = [
        ...logger.lines,
        String((err as Error).message),
        JSON.stringify(r.status()),
        JSON.stringify(await r.doctor()),
      ].join('\n');
      assert.ok(!everything.includes('top-secret'));
      assert.ok(!everything.includes('pw-secret'));
    });
  });
});
