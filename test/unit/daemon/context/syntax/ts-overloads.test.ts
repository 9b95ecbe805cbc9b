import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../../../daemon/context/syntax/analyze';
import { loadGrammar } from '../../../../../daemon/context/syntax/grammars';

/** The chunk (1-based start and end lines) holding each line asked for. */
function chunkOf(text: string, lines: number[], maxLines = 8): Array<[number, number] | undefined> {
  const { chunks } = analyzeFile(text, 'typescript', { maxLines, maxChars: 3000 });
  return lines.map((l) => {
    const c = chunks.find((x) => x.startLine <= l && l <= x.endLine);
    return c ? [c.startLine, c.endLine] : undefined;
  });
}

describe('context/syntax/ts-overloads: overload signatures stay with their implementation', function () {
  this.timeout(60_000);
  before(async () => {
    assert.ok((await loadGrammar('typescript')).ok);
  });

  it('a method: documented signatures and the implementation are one chunk', () => {
    const text = [
      'export class Req {', // 1
      '  /**', // 2
      '   * All values of a query parameter.', // 3
      '   * @example', // 4
      "   * req.queries('tag')", // 5
      '   */', // 6
      '  queries(key: string): string[] | undefined', // 7
      '  queries(): Record<string, string[]>', // 8
      '  queries(key?: string) {', // 9
      '    return key ? this.all[key] : this.all', // 10
      '  }', // 11
      '', // 12
      '  header(name: string): string {', // 13
      '    return this.h[name]', // 14
      '  }', // 15
      '}', // 16
    ].join('\n');
    const [sig, impl, other] = chunkOf(text, [7, 9, 13], 12);
    assert.deepEqual(sig, impl);
    assert.ok(sig && sig[1] >= 11, `the implementation's body is in the chunk: ${JSON.stringify(sig)}`);
    assert.notDeepEqual(other, sig);
  });

  it('exported functions, a comment between the signatures; a different name ends the run', () => {
    const text = [
      '/** Parse a number. */', // 1
      'export function parse(s: string): number', // 2
      '// or many', // 3
      'export function parse(s: string[]): number[]', // 4
      'export function parse(s: string | string[]) {', // 5
      '  if (Array.isArray(s)) {', // 6
      '    return s.map(Number)', // 7
      '  }', // 8
      '  return Number(s)', // 9
      '}', // 10
      'export function format(n: number): string', // 11
      'export function other(): void {}', // 12
    ].join('\n');
    const [first, second, impl] = chunkOf(text, [2, 4, 9], 11);
    assert.deepEqual(first, second);
    assert.deepEqual(first, impl);
    assert.equal(first?.[0], 1);
  });
});
