/**
 * Upstream faults against the real daemon and fake Ollama servers: a backend dying
 * mid-stream (connection cut, process gone), answering slower than the completion
 * deadline, sending garbage or HTTP 500, and the preferred (DGX) backend vanishing
 * while clients keep asking. Each case checks the error the client gets, that the
 * upstream stream was closed, and that the daemon keeps serving.
 */
import assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { ErrorCodes, InlineCompletionRequest, StreamDeltaNotification } from '../../../protocol';
import type { DaemonConnection } from '../../../protocol/client';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { removeHome, startDaemon, tempHome, type HarnessConfig, type RunningDaemon } from '../daemon-harness';
import { completion, rpcError } from './helpers';
import { faultCase, tally } from './tally';

describe('faults: upstream (real daemon, fake Ollama)', function () {
  this.timeout(60_000);
  let local: FakeOllama;
  let dgx: FakeOllama | undefined;
  let home: string;
  let daemon: RunningDaemon | undefined;
  let conn: DaemonConnection | undefined;

  const start = async (cfg: HarnessConfig) => {
    daemon = await startDaemon(home, cfg);
    conn = await daemon.connect();
    return conn;
  };

  beforeEach(async () => {
    local = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['return', ' a', ' + b;'] } });
    await local.start();
    home = tempHome('tandem-fault-upstream-');
  });
  afterEach(async () => {
    conn?.close();
    conn = undefined;
    await daemon?.stop();
    daemon = undefined;
    await dgx?.stop();
    dgx = undefined;
    await local.stop();
    removeHome(home);
  });

  faultCase(
    'Ollama cuts the connection mid-stream: the client gets the partial deltas and a clear error; the next completion works',
    async () => {
      local.addRule({ path: '/api/generate', match: 'CUT_HERE', chunks: ['one', ' two', ' three', ' four'], disconnectAfterChunks: 2 });
      const c = await start({ backends: [{ name: 'local', url: local.url }] });
      const deltas: string[] = [];
      const sub = c.connection.onNotification(StreamDeltaNotification.type, (d) => deltas.push(d.delta));
      const err = await rpcError(c.connection.sendRequest(InlineCompletionRequest.type, completion('// CUT_HERE\n', { streamId: 's1' })));
      sub.dispose();
      assert.equal(err.code, ErrorCodes.UpstreamError);
      assert.match(err.message, /local.*(closed the connection mid-stream|ended the stream before its final chunk)/);
      assert.deepEqual(deltas, ['one', ' two'], 'what streamed before the cut reached the client, nothing spliced from elsewhere');
      await local.waitFor(() => local.openStreams === 0, 5000, 'no open upstream stream');
      assert.equal((await c.connection.sendRequest(InlineCompletionRequest.type, completion())).text, 'return a + b;');
    },
  );

  faultCase('the Ollama process dies during a stream and comes back: error, then served again on the same URL', async () => {
    local.addRule({ path: '/api/generate', match: 'STALL', chunks: ['part'], hangAfterChunks: 1 });
    const c = await start({ backends: [{ name: 'local', url: local.url }] });
    const port = local.port;
    const pending = rpcError(c.connection.sendRequest(InlineCompletionRequest.type, completion('// STALL\n', { streamId: 's2' })));
    await local.waitFor(
      () => local.requestsTo('/api/generate').some((r) => JSON.stringify(r.body).includes('STALL')),
      5000,
      'the stream to start',
    );
    await local.stop();
    const err = await pending;
    assert.equal(err.code, ErrorCodes.UpstreamError);
    assert.match(err.message, /local/);
    local = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['back'] } });
    await local.start(port);
    const r = await c.connection.sendRequest(InlineCompletionRequest.type, completion());
    assert.deepEqual([r.text, r.backend], ['back', 'local']);
  });

  faultCase('Ollama slower than the completion deadline: UpstreamTimeout, and the upstream request is aborted', async () => {
    local.addRule({ path: '/api/generate', match: 'SLOW', firstTokenDelayMs: 20_000 });
    const c = await start({
      backends: [{ name: 'local', url: local.url }],
      tasks: { complete: { firstTokenTimeoutMs: 300, timeoutMs: 1000 } },
    });
    const aborts = local.clientAborts;
    const err = await rpcError(c.connection.sendRequest(InlineCompletionRequest.type, completion('// SLOW\n')));
    assert.equal(err.code, ErrorCodes.UpstreamTimeout);
    assert.match(err.message, /first token|did not answer|within/);
    await local.waitFor(() => local.clientAborts > aborts && local.openStreams === 0, 5000, 'the slow upstream request aborted');
    assert.equal((await c.connection.sendRequest(InlineCompletionRequest.type, completion())).text, 'return a + b;');
  });

  faultCase('Ollama sends garbage: UpstreamError naming the bad line; the daemon keeps serving', async () => {
    local.addRule({
      path: '/api/generate',
      match: 'JUNK',
      chunks: ['x', 'y'],
      garbage: { afterChunks: 0, line: '<html>502 Bad Gateway</html>' },
    });
    const c = await start({ backends: [{ name: 'local', url: local.url }] });
    const err = await rpcError(c.connection.sendRequest(InlineCompletionRequest.type, completion('// JUNK\n')));
    assert.equal(err.code, ErrorCodes.UpstreamError);
    assert.match(err.message, /not JSON.*502 Bad Gateway/);
    assert.equal((await c.connection.sendRequest(InlineCompletionRequest.type, completion())).text, 'return a + b;');
  });

  faultCase('HTTP 500: a lone backend reports it clearly; with a second backend the call fails over', async () => {
    local.addRule({ path: '/api/generate', match: 'E500', status: 500, error: 'llama runner process has terminated' });
    const c = await start({ backends: [{ name: 'local', url: local.url }] });
    const err = await rpcError(c.connection.sendRequest(InlineCompletionRequest.type, completion('// E500\n')));
    assert.equal(err.code, ErrorCodes.UpstreamError);
    assert.match(err.message, /local .*answered HTTP 500: llama runner process has terminated/);
    conn!.close();
    await daemon!.stop();

    dgx = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['from dgx'] } });
    await dgx.start();
    dgx.addRule({ path: '/api/generate', match: 'FAILOVER', times: 1, status: 500, error: 'CUDA error: out of memory' });
    const c2 = await start({
      backends: [
        { name: 'dgx', url: dgx.url, priority: 0 },
        { name: 'local', url: local.url, priority: 10 },
      ],
    });
    assert.equal((await c2.connection.sendRequest(InlineCompletionRequest.type, completion('// plain\n'))).backend, 'dgx');
    const failedOver = await c2.connection.sendRequest(InlineCompletionRequest.type, completion('// FAILOVER\n'));
    assert.deepEqual([failedOver.backend, failedOver.text], ['local', 'return a + b;']);
    assert.equal(
      dgx.requestsTo('/api/generate').filter((r) => JSON.stringify(r.body).includes('FAILOVER')).length,
      1,
      'dgx was tried first',
    );
  });

  faultCase('the DGX backend vanishes under load: calls fail over to the laptop, none hangs', async () => {
    const chunks = ['a', 'b', 'c', 'd', 'e'];
    dgx = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks, chunkDelayMs: 15 } });
    await dgx.start();
    local.setScript({ models: tandemDefaultModels(), defaultReply: { chunks, chunkDelayMs: 15 } });
    await start({
      backends: [
        { name: 'dgx', url: dgx.url, priority: 0 },
        { name: 'local', url: local.url, priority: 10 },
      ],
    });
    const clients = await Promise.all(Array.from({ length: 8 }, () => daemon!.connect()));
    let killedAt = 0;
    const outcomes: Array<{ startedAt: number; endedAt: number; backend?: string; error?: { code: number; message: string } }> = [];
    let hung = 0;
    const runUntil = Date.now() + 3000;
    const loop = async (c: DaemonConnection) => {
      while (Date.now() < runUntil) {
        const startedAt = Date.now();
        const cts = new CancellationTokenSource();
        const hangTimer = setTimeout(() => {
          hung++;
          cts.cancel();
        }, 15_000);
        try {
          const r = await c.connection.sendRequest(InlineCompletionRequest.type, completion(), cts.token);
          outcomes.push({ startedAt, endedAt: Date.now(), backend: r.backend });
        } catch (err) {
          const e = err as { code: number; message: string };
          outcomes.push({ startedAt, endedAt: Date.now(), error: { code: e.code, message: e.message } });
        } finally {
          clearTimeout(hangTimer);
          cts.dispose();
        }
      }
    };
    const loops = clients.map((c) => loop(c));
    await new Promise((r) => setTimeout(r, 1000));
    killedAt = Date.now();
    await dgx.stop();
    await Promise.all(loops);
    for (const c of clients) c.close();

    assert.equal(hung, 0, 'no request hung');
    const before = outcomes.filter((o) => o.endedAt < killedAt);
    const after = outcomes.filter((o) => o.startedAt > killedAt + 50);
    const failed = outcomes.filter((o) => o.error);
    assert.ok(before.length > 0 && before.every((o) => o.backend === 'dgx'), 'dgx served while it was up');
    assert.ok(
      after.length > 0 && after.every((o) => o.backend === 'local'),
      `after the DGX vanished every call went to local: ${JSON.stringify(after.filter((o) => o.backend !== 'local').slice(0, 3))}`,
    );
    assert.ok(failed.length <= clients.length, `only calls already streaming from dgx may fail (${failed.length})`);
    for (const f of failed) {
      assert.ok(f.startedAt <= killedAt + 50, 'a failed call was in flight when dgx vanished');
      assert.match(f.error!.message, /dgx/, 'the error names the backend that vanished');
    }
    await local.waitFor(() => local.openStreams === 0, 5000, 'no upstream stream left open');
    tally.notes.push(
      `DGX vanishing: ${outcomes.length} calls by 8 clients, ${before.length} served by dgx, ${after.length} failed over to local, ${failed.length} in flight failed, 0 hung`,
    );
  });

  faultCase('a cancelled completion closes its upstream stream at once', async () => {
    local.addRule({ path: '/api/generate', match: 'LONG', chunks: Array.from({ length: 100 }, () => 'x'), chunkDelayMs: 50 });
    const c = await start({ backends: [{ name: 'local', url: local.url }] });
    const cts = new CancellationTokenSource();
    const aborts = local.clientAborts;
    const pending = rpcError(
      c.connection.sendRequest(InlineCompletionRequest.type, completion('// LONG\n', { streamId: 'c1' }), cts.token),
    );
    const isLong = (r: { body: unknown }) => JSON.stringify(r.body).includes('LONG');
    await local.waitFor(() => local.requestsTo('/api/generate').some(isLong) && local.openStreams > 0, 5000, 'the stream to start');
    cts.cancel();
    const err = await pending;
    assert.equal(err.code, ErrorCodes.RequestCancelled);
    const generate = local.requestsTo('/api/generate').find(isLong)!;
    await local
      .waitFor(() => generate.outcome !== undefined && local.openStreams === 0, 5000, 'the fake to see the abort')
      .catch((err: Error) => {
        throw new Error(
          `${err.message}: outcome ${generate.outcome}, open streams ${local.openStreams}, aborts ${aborts} → ${local.clientAborts}, requests ${local.requests.map((r) => `${r.path}:${r.outcome}`).join(' ')}`,
        );
      });
    assert.equal(generate.outcome, 'client-closed', 'the daemon closed the upstream request');
    assert.ok(local.clientAborts > aborts);
  });
});
