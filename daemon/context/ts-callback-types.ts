/**
 * TypeScript: the type of a parameter a function takes from where it goes (contextual
 * typing; the document side is syntax/ts-callbacks.ts), read from the indexed declarations:
 *
 *   streamSSE(c, async (stream) => stream.)   `streamSSE(c: Context, cb: (stream: SSEStreamingApi) => …)`
 *   app.get('/', (c) => c.)                   `get: HandlerInterface<E>` → its call signature → `Handler` → `(c: Context<E>) => …`
 *   const g: GetConnInfo = (c) => c.          `type GetConnInfo = (c: Context) => ConnInfo`
 *   new Foo({ onX: (e) => e. })               Foo's `constructor(opts: Options)` → `onX?: (e: XEvent) => void`
 *
 * A declared parameter type is followed through function types written inline, type aliases,
 * interfaces with a call signature, rest parameters (`...handlers: H[]`), unions (the first
 * callable member) and type parameters (their constraint, else their default).
 *
 * Work is bounded: a few declarations per name, a few aliases deep, text read near the name.
 */
import type { CallbackParam, TypeRef } from './syntax/bindings';
import { plainType } from './syntax/bindings';
import { ARRAY_CALLBACKS } from './syntax/ts-elements';
import type { DefinitionSite, SyntaxFacts } from './syntax/facts';
import { TYPE_KINDS } from './syntax/facts';
import { escapeRe } from './identifiers';
import { isType } from './member-types';
import { closingIndex } from './syntax/brackets';

interface Signature {
  /** The text inside the parameter list's parentheses. */
  params: string;
  /** The text inside the type parameter list's angle brackets ('' when none). */
  generics: string;
}

/** What the resolution reads of the index: chunk reads counted against MAX_READS. */
type Facts = Pick<SyntaxFacts, 'typeDefinitions' | 'membersOf' | 'baseTypesOf' | 'chunkText' | 'definitionText'> & {
  isType(rel: string, name: string): boolean;
};

/** Chunk texts one parameter's resolution may read (overloads × aliases × interface continuations). */
const MAX_READS = 48;

/** Aliases and declarations followed for one parameter. */
const MAX_HOPS = 4;
/** Chunks after a large interface's first one read for its call signatures. */
const MAX_CONTINUATION = 8;
/** Characters of a declaration read after its name. */
const MAX_TEXT = 4000;

/** Answers remembered per facts until the index changes (one completion is asked at the same call site keystroke after keystroke). */
const MAX_REMEMBERED = 512;
const remembered = new WeakMap<SyntaxFacts, { generation: number; answers: Map<string, string | undefined> }>();

/**
 * The parameter's type name, or undefined where the index does not say. `typeOf` gives the type a receiver ref stands for.
 * What the index says is remembered until it changes: the key is the site as the document describes it and the type
 * whose member is called there (what the document says of the callee's receiver, asked again each time).
 */
export function callbackParamType(
  facts: SyntaxFacts,
  rel: string,
  param: CallbackParam,
  typeOf: (ref: TypeRef) => string | undefined,
): string | undefined {
  const of = param.of;
  const calledOn =
    param.declared === undefined && of && !(param.construct && of.type) && of.steps.length > 0
      ? typeOf({ ...of, steps: of.steps.slice(0, -1) })
      : undefined;
  const generation = facts.indexGeneration();
  let memo = remembered.get(facts);
  if (!memo || memo.generation !== generation) remembered.set(facts, (memo = { generation, answers: new Map() }));
  const key = `${rel}\0${calledOn ?? ''}\0${JSON.stringify(param)}`;
  if (memo.answers.has(key)) return memo.answers.get(key);
  const found = resolveParamType(facts, rel, param, calledOn);
  if (memo.answers.size >= MAX_REMEMBERED) memo.answers.clear();
  memo.answers.set(key, found);
  return found;
}

/** callbackParamType's work: `calledOn` is the type of the receiver whose member the site calls (`app.get(…)`: app's). */
function resolveParamType(facts: SyntaxFacts, rel: string, param: CallbackParam, calledOn: string | undefined): string | undefined {
  let reads = 0;
  const syntax: Facts = {
    typeDefinitions: (file, name) => facts.typeDefinitions(file, name),
    membersOf: (t) => facts.membersOf(t),
    baseTypesOf: (t) => facts.baseTypesOf(t),
    chunkText: (id) => (reads++ < MAX_READS ? facts.chunkText(id) : undefined),
    definitionText: (d) => (reads++ < MAX_READS ? facts.definitionText(d) : undefined),
    isType: (file, name) => isType(facts, file, name),
  };
  if (param.declared !== undefined) return fromFunctions(syntax, rel, typeSignatures(syntax, rel, param.declared, 0), param.index, []);
  const of = param.of;
  if (!of) return undefined;
  let called: Signature[] = [];
  if (param.construct && of.type) called = memberSignatures(syntax, rel, of.type, 'constructor');
  else if (of.steps.length === 0 && (of.callee ?? of.head)) called = functionSignatures(syntax, rel, (of.callee ?? of.head)!);
  else if (of.steps.length > 0 && calledOn) {
    const name = of.steps[of.steps.length - 1].name;
    called = memberSignatures(syntax, rel, calledOn, name);
    // `a.items.map((x) => …)` with `items: Item[]` declared in the index: the member's type names the element (plainType
    // reads `Item[]` as Item); one without the array method is such an element, and the callback's parameter is one.
    // (What the document types itself, `xs: Item[]` or `this.xs`, bindings.ts reads with its brackets.)
    const arrayCall = param.arg === 0 && param.prop === undefined && ARRAY_CALLBACKS.get(name) === param.index && of.steps.length >= 2;
    if (called.length === 0 && arrayCall) {
      const types = syntax.typeDefinitions(rel, calledOn).filter((d) => TYPE_KINDS.has(d.kind));
      if (types.length > 0 && !types.slice(0, 3).some((t) => syntax.membersOf(t).some((m) => m.name === name))) return calledOn;
    }
  }
  // Overloads: the first whose parameter at the argument's position leads to a typed parameter.
  for (const sig of called.slice(0, 12)) {
    const generics = [sig.generics];
    let argType = parameterType(sig.params, param.arg);
    if (argType === undefined) continue;
    let fns: Signature[] | undefined;
    if (param.prop !== undefined) {
      const prop = propertySignature(syntax, rel, argType, param.prop, generics);
      if (!prop) continue;
      if ('params' in prop) fns = [prop];
      else argType = prop.type;
    }
    fns ??= typeSignatures(syntax, rel, resolveGeneric(argType, generics), 0);
    const found = fromFunctions(syntax, rel, fns, param.index, generics);
    if (found) return found;
  }
  return undefined;
}

/** The type of parameter `index` of the first of `fns` that declares it (a type parameter resolved), when the index declares that type. */
function fromFunctions(syntax: Facts, rel: string, fns: Signature[], index: number, generics: string[]): string | undefined {
  for (const fn of fns.slice(0, 12)) {
    const t = parameterType(fn.params, index);
    if (t === undefined) continue;
    const name = plainType(resolveGeneric(t, [...generics, fn.generics]), 'typescript');
    if (name && syntax.isType(rel, name)) return name;
  }
  return undefined;
}

/** The signatures of a free function (its overloads, or a const holding one) the document can call. */
function functionSignatures(syntax: Facts, rel: string, name: string): Signature[] {
  return syntax
    .typeDefinitions(rel, name)
    .filter((d) => d.container === undefined && (d.kind === 'function' || d.kind === 'variable' || d.kind === 'constant' || d.kind === ''))
    .slice(0, 6)
    .flatMap((d) => declarationSignatures(syntax, d, 0));
}

/** The signatures of member `name` of `type` (or of the types it extends): those of the first type that declares it. */
function memberSignatures(syntax: Facts, rel: string, type: string, name: string): Signature[] {
  const queue: DefinitionSite[] = syntax
    .typeDefinitions(rel, type)
    .filter((d) => TYPE_KINDS.has(d.kind))
    .slice(0, 3);
  const seen = new Set<string>();
  for (let i = 0; i < queue.length && i < 8; i++) {
    const t = queue[i];
    const key = `${t.path}:${t.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const sigs = syntax
      .membersOf(t)
      .filter((m) => m.name === name)
      .slice(0, 6)
      .flatMap((m) => declarationSignatures(syntax, m, 0));
    if (sigs.length > 0) return sigs;
    queue.push(...syntax.baseTypesOf(t).slice(0, 3));
  }
  return [];
}

/** A declaration's signatures from its text: `f(…)`, `f = (…) =>`, `f = function (…)`, `f: T` (T's call signatures). */
function declarationSignatures(syntax: Facts, d: DefinitionSite, hops: number): Signature[] {
  const text = syntax.definitionText(d);
  if (!text) return [];
  const at = new RegExp(`(?<![\\w$.])${escapeRe(d.name)}(?![\\w$])`).exec(text);
  if (!at) return [];
  const rest = text.slice(at.index + d.name.length, at.index + d.name.length + MAX_TEXT);
  const typed = /^\s*[?!]?\s*:\s*/.exec(rest);
  if (typed) {
    const type = typeText(rest.slice(typed[0].length));
    return type ? typeSignatures(syntax, d.path, type, hops + 1) : [];
  }
  const value = /^\s*=\s*(?:async\s+)?(?:function\b\s*\*?\s*[\w$]*\s*)?/.exec(rest);
  const from = value ? value[0].length : /^\s*[?!]?/.exec(rest)![0].length;
  const sig = functionText(rest.slice(from));
  return sig ? [sig] : [];
}

/** A type's call signatures: written inline (`(c: Context) => R`, `{ (c: Context): R }`), or a type alias's or an interface's. */
function typeSignatures(syntax: Facts, rel: string, text: string, hops: number): Signature[] {
  if (hops > MAX_HOPS) return [];
  const t = text.trim();
  const inline = functionText(t);
  if (inline) return [inline];
  if (t.startsWith('{')) return callSignaturesIn(t);
  const parts = splitTop(t, '|');
  if (parts.length > 1) return parts.slice(0, 4).flatMap((p) => typeSignatures(syntax, rel, p, hops + 1));
  const name = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)/.exec(t)?.[1].split('.').pop();
  if (!name) return [];
  for (const d of syntax
    .typeDefinitions(rel, name)
    // '' : a file the heuristic parser indexed (too large for a parse) says no kind.
    .filter((d) => d.kind === 'type' || d.kind === 'interface' || d.kind === '')
    .slice(0, 2)) {
    const body = declarationText(syntax, d);
    const at = new RegExp(`\\b(type|interface)\\s+${escapeRe(name)}\\b`).exec(body);
    if (!at) continue;
    const rest = body.slice(at.index + at[0].length);
    const lt = /^\s*</.exec(rest);
    const ownGenerics = lt ? (balancedAngle(rest.slice(lt[0].length - 1)) ?? '') : '';
    const after = lt ? rest.slice(lt[0].length + ownGenerics.length + 1) : rest;
    let sigs: Signature[] = [];
    if (at[1] === 'type') {
      const eq = /^\s*=\s*/.exec(after);
      if (eq) sigs = typeSignatures(syntax, d.path, typeText(after.slice(eq[0].length)) ?? '', hops + 1);
    } else {
      const open = after.indexOf('{');
      if (open >= 0) sigs = callSignaturesIn(after.slice(open));
    }
    if (sigs.length > 0)
      return sigs.map((sig) => ({ params: sig.params, generics: [ownGenerics, sig.generics].filter(Boolean).join(', ') }));
  }
  return [];
}

/**
 * A type declaration's text: its chunk, and for a large interface the chunks after it that
 * go on inside it (indented lines; a chunk opening a new top-level item ends it).
 */
function declarationText(syntax: Facts, d: DefinitionSite): string {
  let text = syntax.definitionText(d) ?? '';
  if (d.kind !== 'interface' && d.kind !== '') return text;
  for (let k = 1; k <= MAX_CONTINUATION && text.length < MAX_TEXT * 4; k++) {
    const next = syntax.chunkText(d.chunkId + k);
    if (next === undefined || !/^(?:\s|\/\/|\/\*|\})/.test(next)) break;
    text += `\n${next}`;
  }
  return text;
}

/** `<T>(a: A, b: B) => R` or `(a: A) => R` at the start of `text`: its parameters and type parameters. */
function functionText(text: string): Signature | undefined {
  let t = text.trimStart();
  let generics = '';
  if (t.startsWith('<')) {
    generics = balancedAngle(t) ?? '';
    if (!generics) return undefined;
    t = t.slice(generics.length + 2).trimStart();
  }
  if (!t.startsWith('(')) return undefined;
  const params = balanced(t, '(', ')', MAX_TEXT);
  return params === undefined ? undefined : { params, generics };
}

/** The call signatures of an object type or interface body (`{ (c: Context): R; <T>(x: T): R }`), in order. */
function callSignaturesIn(body: string): Signature[] {
  const inner = balanced(body, '{', '}', MAX_TEXT * 4) ?? body.slice(1, MAX_TEXT * 4);
  const out: Signature[] = [];
  // A member line that opens with `(` or `<` at the body's own depth starts a call signature.
  let depth = 0;
  for (let i = 0; i < inner.length && out.length < 12; i++) {
    const c = inner[i];
    if (depth === 0 && (c === '(' || c === '<') && /(?:^|\n)\s*$/.test(inner.slice(Math.max(0, i - 200), i))) {
      const sig = functionText(inner.slice(i));
      if (sig) {
        out.push(sig);
        i += sig.generics.length + sig.params.length;
        continue;
      }
    }
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if ((c === ')' || c === ']' || c === '}' || (c === '>' && inner[i - 1] !== '=')) && depth > 0) depth--;
  }
  return out;
}

/** The declared type of parameter `i` of a parameter list (a rest parameter's element type for it and all after). */
function parameterType(params: string, i: number): string | undefined {
  const list = splitTop(params, ',');
  for (let k = 0; k < list.length; k++) {
    const p = list[k].replace(/^(?:(?:public|private|protected|readonly|override)\s+)+/, '');
    const rest = p.startsWith('...');
    if (k !== i && !(rest && i > k)) continue;
    const colon = topIndex(p, ':');
    if (colon < 0) return undefined;
    const eq = topIndex(p.slice(colon + 1), '=');
    const type = (eq < 0 ? p.slice(colon + 1) : p.slice(colon + 1, colon + 1 + eq)).trim();
    if (!rest) return type;
    const array = /^(.*)\[\]$/s.exec(type) ?? /^(?:Readonly)?Array<(.*)>$/s.exec(type);
    if (array) return array[1].trim();
    // `...handlers: [A, B]`: the tuple's element at the argument's place.
    const tuple = /^\[(.*)\]$/s.exec(type);
    return tuple ? splitTop(tuple[1], ',')[i - k]?.replace(/^\.\.\./, '') : undefined;
  }
  return undefined;
}

/**
 * Property `prop` of an object type: its function signature when it is a method (`onX(e: E): void`)
 * or has a function type, else its type text.
 */
function propertySignature(
  syntax: Facts,
  rel: string,
  written: string,
  prop: string,
  generics: string[],
): Signature | { type: string } | undefined {
  const t = resolveGeneric(written, generics).trim();
  const p = escapeRe(prop);
  const read = (body: string): Signature | { type: string } | undefined => {
    const m = new RegExp(`(?:^|[\\s;{,])(?:readonly\\s+)?['"]?${p}['"]?\\s*(\\?\\s*)?(:|<|\\()`).exec(body);
    if (!m) return undefined;
    const after = body.slice(m.index + m[0].length - 1, m.index + m[0].length - 1 + MAX_TEXT);
    if (m[2] === ':') {
      const type = typeText(after.slice(1));
      return type ? { type } : undefined;
    }
    return functionText(after);
  };
  if (t.startsWith('{')) return read(balanced(t, '{', '}') ?? t);
  const name = plainType(t, 'typescript');
  if (!name) return undefined;
  for (const d of syntax
    .typeDefinitions(rel, name)
    .filter((d) => TYPE_KINDS.has(d.kind))
    .slice(0, 2)) {
    const body = syntax.definitionText(d);
    const found = body ? read(body) : undefined;
    if (found) {
      if ('type' in found) {
        const sig = typeSignatures(syntax, d.path, found.type, 1)[0];
        return sig ?? found;
      }
      return found;
    }
  }
  return undefined;
}

/** A type parameter stands for its constraint, else its default (`E extends Env = Env` → Env). */
function resolveGeneric(type: string, generics: string[]): string {
  const name = type.trim();
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return type;
  for (const list of generics)
    for (const g of splitTop(list, ',')) {
      const m = new RegExp(`^${escapeRe(name)}\\s*(?:extends\\s+([^=]+?))?\\s*(?:=\\s*(.+))?$`, 's').exec(g.trim());
      if (m) return (m[1] ?? m[2] ?? type).trim();
    }
  return type;
}

/** A type written at the start of `text`, up to where the declaration goes on (`=`, `;`, `{` of a body, a line end at depth 0). */
function typeText(text: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < text.length && i < MAX_TEXT; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if ((c === ')' || c === ']' || c === '}' || (c === '>' && text[i - 1] !== '=')) && depth > 0) depth--;
    else if (depth === 0 && (c === ';' || c === ',' || c === ')' || (c === '=' && text[i + 1] !== '>') || c === '\n')) {
      // A line that ends in `=>`, `|` or `&` goes on.
      if (c === '\n' && /(?:=>|[|&,(<:])\s*$/.test(text.slice(0, i))) continue;
      if (c === '\n' && /^\s*[|&=]/.test(text.slice(i + 1))) continue;
      return text.slice(0, i).trim() || undefined;
    }
  }
  return text.slice(0, MAX_TEXT).trim() || undefined;
}

/** The text between `open` at the start of `text` and its matching `close`. */
function balanced(text: string, open: string, close: string, max = MAX_TEXT): string | undefined {
  const end = closingIndex(text, 0, open, close, max);
  return end < 0 ? undefined : text.slice(1, end);
}

/** The text inside `<…>` at the start of `text` (an arrow's `=>` is not a closing bracket). */
function balancedAngle(text: string): string | undefined {
  return balanced(text, '<', '>');
}

/** Index of `ch` at bracket depth 0 (`=>`'s `>` does not close), or -1. */
function topIndex(s: string, ch: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if ((c === ')' || c === ']' || c === '}' || (c === '>' && s[i - 1] !== '=')) && depth > 0) depth--;
    else if (c === ch && depth === 0 && !(ch === '=' && s[i + 1] === '>')) return i;
  }
  return -1;
}

function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let rest = s;
  for (let guard = 0; guard < 64; guard++) {
    const i = topIndex(rest, sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  out.push(rest);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}
