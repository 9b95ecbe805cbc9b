/**
 * Go: the members of a receiver whose type is an interface. An interface's methods are
 * declared without bodies (syntax/go-rules.ts indexes them); what a call on it runs are the
 * methods of the types that implement it. Go says so structurally: a type implements an
 * interface when it has all of its methods. So the implementations are the methods of the
 * types that declare every method the interface itself lists, as far as the index knows them
 * (what it embeds an implementation often has through a type it embeds in turn).
 *
 * Work is bounded: the first MAX_NAMES method names, MAX_SITES definitions of each.
 */
import { goPackageDir } from './go-position';
import type { DefinitionSite, SyntaxFacts } from './syntax/facts';

const MAX_NAMES = 12;
const MAX_SITES = 30;

export interface Implementations {
  /** How many types implement the interface (as far as the names checked say). */
  types: number;
  /** Their methods named like the interface's, in the interface's order. */
  methods: DefinitionSite[];
}

/** The methods of the types implementing an interface whose own methods are `methods`. */
export function goImplementations(syntax: SyntaxFacts, iface: string, methods: DefinitionSite[]): Implementations {
  const names = [...new Set(methods.map((m) => m.name))].slice(0, MAX_NAMES);
  if (names.length === 0) return { types: 0, methods: [] };
  const byType = new Map<string, DefinitionSite[]>();
  const owners = (name: string) =>
    syntax.definitions(name, MAX_SITES).filter((d) => d.kind === 'method' && d.container !== undefined && d.container !== iface);
  // The types with the first method are the only candidates; each further name narrows them.
  for (const d of owners(names[0])) {
    const key = typeKey(d);
    byType.set(key, [...(byType.get(key) ?? []), d]);
  }
  for (const name of names.slice(1)) {
    if (byType.size === 0) break;
    const have = new Map<string, DefinitionSite[]>();
    for (const d of owners(name)) {
      const key = typeKey(d);
      if (byType.has(key)) have.set(key, [...(have.get(key) ?? []), d]);
    }
    for (const key of [...byType.keys()]) {
      const found = have.get(key);
      if (found) byType.get(key)!.push(...found);
      else byType.delete(key);
    }
  }
  // Drop interfaces that merely repeat (or embed) the methods: only concrete methods implement.
  const concrete = [...byType.entries()].filter(([, ds]) => !ds.every((d) => isInterfaceMethod(syntax, d)));
  const order = new Map(names.map((n, i) => [n, i]));
  const out = concrete.flatMap(([, ds]) => ds).sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  return { types: concrete.length, methods: out };
}

/**
 * The types implementing the interface named `iface` that the package in folder `dir` declares
 * (`var _ Render = (*|` asserts one of them), or undefined when the workspace declares no such interface.
 */
export function goImplementingTypes(syntax: SyntaxFacts, iface: string, dir: string): Set<string> | undefined {
  const def = syntax.definitions(iface, MAX_SITES).find((d) => d.kind === 'interface' && d.container === undefined);
  if (!def) return undefined;
  const impl = goImplementations(syntax, iface, syntax.membersOf(def));
  const inDir = impl.methods.filter((m) => goPackageDir(m.path) === dir);
  return new Set(inDir.map((m) => m.container!));
}

/** A Go type is its package (folder) and name: methods of one type may be in any file of the package. */
function typeKey(d: DefinitionSite): string {
  return `${goPackageDir(d.path)}\0${d.container}`;
}

/** Whether a method site is an interface's method element (its container is an interface). */
function isInterfaceMethod(syntax: SyntaxFacts, d: DefinitionSite): boolean {
  return syntax.definitionsNamed(d.path, d.container!).some((t) => t.kind === 'interface');
}
