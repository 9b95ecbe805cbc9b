/**
 * Daemon overhead per completion: the real daemon process, a real WebSocket, a
 * zero-delay fake Ollama. For each request: (client send → first streamed delta) minus
 * the fake's own time (request read → first byte written). 1,000 requests from one
 * client, then 1,000 spread over 8 concurrent clients. Prints JSON.
 *
 *   npm run bench:overhead [-- --requests 1000 --clients 8]
 */
import { parseArgs } from 'node:util';
import { InlineCompletionRequest, StreamDeltaNotification } from '../protocol';
import type { DaemonConnection } from '../protocol/client';
import { FakeOllama } from '../test/fake-ollama';
import { removeHome, startDaemon, tempHome } from '../test/integration/daemon-harness';
import { summarize } from './stats';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000' }, clients: { type: 'string', default: '8' } } });
const REQUESTS = Number(values.requests);
const CLIENTS = Number(values.clients);
const now = () => performance.timeOrigin + performance.now();

interface Sample {
  overheadMs: number;
  firstDeltaMs: number;
  fakeMs: number;
}

async function one(conn: DaemonConnection, fake: FakeOllama, tag: string): Promise<Sample> {
  const streamId = tag;
  let firstAt = 0;
  const got = new Promise<void>((resolve) => {
    const sub = conn.connection.onNotification(StreamDeltaNotification.type, (p) => {
      if (p.streamId === streamId && firstAt === 0) {
        firstAt = now();
        sub.dispose();
        resolve();
      }
    });
  });
  const sentAt = now();
  const result = conn.connection.sendRequest(InlineCompletionRequest.type, {
    streamId,
    document: {
      path: '/bench/file.ts',
      languageId: 'typescript',
      prefix: `// ${tag}\nexport function add(a: number, b: number) {\n  `,
      suffix: '\n}\n',
      line: 2,
      character: 2,
    },
  });
  await got;
  await result;
  const entry = fake.requestsTo('/api/generate').find((e) => (e.body as { prompt?: string }).prompt?.includes(`// ${tag}\n`));
  if (!entry?.respondedAt) throw new Error(`fake has no log entry for ${tag}`);
  const fakeMs = entry.respondedAt - entry.time;
  const firstDeltaMs = firstAt - sentAt;
  return { overheadMs: firstDeltaMs - fakeMs, firstDeltaMs, fakeMs };
}

async function run(): Promise<void> {
  const fake = new FakeOllama({
    models: [{ name: 'qwen2.5-coder:1.5b-base', capabilities: ['completion', 'insert'] }],
    defaultReply: { chunks: ['return', ' a + b;'] },
  });
  await fake.start();
  const home = tempHome('tandem-bench-');
  const daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }], maxRequestsPerSecond: 100_000 });
  try {
    // Warm up: JIT, connection pools, the model-info cache.
    const warm = await daemon.connect({ name: 'bench-warmup' });
    for (let i = 0; i < 50; i++) await one(warm, fake, `warm-${i}`);
    warm.close();
    fake.clearRequests();

    const single = await daemon.connect({ name: 'bench-single' });
    const singleSamples: Sample[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      singleSamples.push(await one(single, fake, `s-${i}`));
      if (i % 200 === 199) fake.clearRequests();
    }
    single.close();
    fake.clearRequests();

    const conns = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => daemon.connect({ name: `bench-${c}` })));
    const perClient = Math.ceil(REQUESTS / CLIENTS);
    const concurrentSamples: Sample[] = [];
    await Promise.all(
      conns.map(async (conn, c) => {
        for (let i = 0; i < perClient; i++) concurrentSamples.push(await one(conn, fake, `c${c}-${i}`));
      }),
    );
    for (const c of conns) c.close();

    const pick = (s: Sample[], k: keyof Sample) => s.map((x) => x[k]);
    const out = {
      benchmark: 'daemon-overhead',
      unit: 'ms',
      definition: 'client send → first streamed delta, minus the fake Ollama’s own request→first-byte time',
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      single: {
        overhead: summarize(pick(singleSamples, 'overheadMs')),
        firstDelta: summarize(pick(singleSamples, 'firstDeltaMs')),
        fake: summarize(pick(singleSamples, 'fakeMs')),
      },
      [`concurrent${CLIENTS}`]: {
        overhead: summarize(pick(concurrentSamples, 'overheadMs')),
        firstDelta: summarize(pick(concurrentSamples, 'firstDeltaMs')),
        fake: summarize(pick(concurrentSamples, 'fakeMs')),
      },
      targets: { singleP95: 5, concurrentP95: 15 },
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await daemon.stop();
    await fake.stop();
    removeHome(home);
  }
}

void run().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
