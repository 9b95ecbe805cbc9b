/**
 * Keep a multi-line suggestion within the block the cursor is in. Models tend to go on
 * past the end of the current function or statement and write the next one.
 *
 * The block's indentation is the cursor line's (or, on a blank line, where the
 * suggestion starts). The suggestion ends before the first non-blank line indented
 * less than that — or, when the cursor line (with the suggestion's first line) opens a
 * block (`{`, `(`, `[`, `:`), indented no deeper than it: the block's body is over. A
 * closing-bracket line at that point is kept when it closes a bracket still open, so
 * the block the suggestion started is closed. Works for brace and off-side languages.
 */
import { indentWidth, linePrefix, splitLines, type CompletionFilter } from './filter';

const closingLine = /^\s*[)\]}]/;
const opensBlockAtEnd = /[{([:]\s*$/;

function bracketBalance(text: string): number {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
  }
  return depth;
}

export const trimToBlock: CompletionFilter = (text, ctx) => {
  if (!ctx.multiline) return text;
  const lines = splitLines(text);
  if (lines.length <= 1) return text;
  const cursorLine = linePrefix(ctx);
  const firstLine = cursorLine + lines[0];
  const base = cursorLine.trim() === '' ? indentWidth(firstLine) : indentWidth(cursorLine);
  const opensBlock = opensBlockAtEnd.test(firstLine);
  let depth = Math.max(0, bracketBalance(firstLine));
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const indent = indentWidth(line);
    if (indent < base || (opensBlock && indent <= base)) {
      if (closingLine.test(line) && depth > 0) return lines.slice(0, i + 1).join('\n');
      return lines.slice(0, i).join('\n');
    }
    depth += bracketBalance(line);
  }
  return text;
};
