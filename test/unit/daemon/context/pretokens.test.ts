import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { get_encoding } from 'tiktoken';
import { PretokenCounter, batchCounter } from '../../../../daemon/context/pretokens';
import { prng } from '../../../prng';

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|md|json)$/.test(name)) out.push(p);
  }
  return out;
}

describe('context/pretokens', () => {
  const enc = get_encoding('cl100k_base');
  after(() => enc.free());
  const tiktoken = (t: string) => enc.encode(t, 'all').length;

  it("counts every source file and docs page of this project exactly as tiktoken's cl100k does", function () {
    // About 8 s on a quiet machine (tiktoken's own counts are most of it); a loaded one takes longer.
    this.timeout(90_000);
    const counter = new PretokenCounter(batchCounter(enc));
    const root = join(__dirname, '../../../..');
    const files = ['daemon', 'extension', 'protocol', 'docs'].flatMap((d) => sourceFiles(join(root, d)));
    assert.ok(files.length > 200, `${files.length} files`);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      assert.equal(counter.count(text), tiktoken(text), f);
      // CRLF line endings and a window cut anywhere (mid-identifier, mid-whitespace run).
      const crlf = text.replace(/\n/g, '\r\n');
      assert.equal(counter.count(crlf), tiktoken(crlf), `${f} (CRLF)`);
      const cut = text.slice(Math.floor(text.length / 3), Math.floor(text.length / 3) + 5000);
      assert.equal(counter.count(cut), tiktoken(cut), `${f} (window)`);
    }
  });

  it('counts hostile text exactly: Unicode whitespace and letters, marks, digits, emoji, lone surrogates, contractions', () => {
    const counter = new PretokenCounter(batchCounter(enc), 500);
    // What the pre-token pattern tells apart: every kind of whitespace JavaScript and Unicode
    // disagree on, letters of several scripts with combining marks, digit runs of other
    // scripts, apostrophes and contraction letters (with ſ, which folds to s), symbols.
    const pool = [
      ...' \t\n\r\v\f\u0085\u00A0\u1680\u2000\u2007\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF\u200B',
      ...'aZsStTdDmMlLvVeErRſ',
      ..."'''''",
      ...'éßΩжшא\u0301\u0308中文ひら한',
      ...'0123456789٣٤١२३',
      ...'{}()[];:.,<>=!+-*/&|^%~?@#$`"\\_',
      '😀',
      '👍🏽',
      '\uD800',
      '\uDC00',
      '<|endoftext|>',
      '<|fim_prefix|>',
      '<|fim_middle|>',
      '<|fim_suffix|>',
      '<|endofprompt|>',
      '<|',
      '|>',
    ];
    const rand = prng(13);
    for (let i = 0; i < 3000; i++) {
      const len = 1 + Math.floor(rand() * 40);
      let s = '';
      for (let j = 0; j < len; j++) s += pool[Math.floor(rand() * pool.length)];
      assert.equal(counter.count(s), tiktoken(s), JSON.stringify(s));
    }
    assert.ok(counter.size <= 500, 'the cache stays within its bound');
  });

  it('counts long texts line by line exactly: blank and space-only lines, CRLF, indentation, punctuation before newlines, any window', () => {
    const counter = new PretokenCounter(batchCounter(enc), 2000, 300);
    // Lines whose starts do and do not split cl100k's pre-tokens: text, indented text, blank,
    // spaces or tabs only, Unicode spaces, a punctuation run before the newline, CRLF.
    const lines = [
      'const a = 1;',
      '    return total;',
      '',
      '   ',
      '\t\t',
      '\u00A0\u2028x',
      '\u3000 y',
      '});',
      '  }\r',
      "it's done",
      '// comment: 42 items',
      '\u0085z',
      ' ',
      '😀 emoji',
      '123456',
      '==>',
    ];
    const rand = prng(29);
    for (let i = 0; i < 400; i++) {
      const n = 20 + Math.floor(rand() * 120);
      const parts: string[] = [];
      for (let j = 0; j < n; j++) parts.push(lines[Math.floor(rand() * lines.length)]);
      const text = parts.join(rand() < 0.2 ? '\r\n' : '\n') + (rand() < 0.5 ? '\n' : '');
      assert.equal(counter.count(text), tiktoken(text), JSON.stringify(text));
      // Again, from the remembered lines, and a window cut anywhere.
      assert.equal(counter.count(text), tiktoken(text), `${JSON.stringify(text)} (again)`);
      const from = Math.floor(rand() * text.length);
      const window = text.slice(from, from + 300 + Math.floor(rand() * 2000));
      assert.equal(counter.count(window), tiktoken(window), JSON.stringify(window));
    }
    assert.ok(counter.lineCount > 0 && counter.lineCount <= 300, `${counter.lineCount} lines remembered`);
  });

  it('counts a prompt window typed into line by line: only the changed line is scanned again', () => {
    let calls = 0;
    const batch = batchCounter(enc);
    const counter = new PretokenCounter((pieces) => ((calls += pieces.length), batch(pieces)));
    const body = Array.from({ length: 80 }, (_, i) => `  const value${i} = compute(${i}, options);`).join('\n');
    counter.count(`${body}\n  return val`);
    const remembered = counter.lineCount;
    const before = calls;
    for (const typed of ['u', 'ue', 'ues']) {
      const text = `${body}\n  return val${typed}`;
      assert.equal(counter.count(text), tiktoken(text));
    }
    assert.equal(counter.lineCount, remembered + 3, 'one new line piece a keystroke');
    assert.ok(calls - before <= 3, `${calls - before} pre-tokens encoded for three keystrokes`);
  });

  it('counts special tokens as one each, wherever they sit', () => {
    const counter = new PretokenCounter(batchCounter(enc));
    for (const s of ['<|endoftext|>', 'a<|fim_prefix|>b<|fim_suffix|>c<|fim_middle|>', 'x<|endofprompt|>', '<|endoftext|><|endoftext|>'])
      assert.equal(counter.count(s), tiktoken(s), s);
    assert.equal(counter.count('<|endoftext|>'), 1);
  });

  it('encodes a pre-token once and then remembers it, within its bound', () => {
    let calls = 0;
    const batch = batchCounter(enc);
    const counter = new PretokenCounter((pieces) => ((calls += pieces.length), batch(pieces)), 64);
    const line = '  const total = values.reduce((sum, v) => sum + v, 0);\n';
    const first = counter.count(line);
    const after = calls;
    assert.ok(after > 5, `${after} pre-tokens encoded`);
    assert.equal(counter.count(line.repeat(20)), first * 20);
    assert.equal(calls, after, 'nothing encoded again');
    for (let i = 0; i < 500; i++) counter.count(`name${i} `);
    assert.ok(counter.size <= 64, `${counter.size} remembered`);
  });
});
