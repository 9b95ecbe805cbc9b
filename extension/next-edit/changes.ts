/**
 * A document-change event as the history and the core take it (pure): every change in
 * the coordinates of the text before, and, when the event is one change within a line,
 * that change on its own (to follow an inline suggestion being typed or accepted).
 */
import type { LineChange } from './core';
import type { TextChange } from './edit-history';

/** The parts of `vscode.TextDocumentContentChangeEvent` used here. */
export interface ContentChange {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

export function textChanges(changes: readonly ContentChange[]): TextChange[] {
  return changes.map((c) => ({
    rangeOffset: c.rangeOffset,
    rangeLength: c.rangeLength,
    startLine: c.range.start.line,
    endLine: c.range.end.line,
    text: c.text,
  }));
}

export function lineChange(changes: readonly ContentChange[]): LineChange | undefined {
  if (changes.length !== 1) return undefined;
  const c = changes[0];
  if (c.range.start.line !== c.range.end.line) return undefined;
  return {
    line: c.range.start.line,
    character: c.range.start.character,
    removed: c.range.end.character - c.range.start.character,
    text: c.text,
  };
}
