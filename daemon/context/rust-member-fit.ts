/**
 * Rust: what a method's signature says, read across its lines (generics with bounds such as
 * `<P: AsRef<str>>`, parameters on lines of their own, the declared result up to `where`),
 * and what the position around `x.` wants of it:
 *
 * - a statement (`x.` starting a line after `;`, `{` or `}`, and not the block's last line)
 *   calls a method for its effect: one returning nothing, `&mut Self` (a builder's setter) or
 *   `Result<()>`; a method returning another value is read, not called, there;
 * - `let (a, b) = x.` destructures a tuple: a method (or a module's function) returning a
 *   tuple of that many parts (also inside `Result`/`Option`, before a `?`);
 * - `ready!(x.` and `poll_fn(|cx| x.` take a `Poll<…>`: a method returning one.
 *
 * Only the member's chunk text is read; no index lookups.
 */
import type { ChunkRow } from './index-store';
import { lineOffset, type DefinitionSite } from './syntax/facts';
import { closingIndex } from './syntax/brackets';

export interface RustSignature {
  /** Takes `self` (`&self`, `&mut self`, `self: Pin<&mut Self>`): called on a value, not on the type. */
  self: boolean;
  /** The declared result as written (`&mut Self`, `(Gitignore, Option<Error>)`); undefined: returns nothing. */
  returns?: string;
}

export interface RustWanted {
  statement: boolean;
  /** `x = x.`: a value of the receiver's own type (`Self`, a builder's `with_end(self, …) -> Match`). */
  same?: boolean;
  /** `let (a, b) = x.`: the parts of the tuple destructured. */
  tuple?: number;
  /** `ready!(x.`, `poll_fn(|cx| x.`: a `Poll<…>` (a method giving anything else is not called there; a field may lead on). */
  poll?: boolean;
}

/** Characters of a declaration read from its name on. */
const MAX_SIGNATURE = 1200;

/** The signature of function `name` declared in `text` at or after `from`, or undefined when it cannot be read. */
export function rustSignature(text: string, name: string, from = 0): RustSignature | undefined {
  const re = new RegExp(`\\bfn\\s+${name.replace(/[^\w]/g, '')}\\b`, 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  if (!m) return undefined;
  const s = text.slice(m.index + m[0].length, m.index + m[0].length + MAX_SIGNATURE);
  let i = skipSpace(s, 0);
  if (s[i] === '<') i = closing(s, i, '<', '>');
  if (i < 0) return undefined;
  i = skipSpace(s, i);
  if (s[i] !== '(') return undefined;
  const close = closing(s, i, '(', ')');
  if (close < 0) return undefined;
  const params = s.slice(i + 1, close - 1);
  const self = /^\s*(?:&\s*(?:'\w+\s+)?)?(?:mut\s+)?self\b/.test(params.replace(/^\s*(?:#\[[^\]]*\]\s*)*/, ''));
  const rest = s.slice(close);
  const arrow = /^\s*->/.exec(rest);
  if (!arrow) return { self };
  let depth = 0;
  let end = arrow[0].length;
  for (; end < rest.length; end++) {
    const c = rest[end];
    if (c === '-' && rest[end + 1] === '>') end++;
    else if (c === '<' || c === '(' || c === '[') depth++;
    else if (c === '>' || c === ')' || c === ']') depth--;
    else if (depth === 0 && (c === '{' || c === ';' || (c === 'w' && /^where\b/.test(rest.slice(end)) && /\s/.test(rest[end - 1])))) break;
  }
  const returns = rest.slice(arrow[0].length, end).trim();
  return returns === '' || returns === '()' ? { self } : { self, returns };
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i])) i++;
  return i;
}

/** The index after the bracket closing the one at `i` (`->` inside generics is no bracket), or -1. */
function closing(s: string, i: number, open: string, close: string): number {
  const end = closingIndex(s, i, open, close);
  return end < 0 ? -1 : end + 1;
}

/** What the position before `x.` wants of a Rust member, or undefined when it says nothing. */
export function rustMemberWanted(before: string, suffix: string): RustWanted | undefined {
  const tail = before.slice(-2000);
  const lines = tail.split('\n');
  const line = lines[lines.length - 1];
  // The receiver and its separator (`self.state.`, `crate::util::`, `f().`).
  const lead = line.replace(/(?:[A-Za-z_][\w]*(?:\(\))?\s*(?:\.|::)\s*)+$/, '');
  if (lead === line) return undefined;
  const tuple = /\blet\s+(?:mut\s+)?\(([^()=]*)\)\s*(?::[^=]*)?=\s*$/.exec(lead);
  if (tuple) {
    const parts = tuple[1].split(',').filter((p) => p.trim() !== '').length;
    return parts >= 2 ? { statement: false, tuple: parts } : undefined;
  }
  // `ready!(` takes a `Poll<T>`; `poll_fn`'s closure returns one.
  if (/(?:^|[^\w])ready!\s*\(\s*$|\bpoll_fn\s*\(\s*(?:move\s+)?\|[^|]*\|\s*$/.test(lead)) return { statement: false, poll: true };
  // `chir = chir.`, `*line = line.`: the receiver replaced by what its member makes of it.
  const receiver = /([A-Za-z_]\w*)\s*\.\s*$/.exec(line)?.[1];
  if (receiver && new RegExp(`^\\s*\\*?${receiver}\\s*=\\s*$`).test(lead)) return { statement: false, same: true };
  if (!/^\s*$/.test(lead)) return undefined;
  // The line before (comments and attributes aside) ends a statement or opens a block; the next one does not close it (a tail expression).
  const previous = lines
    .slice(0, -1)
    .map((l) => l.replace(/\/\/.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#['))
    .pop();
  if (previous !== undefined && !/[;{}]$/.test(previous)) return undefined;
  const next = suffix
    .slice(0, 400)
    .split('\n')
    .find((l) => l.trim() !== '' && !l.trim().startsWith('//'));
  // The block's last line is its value (a function's result), unless the block is a loop's or a statement `if`'s body.
  const opener = blockOpener(lines.slice(0, -1));
  const body = opener !== undefined && /^(?:\}\s*)?(?:else\b|(?:if|while|for|loop)\b)/.test(opener) && opener.endsWith('{');
  if (next !== undefined && next.trim().startsWith('}') && !body) return undefined;
  // The chain goes on below (`h2.drive(…)` then `.await;`, `.unwrap();`): what the member returns is read there.
  if (next !== undefined && /^\s*(?:\.|\?)/.test(next)) return undefined;
  return { statement: true };
}

/** The line (trimmed, its comment aside) whose `{` opens the block the lines end in, or undefined. */
function blockOpener(lines: string[]): string | undefined {
  let depth = 0;
  for (let i = lines.length - 1; i >= 0 && i >= lines.length - 200; i--) {
    const line = lines[i]
      .replace(/\/\/.*$/, '')
      .replace(/"(?:[^"\\]|\\.)*"/g, '""')
      .trim();
    for (let j = line.length - 1; j >= 0; j--) {
      if (line[j] === '}') depth++;
      else if (line[j] === '{' && depth-- === 0) return line;
    }
  }
  return undefined;
}

/**
 * 0 when member `site` fits what the position wants, 1 when its declaration says it does not.
 * `signature`: the function's, when the caller has read it already (member-fit.ts's declaration).
 */
export function rustMemberMismatch(site: DefinitionSite, row: ChunkRow, wanted: RustWanted, signature?: RustSignature): number {
  if (site.kind !== 'method' && site.kind !== 'function') {
    // A tuple comes from a call or a value declared as one, not from a type or a module named there.
    if (wanted.tuple === undefined) return 0;
    const line = row.text.slice(lineOffset(row, site.line)).split('\n', 1)[0];
    return (site.kind === 'constant' || site.kind === 'variable') && /:\s*\(/.test(line) ? 0 : 1;
  }
  const sig = signature ?? rustSignature(row.text, site.name, lineOffset(row, site.line));
  if (!sig) return 0;
  if (wanted.tuple !== undefined) return tupleParts(sig.returns) === wanted.tuple ? 0 : 1;
  if (wanted.poll) return sig.self && !/^(?:(?:std|core)::)?(?:task::)?Poll\s*</.test(sig.returns ?? '') ? 1 : 0;
  if (wanted.same) return sig.returns !== undefined && ownType(resultOf(sig.returns) ?? sig.returns, site.container) ? 0 : 1;
  if (!wanted.statement || sig.returns === undefined) return 0;
  // `Result<()>`, `Result<&mut Self, Error>` before a `?`: what it holds.
  const held = resultOf(sig.returns);
  if (held !== undefined && /^\(\s*\)$/.test(held)) return 0;
  const r = (held ?? sig.returns).replace(/\s+/g, ' ');
  if (ownType(r.replace(/^&(?:'\w+ )? ?mut /, ''), site.container)) return 0;
  if (/^(?:io|fmt|anyhow)::Result$/.test(r)) return 0;
  return 1;
}

/** `Self`, or the type the member is declared in (`Match`, `ConfiguredHIR<'a>`). */
function ownType(t: string, container: string | undefined): boolean {
  const name = t.trim().replace(/<.*>$/s, '');
  return name === 'Self' || (container !== undefined && name === container);
}

/** The first argument of a `Result<…>` (what `?` hands on), or undefined. */
function resultOf(t: string): string | undefined {
  const m = /^(?:\w+::)*Result\s*</.exec(t);
  if (!m || !t.endsWith('>')) return undefined;
  const body = t.slice(m[0].length, -1);
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '-' && body[i + 1] === '>') i++;
    else if ('<([{'.includes(c)) depth++;
    else if ('>)]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) return body.slice(0, i).trim();
  }
  return body.trim();
}

/** The parts of a tuple type (unwrapping one `Result`/`Option`), or 0. */
function tupleParts(t: string | undefined): number {
  if (!t) return 0;
  const inner = /^(?:(?:\w+::)*(?:Result|Option))\s*<\s*(\(.*)$/s.exec(t)?.[1] ?? t;
  if (!inner.startsWith('(')) return 0;
  const end = closing(inner, 0, '(', ')');
  if (end < 0) return 0;
  let depth = 0;
  let parts = 1;
  const body = inner.slice(1, end - 1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '-' && body[i + 1] === '>') i++;
    else if ('<([{'.includes(c)) depth++;
    else if ('>)]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0 && body.slice(i + 1).trim() !== '') parts++;
  }
  return body.trim() === '' ? 0 : parts;
}

/** Operator and formatting traits: their methods run through `*x`, `x[i]`, `{:?}` and scope ends, seldom by name. */
const OPERATOR_IMPL = /\bimpl\b[^{;]*?\b(?:Deref|DerefMut|Drop|Index|IndexMut|Debug|Display)\s*(?:<[^{;]*?>)?\s+for\b/;
const OPERATOR_METHODS = new Set(['deref', 'deref_mut', 'drop', 'index', 'index_mut', 'fmt']);

/** A method of an operator trait's impl (`impl Deref for Ptr { fn deref(&self) … }`): not what `x.` is about to call. */
export function rustOperatorMethod(site: DefinitionSite, row: ChunkRow): boolean {
  if (!OPERATOR_METHODS.has(site.name)) return false;
  const at = lineOffset(row, site.line);
  const before = row.text.slice(0, at);
  const header = before.lastIndexOf('impl');
  return header >= 0 && OPERATOR_IMPL.test(before.slice(header));
}
