/**
 * Load: 16 clients issue completions for a bounded time against two fake backends,
 * cancelling about a quarter of them mid-flight and sending a few that are scripted to
 * fail (a model both backends refuse) or to fail over (a model only the second backend
 * has). Outcome: every request ends (none hangs), the
 * only errors are the injected ones and the cancellations, no upstream stream or
 * connection is left open on either fake, and the daemon's memory stays bounded
 * (sampled; the figures are reported, only a generous ceiling is asserted).
 */
import assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { ErrorCodes, InlineCompletionRequest, StatusRequest } from '../../../protocol';
import type { DaemonConnection } from '../../../protocol/client';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { prng } from '../../prng';
import { completion, rssMb } from './helpers';
import { faultCase, tally } from './tally';

const CLIENTS = 16;
const SECONDS = Number(process.env.TANDEM_LOAD_SECONDS ?? 8);

describe('faults: load (real daemon, two fake backends)', function () {
  this.timeout(120_000);
  let fakes: FakeOllama[] = [];
  let home: string;
  let daemon: RunningDaemon | undefined;

  before(async () => {
    fakes = [0, 1].map(
      () => new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['return', ' a', ' +', ' b', ';'], chunkDelayMs: 4 } }),
    );
    for (const f of fakes) {
      await f.start();
      f.addRule({
        path: '/api/generate',
        match: 'INJECTED_FAULT',
        status: 404,
        error: "model 'qwen2.5-coder:1.5b-base' not found, try pulling it first",
      });
    }
    // Backend a (the DGX, preferred) lacks the model for some requests: those fail over to b (the laptop).
    fakes[0].addRule({
      path: '/api/generate',
      match: 'MISSING_ON_A',
      status: 404,
      error: "model 'qwen2.5-coder:1.5b-base' not found, try pulling it first",
    });
    home = tempHome('tandem-fault-load-');
    daemon = await startDaemon(home, {
      backends: [
        { name: 'a', url: fakes[0].url, priority: 0 },
        { name: 'b', url: fakes[1].url, priority: 10 },
      ],
      maxRequestsPerSecond: 1000,
    });
  });
  after(async () => {
    await daemon?.stop();
    for (const f of fakes) await f.stop();
    removeHome(home);
  });

  faultCase(
    `${CLIENTS} clients with cancellations for ${SECONDS} s: no errors beyond those injected, no leaked upstream streams, bounded memory`,
    async () => {
      const d = daemon!;
      const clients: DaemonConnection[] = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => d.connect({ name: `load-${i}` })));
      const counts = {
        served: 0,
        cancelled: 0,
        injected: 0,
        unexpected: [] as string[],
        hung: 0,
        byBackend: { a: 0, b: 0 } as Record<string, number>,
      };
      const rss: number[] = [];
      const sampler = setInterval(() => rss.push(rssMb(d.proc.pid!)), 250);
      const until = Date.now() + SECONDS * 1000;
      const loop = async (c: DaemonConnection, index: number) => {
        const random = prng(1000 + index);
        let n = 0;
        while (Date.now() < until) {
          n++;
          const inject = random() < 0.05;
          const onlyB = !inject && random() < 0.1;
          const cancelAfter = random() < 0.25 ? Math.floor(random() * 25) : undefined;
          const cts = new CancellationTokenSource();
          const cancelTimer = cancelAfter === undefined ? undefined : setTimeout(() => cts.cancel(), cancelAfter);
          const hangTimer = setTimeout(() => {
            counts.hung++;
            cts.cancel();
          }, 20_000);
          try {
            const prefix = `${inject ? '// INJECTED_FAULT\n' : onlyB ? '// MISSING_ON_A\n' : ''}// client ${index} request ${n}\nexport function sum(a: number, b: number) {\n  `;
            const r = await c.connection.sendRequest(
              InlineCompletionRequest.type,
              completion(prefix, { streamId: `s${index}-${n}` }),
              cts.token,
            );
            if (inject) counts.unexpected.push(`injected fault succeeded: ${JSON.stringify(r)}`);
            else if (r.text !== 'return a + b;') counts.unexpected.push(`wrong text ${JSON.stringify(r.text)}`);
            else if (onlyB && r.backend !== 'b') counts.unexpected.push(`a request a cannot serve was answered by ${r.backend}`);
            else {
              counts.served++;
              counts.byBackend[r.backend] = (counts.byBackend[r.backend] ?? 0) + 1;
            }
          } catch (err) {
            const e = err as { code?: number; message?: string };
            if (e.code === ErrorCodes.RequestCancelled && cancelAfter !== undefined) counts.cancelled++;
            else if (e.code === ErrorCodes.ModelNotFound && inject) counts.injected++;
            else counts.unexpected.push(`${e.code}: ${e.message}`);
          } finally {
            if (cancelTimer) clearTimeout(cancelTimer);
            clearTimeout(hangTimer);
            cts.dispose();
          }
        }
      };
      await Promise.all(clients.map((c, i) => loop(c, i)));
      clearInterval(sampler);
      rss.push(rssMb(d.proc.pid!));
      for (const c of clients) c.close();

      for (const [i, f] of fakes.entries()) {
        await f.waitFor(() => f.openStreams === 0, 10_000, `fake ${i}: no open upstream stream`);
        await f.waitFor(() => f.openConnections === 0, 15_000, `fake ${i}: every upstream connection closed (open: ${f.openConnections})`);
      }
      const status = await (async () => {
        const c = await d.connect();
        try {
          return await c.connection.sendRequest(StatusRequest.type);
        } finally {
          c.close();
        }
      })();

      const warm = rss.slice(4);
      const first = warm[0] ?? rss[0];
      const last = rss.at(-1)!;
      const max = Math.max(...rss);
      Object.assign(tally.load, {
        clients: CLIENTS,
        seconds: SECONDS,
        served: counts.served,
        cancelled: counts.cancelled,
        injected: counts.injected,
        unexpected: counts.unexpected.length,
        rssMb: { first, last, max },
      });
      tally.notes.push(
        `load: served a=${counts.byBackend.a ?? 0} b=${counts.byBackend.b ?? 0}; upstream client aborts a=${fakes[0].clientAborts} b=${fakes[1].clientAborts}`,
      );

      assert.deepEqual(counts.unexpected.slice(0, 5), [], `${counts.unexpected.length} unexpected outcomes`);
      assert.equal(counts.hung, 0, 'no request hung');
      assert.ok(counts.served > CLIENTS * SECONDS, `a sensible amount was served (${counts.served})`);
      assert.ok(counts.cancelled > 0 && counts.injected > 0, 'cancellations and injected faults really happened');
      assert.ok(
        (counts.byBackend.a ?? 0) > 0 && (counts.byBackend.b ?? 0) > 0,
        `both backends served: ${JSON.stringify(counts.byBackend)}`,
      );
      assert.ok(
        fakes.every((f) => f.clientAborts > 0),
        'cancellations reached upstream',
      );
      assert.ok(max < 1024, `daemon RSS stayed under 1 GB (max ${max} MB)`);
      assert.ok(
        status.backends.every((b) => b.circuit === 'closed'),
        'no circuit opened: injected refusals and cancellations are not backend failures',
      );
      assert.equal(status.clients, 1, 'every load client is gone');
    },
  );
});
