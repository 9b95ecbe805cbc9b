/**
 * Go: `return |` in a function declared to return T takes a T; among the package's functions
 * that start the expression, those declared to return T fit (`func (b headerBinding) Bind(…) error
 * { return |` → `mappingByPtr(…) error`). Read from the declaration lines: the enclosing
 * function's in the prefix, a candidate's in its indexed chunk. The other positions whose value
 * is known (an assignment's count of values or declared type, a call's parameter, a pointer's
 * type) are read by go-values.ts and ordered the same way.
 */
import { goPackageDir, goPositionKind } from './go-position';
import {
  declarationLine,
  goTypedValueMismatch,
  goValueMismatch,
  goValueWanted,
  resultOf,
  type GoValueIndex,
  type GoWanted,
} from './go-values';
import type { ChunkRow } from './index-store';
import { goOwnerMismatch } from './go-uses';
import type { DefinitionSite } from './syntax/facts';
import { goEnclosingResult } from './go-enclosing';
import { goFuncTypeFit, type FuncTypeReads } from './go-functypes';
import { goAliasedResult, unqualified, type AliasReads } from './go-qualified';

/** How much of the prefix is read for the enclosing function's declaration. */
const TAIL = 8192;
/**
 * Names whose declarations are read (one query): a position that says what it takes is worth
 * reading more of the package for (on gin, 40 left `return |`'s and `else if |`'s answers unread).
 */
export const MAX_RESULT_EVIDENCE = 100;

interface Keyed {
  site: DefinitionSite;
  key: number[];
}

/**
 * Of the best MAX_RESULT_EVIDENCE names (in `ranked`'s order), those whose declaration fits
 * the position before the others: the fit is added to `key[1]`, the kind-mismatch slot
 * (`rel`: the document's root-relative path, whose package a called function is looked up in).
 */
export function goResultFit<T extends Keyed>(
  index: GoValueIndex,
  rel: string,
  ranked: T[],
  before: string,
  order: (a: T, b: T) => number,
  wanted = goWantedAt(index, rel, before),
): T[] {
  if (!wanted) return ranked;
  const head = ranked.slice(0, MAX_RESULT_EVIDENCE);
  const rows = index.chunks(head.map((r) => r.site.chunkId));
  const reads: InterfaceReads = { n: 0 };
  for (const r of head) {
    const row = rows.get(r.site.chunkId);
    if (!row) continue;
    const miss = 'type' in wanted ? goTypeMismatch(r.site, row, wanted, index, reads) : goValueMismatch(r.site, row, wanted);
    // A value whose type must declare the members used below (go-uses.ts), of those giving the count.
    const owners = 'owners' in wanted && wanted.owners && miss === 0 ? goOwnerMismatch(r.site, row, wanted.owners, index, reads) : 0;
    r.key[1] += miss + owners;
  }
  // `x := |`: a value to name (a `return |` in a constructor builds its type's literal).
  if ('values' in wanted && wanted.values === 1) madeByConstructors(head, rows);
  return [...head.sort(order), ...ranked.slice(MAX_RESULT_EVIDENCE)];
}

/**
 * Go code makes a value of a type through the function its package gives for it where there is one
 * (`p := NewPool()`, not `Pool{}`): a type that one of the names fitting as well returns (its first
 * result, `NewPool() Pool`, `New() (*Engine, error)`) comes after that function, before what fits worse.
 */
function madeByConstructors(head: Keyed[], rows: Map<number, ChunkRow>): void {
  const made = new Map<string, number>();
  for (const r of head) {
    const row = r.site.kind === 'function' ? rows.get(r.site.chunkId) : undefined;
    const result = row ? resultOf(declarationLine(r.site, row)) : undefined;
    const first = result && /^\(?\s*\*?(?:\w+\.)?(\w+)/.exec(result)?.[1];
    if (first) made.set(first, Math.min(made.get(first) ?? Infinity, r.key[1]));
  }
  for (const r of head) {
    const by = r.site.kind === 'type' ? made.get(r.site.name) : undefined;
    if (by !== undefined && by <= r.key[1]) r.key[1] += 0.5;
  }
}

/**
 * What the expression starting at the cursor takes (`return |`, go-values.ts for the rest; `after`:
 * the text after the cursor), undefined when the position says nothing.
 */
export function goWantedAt(index: GoValueIndex, rel: string, before: string, after = ''): GoWanted | undefined {
  const returned = goReturnWanted(before);
  if (returned !== undefined) return { type: returned };
  const position = goPositionKind(before);
  return goValueWanted(before, rel, index, position === 'type', after, position === 'statement');
}

/** The result the function the cursor is in declares, when the cursor starts a `return`'s expression (`error`, `(bool,error)`, `*Engine`). */
export function goReturnWanted(prefix: string): string | undefined {
  const tail = prefix.slice(-TAIL);
  const line = tail.slice(tail.lastIndexOf('\n') + 1);
  if (!/^\s*return\s+$/.test(line)) return undefined;
  // The innermost function, a literal's own (go-enclosing.ts); else the last declaration on one line.
  let result = goEnclosingResult(tail.slice(0, tail.length - line.length));
  if (result === undefined) for (const m of tail.matchAll(/^func\b[^\n]*\{[ \t]*$/gm)) result = resultOf(m[0]) ?? result;
  return result ? normal(result) : undefined;
}

/**
 * How badly `site` fits `return |` in a function returning `wanted`: 0 for a function declared
 * to return it, or its first result when it has several (its declaration line in `row`), or
 * the type itself (`return T{…}`), a constant or variable declared so; 1 for what the index does
 * not say (another type, a signature on several lines, an initialiser it cannot type); 2 for a
 * function declared to return something else, a constant or variable declared otherwise.
 */
export function goResultMismatch(site: DefinitionSite, row: ChunkRow, wanted: string): number {
  const first = wanted.startsWith('(') ? wanted.slice(1, -1).split(',')[0] : wanted;
  if (site.kind === 'type') {
    // A type of a basic kind (`type FieldType uint8`) gives its values by its constants more than by a conversion `FieldType(x)`.
    if (first.replace(/^[*&]/, '').replace(/\[.*$/, '') === site.name)
      return new RegExp(`^\\s*(?:type\\s+)?${site.name}\\s+(?:${BASIC_NAMES})\\s*(?://.*)?$`).test(declarationLine(site, row)) ? 0.5 : 0;
    // A defined type's value (`T{…}`, `T(x)`) is no basic type's: `SetMode(value string)` takes no Context
    // (an alias, `type X = string`, may be that type).
    return BASIC.test(first) && !/^\s*(?:type\s+)?\w+(?:\[[^\]]*\])?\s*=/.test(declarationLine(site, row)) ? 2 : 1;
  }
  if (site.kind === 'constant' || site.kind === 'variable') return goTypedValueMismatch(site, row, first);
  if (site.kind !== 'function' && site.kind !== 'method') return 1;
  const result = resultOf(row.text.split('\n')[site.line - row.startLine] ?? '');
  if (result === undefined) return 1;
  // `return f()` with all the results, or `return g(), nil` with the first.
  return sameResult(normal(result), wanted) ? 0 : 2;
}

function sameResult(got: string, wanted: string): boolean {
  return got === wanted || (wanted.startsWith('(') && got === wanted.slice(1, -1).split(',')[0]);
}

/** The predeclared types no defined type's value is assignable to (an interface, such as `error`, may be implemented). */
const BASIC_NAMES = 'string|bool|byte|rune|u?int(?:8|16|32|64)?|uintptr|float(?:32|64)|complex(?:64|128)';
const BASIC = new RegExp(`^(?:${BASIC_NAMES})$`);

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

/**
 * Members after `x.`: what the position around the receiver wants (`return c.|` in a function
 * returning error, `v, err := c.|`, `x := c.|`, with `index` an argument `f(a, c.|`,
 * `gin.SetMode(gin.|`), read with the receiver left out of `before` (`rel`: the document's
 * root-relative path); undefined when it says nothing.
 */
export function goMemberWanted(before: string, index: GoValueIndex = NO_INDEX, rel = '', after = ''): GoWanted | undefined {
  const lead = goMemberLead(before);
  if (lead === undefined) return undefined;
  const returned = goReturnWanted(lead);
  return returned !== undefined ? { type: returned } : goValueWanted(lead, rel, index, false, after);
}

/** The last TAIL characters of `before` without the receiver chain that ends it (`x.`, `c.Writer.`, `f(a).`), undefined without one. */
export function goMemberLead(before: string): string | undefined {
  const tail = before.slice(-TAIL);
  const lead = tail.replace(/(?:[A-Za-z_]\w*(?:\([^()\n]*\))?(?:\[[^\]\n]*\])?\s*\.\s*)+$/, '');
  return lead.length === tail.length ? undefined : lead;
}

const NO_INDEX: GoValueIndex = { chunks: () => new Map(), definitions: () => [] };

/** How badly a member fits what `goMemberWanted` read (0 fits, 1 not said, 2 does not fit). */
export function goMemberMismatch(
  site: DefinitionSite,
  row: ChunkRow,
  wanted: GoWanted,
  index: GoValueIndex = NO_INDEX,
  reads: InterfaceReads = { n: 0 },
  qualifier?: string,
): number {
  // A condition's member is read by member-fit.ts (boolean-ish).
  if (
    'pointer' in wanted ||
    'implementing' in wanted ||
    'condition' in wanted ||
    'asserted' in wanted ||
    'statement' in wanted ||
    'addressable' in wanted
  )
    return 0;
  if ('type' in wanted) return goTypeMismatch(site, row, wanted, index, reads, qualifier);
  const miss = goValueMismatch(site, row, wanted);
  // `x := pkg.|` with `x.Inc()` below: a value of a type declaring Inc (go-uses.ts).
  return miss === 0 && 'owners' in wanted && wanted.owners ? goOwnerMismatch(site, row, wanted.owners, index, reads) : miss;
}

/**
 * How badly a candidate gives a value of the type wanted; in an `if x := |` header a constant's or a variable's copy fits less than a call.
 * `qualifier`: the package name the candidate is reached by (`zapcore.|`), whose own files write `zapcore.Level` as `Level`.
 */
function goTypeMismatch(
  site: DefinitionSite,
  row: ChunkRow,
  wanted: { type: string; call?: true },
  index: GoValueIndex,
  reads: InterfaceReads,
  qualifier?: string,
): number {
  const copy = wanted.call && (site.kind === 'variable' || site.kind === 'constant') ? 1 : 0;
  const type = qualifier ? unqualified(wanted.type, qualifier) : wanted.type;
  let miss = goResultMismatch(site, row, type);
  // An interface's name is no value (only a conversion `Core(x)` is, to itself).
  if (site.kind === 'interface' && wantedName(type) !== site.name) return 2 + copy;
  // A result named by an alias of its package (`Field`, with `type Field = zapcore.Field`) is the aliased type.
  if (miss === 2 && (site.kind === 'function' || site.kind === 'method')) {
    const result = resultOf(declarationLine(site, row));
    const aliased = result && goAliasedResult(normal(result), goPackageDir(site.path), index, (reads.alias ??= { n: 0 }));
    if (aliased && (sameResult(aliased, wanted.type) || sameResult(aliased, type))) miss = 0;
    // A function passed by name where a function type is wanted (`EncodeDuration: zapcore.|`): by its signature (go-functypes.ts).
    else if (goFuncTypeFit(site, row, wanted.type, index, reads)) miss = 0;
  }
  // `return &counter{…}` where a Counter is wanted: a type of its package implementing the interface.
  if (miss === 1 && site.kind === 'type') {
    if (implementsWanted(site.name, site.path, wanted.type, index, reads)) return copy;
    // `T{…}` or `T(x)` is a T: no other defined type of the workspace that is no interface (an alias may be it).
    return (definedOther(site, row, wanted.type, index, reads) ? 2 : 1) + copy;
  }
  return (
    (miss === 2 && (site.kind === 'function' || site.kind === 'method')
      ? goInterfaceMismatch(site, row, wanted.type, index, reads)
      : miss) + copy
  );
}

/** The workspace interface `wanted` names (its first result when several), undefined when it names no interface. */
function wantedInterface(wanted: string, index: GoValueIndex, reads: InterfaceReads): string | undefined {
  const w = wantedName(wanted);
  return w !== undefined && !/^\(?\*/.test(wanted) && wantedKind(w, index, reads) === 'interface' ? w : undefined;
}

/** The named type `wanted` is, or is a pointer to (its first result when several): `(*zapcore.Entry,error)` → Entry. */
function wantedName(wanted: string): string | undefined {
  const first = wanted.startsWith('(') ? wanted.slice(1, -1).split(',')[0] : wanted;
  return /^\*?(?:\w+\.)?([A-Za-z_]\w*)$/.exec(first)?.[1];
}

/** What the workspace declares by that name: an interface, only defined types (no alias), or something else or nothing. */
function wantedKind(w: string, index: GoValueIndex, reads: InterfaceReads): 'interface' | 'defined' | 'other' {
  reads.iface ??= new Map();
  let kind = reads.iface.get(w);
  if (kind === undefined) {
    const defs = index.definitions(w, 8).filter((d) => d.container === undefined);
    if (defs.some((d) => d.kind === 'interface')) kind = 'interface';
    else if (defs.length > 0 && defs.every((d) => d.kind === 'type' && !isAlias(d, index))) kind = 'defined';
    else kind = 'other';
    reads.iface.set(w, kind);
  }
  return kind;
}

function isAlias(d: DefinitionSite, index: GoValueIndex): boolean {
  const row = index.chunks([d.chunkId]).get(d.chunkId);
  return !row || /^\s*(?:type\s+)?\w+(?:\[[^\]]*\])?\s*=/.test(declarationLine(d, row));
}

/**
 * Whether type `site` is another defined type than the one wanted, a defined type of the workspace that is
 * no interface (`Field{…}` where a Level goes); an alias on either side, or the same name, may be it.
 */
function definedOther(site: DefinitionSite, row: ChunkRow, wanted: string, index: GoValueIndex, reads: InterfaceReads): boolean {
  const w = wantedName(wanted);
  if (w === undefined || w === site.name) return false;
  if (/^\s*(?:type\s+)?\w+(?:\[[^\]]*\])?\s*=/.test(declarationLine(site, row))) return false;
  return wantedKind(w, index, reads) === 'defined';
}

/** Whether type `name` (declared at `path`) is one of its package's types implementing the interface `wanted` names (go-members.ts). */
function implementsWanted(name: string, path: string, wanted: string, index: GoValueIndex, reads: InterfaceReads): boolean {
  const w = wantedInterface(wanted, index, reads);
  return w !== undefined && implementingIn(w, goPackageDir(path), index, reads)?.has(name) === true;
}

function implementingIn(w: string, dir: string, index: GoValueIndex, reads: InterfaceReads): Set<string> | undefined {
  reads.implementing ??= new Map();
  const key = `${dir}\0${w}`;
  if (!reads.implementing.has(key)) reads.implementing.set(key, index.implementing?.(w, dir));
  return reads.implementing.get(key);
}

/** What a fit to an interface has read: its declaration, the types implementing it per package, the declarations read. */
export interface InterfaceReads extends FuncTypeReads {
  n: number;
  iface?: Map<string, 'interface' | 'defined' | 'other'>;
  implementing?: Map<string, Set<string> | undefined>;
  alias?: AliasReads;
}

/** Interface declarations read for what they embed, per ranking. */
const MAX_INTERFACE_READS = 20;

/**
 * A function declared to give another type than the one wanted, where that one is a workspace
 * interface (`MustRegister(cs ...Collector)`): a type implementing it is assignable (0: a type of the
 * function's package declaring all its methods, go-members.ts, or an interface embedding it, `type
 * Counter interface { Metric; Collector; … }`), any other may be (1); 2 when the wanted type is no interface.
 */
function goInterfaceMismatch(site: DefinitionSite, row: ChunkRow, wanted: string, index: GoValueIndex, reads: InterfaceReads): number {
  const w = wantedInterface(wanted, index, reads);
  if (!w) return 2;
  const result = resultOf(row.text.split('\n')[site.line - row.startLine] ?? '') ?? '';
  const got = /^\*?(?:\w+\.)?([A-Za-z_]\w*)$/.exec(result.startsWith('(') ? result.slice(1).split(',')[0].trim() : result.trim())?.[1];
  if (!got) return 1;
  if (implementingIn(w, goPackageDir(site.path), index, reads)?.has(got)) return 0;
  if (reads.n >= MAX_INTERFACE_READS) return 1;
  reads.n++;
  const def = index.definitions(got, 4).find((d) => d.kind === 'interface' && d.container === undefined);
  const declared = def && index.chunks([def.chunkId]).get(def.chunkId);
  if (!def || !declared) return 1;
  const lines = declared.text.split('\n').slice(Math.max(0, def.line - declared.startLine) + 1);
  for (const l of lines) {
    if (/^\}/.test(l)) break;
    if (new RegExp(`^\\s*(?:\\w+\\.)?${w}\\s*(?:\\/\\/.*)?$`).test(l)) return 0;
  }
  return 1;
}
