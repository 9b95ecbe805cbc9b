import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chunkText } from '../../../../daemon/context/chunker';
import { languageOfPath } from '../../../../daemon/context/languages';
import { FIXTURES } from './helpers';

type Golden = Array<[number, number, string[]]>;

function spans(file: string, maxLines: number): Golden {
  const path = join(FIXTURES, 'context-chunking', file);
  return chunkText(readFileSync(path, 'utf8'), languageOfPath(path)!, { maxLines, maxChars: 3000 }).map((c) => [
    c.startLine,
    c.endLine,
    c.symbols.map((s) => s.name),
  ]);
}

describe('context/chunker', () => {
  describe('golden cases per language (small chunks: every declaration its own chunk)', () => {
    const golden: Record<string, Golden> = {
      'sample.ts': [
        [1, 4, ['DEFAULT_NAME']],
        [6, 11, ['greet']],
        [13, 16, ['Options']],
        [18, 20, ['Loader', 'cache']],
        [22, 22, []],
        [24, 30, ['load']],
        [32, 35, ['clear']],
        [37, 37, ['Mode']],
        [38, 41, ['Level']],
        [43, 46, ['arrowHelper']],
      ],
      'sample.py': [
        [1, 4, ['LIMIT']],
        [7, 10, ['read_lines']],
        [13, 22, ['Counter', 'increment', 'reset']],
        [25, 29, ['main']],
      ],
      'sample.go': [
        [1, 1, []],
        [3, 6, []],
        [8, 9, ['ErrMissing']],
        [11, 15, ['Store']],
        [17, 20, ['New']],
        [22, 31, ['Get']],
      ],
      'sample.rs': [
        [1, 1, []],
        [3, 7, ['WordCount']],
        [9, 17, ['WordCount', 'add', 'get']],
        [19, 25, ['count_words']],
      ],
      'Sample.java': [
        [1, 4, []],
        [6, 8, ['Sample']],
        [10, 12, ['addName']],
        [14, 17, ['toString']],
        [19, 26, ['countLetters']],
      ],
    };
    for (const [file, want] of Object.entries(golden)) {
      it(file, () => assert.deepEqual(spans(file, 12), want));
    }
  });

  describe('golden cases at the default size (small neighbours merge, big declarations stay apart)', () => {
    it('sample.ts', () =>
      assert.deepEqual(spans('sample.ts', 60), [
        [1, 4, ['DEFAULT_NAME']],
        [6, 11, ['greet']],
        [13, 16, ['Options']],
        [18, 35, ['Loader', 'cache', 'load', 'clear']],
        [37, 46, ['Mode', 'Level', 'arrowHelper']],
      ]));
    it('sample.py', () =>
      assert.deepEqual(spans('sample.py', 60), [
        [1, 10, ['LIMIT', 'read_lines']],
        [13, 22, ['Counter', 'increment', 'reset']],
        [25, 29, ['main']],
      ]));
    it('Sample.java (a class that fits stays whole)', () =>
      assert.deepEqual(spans('Sample.java', 60), [
        [1, 4, []],
        [6, 26, ['Sample', 'addName', 'toString', 'countLetters']],
      ]));
  });

  it('keeps doc comments and decorators with the declaration they belong to', () => {
    const text = readFileSync(join(FIXTURES, 'context-chunking', 'sample.ts'), 'utf8');
    const chunks = chunkText(text, 'typescript', { maxLines: 12, maxChars: 3000 });
    const greet = chunks.find((c) => c.symbols.some((s) => s.name === 'greet'))!;
    assert.match(greet.text, /^\/\*\*\n \* Greets someone\.\n \*\/\nexport function greet/);
    const loader = chunks.find((c) => c.symbols.some((s) => s.name === 'Loader'))!;
    assert.match(loader.text, /^@sealed\nexport class Loader/);
  });

  it('never cuts inside a line and covers every non-blank line exactly once', () => {
    for (const file of ['sample.ts', 'sample.py', 'sample.go', 'sample.rs', 'Sample.java']) {
      const path = join(FIXTURES, 'context-chunking', file);
      const lines = readFileSync(path, 'utf8').split('\n');
      for (const maxLines of [5, 12, 60]) {
        const chunks = chunkText(lines.join('\n'), languageOfPath(path)!, { maxLines, maxChars: 3000 });
        const covered = new Array<number>(lines.length + 1).fill(0);
        for (const c of chunks) {
          assert.equal(c.text, lines.slice(c.startLine - 1, c.endLine).join('\n'), `${file}: chunk text is whole lines`);
          assert.ok(c.endLine - c.startLine + 1 <= maxLines, `${file}: chunk ${c.startLine}-${c.endLine} over ${maxLines} lines`);
          for (let l = c.startLine; l <= c.endLine; l++) covered[l]++;
        }
        lines.forEach((l, i) => {
          if (l.trim() !== '') assert.equal(covered[i + 1], 1, `${file} (max ${maxLines}): line ${i + 1} covered ${covered[i + 1]} times`);
        });
      }
    }
  });

  it('cuts a long body without boundaries every maxLines lines and respects maxChars', () => {
    const text = ['const table = [']
      .concat(
        Array.from({ length: 95 }, (_, i) => `  ${i},`),
        ['];'],
      )
      .join('\n');
    const chunks = chunkText(text, 'typescript', { maxLines: 20, maxChars: 100_000 });
    assert.ok(chunks.length >= 5);
    for (const c of chunks) assert.ok(c.endLine - c.startLine + 1 <= 20);
    const small = chunkText(text, 'typescript', { maxLines: 1000, maxChars: 200 });
    for (const c of small) assert.ok(c.text.length <= 200 || c.startLine === c.endLine);
  });

  it('gives identical text the same hash and different text a different one', () => {
    const a = chunkText('function a() {}\n', 'javascript', { maxLines: 60, maxChars: 3000 });
    const b = chunkText('function a() {}\n', 'javascript', { maxLines: 60, maxChars: 3000 });
    const c = chunkText('function b() {}\n', 'javascript', { maxLines: 60, maxChars: 3000 });
    assert.equal(a[0].hash, b[0].hash);
    assert.notEqual(a[0].hash, c[0].hash);
  });

  it('handles empty files, CRLF and files without a final newline', () => {
    assert.deepEqual(chunkText('', 'typescript', { maxLines: 60, maxChars: 3000 }), []);
    const crlf = chunkText('function a() {\r\n  return 1;\r\n}\r\n', 'typescript', { maxLines: 60, maxChars: 3000 });
    assert.equal(crlf.length, 1);
    assert.deepEqual(crlf[0].symbols, [{ name: 'a', line: 1 }]);
    assert.equal(crlf[0].endLine, 3);
  });
});
