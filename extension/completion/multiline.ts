/**
 * Single-line or multi-line suggestion, decided from the cursor position:
 * - text after the cursor on its line (other than closing brackets, quotes, `;`, `,`)
 *   → single line: we are completing inside an expression;
 * - a blank line, or a line ending with a block opener (`{`, `(`, `[`, `:`, `=>`,
 *   `->`, `do`, `then`) → multi-line: a new statement or block body follows;
 * - otherwise (end of a non-empty line mid-statement) → single line.
 */
export function allowMultiline(linePrefix: string, lineSuffix: string): boolean {
  if (!/^[\s)\]}'"`;,]*$/.test(lineSuffix)) return false;
  const before = linePrefix.trimEnd();
  if (before.trim() === '') return true;
  return /(?:[{([:]|=>|->|\bdo|\bthen)$/.test(before);
}
