/**
 * Fairness and backpressure. One client with 70 concurrent chat turns used to fill the
 * 64-socket upstream pool, so another client's completion failed after ~28 s; and a
 * client that sent 300 requests without reading the replies grew the daemon by hundreds
 * of MB, because nothing watched the send buffer. Now each session has a cap on
 * unanswered requests, each backend a bounded number of calls with slots reserved for
 * completions and sessions served in turn, a closed session's calls are cancelled
 * upstream, and a consumer that leaves its replies unread is paused, then closed.
 */
import assert from 'node:assert/strict';
import { ChatSendRequest, ErrorCodes, InlineCompletionRequest, StatusRequest } from '../../../protocol';
import { openSocket, type DaemonConnection } from '../../../protocol/client';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { completion, rssMb } from './helpers';
import { faultCase, tally } from './tally';

type Outcome = { ok: true } | { ok: false; code: number; message: string };

function settle(p: Promise<unknown>): Promise<Outcome> {
  return p.then(
    () => ({ ok: true as const }),
    (err: { code: number; message: string }) => ({ ok: false as const, code: err.code, message: err.message }),
  );
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await p;
  return { value, ms: performance.now() - started };
}

describe('faults: fairness and backpressure (real daemon, fake Ollama with delays)', function () {
  this.timeout(120_000);
  let fake: FakeOllama;
  let home: string;
  let daemon: RunningDaemon;
  let victim: DaemonConnection;
  const opened: DaemonConnection[] = [];

  before(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['return a + b;'] } });
    await fake.start();
    // Chat turns that hold their upstream stream for 30 s, and shorter ones for the turn-taking case.
    fake.addRule({ path: '/api/chat', match: 'FLOOD_LONG', chunks: Array.from({ length: 30 }, () => 'x'), chunkDelayMs: 1000 });
    fake.addRule({ path: '/api/chat', match: 'FLOOD_SHORT', chunks: Array.from({ length: 10 }, () => 'y'), chunkDelayMs: 150 });
    fake.addRule({ path: '/api/generate', match: 'BIG_REPLY', chunks: ['z'.repeat(350_000)] });
    home = tempHome('tandem-fault-fairness-');
    daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }], maxRequestsPerSecond: 1000 });
    victim = await daemon.connect({ name: 'victim' });
  });
  afterEach(async () => {
    for (const c of opened.splice(0)) c.close();
    await eventually(() => fake.openStreams === 0, 20_000, 'no upstream stream left open');
  });
  after(async () => {
    victim?.close();
    await daemon?.stop();
    await fake.stop();
    removeHome(home);
  });

  const connect = async (name: string) => {
    const c = await daemon.connect({ name });
    opened.push(c);
    return c;
  };

  faultCase(
    "one client's 70 concurrent chat turns: 32 are taken, the rest refused; another client's completion is served at once; closing the client stops its turns upstream",
    async () => {
      const flood = await connect('flood');
      const turns = Array.from({ length: 70 }, (_, i) =>
        settle(flood.connection.sendRequest(ChatSendRequest.type, { conversationId: `long-${i}`, text: `FLOOD_LONG ${i}` })),
      );
      let maxStreams = 0;
      const sampler = setInterval(() => (maxStreams = Math.max(maxStreams, fake.openStreams)), 20);
      try {
        await eventually(() => fake.openStreams >= 6, 10_000, 'the flood holds the chat slots');
        await new Promise((r) => setTimeout(r, 1500)); // every turn has reached the router by now
        const served = await timed(victim.connection.sendRequest(InlineCompletionRequest.type, completion()));
        assert.equal(served.value.text, 'return a + b;');
        assert.ok(served.ms < 5000, `the completion was served in ${Math.round(served.ms)} ms, not after the flood`);
        const refused = await Promise.race([
          Promise.all(turns.slice(32)),
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error('the turns past the cap were not refused at once')), 5000)),
        ]);
        for (const r of refused) {
          assert.equal(r.ok, false);
          if (!r.ok) assert.equal(r.code, ErrorCodes.RateLimited);
        }
        assert.match((refused[0] as { message: string }).message, /^32 requests are already unanswered on this connection/);
        assert.ok(maxStreams <= 8, `the backend got at most 8 calls at once (${maxStreams})`);
        flood.close();
        await eventually(() => fake.openStreams === 0, 10_000, "the closed client's turns stop upstream");
        tally.notes.push(
          `fairness: 70 chat turns from one client → 32 taken, 38 refused, ≤ ${maxStreams} upstream at once; another client's completion in ${Math.round(served.ms)} ms`,
        );
      } finally {
        clearInterval(sampler);
      }
    },
  );

  faultCase(
    "three clients flooding chat below the cap: completions keep the reserved slots, and a fourth client's chat turn is served in its turn",
    async () => {
      const floods = await Promise.all([0, 1, 2].map((i) => connect(`flood-${i}`)));
      let floodDone = 0;
      const turns = floods.flatMap((c, k) =>
        Array.from({ length: 24 }, (_, i) =>
          settle(c.connection.sendRequest(ChatSendRequest.type, { conversationId: `short-${k}-${i}`, text: `FLOOD_SHORT ${k} ${i}` })).then(
            (r) => {
              floodDone++;
              return r;
            },
          ),
        ),
      );
      await eventually(() => fake.openStreams >= 6, 10_000, 'the floods hold the chat slots');
      const completions: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await timed(victim.connection.sendRequest(InlineCompletionRequest.type, completion()));
        assert.equal(r.value.text, 'return a + b;');
        completions.push(r.ms);
      }
      assert.ok(Math.max(...completions) < 5000, `completions in ${completions.map(Math.round).join('/')} ms`);
      const chat = await timed(
        victim.connection.sendRequest(ChatSendRequest.type, { conversationId: 'victim-chat', text: 'FLOOD_SHORT victim' }),
      );
      const doneBefore = floodDone;
      assert.ok(
        doneBefore < 72 - 24,
        `the victim's turn came before the floods drained (${doneBefore} of 72 flood turns done, victim waited ${Math.round(chat.ms)} ms)`,
      );
      for (const c of floods) c.close();
      const outcomes = await Promise.all(turns);
      assert.ok(
        outcomes.every((o) => o.ok || o.code === ErrorCodes.RequestCancelled || /disposed/.test(o.message)),
        'no flood turn failed other than by its client leaving',
      );
      tally.notes.push(
        `fairness: 3 × 24 chat turns; completions in ≤ ${Math.round(Math.max(...completions))} ms; a 4th client's turn done after ${Math.round(chat.ms)} ms with ${doneBefore}/72 flood turns done`,
      );
    },
  );

  faultCase('a client that sends 600 requests and reads no reply is closed at the send-buffer limit; memory stays bounded', async () => {
    const ws = await openSocket({ port: daemon.port, token: daemon.lock.token });
    try {
      ws.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 0,
          method: 'initialize',
          params: { protocolVersion: { major: 1, minor: 0 }, client: { name: 'sink', version: '0' } },
        }),
      );
      await new Promise((r) => ws.once('message', r));
      const before = rssMb(daemon.proc.pid!);
      let max = before;
      ws.pause(); // read nothing from now on
      for (let i = 1; i <= 600; i++) {
        ws.send(
          JSON.stringify({ jsonrpc: '2.0', id: i, method: InlineCompletionRequest.method, params: completion(`// BIG_REPLY ${i}\n`) }),
        );
      }
      const sampler = setInterval(() => (max = Math.max(max, rssMb(daemon.proc.pid!))), 100);
      try {
        // Either way out counts: the backlog passing twice the limit, or staying over it for
        // the grace period (on a loaded machine fewer requests are read before the pause).
        await eventually(
          () => /Closed the connection of sink \([^)]*\): (.*bytes of replies unread|replies unread for \d+ ms)/.test(daemon.log()),
          30_000,
          'the sink closed',
        );
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        clearInterval(sampler);
      }
      assert.ok(max - before < 200, `daemon RSS ${before} → max ${max} MB while 600 × 350 KB replies went unread`);
      const status = await victim.connection.sendRequest(StatusRequest.type);
      assert.equal(status.clients, 1, 'the sink is gone, the victim stays');
      assert.equal((await victim.connection.sendRequest(InlineCompletionRequest.type, completion())).text, 'return a + b;');
      tally.notes.push(`backpressure: 600 unread 350 KB replies → sink closed, daemon RSS ${before} → max ${max} MB`);
    } finally {
      ws.terminate();
    }
  });
});
