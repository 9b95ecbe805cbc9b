/**
 * How well a member's declaration fits where `x.` is being typed, read from the member's
 * declaration line (and the decorator lines right above it) in its indexed chunk:
 *
 * - type level: a static member (`static`), a Python `@classmethod`/`@staticmethod`, a Rust
 *   associated function (no `self` parameter) is reached through the type (`Color.`,
 *   `Foo::`); an instance member through a value (`color.`);
 * - boolean-ish: declared to return or hold a boolean (`-> bool`, `): boolean`, `) bool`,
 *   `boolean isX(`, `x: boolean`), or named as a predicate (`is_`, `has`, `can`…): what a
 *   condition reads (`if x.`, `!x.`, `&& x.`);
 * - returns nothing: what a value position cannot read, and what a Go statement (`c.Next()`)
 *   calls.
 */
import type { ChunkRow } from './index-store';
import { splitIdentifier } from './identifiers';
import { grammarFor } from './syntax/grammars';
import type { MemberPosition } from './cursor-position';
import { rustSignature, type RustSignature } from './rust-member-fit';
import { lineOffset, type DefinitionSite } from './syntax/facts';

export interface FitContext {
  position: MemberPosition;
  /** The receiver names a type (`Color.`, `Foo::`), not a value. */
  typeLevel: boolean;
  /** The receiver is `this`/`self` (both kinds of member are at hand). */
  own: boolean;
}

export interface MemberDeclaration {
  level: 'type' | 'instance' | 'unknown';
  boolish: boolean;
  /** A method declared to return nothing (`: void`, `-> None`, Go/Rust without a result, Java `void`). */
  returnsNothing: boolean;
  /** TypeScript: declared `private` or `protected`, for the class (and its subclasses) alone. */
  restricted?: boolean;
  /** Rust: the function's signature read across its lines (rust-member-fit.ts), when it could be read. */
  rust?: RustSignature;
}

const PREDICATE_PARTS = new Set([
  'is',
  'has',
  'can',
  'should',
  'was',
  'were',
  'did',
  'does',
  'needs',
  'any',
  'all',
  'contains',
  'supports',
]);

/** 0 when the member fits the position, more the worse it fits. */
export function memberFit(site: DefinitionSite, row: ChunkRow, ctx: FitContext, d = memberDeclaration(site, row)): number {
  let miss = 0;
  if (!ctx.own && d.level !== 'unknown' && (d.level === 'type') !== ctx.typeLevel) miss++;
  if (ctx.position === 'condition' && !d.boolish) miss++;
  // A method that returns nothing has no value to read, to pass or to chain on.
  if ((ctx.position === 'value' || ctx.position === 'condition') && d.returnsNothing) miss++;
  // A Go statement `x.M(…)` throws away what M returns: the methods called so return nothing (fields are assigned there too).
  if (ctx.position === 'statement' && (site.kind === 'method' || site.kind === 'function') && !d.returnsNothing) miss++;
  return miss;
}

/** What a member's declaration says of it (its chunk's own line for it, and the lines right above). */
export function memberDeclaration(site: DefinitionSite, row: ChunkRow): MemberDeclaration {
  const lines = row.text.split('\n');
  const i = site.line - row.startLine;
  const line = lines[i] ?? '';
  // The decorators (`@classmethod`, `@staticmethod`) right above the declaration.
  let decorators = '';
  for (let j = i - 1; j >= 0 && j >= i - 4 && /^\s*@/.test(lines[j]); j--) decorators += lines[j];
  const grammar = grammarFor(row.language) ?? row.language;
  const name = site.name;
  const at = line.indexOf(name);
  const head = at < 0 ? line : line.slice(0, at);
  const tail = at < 0 ? '' : line.slice(at + name.length);
  const method = site.kind === 'method' || site.kind === 'function';
  let rust: RustSignature | undefined;
  let level: MemberDeclaration['level'] = 'unknown';
  let returnsNothing = false;
  let restricted = false;
  let boolish = PREDICATE_PARTS.has((splitIdentifier(name)[0] ?? '').toLowerCase());
  switch (grammar) {
    case 'python': {
      if (/@(?:classmethod|staticmethod)\b/.test(decorators)) level = 'type';
      else if (method && /\(\s*self\b/.test(tail)) level = 'instance';
      if (/->\s*["']?bool\b/.test(tail) || /^\s*:\s*bool\b/.test(tail)) boolish = true;
      if (method && /->\s*None\s*:/.test(tail)) returnsNothing = true;
      break;
    }
    case 'typescript':
    case 'tsx':
    case 'javascript': {
      level = /\bstatic\b/.test(head) ? 'type' : 'instance';
      if (/^\s*[?!]?\s*:\s*boolean\b/.test(tail) || /\)\s*:\s*boolean\b/.test(tail) || /^\s*=\s*(?:true|false)\b/.test(tail))
        boolish = true;
      if (method && /^\s*(?:<[^>]*>)?\s*\([^)]*\)\s*:\s*void\b/.test(tail)) returnsNothing = true;
      restricted = /(?:^|\s)(?:private|protected)\s/.test(head);
      break;
    }
    case 'java':
    case 'c_sharp':
      level = /\bstatic\b/.test(head) ? 'type' : 'instance';
      if (/\b(?:boolean|bool)\s+$/.test(head)) boolish = true;
      if (method && /\bvoid\s+$/.test(head)) returnsNothing = true;
      break;
    case 'rust': {
      // The signature across its lines (`fn build_many<P: AsRef<str>>(\n &self,`): rust-member-fit.ts.
      const sig = method ? rustSignature(row.text, name, lineOffset(row, site.line)) : undefined;
      if (sig) {
        rust = sig;
        level = sig.self ? 'instance' : 'type';
        if (sig.returns === 'bool') boolish = true;
        returnsNothing = sig.returns === undefined;
        break;
      }
      if (method) level = /^\s*(?:<[^>]*>)?\s*\(\s*(?:&\s*(?:'\w+\s+)?)?(?:mut\s+)?self\b/.test(tail) ? 'instance' : 'type';
      else if (site.kind === 'field') level = 'instance';
      // An associated constant or type (`const MAX: usize`, `type Error = …;` in an impl): `Self::MAX`, not `x.MAX`.
      else if (site.kind === 'constant' || site.kind === 'type') level = 'type';
      if (/->\s*bool\b/.test(tail) || /^\s*:\s*bool\b/.test(tail)) boolish = true;
      if (method && /^\s*(?:<[^>]*>)?\s*\([^)]*\)\s*(?:where\b[^{]*)?\{/.test(tail)) returnsNothing = true;
      break;
    }
    case 'go':
      level = 'instance';
      if (/\)\s*bool\s*\{/.test(tail) || /^\s+bool\b/.test(tail)) boolish = true;
      if (method && /^\s*\([^)]*\)\s*\{/.test(tail)) returnsNothing = true;
      break;
    default:
      break;
  }
  return { level, boolish, returnsNothing, ...(restricted ? { restricted } : {}), ...(rust ? { rust } : {}) };
}
