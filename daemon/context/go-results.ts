/**
 * Go: `return |` in a function declared to return T takes a T; among the package's functions
 * that start the expression, those declared to return T fit (`func (b headerBinding) Bind(…) error
 * { return |` → `mappingByPtr(…) error`). Read from the declaration lines: the enclosing
 * function's in the prefix, a candidate's in its indexed chunk.
 */
import type { ChunkRow } from './index-store';
import type { DefinitionSite } from './syntax/facts';

/** How much of the prefix is read for the enclosing function's declaration. */
const TAIL = 8192;
/** Names whose declarations are read (one query). */
export const MAX_RESULT_EVIDENCE = 40;

interface Keyed {
  site: DefinitionSite;
  key: number[];
}

/**
 * Of the best MAX_RESULT_EVIDENCE names (in `ranked`'s order), those whose declared result
 * fits the position before the others: the fit is added to `key[1]`, the kind-mismatch slot.
 */
export function goResultFit<T extends Keyed>(
  chunks: (ids: number[]) => Map<number, ChunkRow>,
  ranked: T[],
  before: string,
  order: (a: T, b: T) => number,
): T[] {
  const wanted = goReturnWanted(before);
  if (!wanted) return ranked;
  const head = ranked.slice(0, MAX_RESULT_EVIDENCE);
  const rows = chunks(head.map((r) => r.site.chunkId));
  for (const r of head) {
    const row = rows.get(r.site.chunkId);
    if (row) r.key[1] += goResultMismatch(r.site, row, wanted);
  }
  return [...head.sort(order), ...ranked.slice(MAX_RESULT_EVIDENCE)];
}

/** The result the function the cursor is in declares, when the cursor starts a `return`'s expression (`error`, `(bool,error)`, `*Engine`). */
export function goReturnWanted(prefix: string): string | undefined {
  const tail = prefix.slice(-TAIL);
  const line = tail.slice(tail.lastIndexOf('\n') + 1);
  if (!/^\s*return\s+$/.test(line)) return undefined;
  let result: string | undefined;
  for (const m of tail.matchAll(/^func\b[^\n]*\{[ \t]*$/gm)) result = resultOf(m[0]) ?? result;
  return result ? normal(result) : undefined;
}

/** The result a one-line declaration `func (r T) Name[P any](params) result {` states ('' for none), undefined when it cannot say. */
function resultOf(decl: string): string | undefined {
  const m = /^func\s*(?:\([^()]*\)\s*)?\w+\s*(?:\[[^\]]*\])?\s*\(/.exec(decl);
  if (!m) return undefined;
  let depth = 1;
  let i = m[0].length;
  for (; i < decl.length && depth > 0; i++) {
    if (decl[i] === '(') depth++;
    else if (decl[i] === ')') depth--;
  }
  if (depth > 0) return undefined;
  return /^\s*([^{]*?)\s*\{?\s*$/.exec(decl.slice(i))?.[1];
}

/**
 * How badly `site` fits `return |` in a function returning `wanted`: 0 for a function declared
 * to return it, or its first result when it has several (its declaration line in `row`), or
 * the type itself (`return T{…}`); 1 for what
 * the index does not say (a variable, another type, a signature on several lines); 2 for a
 * function declared to return something else.
 */
export function goResultMismatch(site: DefinitionSite, row: ChunkRow, wanted: string): number {
  const first = wanted.startsWith('(') ? wanted.slice(1, -1).split(',')[0] : wanted;
  if (site.kind === 'type') return first.replace(/^[*&]/, '').replace(/\[.*$/, '') === site.name ? 0 : 1;
  if (site.kind !== 'function') return 1;
  const result = resultOf(row.text.split('\n')[site.line - row.startLine] ?? '');
  if (result === undefined) return 1;
  const got = normal(result);
  // `return f()` with all the results, or `return g(), nil` with the first.
  return got === wanted || got === first ? 0 : 2;
}

/** A result as written, without spaces or result names (`(n int, err error)` → `(int,error)`). */
function normal(result: string): string {
  const t = result.trim();
  if (!t.startsWith('(')) return t.replace(/\s+/g, '');
  const parts = t
    .slice(1, -1)
    .split(',')
    .map((p) => p.trim().split(/\s+/).pop() ?? '');
  return `(${parts.join(',')})`;
}
