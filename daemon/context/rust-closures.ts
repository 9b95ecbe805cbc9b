/**
 * Rust: the type of an untyped closure parameter from the function the closure is passed to
 * (`conn.with_state(|st| st.` where `fn with_state<F: FnOnce(&mut State)>(&self, f: F)`). The
 * callee's declaration states the closure's type at that argument: `impl FnMut(&T)`,
 * `&dyn Fn(T)`, `Box<dyn FnOnce(T) + Send>`, or a type parameter bound by one of them inline
 * or in a `where` clause. Parameter *i* of that `Fn(…)` is the closure's parameter *i*.
 *
 * Work is bounded: at most a few declarations of the callee, read from their indexed chunks.
 */
import type { CallbackParam, TypeRef } from './syntax/bindings';
import type { SyntaxFacts } from './syntax/facts';
import { TYPE_KINDS } from './syntax/facts';
import { plainType, splitTop } from './syntax/type-names';
import { escapeRe } from './identifiers';
import { isType } from './member-types';
import { closingIndex } from './syntax/brackets';

const MAX_DECLARATIONS = 4;

/** The closure parameter's type name, when a declaration of the callee states it and the index declares that type. */
export function rustClosureParamType(
  syntax: SyntaxFacts,
  rel: string,
  param: CallbackParam,
  typeOf: (ref: TypeRef) => string | undefined,
): string | undefined {
  const of = param.of;
  if (!of) return undefined;
  let sites;
  if (of.steps.length === 0 && of.callee) sites = syntax.definitions(of.callee, 20).filter((d) => d.kind === 'function' && !d.container);
  else if (of.steps.length > 0) {
    const name = of.steps[of.steps.length - 1].name;
    const owner = typeOf({ ...of, steps: of.steps.slice(0, -1) });
    if (!owner) return undefined;
    const types = syntax
      .typeDefinitions(rel, owner)
      .filter((d) => TYPE_KINDS.has(d.kind))
      .slice(0, 2);
    sites = types
      .flatMap((t) => [t, ...syntax.baseTypesOf(t).slice(0, 3)])
      .flatMap((t) => syntax.membersOf(t).filter((m) => m.name === name));
  } else return undefined;
  for (const d of sites.slice(0, MAX_DECLARATIONS)) {
    const text = syntax.definitionText(d);
    const declared = text ? closureParamText(text, d.name, param.arg, param.index) : undefined;
    const t = declared ? plainType(declared, 'rust') : undefined;
    if (t && t !== 'Self' && isType(syntax, d.path, t)) return t;
  }
  return undefined;
}

/** In a function's declaration text: parameter `index` of the `Fn(…)` type its argument `arg` (not counting `self`) takes. */
export function closureParamText(text: string, name: string, arg: number, index: number): string | undefined {
  const at = new RegExp(`\\bfn\\s+${escapeRe(name)}\\s*`).exec(text);
  if (!at) return undefined;
  let i = at.index + at[0].length;
  let generics = '';
  if (text[i] === '<') {
    const end = closing(text, i, '<', '>');
    if (end < 0) return undefined;
    generics = text.slice(i + 1, end);
    i = end + 1;
  }
  const open = text.indexOf('(', i);
  const close = open < 0 ? -1 : closing(text, open, '(', ')');
  if (close < 0) return undefined;
  const params = splitTop(text.slice(open + 1, close), ',').filter((p) => !/^(?:&\s*(?:'\w+\s+)?)?(?:mut\s+)?self\b/.test(p));
  const declared = /^[^:]+:\s*([\s\S]+)$/.exec(params[arg] ?? '')?.[1];
  if (!declared) return undefined;
  const body = text.indexOf('{', close);
  const where = /\bwhere\b([\s\S]*)$/.exec(text.slice(close, body < 0 ? close + 2000 : body))?.[1] ?? '';
  const fn = fnArguments(declared) ?? fnArguments(boundOf(declared.trim(), generics, where) ?? '');
  return fn ? splitTop(fn, ',')[index] : undefined;
}

/** `impl FnMut(&T, u8) -> R`, `&dyn Fn(T)`, `Box<dyn FnOnce(T) + Send>`: the argument list `&T, u8`. */
function fnArguments(type: string): string | undefined {
  let t = type.trim();
  for (let guard = 0; guard < 4; guard++) {
    t = t.replace(/^(?:&\s*(?:'\w+\s+)?|mut\s+|impl\s+|dyn\s+)+/, '').trim();
    const boxed = /^(?:Box|Arc|Rc|Pin)\s*<([\s\S]*)>$/.exec(t);
    if (!boxed) break;
    t = boxed[1];
  }
  const m = /^(?:Fn|FnMut|FnOnce)\s*\(/.exec(t);
  if (!m) return undefined;
  const end = closing(t, m[0].length - 1, '(', ')');
  return end < 0 ? undefined : t.slice(m[0].length, end);
}

/** The bound a type parameter named `name` has, inline (`<F: FnOnce(T)>`) or in the `where` clause. */
function boundOf(name: string, generics: string, where: string): string | undefined {
  if (!/^[A-Z]\w*$/.test(name)) return undefined;
  for (const part of [...splitTop(generics, ','), ...splitTop(where, ',')]) {
    const m = new RegExp(`^${name}\\s*:\\s*([\\s\\S]+)$`).exec(part.trim());
    if (m) return splitTop(m[1], '+').find((b) => /^(?:Fn|FnMut|FnOnce)\s*\(/.test(b.trim()));
  }
  return undefined;
}

/** The bracket closing the one at `open`, within the 4,000 characters a declaration is read to. */
function closing(text: string, open: number, o: string, c: string): number {
  return closingIndex(text, open, o, c, 4000);
}
