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

export function goPositionKind(line: string): PositionKind {
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
