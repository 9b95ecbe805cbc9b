/**
 * Rust: the trait each type parameter in scope at the cursor is bound by (`impl<I: Read, B>
 * Conn<I, B> where B: Body`: I → Read, B → Body; the enclosing function's own parameters
 * too). A field declared with a type parameter (`io: I`) then has the bound's methods
 * (member-types.ts follows a chain through it). The inner declaration wins over the outer.
 *
 * Read from the tree where it holds the headers, and from the `impl` header line the
 * layout shows (rust-self.ts) when the parse window starts below it.
 */
import type { Node } from 'web-tree-sitter';
import { plainType, splitTop } from './type-names';

const MAX_PARAMS = 16;

/** Type parameter → its first trait bound, for the declarations around `at` (and the `impl` header line `header`). */
export function rustBoundsInScope(at: Node, header?: string): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (name: string | undefined, bound: string | undefined) => {
    if (name && bound && !(name in out) && Object.keys(out).length < MAX_PARAMS) out[name] = bound;
  };
  for (let n: Node | null = at, guard = 0; n && guard < 40; n = n.parent, guard++) {
    if (!/^(impl_item|function_item|trait_item|struct_item|enum_item)$/.test(n.type)) continue;
    const lists = [n.childForFieldName('type_parameters'), n.namedChildren.find((c) => c?.type === 'where_clause')];
    for (const list of lists) {
      for (const p of list?.namedChildren ?? []) {
        if (!p) continue;
        const name = (p.childForFieldName('name') ?? p.childForFieldName('left'))?.text;
        const bounds = p.childForFieldName('bounds');
        set(name, bounds ? firstBound(bounds.namedChildren.map((b) => b?.text ?? '')) : undefined);
      }
    }
  }
  if (header) for (const [name, bound] of Object.entries(headerBounds(header))) set(name, bound);
  return out;
}

/** `impl<I: Read + Write, B, T: Http1Transaction>` → { I: Read, T: Http1Transaction }. */
export function headerBounds(header: string): Record<string, string> {
  const m = /\bimpl\s*<(.*?)>\s*(?:[\w:]|!)/.exec(header);
  const out: Record<string, string> = {};
  if (!m) return out;
  for (const param of splitTop(m[1], ',')) {
    const p = /^([A-Z]\w*)\s*:\s*(.+)$/s.exec(param.trim());
    const bound = p ? firstBound(p[2].split('+')) : undefined;
    if (p && bound) out[p[1]] = bound;
  }
  return out;
}

/** The first bound that names a trait (not a lifetime, `?Sized` or `Sized`). */
function firstBound(bounds: string[]): string | undefined {
  for (const b of bounds) {
    const t = b.trim();
    if (t.startsWith("'") || t.startsWith('?')) continue;
    const name = plainType(t, 'rust');
    if (name && name !== 'Sized') return name;
  }
  return undefined;
}
