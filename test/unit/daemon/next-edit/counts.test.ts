import assert from 'node:assert/strict';
import { TokenCounter } from '../../../../daemon/context/budget';
import { RememberedCounts } from '../../../../daemon/next-edit/counts';

describe('next-edit remembered token counts', () => {
  const tokens = new TokenCounter();
  after(() => tokens.dispose());

  /** The real counter, counting how often it encodes. */
  function spy() {
    const calls = { count: 0 };
    return {
      calls,
      counter: {
        count: (t: string) => (calls.count++, tokens.count(t)),
      },
    };
  }

  it('gives the exact count and encodes a repeated text once', () => {
    const { calls, counter } = spy();
    const counts = new RememberedCounts(counter);
    const text = 'export function scale(count: number, factor: number): number {';
    assert.equal(counts.count(text), tokens.count(text));
    assert.equal(counts.count(text), tokens.count(text));
    assert.equal(calls.count, 1);
  });

  it('forgets the least recently used text beyond its capacity', () => {
    const { calls, counter } = spy();
    const counts = new RememberedCounts(counter, 2);
    counts.count('a');
    counts.count('b');
    counts.count('a'); // a is now the most recent
    counts.count('c'); // evicts b
    assert.equal(counts.size, 2);
    assert.equal(calls.count, 3);
    counts.count('a');
    assert.equal(calls.count, 3, 'a was kept');
    counts.count('b');
    assert.equal(calls.count, 4, 'b was forgotten');
  });

  it('hands long texts to the counter each time instead of keeping them whole, exactly', () => {
    const { calls, counter } = spy();
    const counts = new RememberedCounts(counter, 16, 100);
    const long = Array.from({ length: 400 }, (_, i) => `const value${i} = compute(${i}, 'x');`).join('\n');
    assert.equal(counts.count(long), tokens.count(long));
    assert.equal(calls.count, 1);
    assert.equal(counts.size, 0, 'not kept whole');
    assert.equal(counts.count(long), tokens.count(long));
    assert.equal(calls.count, 2);
  });
});
