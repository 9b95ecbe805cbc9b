/**
 * What can follow `x.` (or `x::`, `x->`): the members of what `x` is. In order of how the
 * receiver is known:
 *
 * - a namespace the file imports (`import * as ns`, a Python module, a Go package, a Rust
 *   path): the top-level definitions of the files it resolves to (`namespace-member`);
 * - a type: the one the document declares for `x` (cursorContext: annotation,
 *   initializer, `this`/`self`), else `x` itself when it names a type (`Color.`), else the
 *   return type of the function that initialises it (`const a = createActor(…)` and
 *   `createActor(…): Actor`), else the type that declares the other members used on `x`
 *   in the document (`c.json(…)`, `c.header(…)`: the type with both), else a type named
 *   like `x` (`table` → `Table`, `jobProgress` → `Progress`): its members and those of
 *   the types it extends or implements (`receiver-member`). A TypeScript type the workspace
 *   declares but lists no members of (a conditional type alias) gives way to the members used.
 *
 * Work is bounded: a few types, a few bases each, at most MAX_MEMBERS members.
 */
import type { DefinitionSite, ResolvedImport, SyntaxFacts } from './syntax/facts';
import { TYPE_KINDS } from './syntax/facts';
import { heldClass } from './ts-held-classes';
import { grammarFor } from './syntax/grammars';
import { goImplementations } from './go-members';
import { goPackageDir } from './go-position';
import { rustClosureParamType } from './rust-closures';
import { rustCallPath, rustFunctionsByPath, rustTypesByPath } from './rust-paths';
import { rustGlobModule, rustReexportedItems } from './rust-namespaces';
import { rustMacroValue } from './rust-macro-values';
import { plainType } from './syntax/type-names';
import { isCalleePart } from './syntax/rust-tuples';
import { splitIdentifier } from './identifiers';
import { escapeRe } from './identifiers';
import { declaredReturnType, followSteps, functionReturnType, isType, valueType } from './member-types';
import type { CursorContext } from './syntax/cursor';
import { callbackParamType } from './ts-callback-types';
import { tsImplementations } from './ts-implementations';

export type MemberSignal = 'namespace-member' | 'receiver-member';

export interface MemberSite {
  site: DefinitionSite;
  signal: MemberSignal;
  /** 0 for the receiver's own type, 1.. for the types it extends (farther is less likely). */
  depth: number;
}

export interface ReceiverQuery {
  /** Root-relative path and language of the document. */
  rel: string;
  language: string;
  /** The receiver as written (`x`, `this.pool`, `crate::a`) and its type when the document says. */
  receiver: string;
  type?: string;
  /** How to get to the type when the document does not say it outright (cursorContext's `chain`). */
  chain?: NonNullable<CursorContext['member']>['chain'];
  /** Rust: type parameters in scope and their bounds (cursorContext's `bounds`). */
  bounds?: Record<string, string>;
  prefix: string;
  suffix: string;
  imports: ResolvedImport[];
}

export interface ReceiverResult {
  members: MemberSite[];
  /** How the receiver was understood, for diagnostics: `namespace`, or the type and how it was found. */
  via?: string;
  type?: string;
}

const MAX_MEMBERS = 400;
const SELF = new Set(['this', 'self', 'Self']);
/** A Go name its package exports: it starts with an upper-case letter. */
const GO_EXPORTED = /^\p{Lu}/u;

export function receiverMembers(syntax: SyntaxFacts, q: ReceiverQuery): ReceiverResult {
  const ns = namespaceFiles(syntax, q);
  if (ns.length > 0) {
    const members: MemberSite[] = [];
    // Go: another package's unexported names cannot be named (a large package would fill MAX_MEMBERS with them);
    // a package is all its folder's files (as many as a package's own names are read from, imports-retriever.ts).
    const exportedOnly = grammarFor(q.language) === 'go';
    for (const f of ns.slice(0, exportedOnly ? 200 : 50))
      for (const d of syntax.definitionsIn(f))
        if (d.container === undefined && members.length < MAX_MEMBERS && !(exportedOnly && !GO_EXPORTED.test(d.name)))
          members.push({ site: d, signal: 'namespace-member', depth: 0 });
    // Rust: `frame::MAX_FRAME_SIZE` also reaches what the module re-exports (`pub use self::settings::…`), after its
    // own items; a name it declares itself (`mod parse;` beside `pub use parse::parse`) is written the same either way.
    if (grammarFor(q.language) === 'rust') {
      const own = new Set(members.map((m) => m.site.name));
      for (const d of rustReexportedItems(syntax, ns))
        if (members.length < MAX_MEMBERS && !own.has(d.name)) members.push({ site: d, signal: 'namespace-member', depth: 1 });
    }
    return { members, via: 'namespace' };
  }
  let found = receiverType(syntax, q);
  if (!found) return { members: [] };
  // A workspace type whose members the index cannot list (a conditional or mapped type alias, `SnapshotFrom<T>`) says nothing:
  // what the document uses on the receiver still may.
  if (found.via !== 'members used' && memberless(syntax, q.rel, found.type)) found = byUseOf(syntax, q) ?? found;
  let all = syntax.typeDefinitions(q.rel, found.type).filter((d) => TYPE_KINDS.has(d.kind));
  // TypeScript `import { Sdk as JsonSdk }`: the document's local name for a type is the imported one's.
  const aliased = all.length === 0 && TS_FAMILY.has(grammarFor(q.language) ?? '') ? importedAs(q.imports, found.type) : undefined;
  if (aliased) {
    const named = syntax.typeDefinitions(q.rel, aliased.name).filter((d) => TYPE_KINDS.has(d.kind));
    const through = named.filter((d) => aliased.files.includes(d.path));
    all = through.length > 0 ? through : named;
    if (all.length > 0) found = { type: aliased.name, via: found.via };
  }
  // TypeScript `new Registry(…)` with `const Registry = Native ?? Fallback`: the class the constant holds (ts-held-classes.ts).
  const held = all.length === 0 && TS_FAMILY.has(grammarFor(q.language) ?? '') ? heldClass(syntax, q.rel, found.type) : undefined;
  if (held) {
    found = { type: held, via: found.via };
    all = syntax.typeDefinitions(q.rel, held).filter((d) => TYPE_KINDS.has(d.kind));
  }
  // A nested type (Java `Outer.Inner`, a TS namespace's class) when no top-level one has the name.
  const top = all.filter((d) => d.container === undefined);
  let types = top.length > 0 ? top : all;
  // Rust: several types of the name; the path the document writes says which (`http::Builder::new()`).
  if (grammarFor(q.language) === 'rust') {
    const declared = () => syntax.definitions(found.type, 50).filter((d) => d.container === undefined && TYPE_KINDS.has(d.kind));
    types = rustTypesByPath(types, declared, found.type, q.prefix, q.imports);
  }
  const members: MemberSite[] = [];
  const seen = new Set<string>();
  const names = new Set<string>();
  const visit = (t: DefinitionSite, depth: number) => {
    const key = `${t.path}:${t.line}`;
    if (seen.has(key) || depth > 3 || members.length >= MAX_MEMBERS) return;
    seen.add(key);
    names.add(t.name);
    for (const m of syntax.membersOf(t)) if (members.length < MAX_MEMBERS) members.push({ site: m, signal: 'receiver-member', depth });
    for (const b of syntax.baseTypesOf(t)) visit(b, depth + 1);
  };
  for (const t of types.slice(0, 3)) visit(t, 0);
  const grammar = grammarFor(q.language);
  // Rust `type Histo = Arc<Mutex<RotatingHistogram>>`: an alias has what its target has (after its own trait impls).
  if (grammar === 'rust')
    for (const t of types.slice(0, 3)) {
      const target =
        t.kind === 'type' && t.container === undefined ? rustAliasTarget(syntax.chunkText(t.chunkId) ?? '', t.name) : undefined;
      if (target)
        for (const d of syntax
          .typeDefinitions(t.path, target)
          .filter((x) => TYPE_KINDS.has(x.kind))
          .slice(0, 2))
          visit(d, 1);
    }
  if (grammar === 'go' && types[0]?.kind === 'interface') goImplementing(syntax, found.type, members);
  // Rust: a method the document calls on the receiver that its type does not declare comes from a trait it implements.
  if (grammar === 'rust' && types.length > 0) rustTraitMethodsUsed(syntax, q, members);
  // Rust: the traits a blanket impl gives every implementor of what the receiver is or implements (rust-blankets.ts).
  if (grammar === 'rust' && types.length > 0) rustBlanketMembers(syntax, q, types, names, members);
  if ((grammar === 'typescript' || grammar === 'tsx') && types[0]?.kind === 'interface') {
    // The classes implementing it (ts-implementations.ts): one is what a call runs, its members first; several after the interface's.
    const classes = tsImplementations(syntax, types[0]).slice(0, 3);
    if (classes.length === 1) for (const m of members) m.depth += 1;
    for (const c of classes) visit(c, classes.length === 1 ? 0 : 1);
  }
  return { members, via: found.via, type: found.type };
}

/** The name a local import alias stands for (`import { Sdk as JsonSdk }`: JsonSdk → Sdk) and the files its import reaches. */
function importedAs(imports: ResolvedImport[], local: string): { name: string; files: string[] } | undefined {
  for (const i of imports)
    for (const n of i.names)
      if (n.local === local && n.imported !== local && n.imported !== 'default' && n.imported !== '*')
        return { name: n.imported, files: i.files };
  return undefined;
}

/**
 * Go, a receiver typed by an interface: the methods of the types implementing it join its
 * members. One implementation in the workspace is what a call runs: its methods come before
 * the interface's (which then count as one step away); with several, the interface's first.
 */
function goImplementing(syntax: SyntaxFacts, iface: string, members: MemberSite[]): void {
  const impl = goImplementations(
    syntax,
    iface,
    // Its own methods: an implementation may have what the interface embeds only through its own embedded types.
    members.filter((m) => m.depth === 0 && m.site.kind === 'method').map((m) => m.site),
  );
  const one = impl.types === 1;
  if (one) for (const m of members) m.depth += 1;
  for (const site of impl.methods) if (members.length < MAX_MEMBERS) members.push({ site, signal: 'receiver-member', depth: one ? 0 : 1 });
}

/**
 * Rust: the methods the document calls on the receiver (`conn.drive(…)` above or below) that its type and bases do not
 * declare: a trait in scope declares them (an extension trait with a blanket `impl<T: Future> FutureExt for T`,
 * a default method). The workspace traits declaring them join one step away.
 */
function rustTraitMethodsUsed(syntax: SyntaxFacts, q: ReceiverQuery, members: MemberSite[]): void {
  if (!/^[A-Za-z_]\w*$/.test(q.receiver)) return;
  const own = new Set(members.map((m) => m.site.name));
  const re = new RegExp(`(?<![\\w.])${escapeRe(q.receiver)}\\s*\\.\\s*([a-z_]\\w*)\\s*(?:::<[^>\\n]*>\\s*)?\\(`, 'g');
  const text = `${q.prefix.length > 64_000 ? q.prefix.slice(-64_000) : q.prefix}\n${q.suffix.slice(0, 16_000)}`;
  const names = new Set<string>();
  for (const m of text.matchAll(re)) {
    if (!own.has(m[1])) names.add(m[1]);
    if (names.size >= 4) break;
  }
  // Whether each container is a trait, asked once per call.
  const traits = new Map<string, boolean>();
  const isTrait = (c: string) =>
    traits.get(c) ??
    traits
      .set(
        c,
        syntax.typeDefinitions(q.rel, c).some((t) => t.kind === 'trait'),
      )
      .get(c)!;
  for (const name of names)
    for (const d of syntax
      .definitions(name, 20)
      .filter((d) => d.container !== undefined && d.kind !== 'type')
      .slice(0, 3))
      if (members.length < MAX_MEMBERS && isTrait(d.container!)) members.push({ site: d, signal: 'receiver-member', depth: 1 });
}

/** Std traits a blanket impl's bound may add that the index cannot check (auto traits, derives): taken as met. */
const STD_MARKERS = new Set([
  'Send',
  'Sync',
  'Clone',
  'Copy',
  'Unpin',
  'Debug',
  'Display',
  'Default',
  'Eq',
  'PartialEq',
  'Hash',
  'Ord',
  'PartialOrd',
]);

/**
 * Rust: `impl<T: ?Sized, R> ServiceExt<R> for T where T: Service<R> {}` gives every type implementing Service the
 * methods of ServiceExt (`svc.ready()`, `svc.oneshot(req)`): a receiver that is (`S: Service<R>`) or implements
 * (`impl Service<R> for Timeout<S>`) every bound gets them one step away.
 */
function rustBlanketMembers(
  syntax: SyntaxFacts,
  q: ReceiverQuery,
  types: DefinitionSite[],
  names: Set<string>,
  members: MemberSite[],
): void {
  const blankets = syntax.rustBlankets?.() ?? [];
  if (blankets.length === 0) return;
  const has = new Set(names);
  for (const t of types.slice(0, 2)) if (t.kind !== 'trait') for (const n of syntax.rustTraitsOf?.(t) ?? []) has.add(n);
  const found: Array<{ trait: DefinitionSite; extension: boolean }> = [];
  const added = new Set<string>();
  for (const b of blankets) {
    if (added.size >= 6 || has.has(b.trait) || added.has(b.trait)) continue;
    if (!b.bounds.some((n) => has.has(n)) || !b.bounds.every((n) => has.has(n) || STD_MARKERS.has(n))) continue;
    added.add(b.trait);
    for (const t of syntax
      .typeDefinitions(q.rel, b.trait)
      .filter((d) => d.kind === 'trait')
      .slice(0, 2))
      found.push({ trait: t, extension: syntax.baseTypesOf(t).some((s) => b.bounds.includes(s.name)) });
  }
  // A trait declared over the bound (`trait ServiceExt<R>: Service<R>`) is written to extend it: its methods first.
  for (const { trait, extension } of found.sort((a, b) => Number(b.extension) - Number(a.extension)))
    for (const m of syntax.membersOf(trait))
      if (members.length < MAX_MEMBERS) members.push({ site: m, signal: 'receiver-member', depth: extension ? 1 : 2 });
}

/** Files a namespace receiver stands for: an import's namespace, a Python submodule imported by name, a Rust path. */
function namespaceFiles(syntax: SyntaxFacts, q: ReceiverQuery): string[] {
  const recv = q.receiver;
  // Rust: `frame.` is a value (a local named as a module `use`d with `{self}`), only `frame::` a path.
  if (grammarFor(q.language) === 'rust' && !/::\s*[A-Za-z_]?\w*$/.test(q.prefix)) return [];
  if (/^[A-Za-z_$][\w$]*$/.test(recv)) {
    for (const imp of q.imports) if (imp.namespace === recv && imp.files.length > 0) return imp.files;
    // `from pkg import mod` (Python), `use a::b` (Rust): the name is a module when a file is named for it
    // (a TypeScript named import is a binding, never a module, even from a barrel re-exporting `./stream`).
    if (TS_FAMILY.has(grammarFor(q.language) ?? '')) return [];
    for (const imp of q.imports)
      for (const n of imp.names)
        if (n.local === recv) {
          const mod = imp.files.filter((f) => stem(f) === n.imported);
          if (mod.length > 0) return mod;
        }
    // Rust: a module a glob brings (`use h2_support::prelude::*;` → `pub use h2::*;` → `pub mod frame;`).
    if (grammarFor(q.language) === 'rust') return rustGlobModule((f) => syntax.importsOf(f), q.rel, q.imports, recv);
    return [];
  }
  if (grammarFor(q.language) === 'rust' && recv.includes('::')) {
    // `$crate::trace::` in a `macro_rules!` body is the path from the macro's own crate.
    const path = recv.replace(/^\$crate::/, 'crate::');
    const head = path.split('::')[0];
    if (/^[A-Z]/.test(path.split('::').pop() ?? '')) return [];
    // A workspace crate's name starts a path without a `use` (`h2::frame::` in h2's tests: the extern prelude).
    if (
      head === 'crate' ||
      head === 'super' ||
      head === 'self' ||
      q.imports.some((i) => i.specifier.split('::')[0] === head) ||
      /^\w+$/.test(head)
    ) {
      return syntax.resolveImports(q.rel, q.language, [{ specifier: path, kind: 'module', names: [], line: 0 }])[0]?.files ?? [];
    }
  }
  return [];
}

const TS_FAMILY = new Set(['typescript', 'tsx', 'javascript']);

function stem(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  if (base === '__init__' || base === 'mod' || base === 'index') {
    const dir = file.slice(0, file.lastIndexOf('/'));
    return dir.slice(dir.lastIndexOf('/') + 1);
  }
  return base;
}

/** The receiver's type name and how it was found. */
function receiverType(syntax: SyntaxFacts, q: ReceiverQuery): { type: string; via: string } | undefined {
  if (q.type) return { type: q.type, via: SELF.has(q.receiver) ? 'enclosing type' : 'declared type' };
  if (q.chain) {
    const chained = chainType(syntax, q, q.chain);
    if (chained) return chained;
  }
  return typeOfName(syntax, q, q.receiver);
}

/** Where a chain starts (a stated type, a free function's return type, a name's inferred type), then its member steps. */
function chainType(
  syntax: SyntaxFacts,
  q: ReceiverQuery,
  chain: NonNullable<ReceiverQuery['chain']>,
): { type: string; via: string } | undefined {
  const grammar = grammarFor(q.language) ?? q.language;
  let steps = chain.steps;
  let start = chain.type;
  // TypeScript: an untyped parameter typed by where its function goes (ts-callback-types.ts).
  if (chain.param) {
    // Rust: a closure's parameter typed by the `Fn(…)` its callee declares (rust-closures.ts).
    const paramType = grammar === 'rust' ? rustClosureParamType : callbackParamType;
    start = paramType(syntax, q.rel, chain.param, (ref) => chainType(syntax, q, ref)?.type);
  }
  // Rust `let pp = poll_frame!(PushPromise, codec)`: what the workspace macro's definition gives (rust-macro-values.ts).
  if (!start && chain.macro && grammar === 'rust') {
    const value = rustMacroValue(syntax, chain.macro);
    if (value) {
      start = value.type;
      steps = [...value.steps, ...steps];
    }
  }
  if (!start && chain.callee) {
    // A bare call reaches the document's own functions, its imports and its package, not a namesake elsewhere.
    const files = new Set([q.rel, ...q.imports.flatMap((i) => i.files).slice(0, 200), ...syntax.samePackageFiles(q.rel)]);
    const dir = goPackageDir(q.rel);
    // Go: the package is the folder, whether or not the document is indexed yet.
    const samePackage = (p: string) => grammar === 'go' && p.startsWith(dir) && !p.slice(dir.length).includes('/');
    // Rust `let (tx, rx) = f(…)`: a part of the tuple f returns (rust-tuples.ts).
    const part = isCalleePart(steps[0]) ? steps[0].part : undefined;
    if (part !== undefined) steps = steps.slice(1);
    start = functionReturnType(syntax, grammar, chain.callee, (p) => files.has(p) || samePackage(p), part);
    if (!start && grammar === 'rust') {
      // `client::handshake(io)`: the written module's free function, though the file reaches it through a glob or a re-export.
      const callee = chain.callee;
      const named = rustFunctionsByPath(callee, q.prefix, q.imports, () =>
        syntax.definitions(callee, 20).filter((d) => d.kind === 'function' && d.container === undefined),
      );
      if (named.length > 0) start = functionReturnType(syntax, grammar, callee, (p) => named.some((d) => d.path === p), part);
      // `mock::new()` with `mock` a module a glob brings (rust-namespaces.ts): that module's free function.
      const path = start ? undefined : rustCallPath(callee, q.prefix);
      if (path !== undefined && !/^[A-Z]/.test(path.split('::').pop() ?? '')) {
        const ns = namespaceFiles(syntax, { ...q, receiver: path, prefix: `${path}::` });
        const d = ns.flatMap((f) => syntax.definitionsNamed(f, callee)).find((x) => x.kind === 'function' && x.container === undefined);
        if (d) start = declaredReturnType(syntax, d, grammar, false, part);
      }
    }
    // Go `ID(x)`: a conversion to a type the package declares is a value of that type.
    if (!start && grammar === 'go' && syntax.definitions(chain.callee, 8).some((d) => TYPE_KINDS.has(d.kind) && samePackage(d.path)))
      start = chain.callee;
  }
  if (!start && chain.head) {
    const ns = steps.length > 0 ? namespaceFiles(syntax, { ...q, receiver: chain.head }) : [];
    if (ns.length > 0) {
      // `pkg.f().`, `module.value.`: a top-level definition of the namespace, then the rest.
      const d = ns.flatMap((f) => syntax.definitionsIn(f).filter((x) => x.container === undefined && x.name === steps[0].name))[0];
      if (!d) return undefined;
      start = TYPE_KINDS.has(d.kind) ? d.name : declaredReturnType(syntax, d, grammar);
      steps = steps.slice(1);
    } else start = typeOfName(syntax, { ...q, chain: undefined }, chain.head)?.type;
  }
  if (!start) return undefined;
  const type = steps.length > 0 ? followSteps(syntax, q.rel, grammar, start, steps, q.bounds) : start;
  if (!type) return undefined;
  return {
    type,
    via: steps.length > 0 ? 'member type' : chain.param ? 'parameter type' : chain.callee || chain.macro ? 'return type' : 'declared type',
  };
}

/** A receiver name's type from what the index knows: the name of a type, an initializer's return type, the members used on it, its name. */
function typeOfName(syntax: SyntaxFacts, q: ReceiverQuery, recv: string): { type: string; via: string } | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(recv)) return undefined;
  if (/^[A-Z]/.test(recv) && isType(syntax, q.rel, recv)) return { type: recv, via: 'type name' };
  const returned = initializerReturnType(syntax, q, recv);
  if (returned) return { type: returned, via: 'return type' };
  const imported = q.imports.flatMap((i) => i.files).slice(0, 200);
  const value = valueType(syntax, q.rel, grammarFor(q.language) ?? q.language, recv, imported);
  if (value) return { type: value, via: 'value type' };
  const byUse = typeByMembersUsed(syntax, q, recv);
  if (byUse) return { type: byUse, via: 'members used' };
  const byName = typeNamedLike(syntax, q.rel, recv);
  if (byName) return { type: byName, via: 'name' };
  return undefined;
}

/** `x = f(…)` (or `new f`, `await f`) closest above the cursor: the declared return type of `f`. */
function initializerReturnType(syntax: SyntaxFacts, q: ReceiverQuery, recv: string): string | undefined {
  const text = q.prefix.length > 64_000 ? q.prefix.slice(-64_000) : q.prefix;
  const re = new RegExp(
    `(?<![\\w$.])${escapeRe(recv)}\\s*(?::[^=\\n;]{1,200})?(?::=|=)(?!=)\\s*(?:await\\s+)?([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*)\\s*(?:<[^>\\n]{0,200}>)?\\s*\\(`,
    'g',
  );
  let callee: string | undefined;
  for (const m of text.matchAll(re)) callee = m[1];
  if (!callee) return undefined;
  const name = callee.split('.').pop()!;
  const grammar = grammarFor(q.language) ?? q.language;
  const t = functionReturnType(syntax, grammar, name);
  return t !== recv ? t : undefined;
}

/** Whether the workspace declares the type (not a library's or the platform's, which has members of its own) and none of its members. */
function memberless(syntax: SyntaxFacts, rel: string, type: string): boolean {
  const types = syntax.typeDefinitions(rel, type).filter((d) => TYPE_KINDS.has(d.kind));
  return (
    types.length > 0 &&
    !types.slice(0, 3).some((t) => syntax.membersOf(t).length > 0 || syntax.baseTypesOf(t).some((b) => syntax.membersOf(b).length > 0))
  );
}

/** The type declaring the members the document uses on the receiver as written (`x`, `actor.getSnapshot()`). */
function byUseOf(syntax: SyntaxFacts, q: ReceiverQuery): { type: string; via: string } | undefined {
  if (!TS_FAMILY.has(grammarFor(q.language) ?? '') || q.receiver.length > 120) return undefined;
  const t = typeByMembersUsed(syntax, q, q.receiver);
  return t ? { type: t, via: 'members used' } : undefined;
}

/** The type declaring most of the other members the document uses on `recv` (at least two, or one only it declares). */
function typeByMembersUsed(syntax: SyntaxFacts, q: ReceiverQuery, recv: string): string | undefined {
  // A receiver written as a chain (`actor.getSnapshot()`) is matched as written, calls' arguments aside.
  const written = recv.split('()').map(escapeRe).join('\\([^()\\n]{0,200}\\)');
  const re = new RegExp(`(?<![\\w$.])${written}[ \\t]*(?:\\?\\.|\\.|::|->)[ \\t]*([A-Za-z_$][\\w$]*)`, 'g');
  const names = new Set<string>();
  const text = `${q.prefix.length > 64_000 ? q.prefix.slice(-64_000) : q.prefix}\n${q.suffix.slice(0, 16_000)}`;
  for (const m of text.matchAll(re)) {
    names.add(m[1]);
    if (names.size >= 12) break;
  }
  const count = new Map<string, number>();
  for (const n of names) {
    const containers = new Set(
      syntax
        .definitions(n, 30)
        .map((d) => d.container)
        .filter((c): c is string => !!c),
    );
    for (const c of containers) count.set(c, (count.get(c) ?? 0) + 1);
  }
  const ranked = [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (ranked.length === 0) return undefined;
  const [best, n] = ranked[0];
  if (ranked.length > 1 && ranked[1][1] === n) return undefined;
  return isType(syntax, q.rel, best) ? best : undefined;
}

/** A type named like the receiver: `table` → `Table`, `job_progress` → `JobProgress`, then `Progress`. */
function typeNamedLike(syntax: SyntaxFacts, rel: string, recv: string): string | undefined {
  const parts = splitIdentifier(recv).filter((p) => p.length > 1);
  for (let i = 0; i < parts.length; i++) {
    const name = parts
      .slice(i)
      .map((p) => p[0].toUpperCase() + p.slice(1))
      .join('');
    if (name.length >= 3 && isType(syntax, rel, name)) return name;
  }
  return undefined;
}

/** The type a Rust alias names, as plainType reads it (`type Histo = Arc<Mutex<RotatingHistogram>>;` → `RotatingHistogram`). */
export function rustAliasTarget(text: string, name: string): string | undefined {
  const m = new RegExp(`\\btype\\s+${name}\\b\\s*(?:<[^=;]*>)?\\s*=\\s*([^;]+);`).exec(text);
  const target = m ? plainType(m[1].trim(), 'rust') : undefined;
  return target && target !== name ? target : undefined;
}
