import assert from 'node:assert/strict';
import { findEnclosing, indentationBlock, wholeLineRange } from '../../../../daemon/commands/enclosing';

const TS = [
  "import { x } from './x';", // 0
  '', // 1
  'export class Cart {', // 2
  '  items: number[] = [];', // 3
  '', // 4
  '  total(): number {', // 5
  '    let sum = 0;', // 6
  '    return sum;', // 7
  '  }', // 8
  '}', // 9
  '', // 10
  'export function add(a: number, b: number): number {', // 11
  '  return a + b;', // 12
  '}', // 13
  '', // 14
  'console.log(add(1, 2));', // 15
  'console.log(x);', // 16
  '',
].join('\n');

describe('the code around a position', () => {
  it('finds the innermost method, not the class around it (tree-sitter)', async () => {
    const e = await findEnclosing(TS, 'typescript', 7);
    assert.deepEqual(
      { start: e.startLine, end: e.endLine, kind: e.kind, name: e.name },
      { start: 5, end: 8, kind: 'method', name: 'total' },
    );
    assert.equal(e.parser, 'tree-sitter:typescript');
  });

  it('finds a top-level function, and the class for a cursor on a field', async () => {
    const f = await findEnclosing(TS, 'typescript', 12);
    assert.deepEqual([f.startLine, f.endLine, f.kind, f.name], [11, 13, 'function', 'add']);
    const c = await findEnclosing(TS, 'typescript', 3);
    assert.deepEqual([c.startLine, c.endLine, c.kind], [2, 9, 'class']);
  });

  it('falls back to the block of lines by indentation outside every declaration', async () => {
    const b = await findEnclosing(TS, 'typescript', 16);
    assert.deepEqual([b.startLine, b.endLine, b.kind], [15, 16, 'block']);
  });

  it('uses the heuristic parser for languages without a grammar', async () => {
    const kt = ['fun main() {', '    println("hi")', '}', ''].join('\n');
    const e = await findEnclosing(kt, 'kotlin', 1);
    assert.equal(e.parser, 'heuristic');
    assert.deepEqual([e.startLine, e.endLine], [0, 2]);
  });

  it('finds Python functions', async () => {
    const py = ['import os', '', 'def area(r):', '    pi = 3.14', '', '    return pi * r * r', '', 'print(area(2))', ''].join('\n');
    const e = await findEnclosing(py, 'python', 5);
    assert.deepEqual([e.startLine, e.endLine, e.kind, e.name], [2, 5, 'function', 'area']);
  });
});

describe('indentation blocks', () => {
  const lines = ['a = 1', 'if a:', '    b = 2', '', '    c = 3', 'd = 4', '', 'e = 5'];
  it('keeps a nested body across blank lines', () => {
    assert.deepEqual(indentationBlock(lines, 1), { startLine: 0, endLine: 5, kind: 'block' });
  });
  it('stops at a dedent for a line inside a body', () => {
    assert.deepEqual(indentationBlock(lines, 2), { startLine: 2, endLine: 4, kind: 'block' });
  });
  it('is a single line when nothing surrounds it, and looks below a blank line', () => {
    assert.deepEqual(indentationBlock(lines, 7), { startLine: 7, endLine: 7, kind: 'line' });
    assert.deepEqual(indentationBlock(lines, 6), { startLine: 7, endLine: 7, kind: 'line' });
  });
});

describe('whole-line ranges', () => {
  it('run from the start of the first line to the end of the last, without the CR of CRLF', () => {
    assert.deepEqual(wholeLineRange('ab\r\ncde\r\nf', 0, 1), { start: { line: 0, character: 0 }, end: { line: 1, character: 3 } });
  });
});
