import assert from 'node:assert/strict';
import { applyBlocks, applyOffsetEdits, applyTextEdits, positionAt, toTextEdits, wholeFileEdit } from '../../../../daemon/edit/apply';
import { parseEditResponse, parseNewFileContent, pathFromLine } from '../../../../daemon/edit/format';

describe('edit format parser', () => {
  it('recognises the ways models write a file name, and not prose', () => {
    assert.equal(pathFromLine('src/a.ts'), 'src/a.ts');
    assert.equal(pathFromLine('**src/a.ts**'), 'src/a.ts');
    assert.equal(pathFromLine('`src/a.ts`:'), 'src/a.ts');
    assert.equal(pathFromLine('### File: lib\\util.py'), 'lib\\util.py');
    assert.equal(pathFromLine('.eslintrc'), '.eslintrc');
    assert.equal(pathFromLine('Here is the fix:'), undefined);
    assert.equal(pathFromLine('Done.'), undefined);
    assert.equal(pathFromLine('```ts'), undefined);
  });

  it("gives blocks without a path line the previous block's file", () => {
    const parsed = parseEditResponse(
      ['a.ts', '<<<<<<< SEARCH', 'x', '=======', 'y', '>>>>>>> REPLACE', '<<<<<<< SEARCH', 'z', '=======', 'w', '>>>>>>> REPLACE'].join(
        '\n',
      ),
    );
    assert.deepEqual(
      parsed.blocks.map((b) => [b.path, b.search, b.replace, b.sourceLine]),
      [
        ['a.ts', 'x', 'y', 2],
        ['a.ts', 'z', 'w', 7],
      ],
    );
    assert.equal(parsed.problems.length, 0);
  });

  it('accepts CRLF answers and marker lengths from 5 to 9', () => {
    const parsed = parseEditResponse('<<<<<<<<< SEARCH\r\nold\r\n=====\r\nnew\r\n>>>>> REPLACE\r\n');
    assert.equal(parsed.blocks.length, 1);
    assert.equal(parsed.blocks[0]!.search, 'old');
    assert.equal(parsed.blocks[0]!.replace, 'new');
  });

  it('parses diff deletions and reports a diff without hunks', () => {
    const del = parseEditResponse('--- a/old.ts\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-gone\n');
    assert.deepEqual(
      del.deletes.map((d) => d.path),
      ['old.ts'],
    );
    const bad = parseEditResponse('--- a/x.ts\n+++ b/x.ts\nsome prose\n');
    assert.equal(bad.blocks.length, 0);
    assert.match(bad.problems[0]!.reason, /has no "@@" hunk/);
  });

  it('extracts a new file from a fence, an empty-SEARCH block or the bare answer', () => {
    assert.equal(parseNewFileContent('Here it is:\n```ts\nexport const x = 1;\n```\n'), 'export const x = 1;\n');
    assert.equal(parseNewFileContent('```md\n# T\n```js\ncode\n```\nend\n```'), '# T\n```js\ncode\n```\nend\n');
    assert.equal(parseNewFileContent('<<<<<<< SEARCH\n=======\nhello\n>>>>>>> REPLACE'), 'hello\n');
    assert.equal(parseNewFileContent('plain text'), 'plain text\n');
    assert.equal(parseNewFileContent('   '), undefined);
  });
});

describe('locating and applying blocks', () => {
  const block = (search: string, replace: string, index = 0) => ({
    index,
    search,
    replace,
    sourceLine: 1,
    origin: 'search-replace' as const,
  });

  it('maps offsets to LSP positions and back', () => {
    const text = 'ab\r\ncd\nef';
    assert.deepEqual(positionAt(text, 0), { line: 0, character: 0 });
    assert.deepEqual(positionAt(text, 4), { line: 1, character: 0 });
    assert.deepEqual(positionAt(text, 8), { line: 2, character: 1 });
    const r = applyBlocks(text, [block('cd', 'CD')]);
    const edits = toTextEdits(text, r.edits);
    assert.deepEqual(edits, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } }, newText: 'CD' }]);
    assert.equal(applyTextEdits(text, edits), 'ab\r\nCD\nef');
  });

  it('is all or nothing per file unless partial', () => {
    const text = 'one\ntwo\n';
    const all = applyBlocks(text, [block('one', '1'), block('three', '3', 1)]);
    assert.equal(all.newText, text);
    assert.equal(all.edits.length, 0);
    const partial = applyBlocks(text, [block('one', '1'), block('three', '3', 1)], { partial: true });
    assert.equal(partial.newText, '1\ntwo\n');
    assert.deepEqual(
      partial.failures.map((f) => f.kind),
      ['no_match'],
    );
  });

  it('ignores an exactly repeated block and fills an empty file from an empty SEARCH', () => {
    assert.equal(applyBlocks('a\nb\n', [block('a', 'A'), block('a', 'A', 1)]).newText, 'A\nb\n');
    assert.equal(applyBlocks('', [block('', 'new')]).newText, 'new\n');
    assert.match(applyBlocks('x', [block('', 'new')]).failures[0]!.reason, /empty SEARCH part, but the file is not empty/);
  });

  it('prefers the strictest whitespace level: exact beats indentation drift', () => {
    const text = 'if (a) {\n  go();\n}\nif (b) {\n    go();\n}\n';
    const r = applyBlocks(text, [block('    go();', '    stop();')]);
    assert.equal(r.newText, 'if (a) {\n  go();\n}\nif (b) {\n    stop();\n}\n');
    const drift = applyBlocks('x\n\tgo();\n', [block('  go();\n', '  stop();\n  done();\n')]);
    assert.equal(drift.newText, 'x\n\tstop();\n\tdone();\n');
  });

  it('takes a whole-file answer as one edit between the unchanged ends, keeping CRLF, and refuses snippets', () => {
    const old = 'a\r\nb\r\nc\r\nd\r\ne\r\n';
    const r = wholeFileEdit(old, 'a\nb\nC\nd\ne\n');
    assert.equal(r.kind, 'edit');
    if (r.kind !== 'edit') return;
    assert.deepEqual([r.edit.start, r.edit.end, r.edit.newText], [6, 9, 'C\r\n']);
    assert.equal(applyOffsetEdits(old, [r.edit]), 'a\r\nb\r\nC\r\nd\r\ne\r\n');
    assert.equal(wholeFileEdit(old, 'a\nb\nc\nd\ne\n').kind, 'same');
    assert.equal(wholeFileEdit(old, 'c\n').kind, 'not-whole');
    assert.match((wholeFileEdit(old, 'v\nw\nx\ny\nz\n') as { reason: string }).reason, /keeps only 0 of the file's 5 lines/);
  });
});
