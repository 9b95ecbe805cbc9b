import assert from 'node:assert/strict';
import { applySpans, diffSpans, judgeRewrite, undoesLastEdit } from '../../../../daemon/next-edit/replacements';

describe('next-edit replacements', () => {
  it('narrows each changed line to the characters that differ', () => {
    const old = 'function f(a) {\n  return a * 2;\n}';
    const next = 'function f(count) {\n  return count * 2;\n}';
    assert.deepEqual(diffSpans(old, next), [
      { start: 11, end: 12, text: 'count' },
      { start: 25, end: 26, text: 'count' },
    ]);
  });

  it('inserts and deletes whole lines, including after and at the last line', () => {
    const cases: Array<[string, string]> = [
      ['a\nb', 'a\nb\nc'],
      ['a\nb', 'a'],
      ['a\nb\nc', 'a\nc'],
      ['a', 'x\na'],
      ['x', ''],
      ['', 'x'],
      ['a\n', 'a\nb\n'],
    ];
    for (const [o, n] of cases) assert.equal(applySpans(o, diffSpans(o, n)), n, JSON.stringify([o, n]));
    assert.deepEqual(diffSpans('a\nb', 'a\nb\nc'), [{ start: 3, end: 3, text: '\nc' }]);
    assert.deepEqual(diffSpans('a\nb', 'a'), [{ start: 1, end: 3, text: '' }]);
  });

  it('turns any rewrite into spans that reproduce it (random texts)', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const words = ['a', 'b', '', 'x y', 'cc', '  d'];
    const text = () => Array.from({ length: Math.floor(rnd() * 6) }, () => words[Math.floor(rnd() * words.length)]).join('\n');
    for (let k = 0; k < 2000; k++) {
      const o = text();
      const n = text();
      const spans = diffSpans(o, n);
      assert.equal(applySpans(o, spans), n, JSON.stringify([o, n, spans]));
      for (let i = 1; i < spans.length; i++) assert.ok(spans[i - 1].end <= spans[i].start, 'sorted, not overlapping');
    }
  });

  it('gives document positions from the region start', () => {
    const region = 'const a = 1;\nuse(a);';
    const verdict = judgeRewrite(region, 'const a = 1;\nuse(a, b);', 10, undefined);
    assert.deepEqual(verdict, { edits: [{ start: { line: 11, character: 5 }, end: { line: 11, character: 5 }, text: ', b' }] });
  });

  it('refuses a rewrite that changes nothing, empties the region or replaces most of it', () => {
    assert.deepEqual(judgeRewrite('a\nb', 'a\nb', 0, undefined), { refusal: 'no_change' });
    assert.deepEqual(judgeRewrite('a\nb', '\n  \n', 0, undefined), { refusal: 'empty' });
    const region = 'const a = 1;\nconst b = 2;\nconst c = 3;\nconst d = 4;\n';
    assert.deepEqual(judgeRewrite(region, ' + b;', 0, undefined), { refusal: 'too_large' });
    assert.deepEqual(judgeRewrite(region, 'const a = 1;\nx\ny\nz\n', 0, undefined), { refusal: 'too_large' });
    assert.ok(
      'edits' in judgeRewrite(region, 'const a = 1;\nconst b = 2;\nconst c = 30;\nconst d = 40;\n', 0, undefined),
      'half kept is an edit',
    );
    assert.ok('edits' in judgeRewrite('x', 'y', 0, undefined), 'a small region may change whole');
  });

  it('refuses a rewrite that puts back what the last edit replaced', () => {
    const region = 'function f(count) {\n  return a;\n}';
    const last = { path: '/f.ts', at: 1, startLine: 5, before: 'function f(a) {', after: 'function f(count) {' };
    assert.deepEqual(judgeRewrite(region, 'function f(a) {\n  return a;\n}', 5, last), { refusal: 'undo' });
    assert.ok('edits' in judgeRewrite(region, 'function f(count) {\n  return count;\n}', 5, last), 'carrying the rename on is fine');
    // Renaming it back while also touching the next line is still an undo of the last edit.
    const both = diffSpans(region, 'function f(a) {\n  return a + 1;\n}');
    assert.equal(undoesLastEdit(region, 5, both, last), true);
    // The edit's lines are not where the region says: nothing to undo there.
    assert.equal(undoesLastEdit(region, 6, diffSpans(region, 'function f(a) {\n  return a;\n}'), last), false);
  });
});
