/**
 * TypeScript and JavaScript: the return type of a function or method whose declaration
 * states none, inferred from its body as the compiler would for the plain cases: an arrow
 * whose body is `new T(…)`, a body whose first `return` is `new T(…)`, and `this` (declared
 * `: this`, or `return this` — a fluent method hands back its own type).
 */

import { escapeRe } from './identifiers';
import { closingIndex } from './syntax/brackets';

/** Characters of a body read for its first `return`. */
const MAX_BODY = 3000;

/**
 * The type `after` (the declaration's text right after its parameter list) returns, with
 * `container` standing for `this`; undefined when the body does not say plainly.
 */
export function inferredReturnType(after: string, container: string | undefined): string | undefined {
  if (/^\s*:\s*this\b/.test(after)) return container;
  if (/^\s*:/.test(after)) return undefined;
  const arrow = /^\s*=>\s*/.exec(after);
  const body = arrow ? after.slice(arrow[0].length) : after;
  const direct = /^\(?\s*new\s+([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*(?:<[^>\n]*>)?\s*\(/.exec(body);
  if (direct) return direct[1].split('.').pop();
  if (!body.trimStart().startsWith('{')) return undefined;
  // The first `return` of the body (a nested function's return is as likely to say what this one gives).
  const ret = /(?:^|[\s;{}])return\s+(new\s+([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*(?:<[^>\n]*>)?\s*\(|this\b(?!\s*[.[(]))/.exec(
    body.slice(0, MAX_BODY),
  );
  if (!ret) return undefined;
  return ret[2] ? ret[2].split('.').pop() : container;
}

/** Characters of an annotation or an alias read for its function type. */
const MAX_TYPE = 2000;

/**
 * TypeScript: what a value annotated with a function type returns, `rest` being its
 * declaration's text right after its name: `const getInfo: GetInfo = (c) => …` through
 * `alias` (the text of the alias's declaration, `type GetInfo = (c: Context) => Info`), or
 * `f: (c: Context) => Info = …` written in place. The type as written, undefined when the
 * annotation is no function type.
 */
export function annotatedResult(rest: string, alias: (name: string) => string | undefined): string | undefined {
  const colon = /^\s*[?!]?\s*:\s*/.exec(rest);
  if (!colon) return undefined;
  const written = rest.slice(colon[0].length, colon[0].length + MAX_TYPE);
  if (written.startsWith('(')) return functionTypeResult(written);
  const named = /^([A-Za-z_$][\w$]*)\s*(?=[<=])/.exec(written);
  const decl = named ? alias(named[1]) : undefined;
  if (!named || !decl) return undefined;
  const head = new RegExp(`\\btype\\s+${escapeRe(named[1])}(?![\\w$])\\s*`).exec(decl);
  if (!head) return undefined;
  let at = head.index + head[0].length;
  if (decl[at] === '<') {
    const close = closingIndex(decl, at, '<', '>', MAX_TYPE);
    if (close < 0) return undefined;
    at = close + 1;
  }
  const eq = /^\s*=\s*/.exec(decl.slice(at));
  return eq && decl[at + eq[0].length] === '('
    ? functionTypeResult(decl.slice(at + eq[0].length, at + eq[0].length + MAX_TYPE))
    : undefined;
}

/** The result of a function type written from its `(`: `(c: C) => Info` → Info. */
function functionTypeResult(text: string): string | undefined {
  const close = closingIndex(text, 0, '(', ')', MAX_TYPE);
  if (close < 0) return undefined;
  return /^\s*=>\s*([^;\n{=]+?)\s*(?:[;\n{=]|$)/.exec(text.slice(close + 1))?.[1];
}
