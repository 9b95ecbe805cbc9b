/**
 * Rust: names bound by destructuring an enum variant (`State::Open(ref conn) => conn.`,
 * `if let Msg::Data { body, .. } = m`; a struct by its own name, `let Conn { io, .. } = c`, binds its
 * fields). Each is a field of the variant: the tuple field at a
 * position or the named field, whose declared type is in the enum's declaration
 * (`enum State { Open(Conn), … }`). bindings.ts binds the names to a step from the enum;
 * member-types.ts reads the field's type from the enum's indexed text.
 */
import type { Node } from 'web-tree-sitter';
import { splitTop } from './type-names';

export interface VariantBinding {
  /** The bound name. */
  name: string;
  /** The enum as the pattern names it (`State`, `Self`, last segment of a path). */
  enumName: string;
  /** Absent for a struct destructured by its own name (`let Conn { io, .. } = c`): `field` is one of its fields. */
  variant?: string;
  /** The tuple position or the field name. */
  field: number | string;
}

const MAX_FIELDS = 8;

/** The names a variant pattern binds (`E::V(a, ref b)`, `E::V { x, y: ref z }`); [] for other patterns or a variant without its enum. */
export function variantBindings(pattern: Node | null | undefined): VariantBinding[] {
  if (!pattern || (pattern.type !== 'tuple_struct_pattern' && pattern.type !== 'struct_pattern')) return [];
  const path = pattern.childForFieldName('type');
  if (path && pattern.type === 'struct_pattern' && /^(type_identifier|identifier)$/.test(path.type)) return structFields(pattern, path);
  if (!path || !/^scoped_(type_)?identifier$/.test(path.type)) return [];
  const enumName = path.childForFieldName('path')?.text.split('::').pop();
  const variant = path.childForFieldName('name')?.text;
  if (!enumName || !variant || !/^[A-Z]/.test(enumName)) return [];
  const out: VariantBinding[] = [];
  // `_` is not a named node: positions count it too.
  const kids = pattern.children.filter((c): c is Node => !!c && c.id !== path.id && (c.isNamed || c.text === '_'));
  kids.slice(0, MAX_FIELDS).forEach((c, i) => {
    if (pattern.type === 'tuple_struct_pattern') {
      const name = boundName(c);
      if (name) out.push({ name, enumName, variant, field: i });
    } else if (c.type === 'field_pattern') {
      const field = c.childForFieldName('name')?.text;
      const inner = c.childForFieldName('pattern');
      const name = inner ? boundName(inner) : field;
      if (field && name) out.push({ name, enumName, variant, field });
    }
  });
  return out;
}

/** `Conn { io, state: ref mut st, .. }` (a struct, or `Self`, by its own name): each name bound to that field of the struct. */
function structFields(pattern: Node, path: Node): VariantBinding[] {
  const enumName = path.text;
  if (!/^[A-Z]/.test(enumName)) return [];
  const out: VariantBinding[] = [];
  for (const c of pattern.namedChildren.slice(0, MAX_FIELDS + 1)) {
    if (c?.type !== 'field_pattern') continue;
    const field = c.childForFieldName('name')?.text;
    const inner = c.childForFieldName('pattern');
    const name = inner ? boundName(inner) : field;
    if (field && name) out.push({ name, enumName, field });
  }
  return out;
}

function boundName(p: Node): string | undefined {
  let n: Node | null = p;
  for (let guard = 0; n && guard < 4; guard++) {
    if (n.type === 'identifier') return n.text === '_' ? undefined : n.text;
    if (/^(ref_pattern|mut_pattern|reference_pattern)$/.test(n.type)) n = n.lastNamedChild;
    else return undefined;
  }
  return undefined;
}

/** The declared type text of a variant's field in an enum's text (`Open(Conn, u8)` position 0 → `Conn`; `Data { body: Body }` → `Body`). */
export function variantFieldType(enumText: string, variant: string, field: number | string): string | undefined {
  const at = new RegExp(`(?:^|[\\s,{])${variant}\\s*([({])`, 'm').exec(enumText);
  if (!at) return undefined;
  const open = at.index + at[0].length - 1;
  const close = enumText[open] === '(' ? ')' : '}';
  let depth = 0;
  let end = -1;
  for (let i = open; i < enumText.length && i < open + 4000; i++) {
    const c = enumText[i];
    if (c === '(' || c === '{' || c === '<' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === '>' || c === ']') {
      depth--;
      if (depth === 0 && c === close) {
        end = i;
        break;
      }
    }
  }
  if (end < 0) return undefined;
  const parts = splitTop(enumText.slice(open + 1, end), ',').map((p) => p.replace(/^\s*(?:(?:\/\/[^\n]*|#\[[^\]]*\])\s*)*/, '').trim());
  if (typeof field === 'number') return parts[field]?.replace(/^pub(?:\([^)]*\))?\s+/, '') || undefined;
  for (const p of parts) {
    const m = /^(?:pub(?:\([^)]*\))?\s+)?(\w+)\s*:\s*([\s\S]+)$/.exec(p);
    if (m && m[1] === field) return m[2].trim();
  }
  return undefined;
}

/** A tuple struct's field by position (`struct Guard<'a>(pub &'a Conn, u8);` position 0 → `pub &'a Conn` read as `&'a Conn`), for `self.0`. */
export function tupleStructFieldType(structText: string, name: string, index: number): string | undefined {
  const m = new RegExp(`\\bstruct\\s+${name}\\s*(?:<[^(){};]*>)?\\s*\\(`).exec(structText);
  if (!m) return undefined;
  // The field list read as a variant's of the same name.
  return variantFieldType(name + structText.slice(m.index + m[0].length - 1), name, index);
}
