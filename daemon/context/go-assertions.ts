/**
 * Go: `var _ |` (or `_ |` in a `var (…)` block) starts the assertion Go code writes beside a
 * type that implements an interface, `var _ setter = (*multipartRequest)(nil)`: the type there
 * is an interface, and most likely the one whose methods the file goes on to declare (`func (r
 * *multipartRequest) TrySet(…)` below: the interface listing TrySet). A concrete type there
 * asserts nothing.
 *
 * Read from the cursor's line, the document's method declarations (the last and first
 * DOCUMENT_SCAN characters around the cursor) and the interface's indexed declaration.
 */
import type { ChunkRow } from './index-store';
import type { DefinitionSite } from './syntax/facts';

/** How much of the document on each side of the cursor is read for its method declarations. */
const DOCUMENT_SCAN = 64_000;

const METHOD_DECL = /^func\s*\(\s*(?:\w+\s+)?\*?\s*\w+(?:\[[^\]\n]*\])?\s*\)\s*(\w+)/gm;

/** The methods the document declares after the cursor (the asserted type's, which follow the assertion) and before it. */
export interface AssertionMethods {
  after: Set<string>;
  before: Set<string>;
}

/**
 * The names of the methods the document declares when the cursor's line starts a blank-identifier
 * assertion (`var _ |`, `_ |` in a group), else undefined.
 */
export function goAssertionMethods(line: string, before: string, after: string): AssertionMethods | undefined {
  if (!/^\s*(?:var\s+)?_\s+$/.test(line)) return undefined;
  const names = (text: string) => new Set([...text.matchAll(METHOD_DECL)].map((m) => m[1]));
  return { after: names(after.slice(0, DOCUMENT_SCAN)), before: names(before.slice(-DOCUMENT_SCAN)) };
}

/**
 * How badly a candidate fits `var _ |`: 0 an interface listing a method the document declares
 * below, 1 one declared above, 2 another interface, 3 anything else (`row` holds its declaration).
 */
export function goAssertionMismatch(site: DefinitionSite, row: ChunkRow, methods: AssertionMethods): number {
  if (site.kind !== 'interface') return 3;
  const lines = row.text.split('\n');
  let fit = 2;
  for (let i = site.line - row.startLine + 1; i < lines.length && !/^\s*\}/.test(lines[i]); i++) {
    const m = /^\s+(\w+)\s*\(/.exec(lines[i]);
    if (m && methods.after.has(m[1])) return 0;
    if (m && methods.before.has(m[1])) fit = 1;
  }
  return fit;
}
