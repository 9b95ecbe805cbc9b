/**
 * Token budgets with exact counts (`tiktoken`). The budget of a completion is the
 * model's context minus the output reserve, shared between prefix, suffix and retrieved
 * context; prefix and suffix are clipped at line boundaries to their shares and what
 * they leave unused goes to the context. Every count here is of the exact string that
 * is sent, so an assembly is never over its budget.
 */
import { get_encoding, type Tiktoken, type TiktokenEncoding } from 'tiktoken';

export class TokenCounter {
  private readonly enc: Tiktoken;
  /**
   * Characters per token of what was counted lately (EWMA over texts of 256+ chars).
   * Clipping starts from it, so a window usually fits in one or two exact counts
   * instead of three to five (each count of a budget-sized window costs milliseconds).
   */
  private ratio = 4;

  constructor(readonly encoding: TiktokenEncoding = 'cl100k_base') {
    this.enc = get_encoding(encoding);
  }

  /** Exact token count; special-token text (`<|endoftext|>`) counts as the model would see it. */
  count(text: string): number {
    if (text === '') return 0;
    const n = this.enc.encode(text, 'all').length;
    if (text.length >= 256 && n > 0) this.ratio = this.ratio * 0.7 + (text.length / n) * 0.3;
    return n;
  }

  /** Recent characters per token (an estimate for sizing windows, never used as a count). */
  get charsPerToken(): number {
    return this.ratio;
  }

  private readonly segments = new Map<string, number>();

  /**
   * The exact count of a large text, from cached counts of its pieces. With cl100k no
   * pre-token spans a newline followed by a line with text, so the count of a text is the
   * sum of the counts of pieces cut there. Cuts are content-defined (a hash of the line
   * that starts the next piece), so the same code gives the same pieces wherever a window
   * starts or ends: consecutive keystrokes and nearby cursors re-count only the pieces
   * at the window's two ends.
   */
  countLarge(text: string): number {
    if (this.encoding !== 'cl100k_base' || text.length < 4096) return this.count(text);
    let total = 0;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1 && nl < text.length - 1; nl = text.indexOf('\n', nl + 1)) {
      const next = nl + 1;
      if (next - start < 512 || !startsTextLine(text, next) || lineHash(text, next) % 16 !== 0) continue;
      total += this.cachedCount(text.slice(start, next));
      start = next;
    }
    total += this.cachedCount(text.slice(start));
    this.ratio = this.ratio * 0.7 + (text.length / Math.max(1, total)) * 0.3;
    return total;
  }

  private cachedCount(piece: string): number {
    let n = this.segments.get(piece);
    if (n === undefined) {
      n = this.enc.encode(piece, 'all').length;
      if (this.segments.size >= 4096) this.segments.delete(this.segments.keys().next().value as string);
      this.segments.set(piece, n);
    }
    return n;
  }

  dispose(): void {
    this.enc.free();
  }
}

/** The line at `at` has text: optional spaces or tabs, then a non-whitespace character. */
function startsTextLine(text: string, at: number): boolean {
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) continue;
    return c !== 10 && c !== 13 && !/\s/.test(text[i]);
  }
  return false;
}

/** A cheap hash of the first 32 characters of the line at `at`. */
function lineHash(text: string, at: number): number {
  let h = 2166136261;
  for (let i = at; i < Math.min(text.length, at + 32); i++) {
    const c = text.charCodeAt(i);
    if (c === 10) break;
    h = Math.imul(h ^ c, 16777619);
  }
  return h >>> 0;
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

function clip(counter: TokenCounter, text: string, maxTokens: number, keep: 'start' | 'end'): Clipped {
  if (maxTokens <= 0 || text === '') return { text: '', tokens: 0, clipped: text !== '', lines: 0 };
  const lineCount = (t: string) => (t === '' ? 0 : t.split('\n').length);
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
    const n = counter.countLarge(window);
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
