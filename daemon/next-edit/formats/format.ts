/**
 * What every next-edit prompt format does: from the request's pieces to a prompt within
 * a token budget (raw text for formats with exact markers, chat messages for the others),
 * and from the model's answer back to its rewrite of the editable region.
 *
 * Budgets are counted exactly on the strings sent (tiktoken, as the context engine
 * counts): the required parts first (instructions, the editable region and its window),
 * then optional pieces in priority order as long as their exact counts fit, then one
 * exact count of the whole prompt, dropping the last piece taken until it fits.
 */
import type { NextEditDiagnostic, NextEditFormat, NextEditHunk, NextEditRefusal } from '../../../protocol';
import type { TokenCounter } from '../../context/budget';
import type { ChatMessage } from '../../router/types';
import type { Excerpt, LineRange } from '../excerpt';
import type { ShownHunk } from '../history';

export interface RelatedCode {
  /** Path shown to the model. */
  path: string;
  text: string;
}

export interface PromptInput {
  excerpt: Excerpt;
  /** The document's path as shown to the model (workspace-relative when it can be). */
  path: string;
  languageId: string;
  /** The user's edits, oldest first (only those that changed something). */
  history: ShownHunk[];
  /** The user's last edit when it is of this document (document coordinates). */
  last: NextEditHunk | undefined;
  diagnostics: NextEditDiagnostic[];
  /** Code from other files, best first. */
  related: RelatedCode[];
  strictness: 'normal' | 'strict';
}

/** Exact counts (the counter remembers pre-tokens, so the text around the cursor is not re-encoded every keystroke). */
export type PromptCounter = Pick<TokenCounter, 'count'>;

export interface PromptBudget {
  counter: PromptCounter;
  /** Tokens the prompt may take (the model's context minus the output reserve). */
  limit: number;
}

export type ModelRequest = { kind: 'raw'; prompt: string; stop: string[] } | { kind: 'chat'; messages: ChatMessage[] };

export type Extracted = { text: string } | { refusal: NextEditRefusal };

export interface BuiltPrompt {
  format: NextEditFormat;
  /** The lines the model may rewrite. */
  region: LineRange;
  request: ModelRequest;
  /** Exact token count of what is sent. */
  tokens: number;
  /** The model's rewrite of the region from its whole answer, or why there is none. */
  extract(answer: string, doneReason: 'stop' | 'length'): Extracted;
}

export interface PromptFormat {
  readonly format: NextEditFormat;
  /** `undefined` when even the editable region does not fit the budget. */
  build(input: PromptInput, budget: PromptBudget): BuiltPrompt | undefined;
}

/** Tokens a chat template adds around each message (role markers), on top of its content. */
export const CHAT_MESSAGE_OVERHEAD = 8;

/** The exact token count of chat messages: their contents plus the template's markers. */
export function chatTokens(counter: PromptCounter, messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + counter.count(m.content) + CHAT_MESSAGE_OVERHEAD, 0);
}

/**
 * Optional pieces (best first) that fit beside what `render([])` needs: each taken while
 * its exact count fits what is left, then the whole rendering counted exactly, dropping
 * the last piece taken until it fits. `undefined` when the required part alone is over.
 */
export function fitPieces<T>(
  budget: PromptBudget,
  pieces: readonly T[],
  pieceText: (piece: T) => string,
  render: (chosen: T[]) => string,
): { chosen: T[]; text: string; tokens: number } | undefined {
  const { counter, limit } = budget;
  const base = render([]);
  const baseTokens = counter.count(base);
  if (baseTokens > limit) return undefined;
  const chosen: T[] = [];
  let used = baseTokens;
  for (const piece of pieces) {
    // One more for the separator a piece brings along.
    const cost = counter.count(pieceText(piece)) + 1;
    if (used + cost > limit) continue;
    chosen.push(piece);
    used += cost;
  }
  for (;;) {
    const text = chosen.length === 0 ? base : render(chosen);
    const tokens = chosen.length === 0 ? baseTokens : counter.count(text);
    if (tokens <= limit || chosen.length === 0) return { chosen, text, tokens };
    chosen.pop();
  }
}

/** Severity as prose (`error at line 3: …`). */
export function diagnosticLine(d: NextEditDiagnostic): string {
  return `${d.severity} at line ${d.line + 1}: ${d.message.replace(/\s+/g, ' ').trim()}`;
}

/** Diagnostics on the lines of `range`, errors first, at most `max`. */
export function diagnosticsIn(diagnostics: readonly NextEditDiagnostic[], range: LineRange, max = 10): NextEditDiagnostic[] {
  const rank = { error: 0, warning: 1, info: 2, hint: 3 } as const;
  return diagnostics
    .filter((d) => d.endLine >= range.startLine && d.line < range.endLine)
    .sort((a, b) => rank[a.severity] - rank[b.severity] || a.line - b.line)
    .slice(0, max);
}

/** Pieces of a prompt in the order they were chosen, regrouped in the order the format lays them out. */
export function inOrder<T>(chosen: readonly T[], all: readonly T[]): T[] {
  const set = new Set(chosen);
  return all.filter((p) => set.has(p));
}

/** Grow `range` a line at a time, alternately up and down, while the exact count of the added lines fits `tokens`. */
export function growByTokens(excerpt: Excerpt, range: LineRange, tokens: number, counter: Pick<TokenCounter, 'count'>): LineRange {
  let { startLine, endLine } = range;
  let left = tokens;
  for (;;) {
    let grew = false;
    if (left > 0 && startLine > excerpt.startLine) {
      const cost = counter.count(excerpt.lineText(startLine - 1)) + 1;
      if (cost <= left) {
        startLine--;
        left -= cost;
        grew = true;
      } else left = 0;
    }
    if (left > 0 && endLine < excerpt.endLine) {
      const cost = counter.count(excerpt.lineText(endLine)) + 1;
      if (cost <= left) {
        endLine++;
        left -= cost;
        grew = true;
      } else left = 0;
    }
    if (!grew) return { startLine, endLine };
  }
}
