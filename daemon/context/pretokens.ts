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
 * Texts at least this long are counted line by line: a line start where no pre-token can
 * span (see `lineStartSplits`) cuts the text into pieces whose counts add up to the whole's,
 * and each piece's count is remembered. A prompt window counted again a keystroke later, or
 * from another line, is then mostly lookups of lines counted before instead of a regex scan
 * of every pre-token.
 */
const LINE_SPLIT_MIN = 256;
/** Pieces longer than this are counted each time, not remembered. */
const MAX_CACHED_LINE = 400;

/** A copy of `s` that holds no reference to the text it was cut from (V8 may keep a substring as a slice of its parent). */
function own(s: string): string {
  // The concatenation is flattened into a string of its own before it is cut (measured: 0.1 µs for 40 characters).
  return s.length < 13 ? s : (' ' + s).slice(1);
}

const isWhiteSpace = (c: number) =>
  c === 0x20 ||
  (c >= 0x09 && c <= 0x0d) ||
  c === 0x85 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000;

/**
 * Whether cl100k's pre-tokens of `text[start, end)` are those of `text[start, i)` followed by
 * those of `text[i, end)`, for `i` right after a newline. Of the pattern's alternatives only
 * the whitespace ones and a punctuation run's trailing newlines can take a newline, and each
 * of those ends at the last newline of the whitespace run it is in (the pattern has no
 * lookbehind, and `\s*[\r\n]+` is tried before the other whitespace alternatives). So a
 * pre-token ends at `i` whenever the whitespace run starting at `i` holds no further `\r`
 * or `\n`: a line with any text on it (indented or not), or the text's last line. Only a
 * blank line (or one of spaces) after the newline joins the two.
 */
function lineStartSplits(text: string, i: number, end: number): boolean {
  for (let j = i; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x0a || c === 0x0d) return false;
    if (!isWhiteSpace(c)) return true;
  }
  return true;
}

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

/**
 * A bounded map in two generations: entries go into the young one, which becomes the old one
 * when it holds half the bound (the old one is dropped then); a hit in the old one moves
 * back to the young. Evicting a Map's oldest key one at a time walks over the holes the
 * deletions leave at its start until the table is rebuilt; a generation dropped whole costs
 * nothing. (The pre-token cache keeps its one Map: two lookups a pre-token measured slower.)
 */
class Generations {
  private young = new Map<string, number>();
  private old = new Map<string, number>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: string): number | undefined {
    const n = this.young.get(key);
    if (n !== undefined) return n;
    const m = this.old.get(key);
    if (m !== undefined) this.put(key, m);
    return m;
  }

  has(key: string): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  set(key: string, n: number): void {
    this.put(own(key), n);
  }

  private put(key: string, n: number): void {
    this.young.set(key, n);
    if (this.young.size >= Math.max(1, this.max >> 1)) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}

export class PretokenCounter {
  private readonly cache = new Map<string, number>();
  private readonly maxEntries: number;
  /** Counts of the line pieces of long texts (`LINE_SPLIT_MIN`). */
  private readonly lines: Generations;

  /**
   * @param countMany tiktoken's counts of pieces of text with no special tokens, in order (`batchCounter`).
   * @param maxEntries the most pre-tokens remembered (the oldest go first).
   */
  constructor(
    private readonly countMany: (pieces: string[]) => number[],
    maxEntries = 60_000,
    /** The most line pieces remembered (the oldest go first). */
    maxLines = 20_000,
  ) {
    this.maxEntries = maxEntries;
    this.lines = new Generations(maxLines);
  }

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

  /** Remembered line pieces (for tests and memory accounting). */
  get lineCount(): number {
    return this.lines.size;
  }

  /** Tokens of `text[start, end)`, which holds no special token. */
  private ordinary(text: string, start: number, end: number): number {
    if (start >= end) return 0;
    if (end - start < LINE_SPLIT_MIN) return this.scan([start === 0 && end === text.length ? text : text.slice(start, end)])[0];
    const cuts = [start];
    for (let nl = text.indexOf('\n', start); nl !== -1 && nl < end - 1; nl = text.indexOf('\n', nl + 1))
      if (lineStartSplits(text, nl + 1, end)) cuts.push(nl + 1);
    cuts.push(end);
    // Most of a text counted before (the same window a keystroke later, or grown by a few
    // lines) is lines counted before, its middle one too: its pieces are added up. Otherwise
    // one scan of the whole, each piece's count kept on the way.
    const mid = (cuts.length - 1) >> 1;
    return this.lines.has(text.slice(cuts[mid], cuts[mid + 1])) ? this.byPieces(text, cuts) : this.scanCut(text, cuts);
  }

  /** The pieces between `cuts`: remembered counts added up, the rest scanned together (one tiktoken call). */
  private byPieces(text: string, cuts: number[]): number {
    let total = 0;
    const misses: string[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const piece = text.slice(cuts[i], cuts[i + 1]);
      const n = piece.length <= MAX_CACHED_LINE ? this.lines.get(piece) : undefined;
      if (n === undefined) misses.push(piece);
      else total += n;
    }
    if (misses.length === 0) return total;
    const counts = this.scan(misses);
    misses.forEach((piece, i) => {
      total += counts[i];
      this.rememberLine(piece, counts[i]);
    });
    return total;
  }

  /** `text[cuts[0], last cut)` scanned once, each piece's count (pre-tokens never cross a cut) remembered on the way. */
  private scanCut(text: string, cuts: number[]): number {
    const start = cuts[0];
    const part = text.slice(start, cuts[cuts.length - 1]);
    const totals = new Array<number>(cuts.length - 1).fill(0);
    const unseen = new Unseen();
    let piece = 0;
    const slot = (at: number) => {
      while (piece + 2 < cuts.length && at >= cuts[piece + 1] - start) piece++;
      return piece;
    };
    if (!this.tally(part, slot, totals, unseen)) return this.countMany([part])[0];
    this.settle(totals, unseen);
    let total = 0;
    for (let i = 0; i < totals.length; i++) {
      total += totals[i];
      if (cuts[i + 1] - cuts[i] <= MAX_CACHED_LINE) this.rememberLine(text.slice(cuts[i], cuts[i + 1]), totals[i]);
    }
    return total;
  }

  private rememberLine(piece: string, n: number): void {
    if (piece.length > MAX_CACHED_LINE) return;
    this.lines.set(piece, n);
  }

  private rememberPretokens(pieces: string[], counts: number[]): void {
    pieces.forEach((p, i) => {
      if (p.length > MAX_CACHED_LENGTH) return;
      if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(own(p), counts[i]);
    });
  }

  /** Tokens of each part by its pre-tokens: remembered ones looked up, the others encoded together. */
  private scan(parts: string[]): number[] {
    const totals = parts.map(() => 0);
    const unseen = new Unseen();
    const whole: number[] = [];
    parts.forEach((part, k) => {
      const mark = unseen.occurrences.length;
      if (this.tally(part, () => k, totals, unseen)) return;
      unseen.occurrences.length = mark;
      whole.push(k);
    });
    if (whole.length > 0) {
      const counts = this.countMany(whole.map((k) => parts[k]));
      whole.forEach((k, i) => (totals[k] = counts[i]));
    }
    this.settle(totals, unseen);
    return totals;
  }

  /**
   * Adds the remembered pre-tokens of `part` to `totals[slot(offset)]` and lists the others in
   * `unseen`. False when the pattern leaves a gap (every character belongs to a pre-token:
   * the last alternative takes any whitespace, the others everything else), so a gap would
   * mean the pattern is wrong and the part is to be counted whole.
   */
  private tally(part: string, slot: (offset: number) => number, totals: number[], unseen: Unseen): boolean {
    CL100K_PRETOKEN.lastIndex = 0;
    let expected = 0;
    for (let m = CL100K_PRETOKEN.exec(part); m; m = CL100K_PRETOKEN.exec(part)) {
      if (m.index !== expected) return false;
      expected = m.index + m[0].length;
      const k = slot(m.index);
      const n = this.cache.get(m[0]);
      if (n !== undefined) totals[k] += n;
      else unseen.add(m[0], k);
    }
    return expected === part.length;
  }

  /** The unseen pre-tokens encoded in one tiktoken call, added to their totals, and remembered. */
  private settle(totals: number[], unseen: Unseen): void {
    if (unseen.pieces.length === 0) return;
    const counts = this.countMany(unseen.pieces);
    const o = unseen.occurrences;
    for (let i = 0; i < o.length; i += 2) totals[o[i + 1]] += counts[o[i]];
    this.rememberPretokens(unseen.pieces, counts);
  }
}

/** Pre-tokens not remembered, each once (`pieces`), and every occurrence as (piece, total) pairs. */
class Unseen {
  readonly pieces: string[] = [];
  readonly occurrences: number[] = [];
  private readonly index = new Map<string, number>();

  add(pretoken: string, total: number): void {
    let at = this.index.get(pretoken);
    if (at === undefined) {
      at = this.pieces.push(pretoken) - 1;
      this.index.set(pretoken, at);
    }
    this.occurrences.push(at, total);
  }
}
