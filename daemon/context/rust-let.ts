/**
 * Rust: the name a `let` statement binds the member being typed to (`let index = args.` →
 * `index`). What a value is called says what was read to get it: `args.index_read()`, not
 * `args.threads()` (member-ranking.ts puts the members sharing a word with it first).
 *
 * Only a plain `let [mut] name [: T] = receiver.` on the cursor's line: a tuple or struct
 * pattern, a second `=` (`format!(…, name = x.`) or a statement break in between say nothing.
 */

const LET = /\blet\s+(?:mut\s+)?([A-Za-z_]\w*)\s*(?::[^=;{}\n]*)?=(?!=)[^=;{}\n]*$/;

/** The name the current line's `let` binds, when the cursor is in its initialiser; undefined otherwise. */
export function letBoundName(before: string): string | undefined {
  const line = before.slice(before.lastIndexOf('\n') + 1);
  return LET.exec(line)?.[1];
}
