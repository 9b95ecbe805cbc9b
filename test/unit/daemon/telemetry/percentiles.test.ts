import { strict as assert } from 'node:assert';
import { percentile, percentiles } from '../../../../daemon/telemetry/percentiles';

describe('percentiles (nearest rank)', () => {
  it('computes nearest-rank values', () => {
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([1, 2, 3, 4], 95), 4);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 50), null);
  });
  it('sorts its input and counts', () => {
    assert.deepEqual(percentiles([30, 10, 20]), { count: 3, p50: 20, p90: 30, p95: 30, p99: 30 });
  });
});
