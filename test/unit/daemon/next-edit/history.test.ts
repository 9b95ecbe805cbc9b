import assert from 'node:assert/strict';
import { Excerpt } from '../../../../daemon/next-edit/excerpt';
import { beforeLastEdit, changedLines, lastEditOf, unifiedDiff } from '../../../../daemon/next-edit/history';

describe('next-edit history', () => {
  const hunk = { path: '/ws/a.ts', at: 1, startLine: 9, before: 'x\nfunction f(a) {\n}', after: 'x\nfunction f(count) {\n}' };

  it('renders a hunk as a unified diff with its document line numbers', () => {
    assert.equal(unifiedDiff(hunk), '@@ -10,3 +10,3 @@\n x\n-function f(a) {\n+function f(count) {\n }');
    assert.equal(unifiedDiff({ ...hunk, before: 'a', after: 'a\nb' }), '@@ -10,1 +10,2 @@\n a\n+b');
  });

  it('keeps only the changed lines for original/updated blocks', () => {
    assert.deepEqual(changedLines(hunk), { before: 'function f(a) {', after: 'function f(count) {', startLine: 10 });
  });

  it('knows the last edit only when it is of this document and changed something', () => {
    assert.equal(lastEditOf([hunk], '/ws/a.ts'), hunk);
    assert.equal(lastEditOf([hunk], '/ws/b.ts'), undefined);
    assert.equal(lastEditOf([hunk, { ...hunk, path: '/ws/b.ts' }], '/ws/a.ts'), undefined);
    assert.equal(lastEditOf([{ ...hunk, after: hunk.before }], '/ws/a.ts'), undefined);
  });

  it('shows the window as it was before the last edit', () => {
    const lines = ['a', 'b', 'x', 'function f(count) {', '}', 'c'];
    const excerpt = new Excerpt({
      path: '/ws/a.ts',
      languageId: 'ts',
      text: lines.join('\n'),
      startLine: 7,
      lineCount: 20,
      line: 10,
      character: 0,
    });
    assert.equal(beforeLastEdit(excerpt, { startLine: 7, endLine: 13 }, hunk), 'a\nb\nx\nfunction f(a) {\n}\nc');
    assert.equal(beforeLastEdit(excerpt, { startLine: 9, endLine: 12 }, hunk), 'x\nfunction f(a) {\n}');
    assert.equal(beforeLastEdit(excerpt, { startLine: 10, endLine: 13 }, hunk), 'function f(count) {\n}\nc', 'not all inside: as it is');
    assert.equal(beforeLastEdit(excerpt, { startLine: 7, endLine: 13 }, undefined), lines.join('\n'));
  });
});
