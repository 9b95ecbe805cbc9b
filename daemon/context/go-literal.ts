/**
 * Go: `x := |` whose next lines are keyed elements (`Message: "test",`) closed by a `}` at the cursor's
 * line's indent is `x := T{` (or `&T{`) with the rest of the line still to come: a composite literal, so
 * the name typed is a struct type declaring those fields (a literal's keys are the struct's own fields,
 * never promoted ones). A `})` there closes a call around the literal (`NewCounter(prometheus.CounterOpts{`),
 * whose name is the call's, so nothing is said then; nor of constant keys no struct has (a map's `InfoLevel:`).
 */
import type { ChunkRow } from './index-store';
import type { DefinitionSite } from './syntax/facts';

/** Lines below the cursor read for the literal's keys. */
const LITERAL_LINES = 40;
/** Keys kept (each checked against a candidate's declaration). */
const MAX_KEYS = 4;

/**
 * The keys of the composite literal the lines after the cursor's line (`after`) continue: keyed elements,
 * those at the first line's indent (deeper than `indent`), closed by `}` alone at `indent`; else [].
 */
export function goLiteralKeysBelow(after: string, indent: string): string[] {
  const keys: string[] = [];
  let level: string | undefined;
  for (const l of after.split('\n', LITERAL_LINES)) {
    if (/^\s*(?:\/\/.*)?$/.test(l)) continue;
    const lead = /^\s*/.exec(l)![0];
    if (lead === indent && l[lead.length] === '}') return /^\s*\}\s*(?:\/\/.*)?$/.test(l) && keys.length > 0 ? keys : [];
    if (lead.length <= indent.length) return [];
    level ??= lead;
    if (lead !== level) continue;
    const key = /^\s*([A-Za-z_]\w*)\s*:\s*\S/.exec(l);
    if (key) {
      if (keys.length < MAX_KEYS && !keys.includes(key[1])) keys.push(key[1]);
    } else if (!/^\s*[}\])]/.test(l)) return [];
  }
  return [];
}

/**
 * How a candidate fits a composite literal with `keys`: 0 a struct type declaring each key as a field (or
 * embedding a type of that name), 2 what is no type or a struct lacking one, 1 another type, a struct whose chunk is cut (`type X Y`,
 * an alias) whose fields its declaration does not show.
 */
export function goLiteralMismatch(site: DefinitionSite, row: ChunkRow, keys: string[]): number {
  if (site.kind !== 'type') return 2;
  const declarationLine = (s: DefinitionSite, r: ChunkRow) => r.text.split('\n')[s.line - r.startLine] ?? '';
  if (!/\bstruct\s*\{\s*$/.test(declarationLine(site, row))) return 1;
  const lines = row.text.split('\n').slice(Math.max(0, site.line - row.startLine) + 1);
  const indent = /^\s*/.exec(declarationLine(site, row))![0].length;
  const fields = new Set<string>();
  let closed = false;
  for (const l of lines) {
    if (l.trimStart().startsWith('}') && /^\s*/.exec(l)![0].length <= indent) {
      closed = true;
      break;
    }
    const code = l.replace(/\/\/.*$|`[^`]*`/g, '').trim();
    // `a, b int`: named fields; `*zapcore.Entry`, `RouterGroup`: an embedded field, named by its type.
    const named = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+\S/.exec(code);
    if (named) for (const n of named[1].split(',')) fields.add(n.trim());
    else {
      const embedded = /^\*?(?:\w+\.)?([A-Za-z_]\w*)(?:\[[^\]]*\])?$/.exec(code);
      if (embedded) fields.add(embedded[1]);
    }
  }
  // A struct whose chunk ends before its `}` may declare the rest further on.
  return keys.every((k) => fields.has(k)) ? 0 : closed ? 2 : 1;
}
