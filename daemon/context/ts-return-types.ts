/**
 * TypeScript and JavaScript: the return type of a function or method whose declaration
 * states none, inferred from its body as the compiler would for the plain cases: an arrow
 * whose body is `new T(…)`, a body whose first `return` is `new T(…)`, and `this` (declared
 * `: this`, or `return this` — a fluent method hands back its own type).
 */

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
