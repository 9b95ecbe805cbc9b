import assert from 'node:assert/strict';
import { candidateKey, fitToBudget, type FitItem, type FitOptions } from '../../../../daemon/context/budget-fit';

/** An item whose tokens are its text's length (one token per character keeps the arithmetic visible). */
function item(rank: number, over: Partial<FitItem> = {}): FitItem {
  return {
    path: `f${rank}.ts`,
    language: 'typescript',
    startLine: 1,
    endLine: 1,
    text: 'x'.repeat(10),
    hash: `h${rank}`,
    rank,
    tier: 1,
    ...over,
  };
}

const byLength = (it: FitItem) => it.text.length;
const sumOf = (kept: FitItem[]) => kept.reduce((s, it) => s + it.text.length, 0);

/** No compaction (threshold far above any total), a limit equal to the budget, and exact = the sum. */
function opts(over: Partial<FitOptions> = {}): FitOptions {
  return { budget: 20, compactionThreshold: 10, measure: byLength, exact: sumOf, limit: over.budget ?? 20, ...over };
}

/** A class body with members: the compactor can reduce it to signatures. */
const classBody = (name: string) =>
  [
    `export class ${name} {`,
    '  get(key: string): number | undefined {',
    '    const hit = this.map.get(key);',
    '    if (hit === undefined) return undefined;',
    '    return hit * 2;',
    '  }',
    '  set(key: string, value: number): void {',
    '    this.map.set(key, value);',
    '    this.size++;',
    '  }',
    '}',
  ].join('\n');

describe('context/budget-fit', () => {
  it('takes items best first while each fits, skipping those that do not', () => {
    const sizes = [5, 50, 3, 10];
    const items = sizes.map((n, rank) => item(rank, { text: 'x'.repeat(n) }));
    const r = fitToBudget(items, opts());
    assert.deepEqual(
      r.kept.map((k) => k.rank),
      [0, 2, 3],
    );
    assert.equal(r.tokens, 18);
    assert.deepEqual(
      items.map((it) => r.outcomes.get(candidateKey(it))),
      ['selected', 'dropped', 'selected', 'selected'],
    );
    assert.equal(r.itemTokens.get(candidateKey(items[1])), 50);
    assert.equal(r.compaction.ran, false);
  });

  it('checks the exact count of the whole prompt and drops the lowest-ranked kept item until it fits', () => {
    const sizes = [5, 50, 3, 10];
    const items = sizes.map((n, rank) => item(rank, { text: 'x'.repeat(n) }));
    const calls: number[][] = [];
    // The joined prompt costs 5 tokens more than its parts (a header, say).
    const r = fitToBudget(
      items,
      opts({
        exact: (kept) => {
          calls.push(kept.map((k) => k.rank));
          return sumOf(kept) + 5;
        },
      }),
    );
    assert.deepEqual(
      r.kept.map((k) => k.rank),
      [0, 2],
    );
    assert.equal(r.tokens, 13);
    assert.deepEqual(calls, [
      [0, 2, 3],
      [0, 2],
    ]);
    assert.equal(r.outcomes.get(candidateKey(items[3])), 'dropped');
    assert.equal(r.outcomes.get(candidateKey(items[0])), 'selected');
  });

  it('drops last-first: the kept items are always the best-ranked prefix of what the greedy pass took', () => {
    const items = Array.from({ length: 8 }, (_, rank) => item(rank, { text: 'x'.repeat(4) }));
    // A prompt over the limit until at most three items are left.
    const r = fitToBudget(items, opts({ budget: 100, limit: 100, exact: (kept) => (kept.length > 3 ? 1000 : sumOf(kept)) }));
    assert.deepEqual(
      r.kept.map((k) => k.rank),
      [0, 1, 2],
    );
    assert.deepEqual(
      items.map((it) => r.outcomes.get(candidateKey(it))),
      ['selected', 'selected', 'selected', 'dropped', 'dropped', 'dropped', 'dropped', 'dropped'],
    );
  });

  it('is never over the limit, across random sizes, budgets and prompt overheads', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const items = Array.from({ length: 1 + rand(12) }, (_, rank) =>
        item(rank, { text: 'x'.repeat(1 + rand(40)), hash: `h${round}-${rank}` }),
      );
      const budget = rand(120);
      const limit = budget + rand(20);
      const overhead = rand(30);
      const exact = (kept: FitItem[]) => (kept.length === 0 ? 0 : sumOf(kept) + overhead + kept.length);
      const r = fitToBudget(items, { budget, limit, compactionThreshold: 0.8, measure: byLength, exact });
      assert.ok(r.tokens <= limit, `round ${round}: ${r.tokens} > ${limit}`);
      assert.equal(r.tokens, exact(r.kept));
      assert.ok(sumOf(r.kept) <= budget, `round ${round}: items take ${sumOf(r.kept)} of ${budget}`);
      const ranks = r.kept.map((k) => k.rank);
      assert.deepEqual(
        ranks,
        [...ranks].sort((a, b) => a - b),
        'kept best first',
      );
      for (const it of items) assert.ok(r.outcomes.has(candidateKey(it)), `round ${round}: every item has an outcome`);
    }
  });

  it('compacts before dropping: over the threshold, signatures make room for items that would not fit whole', () => {
    const items = [0, 1, 2].map((rank) => item(rank, { text: classBody(`C${rank}`), endLine: 11 }));
    const whole = items[0].text.length;
    const budget = Math.floor(whole * 2.2);
    const plain = fitToBudget(items, opts({ budget, limit: budget, compactionThreshold: 100 }));
    assert.equal(plain.kept.length, 2, 'without compaction only two fit');
    const r = fitToBudget(items, opts({ budget, limit: budget, compactionThreshold: 0.8 }));
    assert.equal(r.compaction.ran, true);
    assert.ok(r.compaction.signatures >= 1);
    assert.equal(r.kept.length, 3, 'all three fit once the lowest-ranked are signatures');
    // Nothing is dropped; the items reduced to signatures are the lowest-ranked ones and say so.
    assert.deepEqual(
      r.kept.map((k) => r.outcomes.get(candidateKey(items[k.rank]))),
      r.kept.map((k) => (k.compacted ? 'compacted' : 'selected')),
    );
    assert.deepEqual(
      r.kept.filter((k) => k.compacted === 'signature').map((k) => k.rank),
      [0, 1, 2].slice(3 - r.compaction.signatures),
    );
    assert.ok(r.tokens <= budget);
  });

  it('does not compact under the threshold', () => {
    const items = [0, 1].map((rank) => item(rank, { text: classBody(`C${rank}`) }));
    const r = fitToBudget(items, opts({ budget: 10_000, limit: 10_000, compactionThreshold: 0.8 }));
    assert.equal(r.compaction.ran, false);
    assert.deepEqual(
      r.kept.map((k) => k.text),
      items.map((it) => it.text),
    );
  });

  it('reports duplicates and merged chunks under the keys of the items as given', () => {
    const items = [
      item(0, { path: 'a.ts', startLine: 10, endLine: 12, text: 'a\nb\nc', hash: 'A' }),
      item(1, { path: 'b.ts', startLine: 1, endLine: 3, text: 'a\nb\nc', hash: 'A' }),
      item(2, { path: 'a.ts', startLine: 13, endLine: 14, text: 'd\ne', hash: 'B' }),
    ];
    const r = fitToBudget(items, opts({ budget: 10, limit: 10, compactionThreshold: 0.1 }));
    assert.equal(r.compaction.duplicates, 1);
    assert.equal(r.compaction.merged, 1);
    assert.equal(r.outcomes.get('b.ts:1'), 'duplicate');
    assert.equal(r.outcomes.get('a.ts:13'), 'compacted');
    assert.equal(r.outcomes.get('a.ts:10'), 'compacted');
    assert.deepEqual(
      r.kept.map((k) => [k.path, k.startLine, k.endLine, k.text]),
      [['a.ts', 10, 14, 'a\nb\nc\nd\ne']],
    );
  });

  it('marks a merged item dropped by the exact check under its own key, even when the merge moved its first line', () => {
    // Rank 0 (lines 20-22) absorbs rank 1 (lines 17-19): the merged chunk starts at 17.
    const items = [
      item(0, { path: 'a.ts', startLine: 20, endLine: 22, text: 'x\ny\nz', hash: 'X' }),
      item(1, { path: 'a.ts', startLine: 17, endLine: 19, text: 'u\nv\nw', hash: 'U' }),
    ];
    const r = fitToBudget(
      items,
      opts({ budget: 100, limit: 100, compactionThreshold: 0.01, exact: (kept) => (kept.length > 0 ? 1000 : 0) }),
    );
    assert.equal(r.kept.length, 0);
    assert.equal(r.tokens, 0);
    assert.equal(r.outcomes.get('a.ts:20'), 'dropped');
    assert.equal(r.outcomes.get('a.ts:17'), 'compacted');
  });

  it('measures the prompt with nothing kept when nothing fits', () => {
    const r = fitToBudget([item(0, { text: 'x'.repeat(50) })], opts({ exact: (kept) => 7 + sumOf(kept) }));
    assert.deepEqual(r.kept, []);
    assert.equal(r.tokens, 7);
  });
});
