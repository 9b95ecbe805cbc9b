/**
 * The order of a receiver's members after `x.` (receiver-members.ts finds them). Nothing of
 * the name is typed at a member's first use, so the order comes from evidence:
 *
 * 1. the identifier being typed (a prefix of the name, case first), not used in the file
 *    yet, not private-looking unless the receiver is `this`/`self`, sharing a word with the
 *    name the value is bound to (Rust `let index = args.`), used below the cursor on the
 *    same receiver (TypeScript/JavaScript: `c.req` further down), Go: named by the cursor line
 *    or the two above (`case slog.KindDuration:` over `return zap.`), then used below at all
 *    (the sooner the likelier);
 * 2. for the best MAX_EVIDENCE of those, what the declaration says: TypeScript `private` and
 *    `protected` members are hidden like private-looking names; and against what the
 *    position wants (`member-fit.ts`): a type-level member (static, `@classmethod`, a Rust
 *    function without `self`) after a type's name and an instance member after a value; a
 *    boolean-ish member in a condition (`if x.`, `!x.`, `&& x.`);
 * 3. how much the workspace uses the name (its document frequency, and how often other
 *    files use it through a receiver of the same name: `c.req`, member-uses.ts), name
 *    affinity with the lines above, the depth of the declaring type (the receiver's own
 *    type first, then what it extends).
 *
 * One chunk per name comes first (overloads, getter/setter pairs, `cfg` variants of one
 * method would take several of the first ranks); the others follow.
 */
import type { DocumentUses } from './document-uses';
import { memberPosition, type MemberPosition } from './cursor-position';
import { memberDeclaration, memberFit } from './member-fit';
import { goMemberLead, goMemberMismatch, goMemberWanted, MAX_RESULT_EVIDENCE } from './go-results';
import { goKindMismatch, goPackageDir, goPositionKind } from './go-position';
import type { GoValueIndex } from './go-values';
import { rustMemberMismatch, rustMemberWanted, rustOperatorMethod } from './rust-member-fit';
import type { MemberSite } from './receiver-members';
import type { IndexStore } from './index-store';
import { escapeRe, splitIdentifier } from './identifiers';

/** How much the workspace's uses through the receiver's name weigh against the name's document frequency (hono: 1 and 2 placed alike, 4 no better). */
const WORKSPACE_USE_WEIGHT = 2;

/** Where a Go member named by the lines above stands: after one the same receiver uses below, before one used below. */
const NAMED = 0.5;

/**
 * Go: how close in name to the lines right above a member must be to stand before a use below (nameAffinity: a
 * one-word name on one of the two lines above, `KindDuration` → Duration; a longer one with most of its words there).
 */
const NAMED_AFFINITY = 2 / 3;

/** Members whose declarations are read for the evidence of step 2 (one query). */
export const MAX_EVIDENCE = 40;

export interface MemberRankIndex {
  store: Pick<IndexStore, 'docFrequency' | 'chunks'>;
}

export interface MemberQuery {
  typed: string;
  uses: DocumentUses;
  /** The receiver as written and whether it names a type (`Color.`, `Foo::`) rather than a value. */
  receiver: string;
  typeLevel: boolean;
  /** The prefix up to the identifier being typed (for the position). */
  before: string;
  /** The text after the cursor line (members used on the same receiver there). */
  suffix?: string;
  language: string;
  /** The name the statement binds the member's value to (`let index = args.`: rust-let.ts), if any. */
  bound?: string;
  /** How often the workspace's other files use each member through the receiver's name (member-uses.ts). */
  workspaceUses?: Map<string, number>;
  /** Go: the document's root-relative path and what go-values.ts reads of the index (a call's parameter types). */
  rel?: string;
  goIndex?: GoValueIndex;
}

/** The members in their order (best first). */
export function rankMembers(
  index: MemberRankIndex,
  members: MemberSite[],
  q: MemberQuery,
  affinity: (name: string) => number,
): MemberSite[] {
  // Rust `Self::` reaches the type's associated functions and constants, not its methods on a value.
  const own = /^(this|self)$/.test(q.receiver.split(/\.|::|->/)[0]) || (q.receiver === 'Self' && !q.typeLevel);
  const boundParts = new Set(splitIdentifier(q.bound ?? '').filter((p) => p.length >= 3));
  const receiverParts = new Set(splitIdentifier(q.receiver.split(/\.|::|->/).pop() ?? ''));
  const returnParts = new Set([...boundParts].filter((p) => !receiverParts.has(p)));
  // TypeScript, JavaScript and Rust: in Go one file's `c` is a different type from method to method (on gin it
  // placed worse); on Python's dev repository it helped, on Java's held-out one it hurt: left to their owners.
  const onReceiver =
    JS_FAMILY.test(q.language) || q.language === 'rust' ? receiverUsesBelow(q.receiver, q.suffix ?? '') : new Map<string, number>();
  const goDir = q.language === 'go' && q.rel !== undefined ? goPackageDir(q.rel) : undefined;
  const scored: Array<{ m: MemberSite; key: number[] }> = [];
  // Go members named by the lines above, with where they would stand otherwise.
  const unnamed = new Map<MemberSite, number>();
  for (const m of members) {
    const name = m.site.name;
    const t = typedRank(name, q.typed);
    if (t === undefined || name === 'constructor' || name === '__init__') continue;
    const used = q.uses.before.has(name) ? 1 : 0;
    // Private-looking names are for the class itself, not its users; Go's unexported ones for their own package (folder).
    const hidden =
      (!own && /^[_#]/.test(name)) || (goDir !== undefined && /^[a-z]/.test(name) && goPackageDir(m.site.path) !== goDir) ? 1 : 0;
    const score =
      Math.log1p(index.store.docFrequency(name.toLowerCase())) +
      WORKSPACE_USE_WEIGHT * Math.log1p(q.workspaceUses?.get(name) ?? 0) +
      2 * affinity(name) -
      0.5 * m.depth;
    // A member the file uses further down is likely its first use here; the sooner, the likelier.
    const same = onReceiver.get(name);
    const at = same ?? q.uses.after.get(name);
    // Named like what the value is bound to (`let index = args.` → `index_read`).
    const unlike = boundParts.size > 0 && !splitIdentifier(name).some((p) => boundParts.has(p)) ? 1 : 0;
    const below = same !== undefined ? 0 : at !== undefined ? 1 : 2;
    // Go: named by the cursor line or the two above (`case slog.KindDuration:` over `return zap.` → Duration):
    // before a use below, where the declaration fits the position (below).
    if (q.language === 'go' && below > 0 && affinity(name) >= NAMED_AFFINITY) unnamed.set(m, below);
    scored.push({ m, key: [t, used, hidden, unlike, unnamed.has(m) ? NAMED : below, 0, at ?? -score] });
  }
  scored.sort((a, b) => compareKeys(a.key, b.key) || siteOrder(a.m, b.m));
  const goWanted = q.language === 'go' ? goMemberWanted(q.before, q.goIndex, q.rel, q.suffix) : undefined;
  const goReads = { n: 0 };
  // Where a Go position says which type it takes, more declarations are worth reading (a package has hundreds of names).
  const evidence =
    goWanted && ('type' in goWanted || 'literal' in goWanted || ('values' in goWanted && goWanted.values > 1))
      ? MAX_RESULT_EVIDENCE
      : MAX_EVIDENCE;
  const head = scored.slice(0, evidence);
  const position = memberPosition(q.before, q.language);
  const rows = index.store.chunks(head.map((s) => s.m.site.chunkId));
  // Go `pkg.`: a package's types, constants and interfaces start no statement, an interface is no value, a type goes where one does.
  const goPackageKind = q.language !== 'go' ? undefined : goNamespacePosition(q.before, position);
  const rustWanted = q.language === 'rust' ? rustMemberWanted(q.before, q.suffix ?? '') : undefined;
  for (const s of head) {
    const row = rows.get(s.m.site.chunkId);
    if (!row) continue;
    const declared = memberDeclaration(s.m.site, row);
    s.key[5] = memberFit(s.m.site, row, { position, typeLevel: q.typeLevel, own }, declared);
    // TypeScript `private`/`protected`: for the class itself, as a `#` or `_` name is.
    if (declared.restricted && !own) s.key[2] = 1;
    // Go: a member declared to give what the position takes (go-results.ts); after a use below (on gin, before it placed worse).
    // The type a call below takes of `x := r.|` may be what a chain from r's member gives (`r.MultipartForm.File[key]`).
    if (goWanted && !('passed' in goWanted && s.m.signal !== 'namespace-member')) {
      // After `pkg.`, the package's own files write `pkg.T` as `T` (go-qualified.ts).
      // A method of another package's type writes its package's names so too (its folder's name, as go-values.ts reads a package's).
      const elsewhere = goDir !== undefined && goPackageDir(s.m.site.path) !== goDir ? s.m.site.path.split('/').at(-2) : undefined;
      const qualifier = s.m.signal === 'namespace-member' ? q.receiver : elsewhere;
      const miss = goMemberMismatch(s.m.site, row, goWanted, q.goIndex, goReads, qualifier);
      s.key[5] += miss;
      // A function (or a type) declared to give something else is not the one used below either (a value may start a chain: `json.API.`).
      if (miss >= 2 && /^(?:function|method|type|interface|constant)$/.test(s.m.site.kind)) s.key[4] += 2;
    }
    if (goPackageKind && s.m.signal === 'namespace-member') s.key[5] += goKindMismatch(s.m.site.kind, goPackageKind);
    // Rust: a statement calls for an effect, `let (a, b) =` takes a tuple (rust-member-fit.ts).
    const rustMiss = rustWanted ? rustMemberMismatch(s.m.site, row, rustWanted, declared.rust) : 0;
    s.key[5] += rustMiss;
    // A pattern `(a, b)` does not take what is not a pair, `x = x.` what is not x's type (neither would compile),
    // and a statement calls for an effect (a member used below that returns a value is read there): that outranks a use below.
    s.key[4] += 2 * rustMiss;
    if (q.language === 'rust') {
      // `let settings = srv.` is named like what the member gives as well as like the member (`-> frame::Settings`);
      // not a name taken from the receiver's (`let service1 = service.`: another of the same).
      if (s.key[3] === 1 && declared.rust?.returns && splitIdentifier(declared.rust.returns).some((p) => returnParts.has(p))) s.key[3] = 0;
      // A function without `self` is never called on a value (`x.new()` does not compile): after every method.
      if (!q.typeLevel && declared.level === 'type') s.key[2] = 1;
      // `impl Deref for Ptr { fn deref(…) }`, a `Debug`'s `fmt`: run by `*x`, `{:?}`, seldom called by name.
      if (rustOperatorMethod(s.m.site, row)) s.key[2] = 1;
      // A value position has no use for `()`: what it reads outranks a use below.
      if ((position === 'value' || position === 'condition') && declared.returnsNothing) s.key[4] += 2;
      // `format!("{}", crate::flags::`: an expression goes on to a value (a constant, a function, a type's item), seldom to a trait or module.
      if (position === 'value' && (s.m.site.kind === 'trait' || s.m.site.kind === 'module')) s.key[5] += 1;
    }
    // Named above but declared to fit the position worse: where it stood.
    if (s.key[5] > 0 && unnamed.has(s.m)) s.key[4] += unnamed.get(s.m)! - NAMED;
    // A Go statement says more than a use below: a member used below that returns something is read there, not called here.
    if (position === 'statement') s.key[4] += 2 * s.key[5];
    // TypeScript/JavaScript: a condition reads a boolean (`if (!stream.` → `closed: boolean`) before a use below.
    if (JS_FAMILY.test(q.language) && position === 'condition') s.key[4] += 2 * s.key[5];
  }
  head.sort((a, b) => compareKeys(a.key, b.key) || siteOrder(a.m, b.m));
  const ordered = [...head, ...scored.slice(evidence)].map((s) => s.m);
  const first: MemberSite[] = [];
  const again: MemberSite[] = [];
  const seen = new Set<string>();
  for (const m of ordered) {
    (seen.has(m.site.name) ? again : first).push(m);
    seen.add(m.site.name);
  }
  return [...first, ...again];
}

const JS_FAMILY = /^(typescript|typescriptreact|javascript|javascriptreact)$/;

/** Scanned of the suffix for the receiver's member uses (as much as `documentUses` reads). */
const MAX_SUFFIX_SCAN = 100_000;

/** The first offset in `suffix` of each member used on `receiver` (`c.req`, `self.pool`, `x->y`, `a::b`). */
export function receiverUsesBelow(receiver: string, suffix: string): Map<string, number> {
  const out = new Map<string, number>();
  if (receiver === '' || receiver.length > 200) return out;
  const recv = escapeRe(receiver).replace(/\\\./g, '\\s*\\??\\.\\s*');
  const re = new RegExp(`(?<![\\w$.])${recv}[ \\t]*(?:\\?\\.|\\.|::|->)[ \\t]*([A-Za-z_$][\\w$]*)`, 'g');
  for (const m of suffix.slice(0, MAX_SUFFIX_SCAN).matchAll(re)) if (!out.has(m[1])) out.set(m[1], m.index);
  return out;
}

/** 0: the name starts with what is typed (case and all); 1: ignoring case; undefined: it does not. */
export function typedRank(name: string, typed: string): number | undefined {
  if (typed === '' || name.startsWith(typed)) return 0;
  return name.toLowerCase().startsWith(typed.toLowerCase()) ? 1 : undefined;
}

export function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** What a Go package's name after `pkg.` must be: a type (`func f(r render.|`, `var x pkg.|`), a statement's start, a value. */
function goNamespacePosition(before: string, position: MemberPosition): 'type' | 'statement' | 'value' | undefined {
  if (position === 'statement') return 'statement';
  const lead = goMemberLead(before);
  if (lead !== undefined && goPositionKind(lead) === 'type') return 'type';
  return position === 'other' ? undefined : 'value';
}

function siteOrder(a: MemberSite, b: MemberSite): number {
  return a.site.path < b.site.path ? -1 : a.site.path > b.site.path ? 1 : a.site.line - b.site.line;
}
