/**
 * Rust: what a loop or an iterator adapter hands out. `for x in xs` binds `x` to an element
 * of `xs`, and so does the first parameter of the closure given to `xs.iter().map(|x| …)`;
 * the element type is the content of the collection type (`Vec<T>`, `&[T]`, `[T; N]`,
 * `VecDeque<T>`, a set, an `Option<T>`, `impl Iterator<Item = T>`). bindings.ts binds the
 * names; member-types.ts reads a field's or method's declared type through `elementOf` when
 * the collection is a field or a method result the index declares.
 */
import { splitTop } from './type-names';

/** Calls that hand out the elements of their receiver unchanged (`xs.iter()`, `xs.drain(..)`, `it.rev()`). */
export const ELEMENT_PRESERVING_CALLS = new Set([
  'iter',
  'iter_mut',
  'into_iter',
  'drain',
  'rev',
  'skip',
  'take',
  'peekable',
  'cloned',
  'copied',
  'by_ref',
  'filter',
  'skip_while',
  'take_while',
  'step_by',
  'values',
  'values_mut',
  'into_values',
]);

/** Calls that hand back (a view of) their receiver's wrapped value: `x.unwrap()`, `x.clone()`, `x.borrow()`, `x.as_deref()`, `x.unwrap_or(d)`. */
export const RUST_IDENTITY_CALLS: ReadonlySet<string> = new Set([
  'unwrap',
  'expect',
  'unwrap_or_default',
  'unwrap_unchecked',
  'clone',
  'to_owned',
  'as_ref',
  'as_mut',
  'borrow',
  'borrow_mut',
  'lock',
  // `Pin` and pin projections (`self.project()`, `self.as_mut().get_mut()`): the same fields and methods.
  'get_mut',
  'get_ref',
  'project',
  'project_ref',
  // Option and smart-pointer views of what the receiver holds.
  'unwrap_or',
  'unwrap_or_else',
  'as_deref',
  'as_deref_mut',
  'as_pin_mut',
  'cloned',
  'copied',
  'deref',
  'deref_mut',
]);

/** Constructors that wrap their argument (`Arc::new(x)`, `Arc::clone(&x)`, `Some(x)`): the argument's type is what members come from. */
export const RUST_WRAPPER_CTORS = /^(Arc|Rc|Box|RefCell|Cell|Mutex|RwLock|Cow|Pin)::new$|^(Arc|Rc)::clone$|^Box::pin$|^(Some|Ok)$/;

/** Adapters whose closure's first parameter is one element (or a reference to one; of an Option or Result, what it holds). */
export const ELEMENT_CLOSURE_CALLS = new Set([
  'map',
  'filter',
  'filter_map',
  'flat_map',
  'for_each',
  'try_for_each',
  'any',
  'all',
  'find',
  'find_map',
  'position',
  'inspect',
  'take_while',
  'skip_while',
  'map_while',
  'retain',
  'max_by_key',
  'min_by_key',
  'sort_by_key',
  'partition',
  // Option and Result: the closure gets what they hold.
  'and_then',
  'is_some_and',
  'is_none_or',
  'is_ok_and',
  'map_or',
  'map_or_else',
  'take_if',
]);

const COLLECTIONS = /^(?:Vec|VecDeque|LinkedList|HashSet|BTreeSet|BinaryHeap|SmallVec|Option|IntoIter|Iter|IterMut|Drain|Peekable|Rev)$/;

/** The element type's text of a collection type's text (`&mut Vec<Conn>` → `Conn`), or undefined when it is not one. */
export function elementOf(typeText: string): string | undefined {
  let t = typeText.trim();
  for (let guard = 0; guard < 4; guard++) {
    t = t.replace(/^(?:&\s*(?:'\w+\s+)?(?:mut\s+)?|\*(?:const|mut)\s+)/, '').trim();
    // `[T]`, `[T; N]`.
    const slice = /^\[(.*?)(?:;[^\]]*)?\]$/s.exec(t);
    if (slice) return slice[1].trim();
    // `impl Iterator<Item = T>`, `Box<dyn Iterator<Item = T> + '_>`.
    const item = /\bItem\s*=\s*([^,>]+(?:<[^>]*>)?)/.exec(t);
    if (item && /\bIterator\b/.test(t)) return item[1].trim();
    const g = /^(?:[\w]+::)*(\w+)\s*<(.*)>$/s.exec(t);
    if (!g) return undefined;
    const args = splitTop(g[2], ',').filter((a) => !a.startsWith("'"));
    if (/^(?:Box|Rc|Arc|Cow)$/.test(g[1]) && args[0]) {
      t = args[0];
      continue;
    }
    return COLLECTIONS.test(g[1]) && args[0] ? args[0] : undefined;
  }
  return undefined;
}
