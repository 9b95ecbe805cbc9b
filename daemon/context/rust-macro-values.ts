/**
 * Rust: the value of a `macro_rules!` macro the workspace defines (`let pp = poll_frame!(PushPromise, codec);`).
 * The parser keeps the invocation as a token tree, so the document alone cannot type it; the macro's
 * definition does. Its arm taking that many arguments is read from the indexed text, its metavariables
 * replaced by the arguments as written, and the last expression of its body typed: a `match` arm handing out
 * a name its pattern binds in an enum variant (`Some(Ok(Frame::$type(frame))) => frame` with `$type` =
 * `PushPromise`: the field of variant `PushPromise` of `Frame`), or a type's constructor (`Builder::new()`,
 * `$crate::Conn { … }`). Arms with repetitions (`$(…)*`) are not read.
 */
import type { SyntaxFacts } from './syntax/facts';
import type { RustMacroCall } from './syntax/rust-macros';
import type { Step } from './syntax/steps';
import { splitTop } from './syntax/type-names';

const MAX_ARMS = 16;
const MAX_TEXT = 8000;

/** Where `call`'s value starts (a type) and the steps from there, read from the workspace's `macro_rules!` of that name. */
export function rustMacroValue(syntax: SyntaxFacts, call: RustMacroCall): { type: string; steps: Step[] } | undefined {
  for (const d of syntax
    .definitions(call.name, 5)
    .filter((x) => x.kind === 'macro')
    .slice(0, 3)) {
    const v = macroTextValue(syntax.definitionText(d) ?? '', call.name, call.args);
    if (v) return v;
  }
  return undefined;
}

/** The value of `name!(args…)` as the `macro_rules!` in `text` defines it. */
export function macroTextValue(text: string, name: string, args: string[]): { type: string; steps: Step[] } | undefined {
  const head = new RegExp(`macro_rules!\\s*${name}\\s*\\{`).exec(text);
  if (!head) return undefined;
  const src = text.slice(0, head.index + MAX_TEXT);
  let i = head.index + head[0].length;
  for (let arms = 0; arms < MAX_ARMS; arms++) {
    while (i < src.length && /[\s;]/.test(src[i])) i++;
    const matcher = balanced(src, i);
    if (!matcher) return undefined;
    const arrow = /^\s*=>\s*/.exec(src.slice(matcher.end, matcher.end + 40));
    if (!arrow) return undefined;
    const body = balanced(src, matcher.end + arrow[0].length);
    if (!body) return undefined;
    i = body.end;
    const bound = bindArgs(matcher.inner, args);
    if (bound) return bodyValue(body.inner, bound);
  }
  return undefined;
}

/** The bracketed group opening at `at` (`(…)`, `[…]`, `{…}`), strings skipped: its inside and the index after it. */
function balanced(s: string, at: number): { inner: string; end: number } | undefined {
  if (!'([{'.includes(s[at] ?? 'x')) return undefined;
  let depth = 0;
  for (let i = at; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) return { inner: s.slice(at + 1, i), end: i + 1 };
    }
  }
  return undefined;
}

/** The arguments bound to the matcher's metavariables (`$type:ident, $t:expr`), when the matcher takes exactly that many. */
function bindArgs(matcher: string, args: string[]): Map<string, string> | undefined {
  if (matcher.includes('$(')) return undefined;
  const parts = splitTop(matcher, ',');
  if (parts.length !== args.length) return undefined;
  const bound = new Map<string, string>();
  for (let k = 0; k < parts.length; k++) {
    const m = /^\$(\w+)\s*:\s*\w+$/.exec(parts[k]);
    if (m) bound.set(m[1], args[k]);
    else if (parts[k].includes('$')) return undefined;
  }
  return bound;
}

/** The type the body's last expression gives, its metavariables replaced. */
function bodyValue(body: string, bound: Map<string, string>): { type: string; steps: Step[] } | undefined {
  let text = body.replace(/\$(\w+)/g, (all, v: string) => (v === 'crate' ? 'crate' : (bound.get(v) ?? all))).trim();
  // `{{ … }}`: the inner block is the value.
  for (let guard = 0; guard < 3 && text.startsWith('{'); guard++) {
    const b = balanced(text, 0);
    if (!b || b.end !== text.length) break;
    text = b.inner.trim();
  }
  const tail = splitTop(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'), ';').pop();
  if (!tail || /;\s*$/.test(text)) return undefined;
  if (/^match\b/.test(tail)) return matchedVariant(tail);
  const ctor = /^(?:[a-z_]\w*::)*([A-Z]\w*)\s*(?:::\s*[a-z_]\w*\s*\(|\{)/.exec(tail);
  return ctor ? { type: ctor[1], steps: [] } : undefined;
}

/** `match x { Some(Ok(Frame::Data(frame))) => frame, … }`: the first arm whose value is a name its pattern binds in a variant. */
function matchedVariant(tail: string): { type: string; steps: Step[] } | undefined {
  // A scrutinee holds no `{` (a struct literal there needs parentheses): the first one opens the arms.
  const arms = balanced(tail, tail.indexOf('{'));
  if (!arms) return undefined;
  for (const arm of splitTop(arms.inner, ',')) {
    const at = arm.indexOf('=>');
    const value = at < 0 ? '' : arm.slice(at + 2).trim();
    if (!/^[a-z_]\w*$/.test(value)) continue;
    for (const m of arm.slice(0, at).matchAll(/(?:^|[^\w:])(?:[A-Za-z_]\w*::)*([A-Z]\w*)::([A-Z]\w*)\s*\(([^()]*)\)/g)) {
      const field = m[3].split(',').findIndex((p) => p.trim().replace(/^(?:ref\s+)?(?:mut\s+)?/, '') === value);
      if (field >= 0) return { type: m[1], steps: [{ name: m[2], call: false, variant: field }] };
    }
  }
  return undefined;
}
