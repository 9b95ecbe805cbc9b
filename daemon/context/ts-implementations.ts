/**
 * TypeScript: the classes implementing an interface a receiver is typed by. What a call on
 * an interface-typed value runs is a method of the class the value is an instance of: a
 * class that says `implements I` (or extends a class that does not matter here), or one
 * that has every member the interface lists (TypeScript is structural). receiver-members.ts
 * places their members beside the interface's (Go has the same rule, go-members.ts).
 *
 * The interface's member names come from its indexed members (method signatures) and from
 * its declaration's text (properties, `send: (e: E) => void`, are no definitions of their
 * own). The candidates are the classes declaring the first of those names.
 *
 * Work is bounded: MAX_NAMES names read, the definitions (MAX_SITES) of the first MAX_PROBES, MAX_CANDIDATES classes;
 * answers are remembered until the index changes.
 */
import type { DefinitionSite, SyntaxFacts } from './syntax/facts';

const MAX_NAMES = 12;
/** Names whose definitions are looked up for candidates (the first with any decides). */
const MAX_PROBES = 4;
const MAX_SITES = 30;
const MAX_CANDIDATES = 12;
/** Characters of the interface's chunk read for its property names. */
const MAX_TEXT = 6000;
const MAX_REMEMBERED = 256;

const remembered = new WeakMap<SyntaxFacts, { generation: number; answers: Map<string, DefinitionSite[]> }>();

/** The classes implementing interface `iface` (as far as the names checked say), in the order their first member is found. */
export function tsImplementations(syntax: SyntaxFacts, iface: DefinitionSite): DefinitionSite[] {
  const generation = syntax.indexGeneration();
  let memo = remembered.get(syntax);
  if (!memo || memo.generation !== generation) remembered.set(syntax, (memo = { generation, answers: new Map() }));
  const key = `${iface.path}:${iface.line}`;
  const known = memo.answers.get(key);
  if (known) return known;
  const found = implementing(syntax, iface);
  if (memo.answers.size >= MAX_REMEMBERED) memo.answers.clear();
  memo.answers.set(key, found);
  return found;
}

function implementing(syntax: SyntaxFacts, iface: DefinitionSite): DefinitionSite[] {
  const names = memberNames(syntax, iface);
  if (names.length === 0) return [];
  const candidates = new Map<string, DefinitionSite>();
  for (const name of names.slice(0, MAX_PROBES)) {
    for (const d of syntax.definitions(name, MAX_SITES)) {
      if (candidates.size >= MAX_CANDIDATES) break;
      if (d.container === undefined || d.container === iface.name || (d.kind !== 'method' && d.kind !== 'field')) continue;
      const cls = syntax.definitionsNamed(d.path, d.container).find((t) => t.kind === 'class');
      if (cls) candidates.set(`${cls.path}:${cls.line}`, cls);
    }
    // The classes declaring the first names are the candidates; the rest only confirm.
    if (candidates.size > 0) break;
  }
  const out: DefinitionSite[] = [];
  for (const cls of candidates.values()) {
    const nominal = syntax.baseTypesOf(cls).some((b) => b.path === iface.path && b.line === iface.line);
    const own = nominal ? undefined : new Set(syntax.membersOf(cls).map((m) => m.name));
    // Structural: every name the interface lists (at least two, or one name says little).
    if (nominal || (own && names.length >= 2 && names.every((n) => own.has(n)))) out.push(cls);
  }
  return out;
}

/** The interface's member names: its indexed members, then the properties its declaration lists, in order. */
function memberNames(syntax: SyntaxFacts, iface: DefinitionSite): string[] {
  const names = new Set(syntax.membersOf(iface).map((m) => m.name));
  const text = (syntax.chunkText(iface.chunkId) ?? '').slice(0, MAX_TEXT);
  const open = text.search(new RegExp(`\\binterface\\s+${iface.name.replace(/\$/g, '\\$')}\\b[^{]*\\{`));
  if (open >= 0) {
    let depth = 0;
    for (const line of text.slice(text.indexOf('{', open) + 1).split('\n')) {
      // Members are the lines at the body's own depth (not an object type's inside a member).
      const m = depth === 0 ? /^\s*(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*[:(<]/.exec(line) : null;
      if (m && m[1] !== 'new') names.add(m[1]);
      for (const c of line.replace(/\/\/.*$/, '')) {
        if (c === '{' || c === '(') depth++;
        else if (c === '}' || c === ')') depth--;
      }
      if (depth < 0) break;
    }
  }
  return [...names].filter((n) => n !== 'constructor').slice(0, MAX_NAMES);
}
