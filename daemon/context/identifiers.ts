/**
 * Identifier splitting shared by the index and the query side, so both produce the
 * same terms: `parseHTTPResponse_v2` → `parsehttpresponse_v2`, `parse`, `http`,
 * `response`, `v2`. The whole identifier is kept (exact matches score highest) and its
 * camelCase / snake_case / kebab parts are added.
 */

/** Words too common in code to help ranking. */
export const STOP_WORDS = new Set([
  'the',
  'and',
  'for',
  'not',
  'are',
  'with',
  'this',
  'that',
  'from',
  'import',
  'export',
  'return',
  'const',
  'let',
  'var',
  'function',
  'if',
  'else',
  'true',
  'false',
  'null',
  'undefined',
  'new',
  'class',
  'def',
  'self',
  'none',
  'public',
  'private',
  'protected',
  'static',
  'void',
  'int',
  'string',
  'number',
  'boolean',
  'async',
  'await',
  'type',
  'interface',
  'extends',
  'implements',
  'package',
  'func',
  'struct',
  'impl',
  'pub',
  'use',
  'mut',
  'fn',
  'in',
  'of',
  'to',
  'is',
  'be',
  'as',
  'or',
  'an',
  'a',
  'i',
  'it',
  'on',
  'by',
  'at',
  'do',
  'we',
  'if',
  'elif',
  'while',
  'break',
  'continue',
  'case',
  'switch',
  'default',
  'try',
  'catch',
  'finally',
  'throw',
  'throws',
  'typeof',
  'instanceof',
  'require',
  'module',
  'exports',
  'lambda',
  'yield',
  'pass',
  'end',
  'then',
  'begin',
  'nil',
  'else',
]);

const IDENT = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/** Split one identifier into lowercase parts (camelCase, PascalCase, ACRONYMS, snake_case, digits). */
export function splitIdentifier(ident: string): string[] {
  const parts: string[] = [];
  for (const piece of ident.split(/[_$-]+/)) {
    if (!piece) continue;
    const sub = piece.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g);
    if (!sub) continue;
    for (const s of sub) parts.push(s.toLowerCase());
  }
  return parts;
}

/** Identifiers in a text, in order of appearance (with repeats). */
export function identifiersIn(text: string): string[] {
  return text.match(IDENT) ?? [];
}

/** Terms of one identifier: the whole (lowercased, `$` dropped) plus its parts, minus stop words. */
export function termsOfIdentifier(ident: string): string[] {
  const whole = ident.replace(/\$/g, '').toLowerCase();
  const out: string[] = [];
  if (whole.length > 1 && !STOP_WORDS.has(whole)) out.push(whole);
  const parts = splitIdentifier(ident);
  if (parts.length > 1) {
    for (const p of parts) if (p.length > 1 && p !== whole && !STOP_WORDS.has(p)) out.push(p);
  }
  return out;
}

/**
 * The terms of a text for the full-text index: every identifier's terms, space-joined.
 * FTS5 indexes this column with `unicode61` and `_` as a token character, so
 * `snake_case` stays one term next to `snake` and `case`.
 */
export function indexTerms(text: string): string {
  const out: string[] = [];
  for (const ident of identifiersIn(text)) out.push(joinedTerms(ident));
  return out.filter((t) => t !== '').join(' ');
}

/**
 * `termsOfIdentifier(ident).join(' ')`, remembered: a code base repeats the same
 * identifiers endlessly, and splitting each again was a fifth of indexing's analysis time.
 */
const termsMemo = new Map<string, string>();

function joinedTerms(ident: string): string {
  let t = termsMemo.get(ident);
  if (t === undefined) {
    t = termsOfIdentifier(ident).join(' ');
    if (termsMemo.size >= 50_000) termsMemo.clear();
    termsMemo.set(ident, t);
  }
  return t;
}

/** `s` as a regular expression that matches it literally. */
export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
