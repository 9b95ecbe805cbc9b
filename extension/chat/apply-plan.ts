/**
 * Where "Apply to file" puts a code block, decided before the diff preview:
 *  1. the selection, when there is one;
 *  2. else the block of the file that the code redefines: its first line (a signature
 *     such as `function sum(` or `class Foo:`) found exactly once in the file, up to
 *     where that block ends by indentation, re-indented to the file's level;
 *  3. else the whole file.
 * The user sees the result as a diff and accepts or rejects it. Pure.
 */
export interface ApplyPlan {
  /** Offsets in the document text to replace. */
  start: number;
  end: number;
  replacement: string;
  how: 'selection' | 'matched-block' | 'whole-file';
}

const indentOf = (line: string): string => /^[ \t]*/.exec(line)![0];
const CLOSERS = /^[})\]]|^end\b|^fi\b|^done\b|^esac\b/;

function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function stripFinalNewline(s: string): string {
  return s.endsWith('\r\n') ? s.slice(0, -2) : s.endsWith('\n') ? s.slice(0, -1) : s;
}

/** Re-indent `code` whose first non-empty line has `from` indentation to `to`. */
export function reindent(code: string, from: string, to: string): string {
  if (from === to) return code;
  return code
    .split('\n')
    .map((line) => (line.trim() === '' ? line : line.startsWith(from) ? to + line.slice(from.length) : to + line.trimStart()))
    .join('\n');
}

/** The 0-based inclusive line range of the block starting at `startLine`. */
export function blockEnd(lines: string[], startLine: number): number {
  const base = indentOf(lines[startLine]).length;
  let last = startLine;
  for (let j = startLine + 1; j < lines.length; j++) {
    const t = lines[j].trim();
    if (t === '') continue;
    const ind = indentOf(lines[j]).length;
    if (ind > base) {
      last = j;
      continue;
    }
    if (ind === base && CLOSERS.test(t)) last = j;
    break;
  }
  return last;
}

export function planApply(doc: string, code: string, selection?: { start: number; end: number }): ApplyPlan {
  const body = stripFinalNewline(code);
  if (selection && selection.end > selection.start) {
    return { start: selection.start, end: selection.end, replacement: body, how: 'selection' };
  }
  const codeLines = body.split('\n');
  const firstIdx = codeLines.findIndex((l) => l.trim() !== '');
  const first = firstIdx >= 0 ? codeLines[firstIdx].trim() : '';
  if (first.length >= 6) {
    const lines = doc.split('\n');
    const hits: number[] = [];
    lines.forEach((l, i) => {
      if (l.trim() === first) hits.push(i);
    });
    if (hits.length === 1) {
      const startLine = hits[0];
      const endLine = blockEnd(lines, startLine);
      const offsets = lineOffsets(doc);
      const start = offsets[startLine];
      const endLineText = lines[endLine].replace(/\r$/, '');
      const end = offsets[endLine] + endLineText.length;
      const trimmed = codeLines.slice(firstIdx).join('\n');
      return {
        start,
        end,
        replacement: reindent(trimmed, indentOf(codeLines[firstIdx]), indentOf(lines[startLine])),
        how: 'matched-block',
      };
    }
  }
  const finalNewline = doc.endsWith('\n') ? '\n' : '';
  return { start: 0, end: doc.length, replacement: body + finalNewline, how: 'whole-file' };
}

/** The document text after applying a plan. */
export function applyPlan(doc: string, plan: ApplyPlan): string {
  return doc.slice(0, plan.start) + plan.replacement + doc.slice(plan.end);
}
