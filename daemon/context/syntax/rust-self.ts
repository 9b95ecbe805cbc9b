/**
 * The type `self` stands for at a Rust cursor, read from the layout of the text above it:
 * the `impl` (or `trait`) header that opens the block the cursor is indented in.
 *
 * The tree cannot always say: the parse covers a window of the prefix and a few KB of the
 * suffix, so an `impl` whose closing brace lies further down is left open, and the parser's
 * error recovery then drops the `impl_item` around the cursor (or, above the window, the
 * last header seen is another type's). Indentation does not depend on the braces: from the
 * cursor's line, each line above indented less opens an enclosing block (`fn`, `if`, a
 * closure, `mod`), up to the `impl`/`trait` header.
 *
 * Work is bounded: at most MAX_SCAN characters above the cursor, line by line backwards.
 */

const MAX_SCAN = 64 * 1024;
const MAX_LEVELS = 16;

/** `impl<T> Foo<T>`, `unsafe impl<'a> Trait for Foo<'a>`, `pub(crate) trait Bar: Baz`: the implementing type or the trait. */
const HEADER =
  /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:unsafe\s+)?(?:(impl)\b(?:\s*<[^{]*?>)?\s+(?:!?[\w:]+(?:<[^{]*?>)?\s+for\s+)?(?:dyn\s+)?|(trait)\s+)(?:[\w]+::)*([A-Za-z_]\w*)/;

/** A line that continues a block without opening one: a closing bracket, a comment, an attribute, a header's `where`/`{` line. */
const NOT_OPENER = /^\s*(?:[)\]}]|\/\/|\/\*|\*|#!?\[|$)/;
const HEADER_TAIL = /^\s*(?:where\b|\{|'?[A-Za-z_]\w*\s*:(?!:))/;

/** The type of `self` at the end of `before` (the text before the cursor), or undefined when the layout does not show an `impl`/`trait` around it. */
export function rustSelfType(before: string): string | undefined {
  return rustEnclosingHeader(before)?.type;
}

/** The `impl`/`trait` header line around the end of `before` and the type it is for. */
export function rustEnclosingHeader(before: string): { type: string; line: string } | undefined {
  const text = before.length > MAX_SCAN ? before.slice(-MAX_SCAN) : before;
  let end = text.length;
  let start = text.lastIndexOf('\n', end - 1) + 1;
  // The cursor's own line sets the level to leave.
  let level = indentOf(text.slice(start, end));
  let levels = 0;
  let inclusive = false;
  while (start > 0 && levels < MAX_LEVELS) {
    end = start - 1;
    // At the text's first line break (a prefix starting with one) there is only the empty line before it: from
    // `lastIndexOf('\n', -1)`, which finds that break again, the scan would never leave the top.
    start = end > 0 ? text.lastIndexOf('\n', end - 1) + 1 : 0;
    const line = text.slice(start, end);
    if (NOT_OPENER.test(line)) continue;
    const indent = indentOf(line);
    if (inclusive ? indent > level : indent >= level) continue;
    const m = HEADER.exec(line);
    if (m) return { type: m[3], line };
    // A header spread over lines (`impl<T> Foo<T>` / `where` / `T: Bar,` / `{`): keep looking at this level for its first line.
    inclusive = HEADER_TAIL.test(line);
    level = indent;
    levels++;
    if (level === 0 && !inclusive) return undefined;
  }
  return undefined;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i;
}
