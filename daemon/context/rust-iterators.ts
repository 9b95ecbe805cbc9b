/**
 * Rust: what a workspace type hands out when it is iterated. A method returning such a type
 * (`fn parents(&self) -> Parents<'_>`) is followed by `for x in ig.parents()` and by an
 * adapter's closure (`ig.parents().take_while(|p| p.`); its element is the `Item` of the
 * type's `impl Iterator` (`type Item = IgnoreRef<'a>;`), else what its `next` returns
 * (`Option<T>`), read from the index: what rust-analyzer resolves through the trait.
 *
 * Work is bounded: two declarations of the type, its members' chunks named `Item` or `next`.
 */
import type { SyntaxFacts } from './syntax/facts';
import { TYPE_KINDS } from './syntax/facts';
import { elementOf } from './syntax/rust-elements';
import { plainType } from './syntax/type-names';

/** The element type name of iterating workspace type `type` (seen from `rel`), or undefined. */
export function rustIteratorItem(syntax: SyntaxFacts, rel: string, type: string): string | undefined {
  for (const t of syntax
    .typeDefinitions(rel, type)
    .filter((d) => TYPE_KINDS.has(d.kind) && d.kind !== 'trait')
    .slice(0, 2)) {
    const members = syntax.membersOf(t);
    for (const m of members.filter((m) => m.name === 'Item' && m.kind === 'type').slice(0, 2)) {
      const item = /\btype\s+Item\s*=\s*([^;]+);/.exec(syntax.definitionText(m) ?? '')?.[1];
      const name = item ? plainType(item, 'rust') : undefined;
      if (name && name !== type) return name;
    }
    for (const m of members.filter((m) => m.name === 'next' && m.kind !== 'type').slice(0, 2)) {
      const returns = /\bfn\s+next\s*\(\s*&\s*mut\s+self\s*\)\s*->\s*([^{\n]+?)\s*(?:\{|where\b|$)/m.exec(
        syntax.definitionText(m) ?? '',
      )?.[1];
      const held = returns ? elementOf(returns) : undefined;
      const name = held && !/\bItem\b/.test(held) ? plainType(held, 'rust') : undefined;
      if (name && name !== type) return name;
    }
  }
  return undefined;
}
