/**
 * Fast exact token counts for cl100k. A BPE tokenizer first cuts text into pre-tokens
 * with one regular expression and then merges bytes within each pre-token on its own, so
 * the count of a text is the sum of the counts of its pre-tokens. Code repeats the same
 * pre-tokens endlessly (identifiers, indentation, punctuation runs): cutting in JavaScript
 * and remembering each pre-token's count makes a count of a budget-sized window a regex
 * scan plus map lookups, where encoding all of it in tiktoken's WebAssembly costs about
 * 3 µs per token (measured: 8,000 characters of JavaScript, ~3 ms). Pre-tokens not seen yet
 * are counted by tiktoken itself, all of a text's in one call, so every count is still tiktoken's.
 *
 * The pattern is cl100k's (tiktoken's `cl100k_base`), written for JavaScript's engine:
 * its case-insensitive contractions spelled out (with `ſ`, which folds to `s`), and `\s`
 * as Unicode White_Space (JavaScript's `\s` also takes U+FEFF and not U+0085). Special
 * tokens (`<|endoftext|>`, the FIM markers) count as one each, as `encode(text, 'all')`
 * counts them. `test/unit/daemon/context/pretokens.test.ts` checks the sum against
 * tiktoken's own count over real source files and hostile text.
 */
import type { Tiktoken } from 'tiktoken';

/** Unicode White_Space (what the Rust regex crate means by `\s`). */
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';

const CL100K_PRETOKEN = new RegExp(
  [
    "'(?:[sSſ]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])",
    '[^\\r\\n\\p{L}\\p{N}]?\\p{L}+',
    '\\p{N}{1,3}',
    ` ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*`,
    `[${WS}]*[\\r\\n]+`,
    `[${WS}]+(?![^${WS}])`,
    `[${WS}]+`,
  ].join('|'),
  'gu',
);

const CL100K_SPECIAL = /<\|(?:endoftext|fim_prefix|fim_middle|fim_suffix|endofprompt)\|>/g;

/** Pre-tokens longer than this are counted each time, not remembered (long ones rarely recur). */
const MAX_CACHED_LENGTH = 48;

/**
 * tiktoken's counts of many pieces of ordinary text in one call: joined by `<|endoftext|>`,
 * which `encode(…, 'all')` splits out before anything else and encodes as its own token, so
 * each piece is encoded on its own and the counts are the runs between those tokens. One
 * WebAssembly call per text instead of one per unseen pre-token (a new file's identifiers).
 */
export function batchCounter(enc: Pick<Tiktoken, 'encode' | 'encode_ordinary'>): (pieces: string[]) => number[] {
  const separator = enc.encode(SEPARATOR, 'all');
  if (separator.length !== 1) throw new Error(`${SEPARATOR} is not one token in this encoding`);
  const sep = separator[0];
  return (pieces) => {
    const ids = enc.encode(pieces.join(SEPARATOR), 'all');
    const out: number[] = [];
    let run = 0;
    for (const id of ids) {
      if (id === sep) {
        out.push(run);
        run = 0;
      } else run++;
    }
    out.push(run);
    // Only a piece holding special-token text could break the runs, and pieces never do
    // (they are cut from the text between special tokens); if one ever did, count one by one.
    return out.length === pieces.length ? out : pieces.map((p) => enc.encode_ordinary(p).length);
  };
}

const SEPARATOR = '<|endoftext|>';

export class PretokenCounter {
  private readonly cache = new Map<string, number>();

  /**
   * @param countMany tiktoken's counts of pieces of text with no special tokens, in order (`batchCounter`).
   * @param maxEntries the most pre-tokens remembered (the oldest go first).
   */
  constructor(
    private readonly countMany: (pieces: string[]) => number[],
    private readonly maxEntries = 60_000,
  ) {}

  count(text: string): number {
    let total = 0;
    let from = 0;
    CL100K_SPECIAL.lastIndex = 0;
    for (let m = CL100K_SPECIAL.exec(text); m; m = CL100K_SPECIAL.exec(text)) {
      total += this.ordinary(text, from, m.index) + 1;
      from = m.index + m[0].length;
    }
    return total + this.ordinary(text, from, text.length);
  }

  /** Remembered pre-tokens (for tests and memory accounting). */
  get size(): number {
    return this.cache.size;
  }

  private ordinary(text: string, start: number, end: number): number {
    if (start >= end) return 0;
    const part = start === 0 && end === text.length ? text : text.slice(start, end);
    let total = 0;
    // Pre-tokens not remembered, with how often each occurs here: counted together at the end.
    const unseen = new Map<string, number>();
    CL100K_PRETOKEN.lastIndex = 0;
    let expected = 0;
    for (let m = CL100K_PRETOKEN.exec(part); m; m = CL100K_PRETOKEN.exec(part)) {
      // Every character belongs to a pre-token (the last alternative takes any whitespace,
      // the others everything else); a gap would mean the pattern is wrong: count it whole.
      if (m.index !== expected) return this.countMany([part])[0];
      expected = m.index + m[0].length;
      const n = this.cache.get(m[0]);
      if (n !== undefined) total += n;
      else unseen.set(m[0], (unseen.get(m[0]) ?? 0) + 1);
    }
    if (expected !== part.length) return this.countMany([part])[0];
    if (unseen.size === 0) return total;
    const pieces = [...unseen.keys()];
    const counts = this.countMany(pieces);
    pieces.forEach((p, i) => {
      total += counts[i] * unseen.get(p)!;
      if (p.length > MAX_CACHED_LENGTH) return;
      if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(p, counts[i]);
    });
    return total;
  }
}
