/**
 * Go: what indexing, ranging over and receiving from a value hand out. `xs[i]` and the second
 * name of `for i, x := range xs` are an element of a slice or an array (`[]T`, `[N]T`, through a
 * pointer to an array) or a value of a map (`map[K]V`); `<-ch` and the one name of
 * `for x := range ch` are an element of a channel (`chan T`, `<-chan T`); the first name ranging
 * over a map is a key (over a slice, an index: no members). bindings.ts binds the names and reads
 * the operand; member-types.ts reads a field's or a function's declared type through
 * `goElementOf` when the collection is a field or a result the index declares.
 */
import { closingIndex } from './brackets';

/** The element (`key`: the map key) type's text of a Go collection type's text, or undefined when it is not one (or the element is an index). */
export function goElementOf(typeText: string, key = false): string | undefined {
  let t = typeText.trim();
  // A pointer to an array is indexed and ranged over like the array.
  if (/^\*\s*\[/.test(t)) t = t.replace(/^\*\s*/, '');
  const chan = /^(?:<-\s*)?chan\b\s*(?:<-)?\s*(\S.*)$/s.exec(t);
  if (chan) return chan[1].trim();
  if (t.startsWith('map[')) {
    const close = closingIndex(t, 3, '[', ']');
    if (close < 0) return undefined;
    return (key ? t.slice(4, close) : t.slice(close + 1)).trim() || undefined;
  }
  if (key || !t.startsWith('[')) return undefined;
  const close = closingIndex(t, 0, '[', ']');
  return close < 0 ? undefined : t.slice(close + 1).trim() || undefined;
}

/** Whether ranging over a value of this type binds its first name to an element (a channel) rather than a key or an index. */
export function goRangesElements(typeText: string): boolean {
  return /^(?:<-\s*)?chan\b/.test(typeText.trim());
}

/** Whether a Go type's text can name members: not a slice, array, map, channel or function type (a pointer to a named type can). */
export function goNamesMembers(typeText: string): boolean {
  return !/^(?:\*\s*)*(?:\[|map\[|(?:<-\s*)?chan\b|func\b)/.test(typeText.trim());
}
