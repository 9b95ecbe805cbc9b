/**
 * Rust: the name a `let` statement binds the member being typed to (`let index = args.` →
 * `index`). What a value is called says what was read to get it: `args.index_read()`, not
 * `args.threads()` (member-ranking.ts puts the members sharing a word with it first).
 *
 * Only a plain `let [mut] name [: T] = receiver.` on the cursor's line, or `name = receiver.` starting
 * it (a reassignment, a `format!` argument named on a line of its own): a tuple or struct pattern, a
 * second `=` (`format!(…, name = x.`), a field assigned, `+=` or a statement break in between say nothing.
 */

const LET = /\blet\s+(?:mut\s+)?([A-Za-z_]\w*)\s*(?::[^=;{}\n]*)?=(?!=)[^=;{}\n]*$/;

/** `lines = stats.` starting the line: a reassignment, or a macro's named argument on a line of its own. */
const NAMED = /^\s*([A-Za-z_]\w*)\s*=(?![=>])\s*[A-Za-z_][\w.:]*$/;

/** The name the current line's `let` binds, when the cursor is in its initialiser; undefined otherwise. */
export function letBoundName(before: string): string | undefined {
  const line = before.slice(before.lastIndexOf('\n') + 1);
  return LET.exec(line)?.[1] ?? NAMED.exec(line)?.[1];
}
