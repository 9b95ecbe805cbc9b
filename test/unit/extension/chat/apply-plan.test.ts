/** Where "Apply to file" puts a code block: selection, the matching block, or the whole file. */
import assert from 'node:assert/strict';
import { applyPlan, blockEnd, planApply, reindent } from '../../../../extension/chat/apply-plan';

const doc = [
  'import { x } from "./x";',
  '',
  'export function sum(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function mul(a: number, b: number): number {',
  '  return a * b;',
  '}',
  '',
].join('\n');

describe('apply plan', () => {
  it('replaces the selection when there is one', () => {
    const start = doc.indexOf('a + b');
    const plan = planApply(doc, 'b + a\n', { start, end: start + 5 });
    assert.equal(plan.how, 'selection');
    assert.match(applyPlan(doc, plan), /return b \+ a;/);
  });

  it('replaces the block the code redefines, found by its first line', () => {
    const code = 'export function sum(a: number, b: number): number {\n  // checked\n  return a + b;\n}\n';
    const plan = planApply(doc, code);
    assert.equal(plan.how, 'matched-block');
    const out = applyPlan(doc, plan);
    assert.match(out, /\{\n {2}\/\/ checked\n {2}return a \+ b;\n\}\n\nexport function mul/);
    assert.equal(out.split('export function sum').length, 2, 'the old block is gone, not duplicated');
  });

  it('re-indents a matched block to the file’s indentation', () => {
    const file = 'class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        return 2\n';
    const plan = planApply(file, 'def f(self):\n    return 42\n');
    assert.equal(plan.how, 'matched-block');
    assert.equal(applyPlan(file, plan), 'class A:\n    def f(self):\n        return 42\n\n    def g(self):\n        return 2\n');
  });

  it('falls back to the whole file when the first line is ambiguous or absent', () => {
    assert.equal(planApply(doc, '}\nfoo\n').how, 'whole-file');
    const plan = planApply(doc, 'brand new content\n');
    assert.equal(plan.how, 'whole-file');
    assert.equal(applyPlan(doc, plan), 'brand new content\n');
  });

  it('finds where a block ends by indentation and closers', () => {
    const lines = ['def f():', '    a', '', '    b', 'x = 1'];
    assert.equal(blockEnd(lines, 0), 3);
    assert.equal(blockEnd(['f() {', '  a', '}', 'g'], 0), 2);
    assert.equal(reindent('a\n  b', '', '    '), '    a\n      b');
  });
});
