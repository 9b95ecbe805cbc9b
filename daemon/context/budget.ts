/**
 * Token budgets with exact counts (`tiktoken`). The budget of a completion is the
 * model's context minus the output reserve, shared between prefix, suffix and retrieved
 * context; prefix and suffix are clipped at line boundaries to their shares and what
 * they leave unused goes to the context. Every count here is of the exact string that
 * is sent, so an assembly is never over its budget.
 */
import { readFileSync } from 'node:fs';
import { Tiktoken } from 'tiktoken/lite';
import type { ContextConfig } from './config';
import { PretokenCounter, batchCounter } from './pretokens';

/** The encodings a counter may use: those config `context.tokenizer` allows. */
export type CounterEncoding = ContextConfig['tokenizer'];

/**
 * An encoder from tiktoken's lite build and the one rank file it needs. The full build's
 * `get_encoding` carries every encoding's ranks inside its WebAssembly (5.6 MB, all of it
 * in memory once instantiated): measured, the lite build with cl100k's ranks leaves the
 * process 16 MB smaller with the same counts. The ranks file is read, not `require`d,
 * so its parsed JSON (1-2 MB) is garbage once the encoder holds the tables.
 */
function loadEncoder(encoding: CounterEncoding): Tiktoken {
  const file = require.resolve(`tiktoken/encoders/${encoding}.json`);
  const { bpe_ranks, special_tokens, pat_str } = JSON.parse(readFileSync(file, 'utf8')) as {
    bpe_ranks: string;
    special_tokens: Record<string, number>;
    pat_str: string;
  };
  return new Tiktoken(bpe_ranks, special_tokens, pat_str);
}

/**
 * One tiktoken encoder per encoding for the whole process, shared by every counter (the
 * context engine, chat, next edits, commands, the agent): each encoder builds its own rank
 * tables in WebAssembly memory (measured: the first 31 MB of RSS, each further one 6-16 MB),
 * and a shared pre-token cache serves them all. Freed when its last counter is disposed.
 */
interface SharedEncoding {
  enc: Tiktoken;
  /** cl100k counts by pre-token with a cache of each one's count (pretokens.ts); other encodings encode whole. */
  pretokens?: PretokenCounter;
  users: number;
}

const encodings = new Map<CounterEncoding, SharedEncoding>();

function acquire(encoding: CounterEncoding): SharedEncoding {
  let e = encodings.get(encoding);
  if (!e) {
    const enc = loadEncoder(encoding);
    e = { enc, users: 0, ...(encoding === 'cl100k_base' ? { pretokens: new PretokenCounter(batchCounter(enc)) } : {}) };
    encodings.set(encoding, e);
  }
  e.users++;
  return e;
}

export class TokenCounter {
  private readonly shared: SharedEncoding;
  private disposed = false;
  /**
   * Characters per token of what was counted lately (EWMA over texts of 256+ chars).
   * Clipping starts from it, so a window usually fits in one or two exact counts.
   */
  private ratio = 4;

  constructor(readonly encoding: CounterEncoding = 'cl100k_base') {
    this.shared = acquire(encoding);
  }

  /** Exact token count; special-token text (`<|endoftext|>`) counts as the model would see it. */
  count(text: string): number {
    if (text === '') return 0;
    if (this.disposed) throw new Error('TokenCounter used after dispose()');
    const { pretokens, enc } = this.shared;
    const n = pretokens ? pretokens.count(text) : enc.encode(text, 'all').length;
    if (text.length >= 256 && n > 0) this.ratio = this.ratio * 0.7 + (text.length / n) * 0.3;
    return n;
  }

  /** Pre-tokens whose counts are remembered, by every counter of this encoding together (0 where texts are encoded whole). */
  get remembered(): number {
    return this.shared.pretokens?.size ?? 0;
  }

  /** Recent characters per token (an estimate for sizing windows, never used as a count). */
  get charsPerToken(): number {
    return this.ratio;
  }

  /** Release this counter's share of the encoder (freed with the last one). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (--this.shared.users === 0) {
      this.shared.enc.free();
      encodings.delete(this.encoding);
    }
  }
}

export interface CompletionBudget {
  total: number;
  prefix: number;
  suffix: number;
  context: number;
}

export function completionBudget(
  numCtx: number,
  outputReserve: number,
  shares: { prefix: number; suffix: number; context: number },
): CompletionBudget {
  const total = Math.max(0, Math.floor(numCtx - outputReserve));
  const sum = shares.prefix + shares.suffix + shares.context;
  const scale = sum > 1 ? 1 / sum : 1;
  const prefix = Math.floor(total * shares.prefix * scale);
  const suffix = Math.floor(total * shares.suffix * scale);
  return { total, prefix, suffix, context: total - prefix - suffix };
}

export interface Clipped {
  text: string;
  tokens: number;
  clipped: boolean;
  /** Whole lines kept (a partial line counts as one). */
  lines: number;
}

/**
 * Keep the end of `text` within `maxTokens`: whole lines from the cursor backwards. Only
 * when the cursor's own line does not fit is it cut (from its start).
 */
export function clipPrefix(counter: TokenCounter, text: string, maxTokens: number): Clipped {
  return clip(counter, text, maxTokens, 'end');
}

/** Keep the start of `text` within `maxTokens`: whole lines from the cursor onwards. */
export function clipSuffix(counter: TokenCounter, text: string, maxTokens: number): Clipped {
  return clip(counter, text, maxTokens, 'start');
}

/** Lines of a text as `Clipped.lines` counts them (a partial line counts as one). */
export function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length;
}

function clip(counter: TokenCounter, text: string, maxTokens: number, keep: 'start' | 'end'): Clipped {
  if (maxTokens <= 0 || text === '') return { text: '', tokens: 0, clipped: text !== '', lines: 0 };
  // Take a window of characters from the kept end, snapped to a line boundary, count it
  // exactly and resize it by the observed characters-per-token until it fits (and is not
  // much below the budget). A handful of counts of budget-sized text, whatever the document.
  const snap = (chars: number): string => {
    if (chars >= text.length) return text;
    if (keep === 'end') {
      const start = text.length - chars;
      const nl = text.indexOf('\n', start - 1);
      // The cursor's own line is cut only when nothing else fits.
      return nl === -1 || nl === text.length - 1 ? text.slice(start) : text.slice(nl + 1);
    }
    const nl = text.lastIndexOf('\n', chars);
    return nl <= 0 ? text.slice(0, chars) : text.slice(0, nl);
  };
  let chars = Math.min(text.length, Math.floor(maxTokens * counter.charsPerToken * 0.97));
  let best: { text: string; tokens: number } | undefined;
  for (let attempt = 0; attempt < 12; attempt++) {
    const window = snap(chars);
    const n = counter.count(window);
    if (n <= maxTokens) {
      if (!best || window.length > best.text.length) best = { text: window, tokens: n };
      if (window.length === text.length || n >= maxTokens * 0.92) break;
      const grown = Math.min(text.length, Math.floor(window.length * (maxTokens / Math.max(1, n)) * 0.97));
      if (grown <= chars) break;
      chars = grown;
    } else {
      const shrunk = Math.floor(window.length * (maxTokens / n) * 0.95);
      if (shrunk >= window.length) chars = window.length - 1;
      else chars = shrunk;
      if (chars <= 0) break;
    }
  }
  if (!best) return { text: '', tokens: 0, clipped: true, lines: 0 };
  return { text: best.text, tokens: best.tokens, clipped: best.text.length < text.length, lines: lineCount(best.text) };
}

/**
 * Tokens of rendered prompt parts (a chunk as a comment, a path line), each counted with
 * its terminating newline and cached: the same chunks recur across keystrokes and
 * assemblies, and with cl100k a block's count is the sum of its newline-terminated parts.
 */
export class RenderedTokens {
  private readonly cache = new Map<string, number>();

  constructor(private readonly counter: Pick<TokenCounter, 'count'>) {}

  of(rendered: string): number {
    let n = this.cache.get(rendered);
    if (n === undefined) {
      n = this.counter.count(rendered + '\n');
      if (this.cache.size >= 20_000) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(rendered, n);
    }
    return n;
  }
}
