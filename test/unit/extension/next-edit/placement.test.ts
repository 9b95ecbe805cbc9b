import assert from 'node:assert/strict';
import type { NextEditReplacement } from '../../../../protocol';
import { hintOf, place, type PlacementInput } from '../../../../extension/next-edit/placement';

const LINES = ['function scale(count, factor) {', '  return a * factor;', '}', '', 'scale(2, 3);'];
const at = (line: number, character: number) => ({ line, character });
const r = (sl: number, sc: number, el: number, ec: number, text: string): NextEditReplacement => ({
  start: at(sl, sc),
  end: at(el, ec),
  text,
});

function input(edits: NextEditReplacement[], cursor = at(0, 20), visible = [{ startLine: 0, endLine: 4 }]): PlacementInput {
  return { edits, cursor, lineText: (l) => LINES[l] ?? '', visible };
}

describe('next-edit placement', () => {
  it('shows an insertion at or after the cursor on its line inline, with a range from the cursor to the insertion point', () => {
    assert.deepEqual(place(input([r(0, 20, 0, 20, ', offset')])), {
      kind: 'inline',
      line: 0,
      startCharacter: 20,
      endCharacter: 20,
      text: ', offset',
    });
    assert.deepEqual(place(input([r(0, 28, 0, 28, ' = 1')], at(0, 21))), {
      kind: 'inline',
      line: 0,
      startCharacter: 21,
      endCharacter: 28,
      text: ' factor = 1',
    });
  });

  it('turns an insertion of lines at the start of the next line into one at the end of the cursor line', () => {
    assert.deepEqual(place(input([r(1, 0, 1, 0, '  const x = 1;\n')], at(0, 31))), {
      kind: 'inline',
      line: 0,
      startCharacter: 31,
      endCharacter: 31,
      text: '\n  const x = 1;',
    });
  });

  it('previews in place what deletes text, or lies before the cursor, on the cursor line', () => {
    assert.deepEqual(place(input([r(1, 9, 1, 10, 'count')], at(1, 9))), { kind: 'preview' }, 'a replacement at the cursor');
    assert.deepEqual(place(input([r(0, 3, 0, 3, 'x')], at(0, 20))), { kind: 'preview' }, 'an insertion before the cursor');
    assert.deepEqual(place(input([r(0, 3, 2, 0, 'x')], at(1, 0))), { kind: 'preview' }, 'an edit across the cursor line');
    assert.deepEqual(place(input([r(1, 9, 1, 10, 'count')], at(0, 20))), { kind: 'jump', target: at(1, 9) }, 'the next line is elsewhere');
  });

  it('marks an edit elsewhere in the visible part for a jump, and hides one out of sight', () => {
    assert.deepEqual(place(input([r(4, 6, 4, 7, '20')], at(0, 20))), { kind: 'jump', target: at(4, 6) });
    assert.deepEqual(place(input([r(4, 6, 4, 7, '20')], at(0, 20), [{ startLine: 0, endLine: 2 }])), { kind: 'hidden' });
    assert.deepEqual(place(input([])), { kind: 'hidden' });
  });

  it('says in a few words what the edit does', () => {
    const old = (e: NextEditReplacement) => (e.start.line === 1 ? 'a' : '');
    assert.equal(hintOf([r(1, 9, 1, 10, 'count')], old), 'a → count');
    assert.equal(hintOf([r(3, 0, 3, 0, 'const y = 2;'), r(4, 0, 4, 0, 'x')], old), '+ const y = 2; (+1 more)');
    assert.equal(hintOf([r(1, 9, 1, 10, '')], old), '− a');
    assert.equal(hintOf([r(0, 0, 0, 0, 'x'.repeat(60))], old).length, 42);
  });
});
