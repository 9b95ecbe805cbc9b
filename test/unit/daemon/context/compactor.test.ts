import assert from 'node:assert/strict';
import { compact, toSignature, type CompactItem } from '../../../../daemon/context/compactor';

const tsBody = [
  'export class Cache {',
  '  private map = new Map<string, number>();',
  '',
  '  get(key: string): number | undefined {',
  '    const hit = this.map.get(key);',
  '    return hit;',
  '  }',
  '',
  '  set(key: string, value: number): void {',
  '    this.map.set(key, value);',
  '  }',
  '}',
].join('\n');

function item(rank: number, over: Partial<CompactItem> = {}): CompactItem {
  return { path: `f${rank}.ts`, language: 'typescript', startLine: 1, endLine: 12, text: tsBody, hash: `h${rank}`, rank, ...over };
}

const chars = (it: CompactItem) => it.text.length;

describe('context/compactor', () => {
  it('reduces a class to its member signatures', () => {
    assert.equal(
      toSignature(tsBody, 'typescript'),
      [
        'export class Cache {',
        '  private map = new Map<string, number>();',
        '  get(key: string): number | undefined {',
        '    ...',
        '  }',
        '  set(key: string, value: number): void {',
        '    ...',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it('reduces python functions to their def lines', () => {
    const py = 'def area(r):\n    """Circle area."""\n    return 3.14 * r * r\n\n\ndef perimeter(r):\n    return 2 * 3.14 * r';
    assert.equal(toSignature(py, 'python'), 'def area(r):\n    ...\ndef perimeter(r):\n    ...');
  });

  it('does nothing when the candidates fit under the target', () => {
    const res = compact([item(0), item(1)], 10_000, chars);
    assert.equal(res.signatures, 0);
    assert.equal(res.merged, 0);
    assert.deepEqual(
      res.items.map((i) => i.text),
      [tsBody, tsBody],
    );
  });

  it('drops exact duplicates, keeping the best-ranked copy', () => {
    const res = compact([item(0, { hash: 'same' }), item(1, { hash: 'same', path: 'other.ts' })], 10_000, chars);
    assert.deepEqual(res.duplicates, [1]);
    assert.equal(res.items.length, 1);
    assert.equal(res.items[0].path, 'f0.ts');
  });

  it('merges overlapping and touching chunks of one file into the better-ranked one', () => {
    const a = item(0, { path: 'x.ts', startLine: 10, endLine: 12, text: 'l10\nl11\nl12', hash: 'a' });
    const b = item(1, { path: 'x.ts', startLine: 12, endLine: 14, text: 'l12\nl13\nl14', hash: 'b' });
    const c = item(2, { path: 'x.ts', startLine: 15, endLine: 15, text: 'l15', hash: 'c' });
    const far = item(3, { path: 'x.ts', startLine: 40, endLine: 40, text: 'l40', hash: 'd' });
    const res = compact([a, b, c, far], 10_000, chars);
    assert.equal(res.merged, 2);
    assert.equal(res.items.length, 2);
    assert.deepEqual([res.items[0].startLine, res.items[0].endLine, res.items[0].text], [10, 15, 'l10\nl11\nl12\nl13\nl14\nl15']);
    assert.deepEqual(res.items[0].mergedFrom, [1, 2]);
    assert.equal(res.items[1].text, 'l40');
  });

  it('shrinks lowest-ranked items to signatures first and stops once under the target', () => {
    const items = [item(0), item(1), item(2)];
    const full = tsBody.length * 3;
    const sig = toSignature(tsBody, 'typescript').length;
    const res = compact(items, full - (tsBody.length - sig), chars);
    assert.equal(res.signatures, 1);
    assert.equal(res.items[2].compacted, 'signature');
    assert.equal(res.items[0].text, tsBody);
    assert.equal(res.items[1].text, tsBody);
  });

  it('never merges or shrinks a frozen item (a chunk of the last prompt at this place)', () => {
    const a = item(0, { path: 'x.ts', startLine: 10, endLine: 12, text: 'l10\nl11\nl12', hash: 'a' });
    const b = item(1, { path: 'x.ts', startLine: 12, endLine: 14, text: 'l12\nl13\nl14', hash: 'b', frozen: true });
    assert.equal(compact([a, b], 10_000, chars).merged, 0);
    const res = compact([item(0), item(1), item(2, { frozen: true })], 10, chars);
    assert.equal(res.items[2].text, tsBody);
    assert.equal(res.items[1].compacted, 'signature');
  });

  it("leaves the caller's items untouched", () => {
    const items = [item(0), item(1)];
    compact(items, 10, chars);
    assert.equal(items[1].text, tsBody);
  });
});
