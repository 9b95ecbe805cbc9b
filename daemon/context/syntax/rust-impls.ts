/**
 * Rust: the types whose members a type or trait has besides its own (facts.ts `baseTypesOf`):
 *
 * - a trait's supertraits, from its header (`pub trait Sink: Write + Send {`): a receiver
 *   bound by the trait (`S: Sink`, `&dyn Sink`) has their methods too; a `where` clause and
 *   lifetimes are not supertraits, `?Sized` and `Sized` say nothing;
 * - a type's `Deref` target (`impl Deref for Tokens { type Target = Vec<Token>; … }`): auto-deref
 *   gives a value of the type the target's methods (read from the chunk of its `deref` method).
 */

const MAX_TRAITS = 8;

/** The supertraits a trait header declares: `pub trait A: B + C<T> + 'static {` → B, C. */
export function rustSupertraits(header: string, traitName: string): string[] {
  const m = new RegExp(`\\btrait\\s+${traitName.replace(/[$]/g, '\\$')}\\b(?:\\s*<[^{]*?>)?\\s*:([^{]*?)(?:\\bwhere\\b|\\{|$)`).exec(
    header,
  );
  if (!m) return [];
  return m[1]
    .split('+')
    .map((b) => /^\s*\??(?:(?:\w+::)*)([A-Za-z_]\w*)/.exec(b)?.[1])
    .filter((b): b is string => !!b && b !== 'Sized')
    .slice(0, MAX_TRAITS);
}

/** The `Deref` target a `deref` method's chunk declares (`type Target = Inner;`, as the text or its context has it). */
export function rustDerefTarget(texts: Iterable<string>): string | undefined {
  const all = [...texts];
  for (const text of all) {
    const m = /\btype\s+Target\s*=\s*([^;]+);/.exec(text);
    if (m) return m[1].trim();
  }
  // The impl cut in pieces: what `deref` returns (`fn deref(&self) -> &Inner`), unless it only says `&Self::Target`.
  for (const text of all) {
    const m = /\bfn\s+deref\s*\(\s*&\s*self\s*\)\s*->\s*&\s*(?:'\w+\s+)?([^{\n]+?)\s*(?:\{|where\b|$)/m.exec(text);
    if (m && !/\bTarget\b/.test(m[1])) return m[1].trim();
  }
  return undefined;
}
