/**
 * TypeScript and JavaScript: a constant that holds a class (`const Registry = Native ?? Fallback`,
 * `const Impl = cond ? A : B`, `const Alias = Base`) constructs that class: `new Registry(…)` is
 * an instance of what the constant holds, as the compiler reads `typeof A | typeof B`'s construct
 * signatures. The operands are read from the constant's indexed chunk; the caller keeps those the
 * workspace declares as types.
 */
import { escapeRe } from './identifiers';
import { TYPE_KINDS, type SyntaxFacts } from './syntax/facts';

/** The constant's initialiser is read this far. */
const MAX_INIT = 400;

/** The names a constant's initialiser can hand out: a name, either arm of `c ? A : B`, either side of `??`/`||`. */
export function heldNames(text: string, name: string): string[] {
  const n = escapeRe(name);
  const m = new RegExp(`\\b(?:const|let|var)\\s+${n}\\s*(?::[^=\\n]*)?=(?![=>])`).exec(text);
  if (!m) return [];
  const init = statement(text.slice(m.index + m[0].length, m.index + m[0].length + MAX_INIT));
  // A ternary hands out its arms, not its condition.
  const q = /\?(?![?.])/.exec(init);
  const parts = q ? init.slice(q.index + 1).split(/:(?![:])/) : init.split(/\?\?|\|\|/);
  return parts
    .map((p) =>
      p
        .trim()
        .replace(/^\(|\)$/g, '')
        .trim(),
    )
    .filter((p) => /^[A-Za-z_$][\w$]*$/.test(p));
}

/** The statement's text: its first line, and the lines after it while an operator continues it; up to a `;`. */
function statement(text: string): string {
  const lines = text.split('\n');
  let out = lines[0];
  for (const line of lines.slice(1)) {
    const open = out.trim() === '' || /(?:\?|:|\?\?|\|\||=)\s*$/.test(out);
    if (!open && !/^\s*(?:\?|:|\?\?|\|\|)/.test(line)) break;
    out += `\n${line}`;
  }
  const semi = out.indexOf(';');
  return semi >= 0 ? out.slice(0, semi) : out;
}

/** The class (or other type) a top-level constant `name` holds, when the workspace declares it. */
export function heldClass(syntax: SyntaxFacts, rel: string, name: string): string | undefined {
  const values = syntax
    .typeDefinitions(rel, name)
    .filter((d) => d.container === undefined && (d.kind === 'constant' || d.kind === 'variable'))
    .slice(0, 2);
  for (const d of values) {
    const text = syntax.definitionText(d);
    if (!text) continue;
    for (const held of heldNames(text, name))
      if (held !== name && syntax.typeDefinitions(d.path, held).some((t) => TYPE_KINDS.has(t.kind))) return held;
  }
  return undefined;
}
