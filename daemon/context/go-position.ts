/**
 * Go: what kind of name the cursor's position takes (cursor-position.ts asks), read from the
 * cursor's line. Go writes a type after a name (`var x |`, `func (c *|`, a field `name |`),
 * after `[]`, `*[]`, `map[K]`, `chan `, in a conversion `(*|` or an assertion `x.(|`.
 * Elsewhere a value is as likely a composite literal or a conversion (`T{…}`, `T(x)`,
 * `err := T{}.Bind(…)`) as a function or a variable, so nothing is said.
 */
import type { PositionKind } from './cursor-position';

/** Words that start a statement or clause, not a declared name followed by its type. */
const KEYWORDS =
  /^(?:return|go|defer|case|if|for|switch|else|range|select|break|continue|goto|fallthrough|package|import|const|type|func|default)$/;

/** How far back the enclosing brace is looked for. */
const BLOCK_TAIL = 4096;

/**
 * `prefix`: the text before the cursor (its last BLOCK_TAIL characters are read). Besides the
 * type positions above: a value after `=`, `:=`, `return`, an operator, `(` or `,` (where an
 * interface cannot stand: it has no literal); the start of a statement in a function body,
 * which is a call or an assignment (not a type, not a constant); a line of a struct or
 * interface body, which names an embedded type when it names anything the package declares.
 */
export function goPositionKind(prefix: string): PositionKind {
  const tail = prefix.slice(-BLOCK_TAIL);
  const line = tail.slice(tail.lastIndexOf('\n') + 1);
  const kind = lineKind(line);
  if (kind !== 'any') return kind;
  // `case |` of a type switch (`switch v := x.(type) {`): a type.
  if (/^\s*case\s+(?:[\w.*[\]]+\s*,\s*)*$/.test(line) && /\.\(\s*type\s*\)\s*$/.test(switchHead(tail.slice(0, tail.length - line.length))))
    return 'type';
  if (/(?:[=(,!&|<>+\-*/%]|\breturn)\s*$/.test(line)) return 'value';
  if (/^\s*$/.test(line)) {
    const open = enclosingBrace(tail.slice(0, tail.length - line.length));
    if (open === 'type') return 'type';
    if (open === 'block') return 'statement';
    // A line of a call's arguments (`prometheus.NewCounterVec(\n\t|`) or an index: a value.
    if (open === 'arguments') return 'value';
  }
  return 'any';
}

/** A mismatch in Go: no interface as a value, no type or constant starting a statement; types where a type goes. */
export function goKindMismatch(kind: string, position: PositionKind): number {
  if (position === 'value') return kind === 'interface' ? 1 : 0;
  if (position === 'statement') return kind === 'interface' || kind === 'type' || kind === 'constant' ? 1 : 0;
  if (position === 'type') return kind === 'function' || kind === 'method' || kind === 'variable' || kind === 'constant' ? 1 : 0;
  return 0;
}

/**
 * What the innermost open bracket before the cursor opens: a struct or interface body, a block of
 * statements, something else of `{` (a literal), or a `(`/`[` (a call's arguments, an index); strings,
 * runes and line comments left out.
 */
function enclosingBrace(code: string): 'type' | 'block' | 'arguments' | undefined {
  const text = code.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*/g, '""');
  let depth = 0;
  let parens = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')' || c === ']') parens++;
    else if (c === '(' || c === '[') {
      // `var (`, `const (`, `type (`, `import (` open a group of declarations, not an expression.
      if (parens === 0 && depth === 0)
        return /\b(?:var|const|type|import)\s*$/.test(text.slice(text.lastIndexOf('\n', i - 1) + 1, i)) ? undefined : 'arguments';
      parens = Math.max(0, parens - 1);
    } else if (c === '}') depth++;
    else if (c === '{' && depth-- === 0) {
      const head = text.slice(text.lastIndexOf('\n', i - 1) + 1, i);
      if (/\b(?:struct|interface)\s*$/.test(head)) return 'type';
      // gofmt ends a block's header line with its brace; a brace alone on a line opens an element of a composite literal.
      if (/(?:\)|\belse|\bfunc\b.*|^\s*(?:if|for|switch|select)\b.*)\s*$/.test(head) && !/[=:]\s*\w[\w.]*\s*$/.test(head)) return 'block';
      return undefined;
    }
  }
  return undefined;
}

/** The header of the innermost open `switch … {` before the cursor, without its brace ('' when the innermost block is no switch). */
function switchHead(text: string): string {
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c === '}') depth++;
    else if (c === '{' && depth-- === 0) {
      const head = text.slice(text.lastIndexOf('\n', i - 1) + 1, i).trimEnd();
      return /^\s*switch\b/.test(head) ? head : '';
    }
  }
  return '';
}

function lineKind(line: string): PositionKind {
  // `[]`, `*[]`, `map[string]`, `[4]`: an element type follows (an index expression is never followed by a name).
  if (/\]\s*\*?$/.test(line)) return 'type';
  // `x.(`: a type assertion; `(*`: a conversion to a pointer type (package-level pointers are rarely dereferenced so).
  if (/\.\(\s*\*?$|\(\s*\*$/.test(line)) return 'type';
  if (/(?:^|[^\w])(?:<-\s*)?chan\s+(?:<-\s*)?\*?$|\btype\s+\w+(?:\[[^\]]*\])?\s+$/.test(line)) return 'type';
  // `var x |`, `var a, b |`.
  if (/\bvar\s+\w+(?:\s*,\s*\w+)*\s+\*?$/.test(line)) return 'type';
  // A parameter, result or receiver of a function: `func (c *|`, `func(w http.ResponseWriter, r *|`, `) |` after the parameters.
  if (/\bfunc\b/.test(line) && (/[(,]\s*\w+(?:\s*,\s*\w+)*\s+(?:\.\.\.)?\*?$/.test(line) || /\)\s+\(?\s*\*?$/.test(line))) return 'type';
  // A struct field or a spec in a `var (…)` block: `name |`, `a, b *|`.
  const lead = /^\s*(\w+)(?:\s*,\s*\w+)*\s+\*?$/.exec(line);
  if (lead && !KEYWORDS.test(lead[1])) return 'type';
  return 'any';
}

/** A root-relative path's folder, with its slash ('' at the root): in Go, its package. */
export function goPackageDir(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/**
 * The text without its import declarations' lines (`import (`, `import "fmt"`, a spec `"github.com/x/y"`
 * or `y "github.com/x/y"`, which only an import block has alone on a line): an import path's words
 * (github, testify, assert) are no code near the cursor.
 */
export function goWithoutImports(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*import\b/.test(l) && !/^\s*(?:[\w.]+\s+)?"[^"]*"\s*$/.test(l))
    .join('\n');
}
