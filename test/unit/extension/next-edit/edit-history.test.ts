/**
 * The history of edits: what changed where and when, keystrokes merged into one hunk,
 * line numbers that follow later edits above them, and the bounds on what is kept.
 */
import assert from 'node:assert/strict';
import { EditHistory, linesFrom, type TextChange } from '../../../../extension/next-edit/edit-history';

/** Apply a replacement to `text` like the editor does and describe it like VS Code's change event. */
function edit(text: string, offset: number, length: number, insert: string): { text: string; change: TextChange } {
  const lineOf = (o: number) => text.slice(0, o).split('\n').length - 1;
  return {
    text: text.slice(0, offset) + insert + text.slice(offset + length),
    change: { rangeOffset: offset, rangeLength: length, startLine: lineOf(offset), endLine: lineOf(offset + length), text: insert },
  };
}

/** Type `chars` one by one at `offset`, then return the text. */
function type(h: EditHistory, path: string, text: string, offset: number, chars: string, at: number): string {
  for (const [i, ch] of [...chars].entries()) {
    const e = edit(text, offset + i, 0, ch);
    h.change(path, e.text, [e.change], at + i * 100);
    text = e.text;
  }
  return text;
}

const FILE = 'function scale(a, factor) {\n  return a * factor;\n}\n';

describe('next-edit edit history', () => {
  it('merges the keystrokes of one edit: a parameter renamed letter by letter is one hunk', () => {
    const h = new EditHistory();
    h.track('/f.js', FILE);
    const at = FILE.indexOf('a,');
    let text = FILE;
    const del = edit(text, at, 1, '');
    h.change('/f.js', del.text, [del.change], 1_000);
    text = type(h, '/f.js', del.text, at, 'count', 1_100);
    assert.deepEqual(h.recent(3_000), [
      { path: '/f.js', at: 1_500, startLine: 0, before: 'function scale(a, factor) {', after: 'function scale(count, factor) {' },
    ]);
    assert.equal(text, FILE.replace('a,', 'count,'));
  });

  it('starts a new hunk for an edit elsewhere or after a pause, and moves older hunks below with inserted lines', () => {
    const h = new EditHistory({ coalesceMs: 1_000 });
    h.track('/f.js', FILE);
    let text = type(h, '/f.js', FILE, FILE.indexOf('* factor'), '2 ', 1_000);
    const inserted = edit(text, 0, 0, '// scale\n');
    h.change('/f.js', inserted.text, [inserted.change], 5_000);
    text = inserted.text;
    const hunks = h.recent(6_000);
    assert.deepEqual(
      hunks.map((x) => [x.startLine, x.before, x.after]),
      [
        [2, '  return a * factor;', '  return a 2 * factor;'],
        [0, 'function scale(a, factor) {', '// scale\nfunction scale(a, factor) {'],
      ],
    );
  });

  it('drops an edit the user undid, and keeps only edits of documents whose text before is known', () => {
    const h = new EditHistory();
    const typed = edit(FILE, 0, 0, 'x');
    h.change('/unknown.js', typed.text, [typed.change], 1);
    assert.deepEqual(h.recent(2), [], 'no text before: nothing recorded, but the text is remembered now');
    h.track('/f.js', FILE);
    const add = edit(FILE, 0, 0, 'x');
    h.change('/f.js', add.text, [add.change], 10);
    const back = edit(add.text, 0, 1, '');
    h.change('/f.js', back.text, [back.change], 20);
    assert.deepEqual(h.recent(30), []);
  });

  it('records multi-line replacements and deletions of whole lines', () => {
    const h = new EditHistory();
    h.track('/f.js', FILE);
    const start = FILE.indexOf('  return');
    const del = edit(FILE, start, FILE.indexOf('}') - start, '');
    h.change('/f.js', del.text, [del.change], 1);
    assert.deepEqual(h.recent(2), [{ path: '/f.js', at: 1, startLine: 1, before: '  return a * factor;\n}', after: '}' }]);
  });

  it('is bounded: few documents, few hunks, none too old or too large', () => {
    const h = new EditHistory({ maxDocuments: 2, maxHunks: 3, maxAgeMs: 1_000, maxDocumentChars: 100 });
    for (const p of ['/a', '/b', '/c']) h.track(p, FILE);
    assert.deepEqual(h.documents, ['/b', '/c']);
    h.track('/big', 'x'.repeat(101));
    assert.ok(!h.documents.includes('/big'));
    let text = FILE;
    for (let i = 0; i < 5; i++) {
      const e = edit(text, 0, 0, `// ${i}\n\n`);
      h.change('/c', e.text, [e.change], 10_000 * i);
      text = e.text;
    }
    assert.equal(h.recent(40_000).length, 1, 'older than a second: gone');
    assert.ok(h.recent(40_000, 10).length <= 3);
  });

  it('follows renames and forgets closed documents', () => {
    const h = new EditHistory();
    h.track('/old.js', FILE);
    const e = edit(FILE, 0, 0, 'x');
    h.change('/old.js', e.text, [e.change], 1);
    h.rename('/old.js', '/new.js');
    assert.equal(h.recent(2)[0].path, '/new.js');
    h.forget('/new.js');
    assert.deepEqual(h.recent(2), []);
    assert.deepEqual(h.documents, []);
  });

  it('reads lines walking from a line start in both directions', () => {
    const text = 'a\n\nc\nd';
    assert.deepEqual(linesFrom(text, 3, 2, 0, 3), ['a', '', 'c', 'd']);
    assert.deepEqual(linesFrom(text, 0, 0, 2, 3), ['c', 'd']);
    assert.deepEqual(linesFrom(text, 2, 1, 0, 1), ['a', '']);
  });
});
