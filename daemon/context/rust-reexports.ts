/**
 * Rust: which `use` statements of a document are re-exports (`pub use a::B;`,
 * `pub(crate) use …`). They expose names to the file's users rather than bring them in for
 * the file's own code: one the file never uses is not about to be used at the cursor (the
 * imports retriever ranks it after the imports the file does use below).
 *
 * Bounded: the first MAX_SCAN characters of the prefix (where `use` statements are), one pass.
 */

const MAX_SCAN = 50_000;
const PUB_USE = /^[ \t]*pub(?:\s*\([^)\n]*\))?\s+use\b/gm;

/** 1-based lines of the document's `pub use` statements. */
export function rustReexportLines(prefix: string): Set<number> {
  const head = prefix.length > MAX_SCAN ? prefix.slice(0, MAX_SCAN) : prefix;
  const out = new Set<number>();
  let line = 1;
  let from = 0;
  for (const m of head.matchAll(PUB_USE)) {
    for (let i = from; i < m.index; i++) if (head.charCodeAt(i) === 10) line++;
    from = m.index;
    out.add(line);
  }
  return out;
}
