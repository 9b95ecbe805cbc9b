/**
 * The inline diff of an inline edit, as lines shown in the editor: while the proposal
 * is previewed, the document holds the region's original lines and the proposed ones
 * interleaved (a removed run, then its replacement), each tagged so the glue can strike
 * through the removed lines and highlight the added ones. While the answer streams, the
 * original lines it has not reached yet are `pending` rather than removed. And the
 * smallest line edit from one displayed state to the next, so streaming rewrites only
 * what changed. Pure.
 */
import { diffArrays } from 'diff';

export type DisplayKind = 'same' | 'removed' | 'added' | 'pending';

export interface DisplayLine {
  text: string;
  kind: DisplayKind;
}

/** The region's original lines and the proposal (complete lines) merged for display. */
export function renderInlineDiff(original: readonly string[], proposal: readonly string[], opts: { streaming: boolean }): DisplayLine[] {
  const parts = diffArrays(original as string[], proposal as string[]);
  const out: DisplayLine[] = [];
  for (const [i, p] of parts.entries()) {
    const rest = parts.slice(i + 1);
    // While streaming, original lines after everything streamed so far are still to come.
    const pending = opts.streaming && p.removed && rest.every((r) => r.removed);
    const kind: DisplayKind = p.added ? 'added' : p.removed ? (pending ? 'pending' : 'removed') : 'same';
    for (const text of p.value) out.push({ text, kind });
  }
  return out;
}

/** The document lines a display state puts in the region. */
export function displayTexts(display: readonly DisplayLine[]): string[] {
  return display.map((l) => l.text);
}

export interface LineEdit {
  /** Index (into the previous lines) of the first line replaced. */
  start: number;
  deleteCount: number;
  insert: string[];
}

/** The smallest change of whole lines turning `prev` into `next` (common head and tail kept). */
export function lineEditBetween(prev: readonly string[], next: readonly string[]): LineEdit | undefined {
  let head = 0;
  while (head < prev.length && head < next.length && prev[head] === next[head]) head++;
  let tail = 0;
  while (tail < prev.length - head && tail < next.length - head && prev[prev.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
  const deleteCount = prev.length - head - tail;
  const insert = next.slice(head, next.length - tail);
  if (deleteCount === 0 && insert.length === 0) return undefined;
  return { start: head, deleteCount, insert };
}

export interface TextEditAt {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

/**
 * A line edit of the region (starting at document line `regionStart`, currently holding
 * `prev`) as one text edit of the document. The region is never empty in the document
 * (an edit emptying it leaves one empty line), so line breaks are handled at its ends.
 */
export function toDocumentEdit(regionStart: number, prev: readonly string[], edit: LineEdit, eol: string): TextEditAt {
  const line = (i: number) => regionStart + i;
  const endOf = (i: number) => ({ line: line(i), character: prev[i]!.length });
  const { start, deleteCount, insert } = edit;
  if (deleteCount > 0 && insert.length > 0) {
    return { range: { start: { line: line(start), character: 0 }, end: endOf(start + deleteCount - 1) }, text: insert.join(eol) };
  }
  if (deleteCount === 0) {
    // Insert whole lines: before line `start`, or after the region's last line.
    if (start < prev.length)
      return {
        range: { start: { line: line(start), character: 0 }, end: { line: line(start), character: 0 } },
        text: insert.join(eol) + eol,
      };
    return { range: { start: endOf(prev.length - 1), end: endOf(prev.length - 1) }, text: eol + insert.join(eol) };
  }
  // Delete whole lines, with one of the line breaks around them.
  if (deleteCount === prev.length) return { range: { start: { line: line(0), character: 0 }, end: endOf(prev.length - 1) }, text: '' };
  if (start + deleteCount < prev.length)
    return { range: { start: { line: line(start), character: 0 }, end: { line: line(start + deleteCount), character: 0 } }, text: '' };
  return { range: { start: endOf(start - 1), end: endOf(start + deleteCount - 1) }, text: '' };
}
