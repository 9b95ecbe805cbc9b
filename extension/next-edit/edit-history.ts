/**
 * The user's recent edits per document, for next-edit prompts: each document's text as
 * it was before its latest change (a shadow copy, so the lines a change replaced are
 * known), and the edits as line hunks — the lines as they were, the lines now — with
 * keystrokes on the same or adjacent lines, close in time, merged into one hunk.
 *
 * Bounded in memory: a few documents (the least recently edited forgotten first, and
 * none larger than `maxDocumentChars`), a few hunks (the oldest dropped), none older
 * than `maxAgeMs`. Never written anywhere: the hunks go to the daemon with a request and
 * are not stored there. Pure.
 */
import type { NextEditHunk } from '../../protocol';

/** One change of a document-change event, in the coordinates of the text before it. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  /** 0-based lines of the replaced range's start and end. */
  startLine: number;
  endLine: number;
  text: string;
}

export interface EditHistoryOptions {
  maxDocuments: number;
  maxDocumentChars: number;
  maxHunks: number;
  /** Changes this close in time (and on the same or adjacent lines) are one edit. */
  coalesceMs: number;
  maxAgeMs: number;
  /** Lines of one hunk side kept at most (a paste of a whole file is cut to its head). */
  maxHunkLines: number;
}

export const defaultEditHistoryOptions: EditHistoryOptions = {
  maxDocuments: 16,
  maxDocumentChars: 1_000_000,
  maxHunks: 32,
  coalesceMs: 5_000,
  maxAgeMs: 10 * 60_000,
  maxHunkLines: 60,
};

interface Group {
  path: string;
  /** First line of the hunk, in the document as it is now. */
  startLine: number;
  /** The hunk's lines before the edit. */
  before: string[];
  /** How many lines of the document the edit left there. */
  afterCount: number;
  /** Those lines as the edit's last change left them. */
  after: string[];
  firstAt: number;
  lastAt: number;
}

/** Lines `from`…`to` (inclusive) of `text`, found by walking from `lineStart`, the offset where line `line` starts. */
export function linesFrom(text: string, lineStart: number, line: number, from: number, to: number): string[] {
  let start = lineStart;
  for (let l = line; l > from; l--) start = start <= 1 ? 0 : text.lastIndexOf('\n', start - 2) + 1;
  for (let l = line; l < from; l++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return [];
    start = nl + 1;
  }
  const out: string[] = [];
  let at = start;
  for (let l = from; l <= to && at <= text.length; l++) {
    const nl = text.indexOf('\n', at);
    const end = nl === -1 ? text.length : nl;
    out.push(text.slice(at, end));
    at = end + 1;
  }
  return out;
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export class EditHistory {
  private readonly opts: EditHistoryOptions;
  /** Text per document before its next change; insertion order = least recently used first. */
  private readonly shadows = new Map<string, string>();
  private groups: Group[] = [];

  constructor(opts: Partial<EditHistoryOptions> = {}) {
    this.opts = { ...defaultEditHistoryOptions, ...opts };
  }

  /** Documents with a shadow (tests, diagnostics). */
  get documents(): string[] {
    return [...this.shadows.keys()];
  }

  /** Remember a document's text (opened or shown), so its first change can be recorded. */
  track(path: string, text: string): void {
    if (text.length > this.opts.maxDocumentChars) {
      this.shadows.delete(path);
      return;
    }
    if (!this.shadows.has(path)) this.remember(path, text);
  }

  forget(path: string): void {
    this.shadows.delete(path);
    this.groups = this.groups.filter((g) => g.path !== path);
  }

  rename(from: string, to: string): void {
    const text = this.shadows.get(from);
    if (text !== undefined) {
      this.shadows.delete(from);
      this.remember(to, text);
    }
    for (const g of this.groups) if (g.path === from) g.path = to;
  }

  /**
   * The document changed; `text` is its text now and `changes` are the event's, in the
   * coordinates of the text before. Recorded when its text before is known.
   */
  change(path: string, text: string, changes: readonly TextChange[], at: number): void {
    const old = this.shadows.get(path);
    if (text.length > this.opts.maxDocumentChars) {
      this.shadows.delete(path);
      return;
    }
    this.remember(path, text);
    if (old === undefined || changes.length === 0) return;
    const first = changes.reduce((a, c) =>
      c.startLine < a.startLine || (c.startLine === a.startLine && c.rangeOffset < a.rangeOffset) ? c : a,
    );
    const a = first.startLine;
    const b = Math.max(...changes.map((c) => c.endLine));
    const delta = changes.reduce((d, c) => d + newlines(c.text) - (c.endLine - c.startLine), 0);
    const lineStart = first.rangeOffset <= 0 ? 0 : old.lastIndexOf('\n', first.rangeOffset - 1) + 1;

    const latest = this.groups.at(-1);
    const mergeable =
      latest !== undefined &&
      latest.path === path &&
      at - latest.lastAt <= this.opts.coalesceMs &&
      a <= latest.startLine + latest.afterCount &&
      b >= latest.startLine - 1;
    if (mergeable) {
      const gStart = latest.startLine;
      const gEnd = gStart + latest.afterCount - 1;
      const s = Math.min(a, gStart);
      const e = Math.max(b, gEnd);
      const above = s < gStart ? linesFrom(old, lineStart, a, s, gStart - 1) : [];
      const below = e > gEnd ? linesFrom(old, lineStart, a, gEnd + 1, e) : [];
      latest.before = [...above, ...latest.before, ...below].slice(0, this.opts.maxHunkLines);
      latest.startLine = s;
      latest.afterCount = Math.max(1, e - s + 1 + delta);
      latest.after = this.linesNow(text, lineStart, a, s, latest.afterCount);
      latest.lastAt = at;
    } else {
      const afterCount = Math.max(1, b - a + 1 + delta);
      this.groups.push({
        path,
        startLine: a,
        before: linesFrom(old, lineStart, a, a, b).slice(0, this.opts.maxHunkLines),
        afterCount,
        after: this.linesNow(text, lineStart, a, a, afterCount),
        firstAt: at,
        lastAt: at,
      });
    }
    // Edits below this one moved with it.
    const newest = this.groups.at(-1);
    for (const g of this.groups) if (g.path === path && g !== newest && g.startLine > b) g.startLine += delta;
    this.prune(at);
  }

  /** `count` lines from line `from` of the new text (line `line` starts at `lineStart` in both texts: nothing before it changed). */
  private linesNow(text: string, lineStart: number, line: number, from: number, count: number): string[] {
    return linesFrom(text, lineStart, line, from, from + Math.min(count, this.opts.maxHunkLines) - 1);
  }

  /** The edits, oldest first, that changed something and are not too old (the newest last). */
  recent(now: number, limit = this.opts.maxHunks): NextEditHunk[] {
    this.prune(now);
    const out: NextEditHunk[] = [];
    for (const g of this.groups.slice(-limit)) {
      const hunk = {
        path: g.path,
        at: Math.round(g.lastAt),
        startLine: g.startLine,
        before: g.before.join('\n'),
        after: g.after.join('\n'),
      };
      if (hunk.before !== hunk.after) out.push(hunk);
    }
    return out;
  }

  private remember(path: string, text: string): void {
    this.shadows.delete(path);
    this.shadows.set(path, text);
    while (this.shadows.size > this.opts.maxDocuments) {
      const oldest = this.shadows.keys().next().value as string;
      this.forget(oldest);
    }
  }

  private prune(now: number): void {
    this.groups = this.groups.filter((g) => now - g.lastAt <= this.opts.maxAgeMs).slice(-this.opts.maxHunks);
  }
}
