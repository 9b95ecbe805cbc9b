import assert from 'node:assert/strict';
import {
  alignWithDocument,
  CodeLineStream,
  interpretInlineAnswer,
  reindent,
  type InlineRegion,
} from '../../../../daemon/commands/inline-answer';

const DOC = [
  "import { log } from './log';",
  '',
  'export class Cart {',
  '  private items: number[] = [];',
  '',
  '  total(): number {',
  '    let sum = 0;',
  '    for (const i of this.items) sum += i;',
  '    return sum;',
  '  }',
  '',
  '  add(n: number): void {',
  '    this.items.push(n);',
  '  }',
  '}',
  '',
].join('\n');
/** `total()`: lines 6-10 (0-based 5-9). */
const region: InlineRegion = { text: DOC, startLine: 5, endLine: 9, file: 'cart.ts', path: '/ws/cart.ts' };
const NEW_TOTAL = ['  total(): number {', '    return this.items.reduce((a, b) => a + b, 0);', '  }'];

describe('inline edit answers', () => {
  it('takes the code block as the region’s new text and keeps the prose as the explanation', () => {
    const r = interpretInlineAnswer(`Use reduce.\n\n\`\`\`ts\n${NEW_TOTAL.join('\n')}\n\`\`\`\n`, region);
    assert.deepEqual(r, { ok: true, proposal: NEW_TOTAL.join('\n'), explanation: 'Use reduce.' });
  });

  it('re-indents a region the model returned flush left', () => {
    const flush = NEW_TOTAL.map((l) => l.slice(2));
    const r = interpretInlineAnswer(`\`\`\`ts\n${flush.join('\n')}\n\`\`\``, region);
    assert.ok(r.ok);
    assert.equal(r.proposal, NEW_TOTAL.join('\n'));
  });

  it('drops context lines the model echoed around the region', () => {
    const echoed = ['  private items: number[] = [];', '', ...NEW_TOTAL, '', '  add(n: number): void {'];
    const r = interpretInlineAnswer(`\`\`\`ts\n${echoed.join('\n')}\n\`\`\``, region);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.proposal, NEW_TOTAL.join('\n'));
  });

  it('accepts the whole file back when only the region changed', () => {
    const lines = DOC.split('\n');
    const whole = [...lines.slice(0, 5), ...NEW_TOTAL, ...lines.slice(10)];
    const r = interpretInlineAnswer(`\`\`\`ts\n${whole.join('\n')}\n\`\`\``, region);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.proposal, NEW_TOTAL.join('\n'));
  });

  it('refuses a whole-file answer that also changes a line outside the region, naming it', () => {
    const lines = DOC.split('\n');
    const whole = [lines[0]!.replace('./log', './logger'), ...lines.slice(1, 5), ...NEW_TOTAL, ...lines.slice(10)];
    const r = interpretInlineAnswer(`\`\`\`ts\n${whole.join('\n')}\n\`\`\``, region);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.rejected[0]!.kind, 'outside_region');
    assert.match(r.rejected[0]!.reason, /line 1, outside lines 6-10 of cart\.ts/);
  });

  it('applies search/replace blocks inside the region and refuses those outside it', () => {
    const inside = interpretInlineAnswer(
      'cart.ts\n<<<<<<< SEARCH\n    let sum = 0;\n    for (const i of this.items) sum += i;\n    return sum;\n=======\n    return this.items.reduce((a, b) => a + b, 0);\n>>>>>>> REPLACE\n',
      region,
    );
    assert.ok(inside.ok, JSON.stringify(inside));
    assert.equal(inside.proposal, NEW_TOTAL.join('\n'));
    const outside = interpretInlineAnswer(
      '<<<<<<< SEARCH\n    this.items.push(n);\n=======\n    this.items.unshift(n);\n>>>>>>> REPLACE\n',
      region,
    );
    assert.equal(outside.ok, false);
    if (!outside.ok) {
      assert.equal(outside.rejected[0]!.kind, 'outside_region');
      assert.match(outside.rejected[0]!.reason, /line 13/);
    }
  });

  it('refuses answers without a complete code block, and unchanged ones', () => {
    const prose = interpretInlineAnswer('I would use reduce here.', region);
    assert.equal(prose.ok, false);
    if (!prose.ok) assert.equal(prose.rejected[0]!.kind, 'malformed');
    const cut = interpretInlineAnswer('```ts\n  total(): number {\n    return', region);
    assert.equal(cut.ok, false);
    if (!cut.ok) assert.match(cut.rejected[0]!.reason, /cut off/);
    const same = interpretInlineAnswer(`\`\`\`\n${DOC.split('\n').slice(5, 10).join('\n')}\n\`\`\``, region);
    assert.equal(same.ok, false);
    if (!same.ok) assert.equal(same.rejected[0]!.kind, 'model_error');
    const empty = interpretInlineAnswer('  ', region);
    assert.equal(empty.ok, false);
    if (!empty.ok) assert.equal(empty.rejected[0]!.kind, 'model_error');
  });

  it('keeps the document’s CRLF line endings in the proposal', () => {
    const crlf = { ...region, text: DOC.replace(/\n/g, '\r\n') };
    const r = interpretInlineAnswer(`\`\`\`ts\n${NEW_TOTAL.join('\n')}\n\`\`\``, crlf);
    assert.ok(r.ok);
    assert.equal(r.proposal, NEW_TOTAL.join('\r\n'));
  });

  it('an empty code block deletes the region', () => {
    const r = interpretInlineAnswer('```ts\n```', region);
    assert.deepEqual(r, { ok: true, proposal: '', explanation: '' });
  });
});

describe('aligning a code block with the document', () => {
  const doc = ['a1 line', 'b2 line', 'c3 line', 'd4 line', 'e5 line', 'f6 line'];
  it('leaves a region-only block as it is (no significant context lines quoted)', () => {
    assert.deepEqual(alignWithDocument(['X', 'Y'], doc, 2, 3), { ok: true, lines: ['X', 'Y'] });
  });
  it('counts lines left out at the start and end of the file as quoted, not deleted', () => {
    assert.deepEqual(alignWithDocument(['b2 line', 'X', 'e5 line'], doc, 2, 3), { ok: true, lines: ['X'] });
  });
  it('allows insertions right before and after the region', () => {
    assert.deepEqual(alignWithDocument(['b2 line', 'new', 'c3 line', 'd4 line', 'more', 'e5 line'], doc, 2, 3), {
      ok: true,
      lines: ['new', 'c3 line', 'd4 line', 'more'],
    });
  });
  it('refuses a deleted line outside the region', () => {
    assert.deepEqual(alignWithDocument(['a1 line', 'c3 line', 'X', 'e5 line', 'f6 line'], doc, 2, 3), { ok: false, outside: 'line 2' });
  });
});

describe('re-indenting a proposal', () => {
  it('adds the region’s common indentation when the proposal is flush left', () => {
    assert.deepEqual(reindent(['f() {', '  x;', '', '}'], ['    f() {', '      y;', '    }']), ['    f() {', '      x;', '', '    }']);
  });
  it('leaves an indented proposal and a flush region alone', () => {
    assert.deepEqual(reindent(['  a'], ['  b']), ['  a']);
    assert.deepEqual(reindent(['a'], ['b']), ['a']);
  });
});

describe('streaming the code lines of an answer', () => {
  it('emits whole lines inside the first fence only, across delta boundaries', () => {
    const s = new CodeLineStream();
    const out = ['Sure.\n``', '`ts\n  total', '(): number {\n', '    return 0;\n  }\n``', '`\nMore prose\n```\nnot code\n```\n'].map((d) =>
      s.push(d),
    );
    assert.deepEqual(out, ['', '', '  total(): number {\n', '    return 0;\n  }\n', '']);
  });
  it('stops at a search/replace marker', () => {
    const s = new CodeLineStream();
    assert.equal(s.push('```\n<<<<<<< SEARCH\nold\n=======\nnew\n>>>>>>> REPLACE\n```\n'), '');
  });
  it('drops carriage returns', () => {
    assert.equal(new CodeLineStream().push('```\r\na\r\nb\r\n```\r\n'), 'a\nb\n');
  });
});
