/**
 * Rust: the types an item-level macro invocation declares. `pin_project! { pub struct Connection<T> { #[pin]
 * inner: Dispatcher<T>, … } }`, `bitflags! { pub struct Flags: u32 { … } }` and `cfg_*! { … }` wrappers hold
 * their items in a token tree, which the grammar does not parse as items: the struct would not be a
 * definition, and a receiver of its type would have no members (its `impl` blocks name it as their container).
 * The struct, enum, trait or union keyword followed by a capitalised name, at the invocation's own level of
 * braces (not inside a field's or a function's body), declares one.
 */
import type { Node } from 'web-tree-sitter';
import type { Definition, DefinitionKind } from './types';

const MAX_ITEMS = 32;
/** Invocations read per file (item-level only). */
const MAX_MACROS = 200;

/** Definitions of the types the item-level macro invocations under `root` (and its inline `mod`s) declare. */
export function rustMacroItems(root: Node, text: string): Definition[] {
  const out: Definition[] = [];
  const work: Node[] = [root];
  let macros = 0;
  while (work.length > 0 && macros < MAX_MACROS && out.length < MAX_ITEMS) {
    const n = work.pop()!;
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === 'mod_item') {
        const body = c.childForFieldName('body');
        if (body) work.push(body);
      } else if (c.type === 'macro_invocation' && macros++ < MAX_MACROS) {
        out.push(...itemsIn(text.slice(c.startIndex, c.endIndex), c.startPosition.row, c.endPosition.row));
      }
    }
  }
  return out.slice(0, MAX_ITEMS);
}

function itemsIn(macro: string, firstRow: number, lastRow: number): Definition[] {
  const open = macro.search(/[{([]/);
  if (open < 0) return [];
  const out: Definition[] = [];
  const re = /\b(struct|enum|trait|union)\s+([A-Z]\w*)/g;
  let depth = 0;
  let scanned = open;
  let row = firstRow;
  for (const m of macro.matchAll(re)) {
    if (m.index < open) continue;
    // The braces between the invocation's own and the keyword: only at its first level.
    for (; scanned < m.index; scanned++) {
      const ch = macro[scanned];
      if (ch === '{' || ch === '(' || ch === '[') depth++;
      else if (ch === '}' || ch === ')' || ch === ']') depth--;
      else if (ch === '\n') row++;
    }
    if (depth !== 1) continue;
    const kind: DefinitionKind = m[1] === 'union' ? 'struct' : (m[1] as DefinitionKind);
    out.push({ name: m[2], kind, line: row + 1, startLine: firstRow + 1, endLine: lastRow + 1 });
  }
  return out;
}
