/**
 * The user's recent edits as the prompt formats show them: a unified diff hunk (Zeta,
 * Instinct, the generic format) or the changed lines before and after (Sweep's
 * original/updated blocks), and what the region looked like before the newest edit.
 * Pure; the diff is jsdiff's.
 */
import { structuredPatch } from 'diff';
import type { NextEditHunk } from '../../protocol';
import type { Excerpt, LineRange } from './excerpt';

/** A hunk with the path shown to the model (workspace-relative when possible). */
export interface ShownHunk extends NextEditHunk {
  shownPath: string;
}

/** `@@ -a,b +c,d @@` and the hunk's lines (context, `-` removed, `+` added); empty when nothing changed. */
export function unifiedDiff(hunk: NextEditHunk, context = 3): string {
  const patch = structuredPatch('a', 'b', `${hunk.before}\n`, `${hunk.after}\n`, '', '', { context });
  return patch.hunks
    .map((h) => {
      const oldStart = h.oldStart + hunk.startLine;
      const newStart = h.newStart + hunk.startLine;
      return [`@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@`, ...h.lines].join('\n');
    })
    .join('\n');
}

/** The changed lines only, before and after (common leading and trailing lines dropped). */
export function changedLines(hunk: NextEditHunk): { before: string; after: string; startLine: number } {
  const a = hunk.before.split('\n');
  const b = hunk.after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return {
    before: a.slice(head, a.length - tail).join('\n'),
    after: b.slice(head, b.length - tail).join('\n'),
    startLine: hunk.startLine + head,
  };
}

/** The hunk changed something. */
export function isChange(hunk: NextEditHunk): boolean {
  return hunk.before !== hunk.after;
}

/** The newest hunk, when it is of this document (the user's last edit). */
export function lastEditOf(history: readonly NextEditHunk[], path: string): NextEditHunk | undefined {
  const last = history.at(-1);
  return last && last.path === path && isChange(last) ? last : undefined;
}

/**
 * The text of `range` as it was before the user's last edit (Sweep's `original/`
 * section): the edit's `after` lines swapped back for its `before` lines when they lie
 * within the range and still read so; otherwise the range as it is.
 */
export function beforeLastEdit(excerpt: Excerpt, range: LineRange, last: NextEditHunk | undefined): string {
  const current = excerpt.text(range);
  if (!last) return current;
  const after = last.after.split('\n');
  const start = last.startLine;
  const end = start + after.length;
  if (start < range.startLine || end > range.endLine) return current;
  if (excerpt.text({ startLine: start, endLine: end }) !== last.after) return current;
  const head = excerpt.text({ startLine: range.startLine, endLine: start });
  const tail = excerpt.text({ startLine: end, endLine: range.endLine });
  return [...(start > range.startLine ? [head] : []), last.before, ...(end < range.endLine ? [tail] : [])].join('\n');
}
