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

  it("counts every source file and docs page of this project exactly as tiktoken's cl100k does", () => {
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
