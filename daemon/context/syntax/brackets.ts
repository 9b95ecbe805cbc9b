/**
 * Bracket matching in written code and types, where a parse tree is not at hand (a
 * declaration's text read from the index, a type as written): the one scan the readers of
 * Go, Rust and TypeScript signatures share.
 */

/**
 * The index of the `close` matching the `open` at `at` (the character there counts as that
 * `open`), or -1 when it is not closed within `max` characters of `at`. An arrow's `>`
 * (`->`, `=>`) closes no `<`.
 */
export function closingIndex(s: string, at: number, open: string, close: string, max = Infinity): number {
  let depth = 1;
  const end = Math.min(s.length, at + max);
  for (let i = at + 1; i < end; i++) {
    const c = s[i];
    if (c === open) depth++;
    else if (c === close && !(c === '>' && (s[i - 1] === '-' || s[i - 1] === '=')) && --depth === 0) return i;
  }
  return -1;
}
