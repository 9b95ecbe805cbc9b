import assert from 'node:assert/strict';
import { ErrorCodes, TandemError, isCancellation } from '../../../../protocol';
import { closedPort, metricValue, rejection, routerFixtures } from './helpers';

describe('Router', function () {
  const { startFake, router } = routerFixtures();

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

  describe('upstream capacity', () => {
    const chat = (r: Awaited<ReturnType<typeof router>>['router'], text: string, signal?: AbortSignal) =>
      r.chat({ task: 'chat', messages: [{ role: 'user', content: text }], signal });

    it('a backend whose slots are taken is passed over for the next one, and its health is not touched', async () => {
      const busy = await startFake();
      const spare = await startFake();
      busy.addRule({ path: '/api/chat', match: 'HOLD', hang: true });
      const { router: r } = router(
        [
          { name: 'busy', url: busy.url },
          { name: 'spare', url: spare.url, priority: 5 },
        ],
        {
          router: { maxConcurrentPerBackend: 2, reservedForInteractive: 1, maxQueuedPerBackend: 0 },
          tasks: { chat: { firstTokenTimeoutMs: 600_000 } },
        },
      );
      const ac = new AbortController();
      const held = chat(r, 'HOLD', ac.signal);
      await busy.waitFor(() => busy.openStreams === 1);
      // The only bulk slot on `busy` is taken and its queue holds nothing: the next chat goes to `spare`.
      const served = await chat(r, 'hello');
      assert.equal(served.backend, 'spare');
      // A completion still gets the reserved slot on the preferred backend.
      assert.equal((await r.complete({ prefix: 'a', suffix: 'b' })).backend, 'busy');
      assert.equal(r.status().find((b) => b.name === 'busy')!.consecutiveFailures, 0, 'being busy is not failing');
      ac.abort();
      await rejection(held);
    });

    it('when every backend is busy the call fails with Overloaded, saying so', async () => {
      const fake = await startFake();
      fake.addRule({ path: '/api/chat', match: 'HOLD', hang: true });
      const { router: r } = router([{ name: 'local', url: fake.url }], {
        router: { maxConcurrentPerBackend: 1, reservedForInteractive: 0, maxQueuedPerBackend: 0 },
      });
      const ac = new AbortController();
      const held = chat(r, 'HOLD', ac.signal);
      await fake.waitFor(() => fake.openStreams === 1);
      const err = await rejection(chat(r, 'hello'));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.Overloaded);
      assert.equal(err.message, 'Backend local is busy: 1 call running, 0 waiting, and no more calls can wait.');
      ac.abort();
      await rejection(held);
      assert.equal((await chat(r, 'again')).backend, 'local', 'the slot came back');
    });
  });
});
