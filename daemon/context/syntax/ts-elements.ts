/**
 * TypeScript and JavaScript elements: what an array hands out. A written array type is
 * read as its element's (plainType: `Item[]` and `Array<Item>` name Item), so an element of
 * an expression has the expression's type:
 *
 *   xs[0].              an element of `xs` (`x['name']`, a string key, is member `name`)
 *   xs.map((x) => x.)   an array method's callback gets an element (ARRAY_CALLBACKS)
 */
import type { Node } from 'web-tree-sitter';

/** TypeScript array methods whose callback's parameter at this index is an element. */
export const ARRAY_CALLBACKS = new Map<string, number>([
  ['map', 0],
  ['forEach', 0],
  ['filter', 0],
  ['find', 0],
  ['findLast', 0],
  ['findIndex', 0],
  ['some', 0],
  ['every', 0],
  ['flatMap', 0],
  ['reduce', 1],
]);

const TS_FAMILY = new Set(['typescript', 'tsx', 'javascript']);

/**
 * A subscript `o[i]` in TypeScript or JavaScript: its object, and the member a string key names
 * (`o['name']` is `o.name`); without `name` it is an element of the object.
 */
export function tsSubscript(n: Node, grammar: string): { object: Node; name?: string } | undefined {
  if (n.type !== 'subscript_expression' || !TS_FAMILY.has(grammar)) return undefined;
  const object = n.childForFieldName('object');
  const index = n.childForFieldName('index');
  if (!object || !index) return undefined;
  if (index.type !== 'string') return { object };
  const name = /^['"]([A-Za-z_$][\w$]*)['"]$/.exec(index.text)?.[1];
  return name ? { object, name } : undefined;
}
