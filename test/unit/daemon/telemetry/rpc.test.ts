import { strict as assert } from 'node:assert';
import { EventsReportRequest, StatsGetRequest, TandemError } from '../../../../protocol';
import { getStats, reportEvents } from '../../../../daemon/telemetry/rpc';
import { TelemetryStore } from '../../../../daemon/telemetry/store';
import { accepted, shown, withDb } from './helpers';

describe('telemetry protocol handlers', () => {
  let env: ReturnType<typeof withDb>;
  beforeEach(() => (env = withDb()));
  afterEach(() => env.cleanup());

  it('reportEvents stores a validated batch; getStats returns the stats', () => {
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    const params = EventsReportRequest.params.parse({ events: [shown('a', 50), accepted('a')] });
    assert.deepEqual(reportEvents(store, params), { stored: 2 });
    const stats = getStats(store, StatsGetRequest.params.parse(undefined));
    assert.equal(stats.total.acceptanceRate, 1);
    assert.deepEqual(stats.groupBy, ['model', 'backend', 'language']);
  });

  it('the schema rejects malformed events (the dispatcher answers InvalidParams)', () => {
    assert.equal(EventsReportRequest.params.safeParse({ events: [] }).success, false);
    assert.equal(EventsReportRequest.params.safeParse({ events: [{ ...shown('a', 1), kind: 'clicked' }] }).success, false);
    assert.equal(EventsReportRequest.params.safeParse({ events: [{ ...shown('a', 1), totalMs: -1 }] }).success, false);
    assert.equal(StatsGetRequest.params.safeParse({ groupBy: ['color'] }).success, false);
  });

  it('getStats rejects an inverted time range and de-duplicates dimensions', () => {
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    assert.throws(() => getStats(store, { sinceMs: 10, untilMs: 5 }), TandemError);
    assert.deepEqual(getStats(store, { groupBy: ['model', 'model'] }).groupBy, ['model']);
  });

  it('reportEvents maps storage failures to StorageError', () => {
    const store = new TelemetryStore(env.db, { storeCodeText: () => false });
    env.db.exec('DROP TABLE completion_events');
    assert.throws(
      () => reportEvents(store, EventsReportRequest.params.parse({ events: [shown('a', 1)] })),
      (err: unknown) => err instanceof TandemError && err.kind === 'storage_error',
    );
  });
});
