/**
 * The ops feature's stores and handlers on a real SQLite user database: model usage
 * (batching, summary, write failures), the acceptance time series (agreeing with
 * `tandem/stats/get`) and the backend health history.
 */
import assert from 'node:assert/strict';
import { ErrorCodes, TandemError } from '../../../../protocol';
import { healthHistory, recordBackendHealth } from '../../../../daemon/ops/health-history';
import { defaultBucketMs, statsTimeseries } from '../../../../daemon/ops/timeseries';
import { UsageStore } from '../../../../daemon/ops/usage-store';
import { TelemetryStore } from '../../../../daemon/telemetry/store';
import type { ModelUsage } from '../../../../daemon/router/types';
import { RecordingLogger } from '../router/helpers';
import { accepted, dismissed, retention, shown, withDb } from '../telemetry/helpers';

const H = 3_600_000;

function usage(
  task: ModelUsage['task'],
  promptTokens: number | undefined,
  outputTokens: number | undefined,
  totalMs: number,
  extra: Partial<ModelUsage> = {},
): ModelUsage {
  return { task, model: 'm', backend: 'local', at: 10 * H, promptTokens, outputTokens, firstTokenMs: totalMs / 2, totalMs, ...extra };
}

describe('ops: usage store', () => {
  it('batches writes and sums tokens per task, model and backend with latency percentiles', () => {
    const { db, cleanup } = withDb();
    try {
      const store = new UsageStore(db, { logger: new RecordingLogger(), flushMs: 60_000, maxBatch: 3 });
      store.add(usage('chat', 100, 10, 40));
      store.add(usage('chat', 200, 20, 80));
      assert.equal(store.queued, 2, 'below maxBatch nothing is written yet');
      assert.equal((db.prepare('SELECT count(*) AS n FROM model_usage').get() as { n: number }).n, 0);
      store.add(usage('complete', 50, 5, 10, { backend: 'dgx' }));
      assert.equal(store.queued, 0, 'maxBatch flushes');
      store.add(usage('complete', undefined, undefined, 30, { backend: 'dgx' }));
      const s = store.summary({});
      assert.deepEqual(
        s.rows.map((r) => [r.task, r.backend, r.calls, r.promptTokens, r.outputTokens, r.totalMs.p50, r.firstTokenMs.p95]),
        [
          ['chat', 'local', 2, 300, 30, 40, 40],
          ['complete', 'dgx', 2, 50, 5, 10, 15],
        ],
      );
      assert.deepEqual(s.byTask, [
        { task: 'chat', calls: 2, promptTokens: 300, outputTokens: 30 },
        { task: 'complete', calls: 2, promptTokens: 50, outputTokens: 5 },
      ]);
      assert.equal(store.summary({ sinceMs: 11 * H }).rows.length, 0, 'the period filters');
      store.dispose();
    } finally {
      cleanup();
    }
  });

  it('a failed write drops the batch, logs once and never throws', () => {
    const { db, cleanup } = withDb();
    try {
      const logger = new RecordingLogger();
      let errors = 0;
      const store = new UsageStore(db, { logger, flushMs: 60_000, onWriteError: () => errors++ });
      db.exec('DROP TABLE model_usage');
      store.add(usage('chat', 1, 1, 1));
      store.flush();
      store.add(usage('chat', 1, 1, 1));
      store.flush();
      assert.equal(errors, 2);
      assert.equal(logger.lines.filter((l) => l.includes('Could not record model usage')).length, 1, 'one warning per failure streak');
      assert.equal(store.queued, 0);
    } finally {
      cleanup();
    }
  });
});

describe('ops: acceptance time series', () => {
  it('buckets agree with the telemetry statistics of each period, empty buckets included', () => {
    const { db, cleanup } = withDb();
    try {
      const store = new TelemetryStore(db, { storeCodeText: () => false });
      store.record([
        shown('a', 100, { at: 0.5 * H }),
        accepted('a', 10, { at: 0.6 * H }),
        retention('a', 30, 10, 8),
        shown('b', 100, { at: 0.7 * H }),
        dismissed('b'),
        shown('c', 100, { at: 2.5 * H }),
        accepted('c', 20, { at: 2.6 * H }),
      ]);
      // retention('a') and dismissed('b') carry at = 3000 / 2000 ms: in the first bucket.
      const r = statsTimeseries(db, store, { sinceMs: 0, untilMs: 3 * H, bucketMs: H });
      assert.equal(r.bucketMs, H);
      assert.deepEqual(
        r.buckets.map((b) => [b.startMs, b.shown, b.accepted, b.acceptanceRate, b.acceptedChars, b.retention['30'].rate]),
        [
          [0, 2, 1, 0.5, 10, 0.8],
          [H, 0, 0, null, 0, null],
          [2 * H, 1, 1, 1, 20, null],
        ],
      );
      const whole = store.stats({ sinceMs: 0, untilMs: 3 * H, groupBy: [] }).total;
      assert.equal(
        r.buckets.reduce((n, b) => n + b.shown, 0),
        whole.shown,
      );
    } finally {
      cleanup();
    }
  });

  it('picks a bucket width giving at most 60 buckets and refuses too many or a reversed period', () => {
    assert.equal(defaultBucketMs(H), 60_000);
    assert.equal(defaultBucketMs(24 * H), H);
    assert.equal(defaultBucketMs(30 * 24 * H), 12 * H);
    assert.equal(defaultBucketMs(90 * 24 * H), 7 * 24 * H);
    const { db, cleanup } = withDb();
    try {
      const store = new TelemetryStore(db, { storeCodeText: () => false });
      assert.throws(
        () => statsTimeseries(db, store, { sinceMs: 0, untilMs: 1000 * H, bucketMs: 60_000 }),
        (e: unknown) => e instanceof TandemError && e.code === ErrorCodes.InvalidParams && /at most 500/.test(e.message),
      );
      assert.throws(() => statsTimeseries(db, store, { sinceMs: 10, untilMs: 5 }), /before sinceMs/);
      const empty = statsTimeseries(db, store, {}, 48 * H);
      assert.equal(empty.untilMs, 48 * H);
      assert.equal(empty.sinceMs, 24 * H, 'without events the default period is the last day');
      assert.ok(empty.buckets.every((b) => b.shown === 0));
    } finally {
      cleanup();
    }
  });
});

describe('ops: backend health history', () => {
  it('returns entries oldest first, filtered, and the newest `limit` with truncated set', () => {
    const { db, cleanup } = withDb();
    try {
      const ins = db.prepare('INSERT INTO backend_health (at, backend, health, circuit, latency_ms, error) VALUES (?, ?, ?, ?, ?, ?)');
      ins.run(1000, 'local', 'up', 'closed', 12.5, null);
      ins.run(2000, 'dgx', 'down', 'open', null, 'connection refused');
      ins.run(3000, 'local', 'down', 'closed', 12.5, 'HTTP 500');
      ins.run(4000, 'dgx', 'up', 'closed', 30, null);
      const all = healthHistory(db, {});
      assert.deepEqual(
        all.entries.map((e) => e.at),
        [1000, 2000, 3000, 4000],
      );
      assert.equal(all.truncated, false);
      assert.deepEqual(all.entries[1], {
        at: 2000,
        backend: 'dgx',
        health: 'down',
        circuit: 'open',
        latencyMs: null,
        error: 'connection refused',
      });
      assert.deepEqual(
        healthHistory(db, { backend: 'local' }).entries.map((e) => e.health),
        ['up', 'down'],
      );
      const last2 = healthHistory(db, { limit: 2 });
      assert.deepEqual([last2.entries.map((e) => e.at), last2.truncated], [[3000, 4000], true]);
      assert.deepEqual(
        healthHistory(db, { sinceMs: 2000, untilMs: 4000 }).entries.map((e) => e.at),
        [2000, 3000],
      );
      assert.throws(() => healthHistory(db, { sinceMs: 5, untilMs: 1 }), /before sinceMs/);
    } finally {
      cleanup();
    }
  });

  it('records every backend of a status change at one time, read back as entries', () => {
    const { db, cleanup } = withDb();
    try {
      const base = { url: 'http://127.0.0.1:11434', kind: 'ollama' as const, priority: 0, consecutiveFailures: 0 };
      recordBackendHealth(
        db,
        [
          { ...base, name: 'local', health: 'up', circuit: 'closed', latencyMs: 4.5 },
          { ...base, name: 'dgx', health: 'down', circuit: 'open', latencyMs: null, lastError: 'connection refused' },
        ],
        7000,
      );
      assert.deepEqual(healthHistory(db, {}).entries, [
        { at: 7000, backend: 'local', health: 'up', circuit: 'closed', latencyMs: 4.5 },
        { at: 7000, backend: 'dgx', health: 'down', circuit: 'open', latencyMs: null, error: 'connection refused' },
      ]);
    } finally {
      cleanup();
    }
  });
});
