/**
 * What a command acts on: the selection, widened to whole lines, or, when nothing is
 * selected, the function (or block) around the cursor as the daemon finds it
 * (`tandem/code/enclosing`). No vscode import.
 */
import type { CommandsBackend } from './commands-backend';

export interface EditorState {
  path: string;
  languageId: string;
  text: string;
  /** 0-based; `selection` is absent when it is empty. */
  cursor: { line: number; character: number };
  selection?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export interface CommandTarget {
  /** 0-based inclusive lines. */
  startLine: number;
  endLine: number;
  /** The function's name, when the daemon found one. */
  name?: string;
  kind: string;
  /** The target's text (whole lines). */
  text: string;
}

export async function commandTarget(
  state: EditorState,
  backend: Pick<CommandsBackend, 'enclosing'>,
  signal?: AbortSignal,
): Promise<CommandTarget> {
  const lines = state.text.split('\n');
  const slice = (a: number, b: number) =>
    lines
      .slice(a, b + 1)
      .map((l) => l.replace(/\r$/, ''))
      .join('\n');
  if (state.selection) {
    const { start, end } = state.selection;
    // A selection ending at the start of a line does not take that line.
    const endLine = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
    return { startLine: start.line, endLine, kind: 'selection', text: slice(start.line, endLine) };
  }
  const found = await backend.enclosing(
    { document: { path: state.path, languageId: state.languageId, text: state.text }, position: state.cursor },
    signal,
  );
  return {
    startLine: found.range.start.line,
    endLine: found.range.end.line,
    kind: found.kind,
    ...(found.name ? { name: found.name } : {}),
    text: slice(found.range.start.line, found.range.end.line),
  };
}
