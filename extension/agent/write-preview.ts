/**
 * What one agent step would write, before the user approves it: each prepared
 * operation (extension/edit/workspace-changes.ts, which checked paths and base hashes)
 * with the file's text before and after, and the unified diff the panel shows. After
 * the WorkspaceEdit is applied, the same before/after pairs are what the undo set
 * records. Pure: the current texts come through `read`.
 */
import { structuredPatch } from 'diff';
import type { TextEdit } from '../../protocol';
import type { PreparedOperation } from '../edit/workspace-changes';
import type { AppliedChange } from './undo-set';

/** One file of a step's change as the panel shows it. */
export interface FileDiffView {
  kind: PreparedOperation['kind'];
  /** Workspace-relative path (the new one for a rename: `old → new`). */
  label: string;
  /** Absolute path (what "Open diff" opens). */
  path: string;
  newPath?: string;
  added: number;
  removed: number;
  /** Unified diff hunks: lines starting with ' ', '+', '-', or '@@' headers. */
  lines: string[];
  /** Lines left out of `lines` (a long diff is cut; "Open diff" shows all of it). */
  truncated: number;
}

/** Lines of diff sent to the panel per file. */
export const DIFF_LINES_MAX = 400;

function offsetAt(text: string, lineStarts: number[], pos: TextEdit['range']['start']): number {
  const start = lineStarts[pos.line];
  if (start === undefined) return text.length;
  return Math.min(start + pos.character, text.length);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The text after `edits` (sorted, non-overlapping: checked by prepareChanges). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStartsOf(text);
  const spans = edits
    .map((e) => ({ start: offsetAt(text, starts, e.range.start), end: offsetAt(text, starts, e.range.end), newText: e.newText }))
    .sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.newText;
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * The before/after texts of each operation, in order; a rename keeps its text. Later
 * operations on the same path see the earlier ones' result.
 */
export function expectedChanges(operations: readonly PreparedOperation[], read: (path: string) => string | undefined): AppliedChange[] {
  const texts = new Map<string, string | undefined>();
  const current = (p: string) => (texts.has(p) ? texts.get(p) : read(p));
  const out: AppliedChange[] = [];
  for (const op of operations) {
    if (op.kind === 'create') {
      out.push({ kind: 'create', path: op.path, after: op.text });
      texts.set(op.path, op.text);
    } else if (op.kind === 'modify') {
      const before = current(op.path) ?? '';
      const after = applyTextEdits(before, op.edits);
      out.push({ kind: 'modify', path: op.path, before, after });
      texts.set(op.path, after);
    } else if (op.kind === 'delete') {
      out.push({ kind: 'delete', path: op.path, before: current(op.path) ?? '' });
      texts.set(op.path, undefined);
    } else {
      const before = current(op.path) ?? '';
      out.push({ kind: 'rename', path: op.path, newPath: op.newPath, before, after: before });
      texts.set(op.path, undefined);
      texts.set(op.newPath, before);
    }
  }
  return out;
}

/** The panel's view of one change (a unified diff with three lines of context). */
export function diffView(change: AppliedChange, label: (path: string) => string, maxLines = DIFF_LINES_MAX): FileDiffView {
  const before = change.kind === 'create' ? '' : change.before;
  const after = change.kind === 'delete' ? '' : change.after;
  const patch = structuredPatch('a', 'b', before, after, '', '', { context: 3 });
  const lines: string[] = [];
  let added = 0;
  let removed = 0;
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) {
      if (l.startsWith('\\')) continue; // "\ No newline at end of file"
      if (l.startsWith('+')) added++;
      else if (l.startsWith('-')) removed++;
      lines.push(l);
    }
  }
  const shown = lines.slice(0, maxLines);
  const base = {
    kind: change.kind,
    path: change.path,
    added,
    removed,
    lines: shown,
    truncated: lines.length - shown.length,
  };
  if (change.kind === 'rename') return { ...base, newPath: change.newPath, label: `${label(change.path)} → ${label(change.newPath)}` };
  return { ...base, label: label(change.path) };
}
