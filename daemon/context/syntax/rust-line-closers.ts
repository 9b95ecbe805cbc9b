/**
 * Rust: what closes the line being typed, for the parse only. While `x.` is typed the rest of
 * the line is often not there yet (`for ig in ig.parents().take_while(|p| !p.` with nothing
 * after the cursor): the parser then recovers by dropping the unclosed call, its closure and
 * the loop, and loses the closure's parameter. cursor.ts parses the text with the brackets the
 * line opened and the rest of the line does not close added after the placeholder member, and
 * a `{` for a `for`/`while`/`if`/`match` header the line does not open a body for (its
 * statements and closing brace follow below).
 */

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set([')', ']', '}']);
/** The statements whose header a body's `{` ends. */
const RUST_HEADERS = /^\s*(?:\}\s*else\s+)?(?:for|while|if|match)\b/;
/** Go's (`match` is a name there: `match := x.`). */
export const GO_HEADERS = /^\s*(?:\}\s*else\s+)?(?:for|if|switch|select)\b/;
/** Characters of the line read at most. */
const MAX_LINE = 400;

/**
 * The text to add after the placeholder so the cursor line parses as a whole (`)`, `) {`), or ''.
 * `restOfLine`: what follows the cursor on its line (only its leading closing punctuation is read).
 */
export function rustLineClosers(before: string, restOfLine: string, headers = RUST_HEADERS): string {
  const line = before.slice(before.lastIndexOf('\n') + 1).slice(-MAX_LINE);
  if (line.length === MAX_LINE) return '';
  const stack: string[] = [];
  // `} else if …`: the brace closes the block above.
  for (const c of code(line.replace(/^\s*\}/, ''))) {
    if (OPEN[c]) stack.push(OPEN[c]);
    else if (CLOSE.has(c)) {
      if (stack.length === 0 || stack[stack.length - 1] !== c) return '';
      stack.pop();
    }
  }
  // What the rest of the line closes (`)`, `) {`, `)?;`): its leading run of closing punctuation.
  const rest = /^[\s)\]}?;,{]*/.exec(restOfLine.slice(0, MAX_LINE))?.[0] ?? '';
  for (const c of rest) {
    if (c === '{') return '';
    if (!CLOSE.has(c)) continue;
    if (stack.length === 0) break;
    stack.pop();
  }
  // A `{` still open in the line is a block whose lines follow: close only what is inside it.
  const block = stack.lastIndexOf('}');
  const closers = stack
    .slice(block + 1)
    .reverse()
    .join('');
  const header = headers.test(line) && block < 0;
  return closers + (header ? ' {' : '');
}

/** The line's characters with string and char literals and a trailing comment blanked. */
function code(line: string): string {
  return line
    .replace(/\/\/.*$/, '')
    .replace(/"(?:[^"\\]|\\.)*"?/g, '""')
    .replace(/'(?:[^'\\]|\\.)'/g, "''");
}
