/**
 * Exact token counts for next-edit prompts, remembered: between two keystrokes almost
 * every piece of a prompt (the related code, the nearby lines, older edits, the lines of
 * a growing region) is the same string as before, and encoding it again costs
 * time. Counts of texts up to `maxChars` are kept whole in a bounded LRU; longer texts go
 * to the counter each time (it remembers their pre-tokens itself).
 */
import type { TokenCounter } from '../context/budget';
import type { PromptCounter } from './formats/format';

export class RememberedCounts implements PromptCounter {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly counter: Pick<TokenCounter, 'count'>,
    private readonly capacity = 2048,
    private readonly maxChars = 4096,
  ) {}

  count(text: string): number {
    if (text.length > this.maxChars) return this.counter.count(text);
    const known = this.counts.get(text);
    if (known !== undefined) {
      // Most recently used last.
      this.counts.delete(text);
      this.counts.set(text, known);
      return known;
    }
    const n = this.counter.count(text);
    if (this.counts.size >= this.capacity) this.counts.delete(this.counts.keys().next().value as string);
    this.counts.set(text, n);
    return n;
  }

  /** Counts remembered now (for tests). */
  get size(): number {
    return this.counts.size;
  }
}
