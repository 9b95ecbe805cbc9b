/**
 * Which lines of the document go to the daemon with a next-edit request: up to
 * `maxLines` on each side of the cursor, fewer when the lines are long, so a request
 * stays well under `maxChars` whatever the file. Pure.
 */
export interface ExcerptRange {
  startLine: number;
  /** Exclusive. */
  endLine: number;
}

export function excerptRange(
  lineCount: number,
  cursorLine: number,
  lineLength: (line: number) => number,
  maxLines = 120,
  maxChars = 60_000,
): ExcerptRange {
  let startLine = cursorLine;
  let endLine = cursorLine + 1;
  let chars = lineLength(cursorLine) + 1;
  for (let i = 1; i <= maxLines; i++) {
    let grew = false;
    const up = cursorLine - i;
    if (up >= 0 && chars + lineLength(up) + 1 <= maxChars) {
      startLine = up;
      chars += lineLength(up) + 1;
      grew = true;
    }
    const down = cursorLine + i;
    if (down < lineCount && chars + lineLength(down) + 1 <= maxChars) {
      endLine = down + 1;
      chars += lineLength(down) + 1;
      grew = true;
    }
    if (!grew) break;
  }
  return { startLine, endLine };
}
