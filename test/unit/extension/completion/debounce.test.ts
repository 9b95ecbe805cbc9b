import { strict as assert } from 'node:assert';
import { AdaptiveDebounce } from '../../../../extension/completion/debounce';

describe('AdaptiveDebounce', () => {
  it('starts at the initial delay', () => {
    assert.equal(new AdaptiveDebounce({ initialMs: 80 }).delayMs(), 80);
  });
  it('waits longer for a slow backend and less for a fast one, within bounds', () => {
    const slow = new AdaptiveDebounce({ minMs: 20, maxMs: 300, factor: 0.3, alpha: 1 });
    slow.observe(800);
    assert.equal(slow.delayMs(), 240);
    slow.observe(5000);
    assert.equal(slow.delayMs(), 300);
    const fast = new AdaptiveDebounce({ minMs: 20, maxMs: 300, factor: 0.3, alpha: 1 });
    fast.observe(30);
    assert.equal(fast.delayMs(), 20);
  });
  it('follows a moving average rather than the last sample', () => {
    const d = new AdaptiveDebounce({ alpha: 0.5, factor: 1, minMs: 0, maxMs: 10_000 });
    d.observe(100);
    d.observe(300);
    assert.equal(d.averageLatencyMs, 200);
    assert.equal(d.delayMs(), 200);
  });
  it('ignores nonsense samples', () => {
    const d = new AdaptiveDebounce({ initialMs: 50 });
    d.observe(Number.NaN);
    d.observe(-5);
    assert.equal(d.averageLatencyMs, undefined);
    assert.equal(d.delayMs(), 50);
  });
});
