/**
 * TypeScript and JavaScript elements: what an array hands out. A written array type is
 * read as its element's (plainType: `Item[]` and `Array<Item>` name Item), so an element of
 * an expression has the expression's type:
 *
 *   xs[0].              an element of `xs` (`x['name']`, a string key, is member `name`)
 *   xs.map((x) => x.)   an array method's callback gets an element (ARRAY_CALLBACKS)
 */
import type { Node } from 'web-tree-sitter';
import { splitTop } from './type-names';

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

/**
 * TypeScript and JavaScript collections: which type argument of a library collection an
 * access hands out, as the compiler's lib declarations say (lib.es5.d.ts, lib.es2015.*.d.ts):
 *
 *   index     `xs[i]`        T of `T[]`, `Array<T>`, `ReadonlyArray<T>`; V of `Record<K, V>`, `{ [k: string]: V }`
 *   iterate   `for (x of xs)`, `xs.map((x) => …)`: T of an array, `Set<T>`, `ReadonlySet<T>`
 *   forEach   `xs.forEach((x) => …)`: what iterate gives, and V of `Map<K, V>` (its callback's value comes first)
 *   get       `m.get(k)`     V of `Map<K, V>`, `ReadonlyMap<K, V>`, `WeakMap<K, V>`
 *
 * The element's text is returned as written (the caller reads the plain type of it).
 */
export type CollectionAccess = 'index' | 'iterate' | 'forEach' | 'get';

const ARRAYS = new Set(['Array', 'ReadonlyArray']);
const SETS = new Set(['Set', 'ReadonlySet']);
const MAPS = new Set(['Map', 'ReadonlyMap', 'WeakMap']);

/** The element type text an access to a collection written `type` gives, if the type is one of the library's collections. */
export function collectionElement(type: string, access: CollectionAccess): string | undefined {
  const t = type
    .replace(/^:\s*/, '')
    .trim()
    .replace(/^readonly\s+/, '');
  const array = /^(.+?)\s*\[\]$/s.exec(t);
  if (array) return access === 'get' ? undefined : array[1].replace(/^\((.*)\)$/s, '$1');
  // `{ [key: string]: V }`: an index signature alone.
  const signature = /^\{\s*\[\s*[\w$]+\s*:\s*[^\]]+\]\s*\??\s*:\s*(.+?)\s*;?\s*\}$/s.exec(t);
  if (signature) return access === 'index' ? signature[1] : undefined;
  const g = /^([A-Za-z_$][\w$]*)\s*<(.*)>$/s.exec(t);
  if (!g) return undefined;
  const args = splitTop(g[2], ',');
  const outer = g[1];
  if (ARRAYS.has(outer) && args.length === 1) return access === 'get' ? undefined : args[0];
  if (SETS.has(outer) && args.length === 1) return access === 'iterate' || access === 'forEach' ? args[0] : undefined;
  if (MAPS.has(outer) && args.length === 2) return access === 'get' || access === 'forEach' ? args[1] : undefined;
  if (outer === 'Record' && args.length === 2) return access === 'index' ? args[1] : undefined;
  return undefined;
}

/** The collection type a binding is written with: its annotation, else what `new Map<K, V>()` constructs (the compiler infers that). */
export function writtenCollection(type: Node | null | undefined, value: Node | null | undefined): string | undefined {
  if (type) return type.text;
  if (value?.type !== 'new_expression') return undefined;
  const args = value.childForFieldName('type_arguments');
  const ctor = value.childForFieldName('constructor');
  return ctor && args ? `${ctor.text}${args.text}` : undefined;
}
