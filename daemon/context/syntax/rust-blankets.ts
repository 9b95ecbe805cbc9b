/**
 * Rust blanket impls (`impl<T: ?Sized, R> ServiceExt<R> for T where T: Service<R> {}`): every type implementing
 * the bounds has the trait, so a receiver of such a type (or bound by such a trait) has the trait's methods
 * (`svc.ready()`, `svc.oneshot(req)`). Read from a file's chunks when it is indexed (file-analysis.ts, in the index
 * worker) and kept in the index's `rust_blankets` table: the index keeps no symbol for an empty impl.
 */

import type { RustBlanket } from './types';

export type { RustBlanket };

const MAX_PER_TEXT = 8;

/** The text after `<` up to its matching `>` (nested generics, `->` in `Fn() -> X` kept), or undefined. */
function angled(text: string, open: number): { inner: string; end: number } | undefined {
  let depth = 0;
  for (let i = open; i < text.length && i < open + 2000; i++) {
    const c = text[i];
    if (c === '<') depth++;
    else if (c === '>' && text[i - 1] !== '-') {
      depth--;
      if (depth === 0) return { inner: text.slice(open + 1, i), end: i + 1 };
    }
  }
  return undefined;
}

/** Splits at top-level commas (or `+`), outside `<…>` and `(…)`. */
function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '(') depth++;
    else if ((c === '>' && text[i - 1] !== '-') || c === ')') depth--;
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** The trait names of a bound list (`?Sized + tower_service::Service<R> + 'static` → Service). */
function boundNames(list: string): string[] {
  return splitTop(list, '+')
    .map((b) => /^\s*(?:(?:\w+::)*)([A-Za-z_]\w*)/.exec(b)?.[1])
    .filter((b): b is string => !!b && b !== 'Sized');
}

/** Each `impl<…> Trait<…> for Target` header of a text: its generics, trait, target (a plain name) and what follows. */
function* traitImpls(text: string): Generator<{ generics: string; trait: string; target: string; generic: boolean; tail: string }> {
  const re = /\bimpl\b\s*/g;
  let n = 0;
  for (let m = re.exec(text); m && n < MAX_PER_TEXT * 2; m = re.exec(text), n++) {
    let from = m.index + m[0].length;
    let inner = '';
    if (text[from] === '<') {
      const generics = angled(text, from);
      if (!generics) continue;
      inner = generics.inner;
      from = generics.end;
    }
    const rest = text.slice(from, from + 600);
    const head = /^\s*(?:(?:\w+::)*)([A-Za-z_]\w*)\s*/.exec(rest);
    if (!head) continue;
    let at = head[0].length;
    if (rest[at] === '<') {
      const args = angled(rest, at);
      if (!args) continue;
      at = args.end;
    }
    const target = /^\s*for\s+(?:&\s*(?:'\w+\s+)?(?:mut\s+)?)?(?:(?:\w+::)*)([A-Za-z_]\w*)\b/.exec(rest.slice(at));
    if (!target) continue;
    const tail = rest.slice(at + target[0].length);
    yield { generics: inner, trait: head[1], target: target[1], generic: !/^\s*(?:<|::)/.test(tail), tail };
  }
}

/** The traits a text implements for a type (`impl<S, R> Service<R> for Timeout<S>` → Service for Timeout). */
export function rustTraitsImplemented(text: string, typeName: string): string[] {
  const out: string[] = [];
  for (const i of traitImpls(text)) if (i.target === typeName && !out.includes(i.trait)) out.push(i.trait);
  return out;
}

/** The blanket impls a text declares. */
export function rustBlanketImpls(text: string): RustBlanket[] {
  const out: RustBlanket[] = [];
  for (const { generics, trait, target, generic, tail } of traitImpls(text)) {
    if (out.length >= MAX_PER_TEXT || !generic) continue;
    const param = target;
    const params = new Map<string, string>();
    for (const p of splitTop(generics, ',')) {
      const pm = /^\s*([A-Za-z_]\w*)\s*(?::([\s\S]*))?$/.exec(p);
      if (pm) params.set(pm[1], pm[2] ?? '');
    }
    if (!params.has(param)) continue;
    const bounds = boundNames(params.get(param)!);
    const where = /^\s*where\b([\s\S]*?)\{/.exec(tail);
    if (where)
      for (const clause of splitTop(where[1], ',')) {
        const wm = new RegExp(`^\\s*${param}\\s*:([\\s\\S]*)$`).exec(clause);
        if (wm) bounds.push(...boundNames(wm[1]));
      }
    if (bounds.length > 0) out.push({ trait, bounds: [...new Set(bounds)] });
  }
  return out;
}

/** Most blanket impls kept for one file. */
const MAX_PER_FILE = 64;

/** The blanket impls of a file's chunks (each impl header lies in one chunk), at index time. */
export function rustBlanketsOfChunks(chunks: ReadonlyArray<{ text: string }>): RustBlanket[] {
  const out: RustBlanket[] = [];
  for (const c of chunks)
    if (out.length < MAX_PER_FILE && /\bimpl\s*</.test(c.text) && /\sfor\s/.test(c.text))
      out.push(...rustBlanketImpls(c.text).slice(0, MAX_PER_FILE - out.length));
  return out;
}
