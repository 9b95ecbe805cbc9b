/**
 * Go embedding: the types a struct or interface embeds (`type Engine struct { RouterGroup; … }`,
 * `type ResponseWriter interface { http.Hijacker; Status() int }`). An embedded type's fields
 * and methods are promoted to the embedding type (its methods are members of it), so they are
 * its base types as far as ranking a receiver's members goes (facts.ts `baseTypesOf`).
 */

export interface EmbeddedType {
  /** The package name of a qualified type (`http` of `http.Hijacker`). */
  qualifier?: string;
  name: string;
}

const MAX_LINES = 400;

/**
 * The embedded types of the type `name` declared in `text` (its chunk): each line of its
 * struct or interface body that is a type alone (`*Engine`, `pkg.T`, `Embedded`, a tag or a
 * comment after it), not a field (`name T`) or a method (`M() int`) or a type union (`~int | string`).
 */
export function goEmbeddedTypes(text: string, name: string): EmbeddedType[] {
  const esc = name.replace(/[$]/g, '\\$');
  const head = new RegExp(`(?:^|\\n)\\s*(?:type\\s+)?${esc}(?:\\[[^\\]\\n]*\\])?\\s+(?:struct|interface)\\s*\\{`).exec(text);
  if (!head) return [];
  const lines = text.slice(head.index + head[0].length).split('\n');
  const out: EmbeddedType[] = [];
  let depth = 1;
  for (const raw of lines.slice(0, MAX_LINES)) {
    const line = raw
      .replace(/\/\/.*$/, '')
      .replace(/`[^`]*`/g, '')
      .replace(/"[^"\n]*"/g, '');
    if (depth === 1) {
      const m = /^\s*\*?\s*(?:([A-Za-z_]\w*)\s*\.\s*)?([A-Za-z_]\w*)(?:\[[^\]]*\])?\s*;?\s*$/.exec(line);
      if (m && !/^(?:struct|interface|func|map|chan)$/.test(m[2])) out.push(m[1] ? { qualifier: m[1], name: m[2] } : { name: m[2] });
    }
    for (const c of line) {
      if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    if (depth <= 0) break;
  }
  return out;
}
