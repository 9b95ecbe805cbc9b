import { strict as assert } from 'node:assert';
import { TelemetryStore } from '../../../../daemon/telemetry/store';
import { openUserDb } from '../../../../daemon/storage/db';
import { accepted, dismissed, partial, retention, shown, withDb } from './helpers';

describe('TelemetryStore (SQLite)', () => {
  let env: ReturnType<typeof withDb>;
  beforeEach(() => (env = withDb()));
  afterEach(() => env.cleanup());

  it('computes acceptance rate, partial accepts, dismissals and accepted characters', () => {
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    store.record([
      shown('a', 100),
      shown('b', 200),
      shown('c', 300),
      shown('d', 400),
      shown('a', 100), // the same suggestion shown again counts once
      accepted('a', 12),
      partial('b', 3),
      partial('b', 7),
      dismissed('c'),
      dismissed('d', 'typed_over'),
    ]);
    const { total } = store.stats();
    assert.equal(total.shown, 4);
    assert.equal(total.accepted, 1);
    assert.equal(total.partiallyAccepted, 1);
    assert.equal(total.dismissed, 2);
    assert.equal(total.acceptanceRate, 0.5);
    assert.equal(total.acceptedChars, 12 + 7);
    assert.deepEqual(total.dismissReasons, { escaped: 1, typed_over: 1 });
  });

  it('computes retained-character rates per checkpoint', () => {
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    store.record([
      shown('a', 1),
      accepted('a', 10),
      shown('b', 1),
      accepted('b', 30),
      retention('a', 30, 10, 10),
      retention('b', 30, 30, 20),
      retention('a', 600, 10, 0),
    ]);
    const r = store.stats().total.retention;
    assert.deepEqual(r['30'], { checked: 2, acceptedChars: 40, retainedChars: 30, rate: 0.75 });
    assert.deepEqual(r['120'], { checked: 0, acceptedChars: 0, retainedChars: 0, rate: null });
    assert.equal(r['600'].rate, 0);
  });

  it('computes latency percentiles per model, backend and language', () => {
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    const events = [];
    for (let i = 1; i <= 100; i++) events.push(shown(`q${i}`, i * 10));
    for (let i = 1; i <= 10; i++) events.push(shown(`r${i}`, 1000, { model: 'big', backend: 'remote', languageId: 'python' }));
    store.record(events);
    const stats = store.stats();
    assert.equal(stats.rows.length, 2);
    const q = stats.rows[0];
    assert.deepEqual([q.model, q.backend, q.language, q.shown], ['qwen', 'local', 'typescript', 100]);
    assert.deepEqual(q.latency.totalMs, { count: 100, p50: 500, p90: 900, p95: 950, p99: 990 });
    assert.equal(q.latency.firstTokenMs.p50, 250);
    const r = stats.rows[1];
    assert.deepEqual([r.model, r.backend, r.language, r.latency.totalMs.p95], ['big', 'remote', 'python', 1000]);
    const byBackend = store.stats({ groupBy: ['backend'] });
    assert.deepEqual(
      byBackend.rows.map((x) => [x.backend, x.model, x.shown]),
      [
        ['local', undefined, 100],
        ['remote', undefined, 10],
      ],
    );
  });

  it('filters by time', () => {
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    store.record([shown('old', 1, { at: 10 }), shown('new', 1, { at: 5000 })]);
    assert.equal(store.stats({ sinceMs: 1000 }).total.shown, 1);
    assert.equal(store.stats({ untilMs: 1000 }).total.shown, 1);
    assert.equal(store.stats({ sinceMs: 6000 }).total.acceptanceRate, null);
  });

  it('stores code text only when the user opted in', () => {
    let optIn = false;
    const store = new TelemetryStore(env.db, { storeCodeText: () => optIn });
    store.record([shown('a', 1, { text: 'secret()' })]);
    optIn = true;
    store.record([shown('b', 1, { text: 'opted()' })]);
    const rows = env.db.prepare('SELECT completion_id, text FROM completion_events ORDER BY id').all();
    assert.deepEqual(rows, [
      { completion_id: 'a', text: null },
      { completion_id: 'b', text: 'opted()' },
    ]);
  });

  it('persists across reopen (WAL, committed per batch)', () => {
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    store.record([shown('a', 1), accepted('a')]);
    const other = openUserDb(env.home);
    try {
      assert.equal(new TelemetryStore(other, { storeCodeText: () => false }).count(), 2);
    } finally {
      other.close();
    }
  });

  it('notifies listeners of stored batches', () => {
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    const seen: number[] = [];
    const off = store.onRecorded((e) => seen.push(e.length));
    store.record([shown('a', 1), shown('b', 1)]);
    off();
    store.record([shown('c', 1)]);
    assert.deepEqual(seen, [2]);
  });

  it('keeps next-edit suggestions apart: stats are of inline completions unless next edits are asked for', () => {
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    const next = { suggestionKind: 'nextEdit' as const };
    store.record([
      shown('c1', 100),
      accepted('c1'),
      shown('n1', 300, next),
      shown('n2', 400, next),
      { ...accepted('n1'), ...next },
      { ...dismissed('n2', 'escaped'), ...next },
      shown('n3', 500, next),
      { ...dismissed('n3', 'typed_over'), ...next },
    ]);
    const completions = store.stats({ groupBy: [] });
    assert.equal(completions.suggestionKind, 'completion');
    assert.deepEqual([completions.total.shown, completions.total.accepted, completions.total.dismissed], [1, 1, 0]);
    const nextEdits = store.stats({ groupBy: [], suggestionKind: 'nextEdit' });
    assert.equal(nextEdits.suggestionKind, 'nextEdit');
    assert.deepEqual([nextEdits.total.shown, nextEdits.total.accepted, nextEdits.total.dismissed], [3, 1, 2]);
    assert.deepEqual(nextEdits.total.dismissReasons, { escaped: 1, typed_over: 1 });
    assert.equal(nextEdits.total.acceptanceRate, 1 / 3);
    assert.equal(nextEdits.total.latency.totalMs.p50, 400);
    const kinds = env.db.prepare('SELECT suggestion_kind AS k, count(*) AS n FROM completion_events GROUP BY k ORDER BY k').all();
    assert.deepEqual(kinds, [
      { k: 'completion', n: 2 },
      { k: 'nextEdit', n: 6 },
    ]);
  });
});
