/**
 * Where a next-edit suggestion shows, from its replacements and the cursor (pure):
 *
 * - `inline`: one insertion at or just after the cursor on its line — VS Code renders it
 *   as ghost text from an inline completion item whose range runs from the cursor to
 *   the insertion point (and replaces that text with itself plus the insertion);
 * - `preview`: other edits on the cursor line — shown in place (removed text struck
 *   through, new text after it), Tab accepts;
 * - `jump`: the first edit is elsewhere in the visible part of the file — marked at its
 *   line (gutter and a short hint), Tab moves the cursor there and it shows again;
 * - `hidden`: outside what is visible — not shown.
 *
 * VS Code 1.100's stable API renders an inline item only when it inserts text (a
 * replacement that deletes is not drawn), hence the preview for the others.
 */
import type { NextEditPosition, NextEditReplacement } from '../../protocol';

export interface LineSpan {
  /** 0-based, end inclusive. */
  startLine: number;
  endLine: number;
}

export type Placement =
  | { kind: 'inline'; line: number; startCharacter: number; endCharacter: number; text: string }
  | { kind: 'preview' }
  | { kind: 'jump'; target: NextEditPosition }
  | { kind: 'hidden' };

export interface PlacementInput {
  edits: readonly NextEditReplacement[];
  cursor: NextEditPosition;
  /** The document's line text (0-based). */
  lineText(line: number): string;
  visible: readonly LineSpan[];
}

/** An insertion at the start of the next line that ends with a newline is the same as one at the end of this line that starts with it. */
function atCursorLine(edit: NextEditReplacement, cursor: NextEditPosition, lineText: (line: number) => string): NextEditReplacement {
  const empty = edit.start.line === edit.end.line && edit.start.character === edit.end.character;
  if (empty && edit.start.line === cursor.line + 1 && edit.start.character === 0 && edit.text.endsWith('\n')) {
    const end = { line: cursor.line, character: lineText(cursor.line).length };
    return { start: end, end, text: `\n${edit.text.slice(0, -1)}` };
  }
  return edit;
}

export function place(input: PlacementInput): Placement {
  const { edits, cursor } = input;
  if (edits.length === 0) return { kind: 'hidden' };
  const first = edits[0];
  if (edits.length === 1) {
    const e = atCursorLine(first, cursor, input.lineText);
    const insertion = e.start.line === e.end.line && e.start.character === e.end.character && e.text !== '';
    if (insertion && e.start.line === cursor.line && e.start.character >= cursor.character) {
      const line = input.lineText(cursor.line);
      return {
        kind: 'inline',
        line: cursor.line,
        startCharacter: cursor.character,
        endCharacter: e.start.character,
        text: line.slice(cursor.character, e.start.character) + e.text,
      };
    }
  }
  const last = edits[edits.length - 1];
  if (first.start.line <= cursor.line && last.end.line >= cursor.line) return { kind: 'preview' };
  const seen = input.visible.some((v) => first.start.line >= v.startLine && first.start.line <= v.endLine);
  return seen ? { kind: 'jump', target: first.start } : { kind: 'hidden' };
}

/** A few words for the jump hint: what the first edit replaces and with what (`a → count`, `+ items.push(x)`). */
export function hintOf(edits: readonly NextEditReplacement[], oldText: (edit: NextEditReplacement) => string, max = 40): string {
  const e = edits[0];
  if (!e) return '';
  const clip = (t: string) => {
    const line = t.replace(/\s+/g, ' ').trim();
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
  };
  const removed = clip(oldText(e));
  const added = clip(e.text);
  const more = edits.length > 1 ? ` (+${edits.length - 1} more)` : '';
  if (removed === '') return `+ ${added}${more}`;
  if (added === '') return `− ${removed}${more}`;
  return `${removed} → ${added}${more}`;
}
