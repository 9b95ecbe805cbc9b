/**
 * Rust: the traits a trait extends, from its header (`pub trait Sink: Write + Send {`): a
 * receiver bound by the trait (`S: Sink`, `&dyn Sink`) has their methods too (facts.ts
 * `baseTypesOf`). A `where` clause and lifetimes are not supertraits; `?Sized` and `Sized` say nothing.
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
