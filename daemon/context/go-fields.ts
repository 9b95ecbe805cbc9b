/**
 * Go: a keyed element of a composite literal, `prometheus.CounterOpts{\n\tName: "x",\n\tConstLabels: |`,
 * takes a value of the field's type, read from the struct's declaration in the index (`ConstLabels
 * Labels` → a Labels). The literal's type is the one written before its `{` (`T{`, `&pkg.T{`), or
 * for an element whose type is elided (`[]T{\n\t{\n\t\tName: |`) the element type of the literal around it.
 */
import type { GoValueIndex } from './go-values';
import { qualified, unqualified } from './go-qualified';
import { goPackageDir } from './go-position';

/** How much of the text before the cursor is scanned for the literal's `{`. */
const LITERAL_TAIL = 4096;
/** Definitions of the literal's type name looked at (one query). */
const TYPE_DEFINITIONS = 8;

/** The type the field the cursor's line names takes (`Name: |`), its text without spaces; undefined when unknown. */
export function goFieldWanted(tail: string, line: string, rel: string, index: GoValueIndex): string | undefined {
  // A key on a line of its own, or after the literal's `{` or a comma on the line (`Field{Key: key, Type: |`).
  const key = /^\s*([A-Za-z_]\w*)\s*:\s*&?\s*$/.exec(line) ?? /[{,]\s*([A-Za-z_]\w*)\s*:\s*&?\s*$/.exec(line);
  if (!key || /^(?:default|case)$/.test(key[1])) return undefined;
  const literal = literalType(
    tail.slice(-LITERAL_TAIL, tail.length - line.length + key.index + (key[0].startsWith('{') || key[0].startsWith(',') ? 1 : 0)),
  );
  if (!literal) return undefined;
  return goStructFieldType(literal.name, literal.pkg, key[1], rel, index);
}

/**
 * The type an unkeyed element of a slice or array literal takes, `[]prometheus.Collector{\n\tc,\n\t|`
 * (`[]*T{` gives `*T`): the element type written before the `{` the cursor is directly in, at the
 * start of an element (after the `{` or a comma). A map's (`map[K]V{`: a key there) and an element
 * type that says nothing (`any`, `interface{}`, a struct or function type) give undefined.
 */
export function goElementWanted(tail: string, line: string): string | undefined {
  if (!/(?:^|[{,])\s*$/.test(line)) return undefined;
  const code = tail.slice(-LITERAL_TAIL).replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`|\/\/[^\n]*/g, '""');
  const open = openBrace(code, code.length);
  if (open < 0) return undefined;
  // The elements before the cursor's: it starts one when nothing but commas between them is open.
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) start = i + 1;
  }
  if (depth !== 0 || !/^\s*$/.test(code.slice(start))) return undefined;
  const head = code.slice(code.lastIndexOf('\n', open - 1) + 1, open);
  const element = /(?:^|[^\w\].])\[[^\]]*\]\s*(\*?)\s*((?:\w+\.)?[A-Za-z_]\w*)\s*$/.exec(head);
  if (!element || /^(?:any|struct|interface|func|map|chan)$/.test(element[2])) return undefined;
  return `${element[1]}${element[2]}`;
}

/**
 * The type field `field` has in struct type `name` (of the package named `pkg`, else of the document's
 * package at `rel` or the only one so named), read from its declaration's chunk.
 */
export function goStructFieldType(
  name: string,
  pkg: string | undefined,
  field: string,
  rel: string,
  index: GoValueIndex,
  aliased = false,
): string | undefined {
  const defs = index
    .definitions(name, TYPE_DEFINITIONS)
    .filter((d) => d.kind === 'type' && d.container === undefined && d.path.endsWith('.go'));
  const def = pkg
    ? (defs.find((d) => d.path.split('/').at(-2) === pkg) ?? (defs.length === 1 ? defs[0] : undefined))
    : (defs.find((d) => goPackageDir(d.path) === goPackageDir(rel)) ?? (defs.length === 1 ? defs[0] : undefined));
  if (!def) return undefined;
  const row = index.chunks([def.chunkId]).get(def.chunkId);
  const lines = row ? row.text.split('\n').slice(def.line - row.startLine) : [];
  // An alias of another package's struct (`type Field = zapcore.Field`) has its fields, once.
  const alias = !aliased && new RegExp(`^\\s*(?:type\\s+)?${name}\\s*=\\s*(\\w+)\\.([A-Za-z_]\\w*)\\s*(?://.*)?$`).exec(lines[0] ?? '');
  if (alias) {
    const t = goStructFieldType(alias[2], alias[1], field, rel, index, true);
    return t && pkg ? qualified(unqualified(t, pkg), pkg) : t;
  }
  const t = row ? structFieldType(lines, field) : undefined;
  // `any`, `interface{}` and a function type say nothing of what fits (a function is passed by name, not called).
  if (t === undefined || /^(?:any|interface\{\}|func\b.*)$/.test(t)) return undefined;
  // A field of `zapcore.EncoderConfig` typed `DurationEncoder` is a `zapcore.DurationEncoder` where the document writes it (go-qualified.ts).
  return pkg ? qualified(t, pkg) : t;
}

/** The type a struct declaration (its lines from `type T struct {` on) gives a field, as written without spaces. */
export function structFieldType(lines: string[], field: string): string | undefined {
  if (!/\bstruct\s*\{\s*$/.test(lines[0] ?? '')) return undefined;
  const re = new RegExp(`^\\s*(?:\\w+\\s*,\\s*)*${field}(?:\\s*,\\s*\\w+)*\\s+([^\\s/\`][^/\`]*?)\\s*(?:\\/\\/.*|\`[^\`]*\`)?$`);
  for (const l of lines.slice(1)) {
    if (/^\}/.test(l)) return undefined;
    const m = re.exec(l);
    if (m) return m[1].replace(/\s+/g, '');
  }
  return undefined;
}

/** The type of the composite literal whose `{` is open at the end of `text` (its name and package qualifier). */
function literalType(text: string): { pkg?: string; name: string } | undefined {
  const code = text.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*/g, '""');
  let at = code.length;
  // The literal itself, then (for an element with its type elided) the one around it.
  for (let level = 0; level < 2; level++) {
    const open = openBrace(code, at);
    if (open < 0) return undefined;
    const head = code.slice(code.lastIndexOf('\n', open - 1) + 1, open);
    const written = /(?:^|[^\w.])&?(?:(\w+)\.)?([A-Za-z_]\w*)(?:\[[^\]]*\])?\s*$/.exec(head);
    if (level === 0 && written && !/^(?:struct|interface|func|map|else)$/.test(written[2]) && !/\)\s*$/.test(head))
      return { ...(written[1] ? { pkg: written[1] } : {}), name: written[2] };
    if (level === 1) {
      // `[]T{`, `[]*T{`, `map[K]T{`, `[N]T{`: their elements are T.
      const element = /\]\s*\*?(?:(\w+)\.)?([A-Za-z_]\w*)\s*$/.exec(head);
      return element ? { ...(element[1] ? { pkg: element[1] } : {}), name: element[2] } : undefined;
    }
    // An element's own `{` (alone on its line or after a comma): its type is the outer literal's element type.
    if (!/(?:^|,)\s*$/.test(head)) return undefined;
    at = open;
  }
  return undefined;
}

/** The offset of the `{` open at `end` in `code` (-1 when none is). */
function openBrace(code: string, end: number): number {
  let depth = 0;
  for (let i = end - 1; i >= 0; i--) {
    const c = code[i];
    if (c === '}') depth++;
    else if (c === '{' && depth-- === 0) return i;
  }
  return -1;
}
