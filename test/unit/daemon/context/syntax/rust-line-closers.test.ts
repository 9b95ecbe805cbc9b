import * as assert from 'node:assert/strict';
import { cursorContext } from '../../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../../daemon/context/syntax/grammars';
import { GO_HEADERS, rustLineClosers } from '../../../../../daemon/context/syntax/rust-line-closers';

describe('context/syntax/rust-line-closers: closing the line being typed, for the parse', () => {
  it('the brackets the line opened and the rest of the line does not close, and a body for a loop or condition header', () => {
    assert.equal(rustLineClosers('    errs.push(err.', ''), ')');
    assert.equal(rustLineClosers('    errs.push(err.', ');\n'), '');
    assert.equal(rustLineClosers('    let x = f(a, [b, c.', '\n'), '])');
    assert.equal(rustLineClosers('    for ig in ig.parents().take_while(|p| !p.', '        body();\n'), ') {');
    assert.equal(rustLineClosers('    if !x.', '\n'), ' {');
    assert.equal(rustLineClosers('    if !x.', ' {\n'), '');
    assert.equal(rustLineClosers('    } else if f(x.', ''), ') {');
    // A block the line opens is closed below; a string's brackets are no brackets.
    assert.equal(rustLineClosers('    let v = xs.iter().map(|x| { x.', '\n'), '');
    assert.equal(rustLineClosers('    write(")(", x.', ''), ')');
    assert.equal(rustLineClosers('    let v = x.', '\n'), '');
    // More closed than opened: the line is not what it looks like.
    assert.equal(rustLineClosers('    a) + f(x.', ''), '');
  });

  it("Go's headers: `for`, `if`, `switch`, `select` take a body; `match` is a name", () => {
    assert.equal(rustLineClosers('\tfor pb.', '', GO_HEADERS), ' {');
    assert.equal(rustLineClosers('\tswitch f(x.', '', GO_HEADERS), ') {');
    assert.equal(rustLineClosers('\tmatch := f(x.', '', GO_HEADERS), ')');
    assert.equal(rustLineClosers('    match f(x.', ''), ') {');
  });

  it("keeps a closure passed on the cursor line: its parameter is the adapter's element", async () => {
    await loadGrammar('rust');
    const prefix = 'fn f(ig: &Ignore) {\n    for x in ig.items.iter().take_while(|p| !p.';
    const member = cursorContext(prefix, '        x.go();\n    }\n}\n', 'rust').member;
    assert.deepEqual(member?.chain, { type: 'Ignore', steps: [{ name: 'items', call: false, element: true }] });
  });
});
