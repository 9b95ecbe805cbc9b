/**
 * The imports retriever: the definitions the cursor most likely needs next, from what the
 * current file can see (its imports, its package, the receiver before a dot), read from the
 * syntax facts of the index. Each chunk it places says which signal placed it:
 *
 * - after `x.`: the members of what `x` is (receiver-members.ts: `receiver-member`,
 *   `namespace-member`) in the order member-ranking.ts gives them (what is typed, not used
 *   yet, used below, what the declaration says against the position, workspace use and
 *   name affinity);
 * - otherwise: names the file imports but does not use yet (`unused-import`; one used
 *   nowhere else in the file is about to be used here, then the next ones used below the
 *   cursor), and names of its own package it can use without an import (`same-package`,
 *   Go and Java: those used below the cursor, close in name to the line or to the
 *   enclosing function, or from the file a test file tests).
 *
 * Those come first, in that order (fusion keeps it). Then, for the fused ranking: the
 * definitions of imported names used right above the cursor.
 */
import type { IndexStore } from './index-store';
import { enclosingTestTitleNames } from './test-titles';
import { enclosingFunctionName, kindMismatch, positionKind, type PositionKind } from './cursor-position';
import { documentUses, type DocumentUses } from './document-uses';
import { goCompatible, goConstraint, goFileConstraint } from './go-build';
import { goImplementingTypes } from './go-members';
import { goWithoutImports } from './go-position';
import type { GoValueIndex, GoWanted } from './go-values';
import { goResultFit, goWantedAt, MAX_RESULT_EVIDENCE } from './go-results';
import { STOP_WORDS, identifiersIn, splitIdentifier } from './identifiers';
import { parseImports } from './imports';
import { compareKeys, rankMembers, typedRank } from './member-ranking';
import { MEMBER_USE_LANGUAGES } from './member-uses';
import { receiverMembers } from './receiver-members';
import { letBoundName } from './rust-let';
import { rustReexportLines } from './rust-reexports';
import type { DefinitionSite, ResolvedImport, SyntaxFacts } from './syntax/facts';
import type { ImportFact } from './syntax/types';

/** What the imports retriever needs of a root's index. */
export interface ImportsIndex {
  store: Pick<IndexStore, 'docFrequency' | 'hasFile' | 'chunks' | 'chunkIdsOf'>;
  syntax: SyntaxFacts;
  chunkCount: number;
}

/** The signal that placed a chunk ahead of the fused ranking. */
export type PlacementSignal = 'receiver-member' | 'namespace-member' | 'unused-import' | 'same-package';

/** Signals for the fusion, filled in by `importsRetriever`. */
export interface ImportSignals {
  /** Root-relative paths of the files the current file imports. */
  files: Set<string>;
  /** Chunks placed first, in their order, with the signal that placed each. */
  placed: Map<number, PlacementSignal>;
  /** How the cursor was read (for diagnostics). */
  cursor?: { identifier: string; receiver?: string; type?: string; via?: string };
}

export interface ImportsQuery {
  /** Root-relative path and language of the current document. */
  rel: string;
  language: string;
  prefix: string;
  suffix: string;
  /** The last lines above the cursor. */
  queryWindow: string;
  /** 1-based cursor line (imports from it on are not the document's yet); default: all of them. */
  line?: number;
  /** True once the deadline has passed: what was placed by then makes the answer. */
  expired?: () => boolean;
}

/** Most chunks placed ahead of the fused ranking. */
export const MAX_PLACED = 24;

interface Ranked {
  site: DefinitionSite;
  signal: PlacementSignal;
  key: number[];
}

/** The chunks to place first (in order) and then the definitions of imported names used right above the cursor. */
export function importsRetriever(index: ImportsIndex, q: ImportsQuery, out: ImportSignals): number[] {
  const { syntax } = index;
  const expired = q.expired ?? (() => false);
  const cursor = syntax.cursorContext(q.prefix, q.suffix, q.language);
  const typed = cursor.identifier;
  // What is being typed is not a use yet.
  const before = q.prefix.slice(0, q.prefix.length - typed.length);
  const uses = documentUses(before, q.suffix, q.language);
  const imports = documentImports(index, q);
  for (const imp of imports) for (const f of imp.files) out.files.add(f);
  const parts = queryParts(q.language === 'go' ? goWithoutImports(q.queryWindow) : q.queryWindow);
  out.cursor = { identifier: typed };

  let ranked: Ranked[];
  let goWanted: GoWanted | undefined;
  const goIndex: GoValueIndex = {
    chunks: (ids) => index.store.chunks(ids),
    definitions: (n, l) => index.syntax.definitions(n, l),
    implementing: (iface, dir) => goImplementingTypes(index.syntax, iface, dir),
  };
  if (cursor.member) {
    const r = receiverMembers(syntax, { ...q, ...cursor.member, imports });
    out.cursor = { identifier: typed, receiver: cursor.member.receiver, type: r.type, via: r.via };
    const mq = {
      typed,
      uses,
      receiver: cursor.member.receiver,
      // Rust `X::` names a type or a module (`Self::`, `T::` on a type parameter: its associated functions).
      typeLevel: r.via === 'type name' || (q.language === 'rust' && before.trimEnd().endsWith('::')),
      before,
      suffix: q.suffix,
      language: q.language,
      ...(q.language === 'rust' ? { bound: letBoundName(before) } : {}),
      // What the workspace uses through the receiver's name (`c.req` in other handlers; member-uses.ts).
      ...(MEMBER_USE_LANGUAGES.test(q.language) && /^[A-Za-z_$][\w$]*$/.test(cursor.member.receiver) && syntax.memberUses
        ? { workspaceUses: syntax.memberUses(cursor.member.receiver, q.rel) }
        : {}),
      ...(q.language === 'go' ? { rel: q.rel, goIndex } : {}),
    };
    // Already in order: the key is the rank.
    ranked = rankMembers(index, r.members, mq, (name) => nameAffinity(name, parts)).map((m, i) => ({ ...m, key: [i] }));
  } else {
    const position = positionKind(before, q.language);
    // The enclosing function's name says what the code there is about (`TestPriceOf` → price, of):
    // for a package's names, not for imports (on the dev repositories it helped one and hurt another).
    const packageParts = new Map(parts);
    addEnclosingName(packageParts, enclosingFunctionName(before));
    if (q.language === 'go') addSingulars(packageParts, before);
    // Go: what the position takes (go-results.ts) is read from the declarations of the best names.
    goWanted = q.language === 'go' ? goWantedAt(goIndex, q.rel, before, q.suffix) : undefined;
    // Where it says something, more of the names nothing else speaks for are worth reading.
    const unsupported = goWanted ? MAX_RESULT_EVIDENCE : MAX_UNSUPPORTED;
    ranked = [
      // A test's enclosing `describe('isValidAttributeName', …)` names what it is about to call (test-titles.ts).
      ...unusedImports(index, imports, q.rel, typed, uses, parts, position, q.language, expired, titledNames(before, q.language)),
      ...(expired() ? [] : samePackage(index, q.rel, typed, uses, packageParts, position, q.language, unsupported, expired, q.prefix)),
    ];
  }
  ranked.sort(placementOrder);
  if (goWanted) ranked = goResultFit(goIndex, q.rel, ranked, before, placementOrder, goWanted);
  const ids: number[] = [];
  for (const r of ranked) {
    if (out.placed.size >= MAX_PLACED) break;
    if (out.placed.has(r.site.chunkId)) continue;
    out.placed.set(r.site.chunkId, r.signal);
    ids.push(r.site.chunkId);
  }
  if (!cursor.member && !expired()) for (const id of usedImports(index, imports, q, uses, expired)) if (!ids.includes(id)) ids.push(id);
  return ids;
}

function placementOrder(a: Ranked, b: Ranked): number {
  return compareKeys(a.key, b.key) || (a.site.path < b.site.path ? -1 : a.site.path > b.site.path ? 1 : a.site.line - b.site.line);
}

/** The document's imports: the index's facts for the file, plus any the text before the cursor adds (unsaved). */
function documentImports(index: ImportsIndex, q: ImportsQuery): ResolvedImport[] {
  const cursorLine = q.line ?? Infinity;
  let indexed = index.store.hasFile(q.rel) ? index.syntax.importsOf(q.rel).filter((i) => i.line < cursorLine) : [];
  if (q.language === 'rust' && indexed.length > 0) {
    const pub = rustReexportLines(q.prefix);
    if (pub.size > 0) indexed = indexed.map((i) => (pub.has(i.line) ? { ...i, reexport: true } : i));
  }
  const head = q.prefix.length > 50_000 ? q.prefix.slice(0, 50_000) : q.prefix;
  const known = new Set(indexed.map((i) => i.specifier));
  const fresh: ImportFact[] = parseImports(head, q.language)
    .filter((st) => !known.has(st.specifier))
    .map((st) => ({
      specifier: st.specifier,
      kind: q.language === 'go' ? 'package' : 'module',
      names: st.names,
      ...(st.namespace ? { namespace: st.namespace } : {}),
      line: 0,
    }));
  return fresh.length > 0 ? [...indexed, ...index.syntax.resolveImports(q.rel, q.language, fresh)] : indexed;
}

function unusedImports(
  index: ImportsIndex,
  imports: ResolvedImport[],
  rel: string,
  typed: string,
  uses: DocumentUses,
  parts: Map<string, number>,
  position: PositionKind,
  language: string,
  expired: () => boolean,
  titled: ReadonlySet<string>,
): Ranked[] {
  const out: Ranked[] = [];
  const seen = new Set<string>();
  imports.forEach((imp, order) => {
    if (expired()) return;
    for (const n of imp.names) {
      if (seen.has(n.local) || uses.before.has(n.local)) continue;
      seen.add(n.local);
      const t = typedRank(n.local, typed);
      if (t === undefined) continue;
      const defs = importedDefinitions(index, imp, n.imported === 'default' ? n.local : n.imported, rel, language);
      const at = uses.after.get(n.local);
      // Imported and used nowhere else in the file: it is about to be used here (a Rust re-export used nowhere is only exposed).
      const group = at !== undefined ? 1 : imp.reexport && language === 'rust' ? 2 : 0;
      const aff = nameAffinity(n.local, parts);
      for (const d of defs.slice(0, 2)) {
        const mis = kindMismatch(d.kind, position, language);
        const key = placementKey(t, mis, group, aff, at ?? 0, order, titled.has(n.local) ? 0 : 1);
        out.push({ site: d, signal: 'unused-import', key });
      }
    }
  });
  return out;
}

/** Where an imported name is declared: in the files its import resolves to, else a unique definition (barrels, aliases). */
function importedDefinitions(index: ImportsIndex, imp: ResolvedImport, name: string, rel: string, language: string): DefinitionSite[] {
  const { syntax } = index;
  // TypeScript: the file that declares it first in the import's order (the module, then what it re-exports:
  // ts-barrels.ts) is where the name comes from; a namesake a barrel also reaches is another declaration.
  const files = /^(typescript|typescriptreact|javascript|javascriptreact)$/.test(language)
    ? firstDeclaring(syntax, imp.files, name)
    : imp.files;
  const inFiles = files.flatMap((f) => syntax.definitionsNamed(f, name));
  const top = inFiles.filter((d) => d.container === undefined);
  if (top.length > 0) return top;
  if (inFiles.length > 0) return inFiles;
  if (name.length < 3) return [];
  const any = syntax.definitions(name, 3).filter((d) => d.path !== rel);
  return any.length === 1 ? any : [];
}

/** The first of `files` declaring `name` at its top level, as a module exports it (all of them when none does). */
function firstDeclaring(syntax: ImportsIndex['syntax'], files: string[], name: string): string[] {
  // An interface's `assign` property in a file the barrel reaches first is not the `assign` function it re-exports later.
  const f = files.find((x) => syntax.definitionsNamed(x, name).some((d) => d.container === undefined));
  return f ? [f] : files;
}

function samePackage(
  index: ImportsIndex,
  rel: string,
  typed: string,
  uses: DocumentUses,
  parts: Map<string, number>,
  position: PositionKind,
  language: string,
  maxUnsupported: number,
  expired: () => boolean,
  prefix: string,
): Ranked[] {
  const out: Ranked[] = [];
  // Go names nothing but the workspace's use speaks for: only the best `maxUnsupported` can be placed (or have their results read).
  const unsupported: Ranked[] = [];
  const go = language === 'go';
  const own = index.syntax.samePackageFiles(rel).slice(0, 200);
  // Go: a dot import (`. "go.uber.org/zap/zapcore"`, as an external `_test` package writes) puts that package's exported names in the file's scope.
  const dotted = go ? goDotImported(index, rel, own) : [];
  const files = [...own, ...dotted];
  const inTest = go && GO_TEST_FILE.test(rel);
  const paired = testedFile(rel, files);
  // Go: a file whose build constraint never holds with the document's is never compiled with it (go-build.ts).
  const constraint = go ? goConstraint(rel, prefix.slice(0, BUILD_HEAD)) : undefined;
  for (const f of files) {
    if (expired()) break;
    // Go: a test file's names are not part of the package outside its tests.
    const testFile = go && GO_TEST_FILE.test(f);
    if (testFile && !inTest) continue;
    const other = go ? goFileConstraint(index, f) : undefined;
    if (constraint && other && !goCompatible(constraint, other)) continue;
    const exportedOnly = dotted.includes(f);
    for (const d of index.syntax.definitionsIn(f)) {
      if (d.container !== undefined || uses.before.has(d.name)) continue;
      if (exportedOnly && !/^[A-Z]/.test(d.name)) continue;
      if (go && !goReferable(d, testFile)) continue;
      const t = typedRank(d.name, typed);
      if (t === undefined) continue;
      const at = uses.after.get(d.name);
      const affinity = nameAffinity(d.name, parts);
      const fromPair = f === paired ? 0 : 1;
      // Nothing typed yet: of a package's hundreds of names only those used below, close in name to the line or from the paired file.
      const evidence = !(typed === '' && at === undefined && affinity === 0 && fromPair === 1);
      if (!evidence && !go) continue;
      // Go: a name made of the words on the cursor line (`FormMultipart Binding = |` → formMultipartBinding) before those used below.
      const group = go && affinity >= STRONG_AFFINITY ? 0.5 : at !== undefined ? 1 : affinity > 0 ? 2 : evidence ? 3 : 4;
      // Go, nothing else known of a name: how much the workspace uses it (the package's common helpers, types and setters).
      const mismatch = kindMismatch(d.kind, position, language);
      if (evidence) out.push({ site: d, signal: 'same-package', key: placementKey(t, mismatch, group, affinity, at ?? 0, fromPair) });
      else
        unsupported.push({
          site: d,
          signal: 'same-package',
          key: placementKey(t, mismatch, group, 0, -index.store.docFrequency(d.name.toLowerCase()), 1),
        });
    }
  }
  // A name the index leaves out as a stop word (`New`, `String`) is among the commonest words: as common as the package's commonest name.
  const commonest = Math.min(0, ...unsupported.map((u) => u.key[KEY_AT]));
  for (const u of unsupported) if (STOP_WORDS.has(u.site.name.toLowerCase())) u.key[KEY_AT] = commonest;
  if (unsupported.length > maxUnsupported) unsupported.sort(placementOrder).length = maxUnsupported;
  return [...out, ...unsupported];
}

/** The non-test files of the packages `rel` dot-imports (`. "path"`), not among `own`; at most 200. */
function goDotImported(index: ImportsIndex, rel: string, own: string[]): string[] {
  const out: string[] = [];
  for (const imp of index.syntax.importsOf(rel))
    if (imp.namespace === '.')
      for (const f of imp.files) if (!GO_TEST_FILE.test(f) && !own.includes(f) && !out.includes(f) && out.length < 200) out.push(f);
  return out;
}

/** More than the placed chunks and the Go names whose results are read (go-results.ts) where the position says nothing: those past it can never be placed. */
const MAX_UNSUPPORTED = 48;

const GO_TEST_FILE = /_test\.go$/;
/** How much of the document is read for its `//go:build` line (it stands before the package clause). */
const BUILD_HEAD = 4096;
/** Every part of a one-part name on the cursor line, most of a longer one's (`nameAffinity`). */
const STRONG_AFFINITY = 1;

/** The file a test file tests, among `files`: `foo_test.go` → `foo.go`, `FooTest.java` → `Foo.java`, `test_foo.py` → `foo.py`, `x.test.ts` → `x.ts`. */
export function testedFile(rel: string, files: string[]): string | undefined {
  const slash = rel.lastIndexOf('/');
  const base = rel.slice(slash + 1);
  const m = /^(?:test_)?(.+?)(?:_test|Tests?|\.test|\.spec)?(\.\w+)$/.exec(base);
  if (!m || m[1] + m[2] === base) return undefined;
  const want = m[1] + m[2];
  const dir = rel.slice(0, slash + 1);
  return files.find((f) => f === dir + want) ?? files.find((f) => f.endsWith(`/${want}`) || f === want);
}

/**
 * Whether Go code can name a package-level definition: not the blank identifier, not an
 * `init` function, not a test file's `TestX`/`BenchmarkX`/`ExampleX`/`FuzzX` (the test
 * runner calls those; no code does).
 */
function goReferable(d: DefinitionSite, testFile: boolean): boolean {
  if (d.name === '_' || (d.name === 'init' && d.kind === 'function')) return false;
  return !(testFile && d.kind === 'function' && /^(?:Test|Benchmark|Example|Fuzz)(?![a-z])/.test(d.name));
}

/** Definitions of imported names used right above the cursor (most recent first), for the fused ranking. */
function usedImports(
  index: ImportsIndex,
  imports: ResolvedImport[],
  q: ImportsQuery,
  uses: DocumentUses,
  expired: () => boolean,
): number[] {
  const recent = new Map<string, number>();
  for (const m of q.queryWindow.matchAll(/[A-Za-z_$][\w$]*/g)) recent.set(m[0], m.index);
  const ranked: Array<{ id: number; at: number }> = [];
  for (const imp of imports) {
    if (expired()) break;
    for (const n of imp.names) {
      const at = recent.get(n.local);
      if (at === undefined || !uses.before.has(n.local)) continue;
      for (const d of importedDefinitions(index, imp, n.imported === 'default' ? n.local : n.imported, q.rel, q.language).slice(0, 2))
        ranked.push({ id: d.chunkId, at });
    }
  }
  ranked.sort((a, b) => b.at - a.at);
  return ranked.map((r) => r.id);
}

/**
 * The order of placed names (not members): typed-prefix fit, kind fit (`cursor-position.ts`),
 * then the group (0: an import used nowhere else in the file; 1: used below the cursor;
 * 2: only close in name to the line), name affinity with the line in three steps, the
 * first use below, import order. (Dev repositories: affinity before the first use placed
 * better than the reverse on four of five.)
 */
function placementKey(typed: number, mismatch: number, group: number, affinity: number, at: number, order: number, untitled = 1): number[] {
  return [typed, mismatch, group, untitled, -Math.round(affinity * 3), at, order];
}

/** Where `at` sits in a placement key (the Go stop-word rule rewrites it). */
const KEY_AT = 5;

/** TypeScript/JavaScript: the identifiers the titles of the test calls around the cursor name. */
function titledNames(before: string, language: string): ReadonlySet<string> {
  return /^(typescript|typescriptreact|javascript|javascriptreact)$/.test(language) ? enclosingTestTitleNames(before) : new Set();
}

/** The parts of the enclosing function's name, weighing as much as those of the lines right above (test runners' prefixes left out). */
function addEnclosingName(parts: Map<string, number>, name: string | undefined): void {
  if (!name) return;
  for (const p of splitIdentifier(name))
    if (p.length > 1 && !STOP_WORDS.has(p) && !/^(?:test|benchmark|example|fuzz)$/.test(p)) parts.set(p, Math.max(parts.get(p) ?? 0, 2));
}

/** Go: the cursor line's plural parts as singulars too (`skippedNodes *[]` → skippedNode, `handlers []` → handler). */
function addSingulars(parts: Map<string, number>, before: string): void {
  const line = before.slice(before.lastIndexOf('\n') + 1);
  for (const ident of identifiersIn(line))
    for (const p of splitIdentifier(ident)) {
      const one =
        p.length < 4 || !p.endsWith('s') || p.endsWith('ss') ? undefined : p.endsWith('ies') ? `${p.slice(0, -3)}y` : p.slice(0, -1);
      if (one && !parts.has(one)) parts.set(one, parts.get(p) ?? 3);
    }
}

/** Weighted identifier parts of the lines above the cursor (the cursor line weighs most). */
export function queryParts(queryWindow: string): Map<string, number> {
  const lines = queryWindow.split('\n');
  const parts = new Map<string, number>();
  lines.forEach((line, i) => {
    const w = i === lines.length - 1 ? 3 : i >= lines.length - 3 ? 2 : 1;
    for (const ident of identifiersIn(line)) {
      for (const p of splitIdentifier(ident)) if (p.length > 1 && !STOP_WORDS.has(p)) parts.set(p, Math.max(parts.get(p) ?? 0, w));
    }
  });
  return parts;
}

/**
 * How much a name shares with the identifier parts above the cursor: matched part weights
 * over the name's part count (square-rooted, so a short name that matches beats a long
 * one that matches as much). 0 when nothing matches.
 */
export function nameAffinity(name: string, parts: Map<string, number>): number {
  const own = splitIdentifier(name).filter((p) => p.length > 1);
  if (own.length === 0 || parts.size === 0) return 0;
  let sum = 0;
  for (const p of new Set(own)) sum += parts.get(p) ?? 0;
  return sum / (3 * Math.sqrt(own.length));
}
