/**
 * The ops feature inside the real daemon: model usage recorded from real model calls,
 * the acceptance time series agreeing with `tandem/stats/get`, backend health changes
 * in the history when a backend dies, and model pulls through `tandem/models/pull`
 * with progress notifications to the requesting client only (and their failures).
 */
import assert from 'node:assert/strict';
import {
  DoctorRequest,
  ErrorCodes,
  EventsReportRequest,
  HealthHistoryRequest,
  InlineCompletionRequest,
  ModelsPullProgressNotification,
  ModelsPullRequest,
  SettingsUpdateRequest,
  StatsGetRequest,
  StatsTimeseriesRequest,
  StatusRequest,
  UsageGetRequest,
} from '../../../protocol';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { completion, rpcError } from './helpers';
import { faultCase } from './tally';

describe('ops feature (real daemon)', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let home: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(async () => {
    fake = new FakeOllama({
      models: tandemDefaultModels().filter((m) => !m.name.startsWith('qwen2.5-coder:7b')),
      pullable: [{ name: 'qwen2.5-coder:7b-instruct', sizeBytes: 4_000 }],
      defaultReply: { chunks: ['return', ' a + b;'], promptEvalCount: 120, evalCount: 2 },
    });
    await fake.start();
    home = tempHome('tandem-ops-');
    daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }] });
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    await fake.stop();
    removeHome(home);
  });

  it('records tokens and timings of real completions, and the time series agrees with the stats', async () => {
    const conn = await daemon!.connect();
    try {
      for (let i = 0; i < 3; i++) await conn.connection.sendRequest(InlineCompletionRequest.type, completion(`// ${i}\n`));
      const usage = await conn.connection.sendRequest(UsageGetRequest.type, {});
      const row = usage.rows.find((r) => r.task === 'complete')!;
      assert.deepEqual(
        [row.model, row.backend, row.calls, row.promptTokens, row.outputTokens],
        ['qwen2.5-coder:1.5b-base', 'local', 3, 360, 6],
      );
      assert.equal(row.totalMs.count, 3);
      const metrics = await (await fetch(daemon!.url('/metrics'))).text();
      assert.match(metrics, /tandem_model_tokens_total\{task="complete",backend="local",direction="in"\} 360/);
      assert.match(metrics, /tandem_model_tokens_total\{task="complete",backend="local",direction="out"\} 6/);
      const now = Date.now();
      const events = [0, 1, 2, 3].map((i) => ({
        kind: 'shown' as const,
        completionId: `c${i}`,
        at: now - 1000,
        model: 'm',
        backend: 'local',
        languageId: 'ts',
        firstTokenMs: 10,
        totalMs: 20,
        lines: 1,
        chars: 5,
      }));
      await conn.connection.sendRequest(EventsReportRequest.type, {
        events: [
          ...events,
          { kind: 'accepted', completionId: 'c0', at: now - 500, model: 'm', backend: 'local', languageId: 'ts', lines: 1, chars: 5 },
        ],
      });
      const series = await conn.connection.sendRequest(StatsTimeseriesRequest.type, {
        sinceMs: now - 3_600_000,
        untilMs: now + 1,
        bucketMs: 60_000,
      });
      const stats = await conn.connection.sendRequest(StatsGetRequest.type, { sinceMs: now - 3_600_000, untilMs: now + 1, groupBy: [] });
      assert.equal(
        series.buckets.reduce((n, b) => n + b.shown, 0),
        stats.total.shown,
      );
      assert.equal(
        series.buckets.reduce((n, b) => n + b.accepted, 0),
        1,
      );
      const bad = await rpcError(conn.connection.sendRequest(StatsTimeseriesRequest.type, { sinceMs: 0, untilMs: now, bucketMs: 60_000 }));
      assert.equal(bad.code, ErrorCodes.InvalidParams);
    } finally {
      conn.close();
    }
  });

  faultCase('a backend dying shows up in the health history', async () => {
    const conn = await daemon!.connect();
    try {
      await conn.connection.sendRequest(InlineCompletionRequest.type, completion());
      await fake.stop();
      await rpcError(conn.connection.sendRequest(InlineCompletionRequest.type, completion()));
      const history = await eventually(
        async () => {
          const h = await conn.connection.sendRequest(HealthHistoryRequest.type, { backend: 'local' });
          return h.entries.some((e) => e.health === 'down') ? h : undefined;
        },
        5000,
        'a down entry',
      );
      const down = history.entries.find((e) => e.health === 'down')!;
      assert.match(down.error ?? '', /backend local .*(connection refused|connection closed by the server)/);
      assert.ok(
        history.entries.some((e) => e.health === 'up' && e.at <= down.at),
        'it was up before',
      );
    } finally {
      conn.close();
    }
  });

  it('pulls a missing model with progress to the requesting client only, then the doctor sees it', async () => {
    const conn = await daemon!.connect();
    const other = await daemon!.connect();
    try {
      const before = await conn.connection.sendRequest(DoctorRequest.type);
      assert.ok(before.checks.some((c) => c.status !== 'ok' && /qwen2\.5-coder:7b-instruct .* is not pulled on local/.test(c.title)));
      const progress: ModelsPullProgressNotification.Params[] = [];
      const leaked: unknown[] = [];
      conn.connection.onNotification(ModelsPullProgressNotification.type, (p) => progress.push(p));
      other.connection.onNotification(ModelsPullProgressNotification.type, (p) => leaked.push(p));
      const r = await conn.connection.sendRequest(ModelsPullRequest.type, { model: 'qwen2.5-coder:7b-instruct', pullId: 'p1' });
      assert.deepEqual(r, { model: 'qwen2.5-coder:7b-instruct', backend: 'local', status: 'success' });
      await eventually(() => progress.some((p) => p.status === 'success'), 2000, 'the success notification');
      assert.ok(progress.every((p) => p.pullId === 'p1' && p.backend === 'local'));
      assert.ok(progress.some((p) => p.total === 4_000));
      assert.deepEqual(leaked, []);
      const status = await conn.connection.sendRequest(StatusRequest.type);
      assert.ok(status.backends[0].models?.includes('qwen2.5-coder:7b-instruct'), 'backends were re-probed');
      const after = await conn.connection.sendRequest(DoctorRequest.type);
      assert.ok(after.checks.some((c) => c.status === 'ok' && /qwen2\.5-coder:7b-instruct .* is available on local/.test(c.title)));
    } finally {
      conn.close();
      other.close();
    }
  });

  faultCase('pull failures are clear: a model Ollama cannot find, an unknown backend, an OpenAI-compatible backend', async () => {
    const conn = await daemon!.connect();
    try {
      const missing = await rpcError(conn.connection.sendRequest(ModelsPullRequest.type, { model: 'no-such-model:1b', pullId: 'p2' }));
      assert.equal(missing.code, ErrorCodes.UpstreamError);
      assert.match(missing.message, /could not pull no-such-model:1b: pull model manifest: file does not exist/);
      const unknown = await rpcError(conn.connection.sendRequest(ModelsPullRequest.type, { model: 'x:1b', backend: 'nope', pullId: 'p3' }));
      assert.equal(unknown.code, ErrorCodes.InvalidParams);
      assert.match(unknown.message, /No enabled backend is named "nope"/);
      const hostile = await rpcError(conn.connection.sendRequest(ModelsPullRequest.type, { model: '../../etc/passwd', pullId: 'p4' }));
      assert.equal(hostile.code, ErrorCodes.InvalidParams);
      await conn.connection.sendRequest(SettingsUpdateRequest.type, {
        backends: [{ name: 'vllm', url: fake.url, kind: 'openai-compatible', priority: 0 }],
      });
      const openai = await rpcError(conn.connection.sendRequest(ModelsPullRequest.type, { model: 'x:1b', backend: 'vllm', pullId: 'p5' }));
      assert.equal(openai.code, ErrorCodes.InvalidParams);
      assert.match(openai.message, /openai-compatible: Tandem can pull models only on Ollama servers/);
      assert.equal(fake.requestsTo('/api/pull').length, 1, 'only the first pull reached Ollama');
    } finally {
      conn.close();
    }
  });
});
