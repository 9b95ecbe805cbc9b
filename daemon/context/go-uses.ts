/**
 * Go: `x := |` with `x.Inc()` below: x's type has a method (or field) Inc, so of the functions
 * giving one value those returning a type that declares every member used below fit, and so does
 * a type that does (`x := T{…}`). The types declaring a member are its definitions' containers
 * (an interface's methods are contained in it, go-rules.ts); a type embedding one of them has its
 * members too (`Engine` embeds `RouterGroup`, which declares `GET`).
 */
import { goScopeLines } from './go-enclosing';
import type { ChunkRow } from './index-store';
import type { DefinitionSite } from './syntax/facts';
import type { GoValueIndex } from './go-values';
import { declarationLine, resultOf } from './go-values';

/** Lines below the cursor read for the bound name's member uses. */
const USE_LINES = 40;
/** Members used below that are looked up (one query each). */
const MAX_USED = 3;
/** Definitions of a used member read for the types declaring it. */
const MEMBER_DEFINITIONS = 50;
/** Candidates whose type's declaration is read for what it embeds (one query each). */
export const MAX_EMBED_READS = 20;

/** The members used through `name` below (`name.Inc()`, `name.Help`), up to the enclosing function's end. */
export function goMembersUsedBelow(name: string, after: string, indent = ''): string[] {
  const out: string[] = [];
  const re = new RegExp(`(?<![\\w.])${name}\\.([A-Za-z_]\\w*)`, 'g');
  // Uses in the block the name is declared in (go-enclosing.ts): after its `}` another `enc` is meant.
  for (const l of goScopeLines(after, USE_LINES, indent)) {
    if (/^(?:\}|func\b)/.test(l)) break;
    // Reassigned from elsewhere: what follows says nothing of this value.
    if (new RegExp(`^\\s*${name}\\s*:?=`).test(l)) break;
    // A function literal's parameter of that name (`func(enc zapcore.ArrayEncoder) error {`) is another value.
    if (new RegExp(`\\bfunc\\s*\\([^)]*\\b${name}\\s+[\\w*.[\\]]`).test(l)) break;
    for (const m of l.matchAll(re)) if (!out.includes(m[1]) && out.length < MAX_USED) out.push(m[1]);
  }
  return out;
}

/**
 * The types declaring each of `members`, one set a member (undefined when one of them no type of the
 * workspace declares): a type has them all when it declares, or embeds one declaring, each (`r.Use(…)`
 * and `r.ServeHTTP(…)` on an Engine, which declares ServeHTTP and Use, and `r.GET` from the RouterGroup it embeds).
 */
export function goOwners(members: string[], index: GoValueIndex): Set<string>[] | undefined {
  const owners: Set<string>[] = [];
  for (const m of members) {
    const of = new Set(
      index
        .definitions(m, MEMBER_DEFINITIONS)
        .map((d) => d.container)
        .filter((c): c is string => c !== undefined),
    );
    if (of.size === 0) return undefined;
    owners.push(of);
  }
  return owners.length > 0 ? owners : undefined;
}

/**
 * How a candidate fits a value whose type declares the members used below (0 fits or cannot be told,
 * 1 its type is a workspace type that neither declares them nor embeds one that does). `reads` counts the
 * type declarations read so far (at most MAX_EMBED_READS).
 */
export function goOwnerMismatch(
  site: DefinitionSite,
  row: ChunkRow,
  owners: Set<string>[],
  index: GoValueIndex,
  reads: { n: number },
): number {
  let type: string | undefined;
  if (site.kind === 'type') type = site.name;
  else if (site.kind === 'function') {
    const result = resultOf(declarationLine(site, row));
    const first = result?.startsWith('(') ? result.slice(1).split(',')[0].trim().split(/\s+/).pop() : result;
    type = first ? /^\*?(?:\w+\.)?([A-Za-z_]\w*)$/.exec(first.trim())?.[1] : undefined;
  }
  const missing = type === undefined ? [] : owners.filter((o) => !o.has(type));
  if (type === undefined || missing.length === 0) return 0;
  if (reads.n >= MAX_EMBED_READS) return 0;
  reads.n++;
  const def = index.definitions(type, 4).find((d) => d.kind === 'type' || d.kind === 'interface');
  // Not a type of the workspace (a built-in, another module's): nothing known.
  if (!def) return 0;
  const declared = index.chunks([def.chunkId]).get(def.chunkId);
  if (!declared) return 0;
  const lines = declared.text.split('\n').slice(Math.max(0, def.line - declared.startLine));
  const embeds: string[] = [];
  // A struct's or an interface's body (`type HandlerFunc func(*Context)` embeds nothing).
  for (const l of /\b(?:struct|interface)\s*\{\s*$/.test(lines[0] ?? '') ? lines.slice(1) : []) {
    if (/^\}/.test(l)) break;
    const embedded = /^\s*\*?(?:\w+\.)?([A-Za-z_]\w*)\s*(?:\/\/.*|`[^`]*`)?$/.exec(l);
    if (embedded) embeds.push(embedded[1]);
  }
  // What the type does not declare, a type it embeds must.
  return missing.every((o) => embeds.some((e) => o.has(e))) ? 0 : 1;
}
