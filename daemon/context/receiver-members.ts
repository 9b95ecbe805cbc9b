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
 *   the types it extends or implements (`receiver-member`).
 *
 * Work is bounded: a few types, a few bases each, at most MAX_MEMBERS members.
 */
import type { DefinitionSite, ResolvedImport, SyntaxFacts } from './syntax/facts';
import { TYPE_KINDS } from './syntax/facts';
import { grammarFor } from './syntax/grammars';
import { splitIdentifier } from './identifiers';

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

export function receiverMembers(syntax: SyntaxFacts, q: ReceiverQuery): ReceiverResult {
  const ns = namespaceFiles(syntax, q);
  if (ns.length > 0) {
    const members: MemberSite[] = [];
    for (const f of ns.slice(0, 50))
      for (const d of syntax.definitionsIn(f))
        if (d.container === undefined && members.length < MAX_MEMBERS) members.push({ site: d, signal: 'namespace-member', depth: 0 });
    return { members, via: 'namespace' };
  }
  const found = receiverType(syntax, q);
  if (!found) return { members: [] };
  const types = syntax.typeDefinitions(q.rel, found.type).filter((d) => TYPE_KINDS.has(d.kind) && d.container === undefined);
  const members: MemberSite[] = [];
  const seen = new Set<string>();
  const visit = (t: DefinitionSite, depth: number) => {
    const key = `${t.path}:${t.line}`;
    if (seen.has(key) || depth > 3 || members.length >= MAX_MEMBERS) return;
    seen.add(key);
    for (const m of syntax.membersOf(t)) if (members.length < MAX_MEMBERS) members.push({ site: m, signal: 'receiver-member', depth });
    for (const b of syntax.baseTypesOf(t)) visit(b, depth + 1);
  };
  for (const t of types.slice(0, 3)) visit(t, 0);
  return { members, via: found.via, type: found.type };
}

/** Files a namespace receiver stands for: an import's namespace, a Python submodule imported by name, a Rust path. */
function namespaceFiles(syntax: SyntaxFacts, q: ReceiverQuery): string[] {
  const recv = q.receiver;
  if (/^[A-Za-z_$][\w$]*$/.test(recv)) {
    for (const imp of q.imports) if (imp.namespace === recv && imp.files.length > 0) return imp.files;
    // `from pkg import mod` (Python), `use a::b` (Rust): the name is a module when a file is named for it.
    for (const imp of q.imports)
      for (const n of imp.names)
        if (n.local === recv) {
          const mod = imp.files.filter((f) => stem(f) === n.imported);
          if (mod.length > 0) return mod;
        }
    return [];
  }
  if (grammarFor(q.language) === 'rust' && recv.includes('::')) {
    const head = recv.split('::')[0];
    if (/^[A-Z]/.test(recv.split('::').pop() ?? '')) return [];
    if (head === 'crate' || head === 'super' || head === 'self' || q.imports.some((i) => i.specifier.split('::')[0] === head)) {
      return syntax.resolveImports(q.rel, q.language, [{ specifier: recv, kind: 'module', names: [], line: 0 }])[0]?.files ?? [];
    }
  }
  return [];
}

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
  const recv = q.receiver;
  if (!/^[A-Za-z_$][\w$]*$/.test(recv)) return undefined;
  if (/^[A-Z]/.test(recv) && isType(syntax, q.rel, recv)) return { type: recv, via: 'type name' };
  const returned = initializerReturnType(syntax, q, recv);
  if (returned) return { type: returned, via: 'return type' };
  const byUse = typeByMembersUsed(syntax, q, recv);
  if (byUse) return { type: byUse, via: 'members used' };
  const byName = typeNamedLike(syntax, q.rel, recv);
  if (byName) return { type: byName, via: 'name' };
  return undefined;
}

function isType(syntax: SyntaxFacts, rel: string, name: string): boolean {
  return syntax.typeDefinitions(rel, name).some((d) => TYPE_KINDS.has(d.kind));
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
  for (const d of syntax
    .definitions(name, 5)
    .filter((d) => d.kind === 'function' || d.kind === 'method' || d.kind === '')
    .slice(0, 3)) {
    const t = declaredReturnType(syntax, d, grammar);
    if (t && t !== recv && isType(syntax, d.path, t)) return t;
  }
  return undefined;
}

/** The return type a function's declaration states (its base name), from the text of its chunk. */
function declaredReturnType(syntax: SyntaxFacts, d: DefinitionSite, grammar: string): string | undefined {
  const text = syntax.chunkText(d.chunkId);
  if (!text) return undefined;
  const at = text.search(new RegExp(`\\b${escapeRe(d.name)}\\b`));
  if (at < 0) return undefined;
  if (grammar === 'java' || grammar === 'c_sharp' || grammar === 'cpp') {
    const m = new RegExp(`([A-Za-z_][\\w.]*)\\s*(?:<[^>]*>)?(?:\\[\\])?\\s+${escapeRe(d.name)}\\s*\\(`).exec(text);
    const t = m?.[1].split('.').pop();
    return t && !/^(void|public|private|protected|static|final|return|new)$/.test(t) ? t : undefined;
  }
  const open = text.indexOf('(', at);
  if (open < 0) return undefined;
  let depth = 0;
  let close = -1;
  for (let i = open; i < text.length && i < open + 4000; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0) return undefined;
  const after = text.slice(close + 1, close + 300);
  const m =
    grammar === 'go'
      ? /^\s*\(?\s*\*?\s*([A-Za-z_][\w.]*)/.exec(after)
      : grammar === 'rust' || grammar === 'python'
        ? /^\s*->\s*(?:&\s*(?:'\w+\s+)?(?:mut\s+)?)?['"]?([A-Za-z_][\w.:]*)/.exec(after)
        : /^\s*:\s*(?:Promise\s*<\s*)?([A-Za-z_$][\w$.]*)/.exec(after);
  const t = m?.[1].split(/\.|::/).pop();
  if (!t) return undefined;
  if (t === 'Self' && d.container) return d.container;
  return /^(void|any|unknown|never|string|number|boolean|None|Self|error|bool|int|str)$/.test(t) ? undefined : t;
}

/** The type declaring most of the other members the document uses on `recv` (at least two, or one only it declares). */
function typeByMembersUsed(syntax: SyntaxFacts, q: ReceiverQuery, recv: string): string | undefined {
  const re = new RegExp(`(?<![\\w$.])${escapeRe(recv)}[ \\t]*(?:\\?\\.|\\.|::|->)[ \\t]*([A-Za-z_$][\\w$]*)`, 'g');
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

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
