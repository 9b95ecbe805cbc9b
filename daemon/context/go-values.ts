/**
 * Go: what the expression starting at the cursor must give, besides `return |` (go-results.ts),
 * read from the cursor's line, the text above it and one indexed declaration:
 *
 * - `a, b := |`, `a, b = |`, `if v, ok := |`: one expression giving two values is a call of a
 *   function declaring two results (a map index, a type assertion or a receive start with a
 *   variable); `x := |`: one value, which a function with none or several results does not give;
 *   in an `if`/`for`/`switch` header (`if x := |`) a call, not a copy of a constant or variable;
 * - `&|`: a variable or a struct type (`&T{…}`), not a function or a constant;
 * - a condition, `if |`, `else if |`, `&& |`, `|| |`, `!|`: a bool (a function declared to return
 *   one, a constant or variable declared or initialised so; anything else only in a comparison);
 * - `var x T = |`, and `x = |` where `x` is declared `var x T` above or is a parameter (or a named
 *   result) `x T` of the enclosing function: a T; `x.F = |` with x so declared: the type of T's field F;
 * - `int32(|`, a conversion to a numeric type: a number;
 * - argument i of a call of a package-level function of the same package, `f(a, |`, of a
 *   method the workspace declares, `x.M(a, |` (x not an imported package), or of a function of an
 *   imported package of the workspace, `pkg.F(a, |`: the type of its i-th
 *   parameter, read from its declaration line in the index (`...T` gives T from there on;
 *   a type parameter, `any`, `interface{}` and a function type say nothing);
 * - a keyed element of a composite literal, `T{\n\tField: |`: the field's type (go-fields.ts);
 *   an element of a slice or array literal, `[]T{a, |`: a T;
 * - `var _ |`: an interface, one listing a method the document declares first (go-assertions.ts);
 * - `var _ Render = (*|` (or `= &|`, `= |`): a type of the package implementing the interface
 *   (go-members.ts finds them by their methods), the assertion Go code writes beside each;
 * - a function literal's parameter, `router.GET("/", func(c *|`: the type the callee's parameter
 *   gives it (go-callbacks.ts);
 * - a type written after `*` (`func (c *|`, `x *|`, `(*|`): a struct's pointer, as Go code writes
 *   pointers (a method's receiver is never an interface or a pointer type; pointers to an
 *   interface, a function type, a map, a slice or a channel are rare).
 *
 * How a candidate fits is read from its declaration line: a function by its declared results,
 * a type by being the one wanted (`T{…}`, `T(x)`), a constant or a variable by its declared type
 * or its initialiser (`X T = …`, `x = &T{…}`, an untyped literal, a constant group's typed first
 * spec above an `iota` continuation).
 */
import type { ChunkRow } from './index-store';
import type { DefinitionSite } from './syntax/facts';
import { goAssertionMethods, goAssertionMismatch, type AssertionMethods } from './go-assertions';
import { goCallbackParameterType } from './go-callbacks';
import { goElementWanted, goFieldWanted, goStructFieldType } from './go-fields';
import { goMembersUsedBelow, goOwners } from './go-uses';
import { goPackageDir } from './go-position';
import { splitTop } from './syntax/type-names';
import { qualified } from './go-qualified';
import { goEnclosingHeaders, goScopeLines } from './go-enclosing';
import { goLiteralKeysBelow, goLiteralMismatch } from './go-literal';
import { closingIndex } from './syntax/brackets';

/**
 * A value of a type (its text, spaces removed); `values` of a count; `pointer`: the type after a `*`;
 * `implementing`: a type of the package implementing an interface (`var _ I = (*|`), by name;
 * `call`: an `if`/`for`/`switch` header's value (of a count or a type), a call rather than a constant or a variable;
 * `passed`: the type read from a call the bound name is passed to below (`x := c.|` may start a chain: `c.Form.File[k]`);
 * `condition`: a bool; `addressable`: what `&` takes the address of (a variable, a composite literal's type); `asserted`: the interface of a `var _ |` assertion, by the methods the document declares;
 * `literal`: a struct type declaring those fields, the keys of the composite literal the lines below continue (go-literal.ts).
 */
export type GoWanted =
  | { type: string; call?: true; passed?: true }
  | { values: number; call?: true; owners?: Set<string>[] }
  | { pointer: true }
  | { implementing: Set<string> }
  | { condition: true }
  | { asserted: AssertionMethods }
  | { statement: true }
  | { addressable: true }
  | { literal: string[] };

/** What go-values reads of the index: chunks by id, definitions by name, the package's types implementing an interface. */
export interface GoValueIndex {
  chunks(ids: number[]): Map<number, ChunkRow>;
  definitions(name: string, limit?: number): DefinitionSite[];
  implementing?(iface: string, dir: string): Set<string> | undefined;
}

/** How much of the prefix is read for declarations of the assigned name and the enclosing function. */
const TAIL = 8192;
/** Definitions of a callee's name looked at (one query), for the one in the current package. */
const CALLEE_DEFINITIONS = 8;

/**
 * What the cursor's position wants, or undefined when the line says nothing (`before`: the text
 * before the cursor, the name being typed left out; `rel`: the document's root-relative path).
 */
export function goValueWanted(
  before: string,
  rel: string,
  index: GoValueIndex,
  typePosition: boolean,
  after = '',
  statementStart = false,
): GoWanted | undefined {
  const tail = before.slice(-TAIL);
  const line = tail.slice(tail.lastIndexOf('\n') + 1);
  // `var _ |`: the interface a type of the document implements (go-assertions.ts).
  const asserted = typePosition ? goAssertionMethods(line, before, after) : undefined;
  if (asserted) return { asserted };
  // `var _ Render = (*|`, `_ Render = &|`: the assertion that a type of the package implements Render.
  const assertion = /^\s*(?:var\s+)?_\s+(?:\w+\.)?(\w+)\s*=\s*(?:\(\s*\*|&)?\s*$/.exec(line);
  const implementing = assertion && index.implementing?.(assertion[1], goPackageDir(rel));
  if (implementing && implementing.size > 0) return { implementing };
  if (typePosition) {
    const param = goCallbackParameterType(line, index);
    if (param) return { type: param };
    return /\*\s*$/.test(line) ? { pointer: true } : undefined;
  }
  if (CONDITION.test(line)) return { condition: true };
  // `&|` (not `&&`): an address is taken of a variable or a composite literal, never of a function or a constant.
  if (/(?:^|[^&])&\s*$/.test(line)) return { addressable: true };
  if (statementStart) return { statement: true };
  // `T{\n\tField: |`: the field's type (go-fields.ts).
  const field = goFieldWanted(tail, line, rel, index);
  if (field) return { type: field };
  // `[]Collector{\n\tc,\n\t|`: the element type.
  const element = goElementWanted(tail, line);
  if (element) return { type: element };
  return (
    fieldAssignmentWanted(tail, line, rel, index) ??
    caseWanted(tail, line, rel, index) ??
    conversionWanted(line) ??
    assignmentWanted(tail, line, after, index, rel, before) ??
    argumentWanted(/^\s*$/.test(line) ? argumentLines(tail) : line, rel, index, before)
  );
}

/** Lines of a call's arguments read back from a line of its own (`prometheus.NewCounterVec(\n\topts,\n\t|`). */
const ARGUMENT_LINES = 12;

/** The last ARGUMENT_LINES lines of `tail` as one line, their comments left out: a call's arguments written one a line. */
function argumentLines(tail: string): string {
  return tail
    .split('\n')
    .slice(-ARGUMENT_LINES)
    .map((l) => l.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, '""').replace(/\s*\/\/.*$/, ''))
    .join(' ');
}

/** `if |`, `} else if |`, `&& |`, `|| |`, `!|` (not `!=`): a condition. */
const CONDITION = /(?:^|[^\w.])(?:if|else\s+if)\s+!?\s*$|(?:&&|\|\||(?:^|[^!=<>])!)\s*$/;

function assignmentWanted(
  tail: string,
  line: string,
  after: string,
  index: GoValueIndex,
  rel: string,
  before: string,
): GoWanted | undefined {
  const v = /^\s*var\s+(\w+(?:\s*,\s*\w+)*)\s*([^=]*?)\s*=\s*$/.exec(line);
  if (v) {
    const names = v[1].split(',').length;
    // `var x = |` with keyed elements below: `var x = T{` (go-literal.ts).
    const keys = names === 1 && v[2] === '' ? goLiteralKeysBelow(after, indentOf(line)) : [];
    if (keys.length > 0) return { literal: keys };
    return v[2] !== '' && names === 1 ? { type: normalType(v[2]) } : { values: names };
  }
  const a = /^\s*(?:(?:if|for|switch)\s+)?(\w+(?:\s*,\s*\w+)*)\s*(:?)=\s*$/.exec(line);
  if (!a) return undefined;
  const names = a[1].split(/\s*,\s*/);
  // `x := |` with `Key: value,` lines below closed by `}`: `x := T{` (go-literal.ts).
  const keys = names.length === 1 && a[2] === ':' ? goLiteralKeysBelow(after, indentOf(line)) : [];
  if (keys.length > 0) return { literal: keys };
  // `x := |` and `x.Inc()` below: a value of a type declaring Inc (go-uses.ts).
  const used = a[2] === ':' && names[0] !== '_' ? goMembersUsedBelow(names[0], after, indentOf(line)) : [];
  const owned = used.length > 0 ? goOwners(used, index) : undefined;
  const owners = owned ? { owners: owned } : {};
  if (names.length > 1) return { values: names.length, ...owners };
  // `if x := |`: a header binds what a call gives (a copy of a package-level value there is no use).
  const call = /^\s*(?:if|for|switch)\s/.test(line) && a[2] === ':' ? ({ call: true } as const) : {};
  if (a[2] === '' && names[0] !== '_') {
    const declared = declaredTypeOf(names[0], tail.slice(0, tail.length - line.length));
    if (declared) return { type: declared };
    // `x = |`, x declared without a type the prefix shows, and keyed elements below: `x = T{`.
    const keys = goLiteralKeysBelow(after, indentOf(line));
    if (keys.length > 0) return { literal: keys };
  }
  // `x := |` and x returned below: a value of the enclosing function's result there (`if err := |` … `return err`).
  const returned = a[2] === ':' && names[0] !== '_' ? returnedType(names[0], tail, after) : undefined;
  if (returned) return { type: returned, ...call };
  // `x := |` and `NewCore(x, …)` below: a value of that parameter's type.
  const passed = a[2] === ':' && names[0] !== '_' && !owned ? passedType(names[0], after, indentOf(line), rel, index, before) : undefined;
  if (passed) return { type: passed, passed: true, ...call };
  return { values: 1, ...call, ...owners };
}

/**
 * The type `name` must have where the code below passes it to a call the workspace declares (`enc := |` then
 * `zapcore.NewCore(enc, ws, lvl)`: NewCore's first parameter's), read over the next RETURN_LINES lines until the
 * function ends; the first such argument whose parameter says a type.
 */
function passedType(name: string, after: string, indent: string, rel: string, index: GoValueIndex, before: string): string | undefined {
  const re = new RegExp(`[(,]\\s*${name}\\s*[,)]`, 'g');
  let calls = 0;
  for (const l of goScopeLines(after, RETURN_LINES, indent)) {
    if (/^(?:\}|func\b)/.test(l)) return undefined;
    for (const m of l.matchAll(re)) {
      if (calls++ >= MAX_PASSED_CALLS) return undefined;
      const w = argumentWanted(l.slice(0, m.index + 1), rel, index, before);
      if (w && 'type' in w) return w.type;
    }
  }
  return undefined;
}

function indentOf(line: string): string {
  return /^\s*/.exec(line)![0];
}

/** Calls passing the name looked up (each one or two definitions queries). */
const MAX_PASSED_CALLS = 3;

/** Lines of the text after the cursor read for a `return` of the name just bound. */
const RETURN_LINES = 40;

/**
 * The type `name` must have when the code below returns it (`return name`, `return nil, name`): the
 * enclosing function's result at that place (the last `func … {` line of `tail`), until the function ends.
 */
export function returnedType(name: string, tail: string, after: string): string | undefined {
  let decl: string | undefined;
  for (const m of tail.matchAll(/^func\b[^\n]*\{[ \t]*$/gm)) decl = m[0];
  const result = decl === undefined ? undefined : resultOf(decl);
  if (!result) return undefined;
  const results = result.startsWith('(') ? parameterTypes(result.slice(1, -1)) : [result];
  const lines = after.split('\n', RETURN_LINES);
  for (const l of lines) {
    // gofmt: the enclosing function's closing brace (or the next declaration) at the line's start.
    if (/^(?:\}|func\b)/.test(l)) return undefined;
    const r = /^\s*return\s+(.*?)\s*(?:\/\/.*)?$/.exec(l);
    if (!r) continue;
    const at = splitTop(r[1], ',')
      .map((e) => e.trim())
      .indexOf(name);
    if (at < 0) continue;
    const t = results.length > 1 || at === 0 ? results[at] : undefined;
    return t === undefined || /^(?:any|interface\{\}|func\b.*)$/.test(t.trim()) ? undefined : normalType(t);
  }
  return undefined;
}

/** The type `name` is declared with above: the last `var name T`, else a parameter `name T` of the last function declared. */
function declaredTypeOf(name: string, text: string): string | undefined {
  let found: string | undefined;
  for (const m of text.matchAll(new RegExp(`^\\s*var\\s+${name}\\s+([^=\\s][^=\\n]*?)\\s*(?:=[^\\n]*)?$`, 'gm'))) found = m[1];
  if (found) return normalType(found);
  let params: string | undefined;
  for (const m of text.matchAll(/^func\b[^\n]*\{[ \t]*$/gm)) params = m[0];
  // Its receiver, parameters and named results (`func f(w io.Writer) (c *Context, r *Engine) {`): the innermost
  // function's declaring the name first, a literal's too (`optionFunc(func(log *Logger) {`, go-enclosing.ts).
  const re = new RegExp(`[(,]\\s*${name}\\s+([^\\s,()][^,()]*?)\\s*[,)]`);
  const p =
    goEnclosingHeaders(text)
      .map((h) => re.exec(h))
      .find((m) => m !== null) ?? (params ? re.exec(params) : null);
  return p && !/^(?:func|chan|map)$/.test(p[1]) ? normalType(p[1]) : undefined;
}

/**
 * `x.F = |` with x the enclosing method's receiver, a parameter or a `var x T` above: F's type in
 * T's struct declaration (go-fields.ts reads it).
 */
function fieldAssignmentWanted(tail: string, line: string, rel: string, index: GoValueIndex): GoWanted | undefined {
  const a = /^\s*([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*=\s*$/.exec(line);
  if (!a) return undefined;
  const declared = declaredTypeOf(a[1], tail.slice(0, tail.length - line.length));
  const t = declared && /^\*?(?:(\w+)\.)?([A-Za-z_]\w*)$/.exec(declared);
  if (!t) return undefined;
  const field = goStructFieldType(t[2], t[1], a[2], rel, index);
  return field ? { type: field } : undefined;
}

/**
 * `case |` of a value switch: a value of the tag's type, the type `switch x {` declares x with above,
 * else the type of the constant or variable an earlier `case` of the switch names (`case MIMEJSON:` →
 * an untyped string: a string; `case GaugeValue:` → ValueType).
 */
function caseWanted(tail: string, line: string, rel: string, index: GoValueIndex): GoWanted | undefined {
  if (!/^\s*case\s+(?:[\w.]+\s*,\s*)*$/.test(line)) return undefined;
  const above = tail.slice(0, tail.length - line.length);
  let depth = 0;
  let open = -1;
  for (let i = above.length - 1; i >= 0 && open < 0; i--) {
    if (above[i] === '}') depth++;
    else if (above[i] === '{' && depth-- === 0) open = i;
  }
  if (open < 0) return undefined;
  const head = above.slice(above.lastIndexOf('\n', open - 1) + 1, open);
  const sw = /^\s*switch\s+(?:[^;{]*;\s*)?([A-Za-z_]\w*)\s*$/.exec(head);
  if (!/^\s*switch\b/.test(head) || /\.\(\s*type\s*\)/.test(head)) return undefined;
  const declared = sw ? declaredTypeOf(sw[1], above.slice(0, open)) : undefined;
  if (declared && !/^(?:any|interface\{\})$/.test(declared)) return { type: declared };
  const sibling = /^\s*case\s+(?:(\w+)\.)?([A-Za-z_]\w*)\s*[,:]/m.exec(above.slice(open));
  if (!sibling) return undefined;
  const dir = goPackageDir(rel);
  const def = index
    .definitions(sibling[2], CALLEE_DEFINITIONS)
    .find(
      (d) =>
        (d.kind === 'constant' || d.kind === 'variable') &&
        d.container === undefined &&
        (sibling[1] ? d.path.split('/').at(-2) === sibling[1] : goPackageDir(d.path) === dir),
    );
  const row = def && index.chunks([def.chunkId]).get(def.chunkId);
  if (!def || !row) return undefined;
  const lines = row.text.split('\n');
  const at = def.line - row.startLine;
  const t = valueType(def.name, lines[at] ?? '', lines.slice(Math.max(0, at - 40), Math.max(0, at)));
  if (t === undefined) return undefined;
  return { type: t === UNTYPED_STRING ? 'string' : t === UNTYPED_NUMBER ? 'int' : t };
}

/** `int32(|`, `float64(|`: a conversion to a numeric type takes a number (of that type, or an untyped constant). */
function conversionWanted(line: string): GoWanted | undefined {
  const c = /(?:^|[^\w.])(u?int(?:8|16|32|64)?|uintptr|float(?:32|64)|byte|rune)\(\s*$/.exec(line);
  return c ? { type: c[1] } : undefined;
}

/** `f(a, |` with f a package-level function of the document's package: its parameter's type there. */
function argumentWanted(line: string, rel: string, index: GoValueIndex, before: string): GoWanted | undefined {
  const text = line.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, '""');
  if (!/[(,]\s*$/.test(text)) return undefined;
  let depth = 0;
  let commas = 0;
  let open = -1;
  for (let i = text.length - 1; i >= 0 && open < 0; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) open = c === '(' ? i : -2;
      else depth--;
    } else if (c === ',' && depth === 0) commas++;
  }
  if (open < 0) return undefined;
  const method = /(\w+)\s*\.\s*(\w+)\s*$/.exec(text.slice(0, open));
  if (method) return methodArgumentWanted(method[1], method[2], commas, index, before);
  const callee = /(?:^|[^\w.])(\w+)\s*$/.exec(text.slice(0, open));
  if (!callee || /\bfunc\s+\w+\s*$/.test(text.slice(0, open))) return undefined;
  const dir = goPackageDir(rel);
  const def = index
    .definitions(callee[1], CALLEE_DEFINITIONS)
    .find((d) => d.kind === 'function' && d.container === undefined && goPackageDir(d.path) === dir);
  if (!def) return undefined;
  const row = index.chunks([def.chunkId]).get(def.chunkId);
  const decl = row?.text.split('\n')[def.line - row.startLine];
  const wanted = decl ? parameterType(decl, commas) : undefined;
  return wanted ? { type: wanted } : undefined;
}

/**
 * `x.M(a, |` where x is not an imported package: parameter i of a method M the workspace
 * declares (the receiver is not typed here: the first of its methods of that name whose line says).
 */
function methodArgumentWanted(recv: string, name: string, i: number, index: GoValueIndex, before: string): GoWanted | undefined {
  if (importsPackage(before, recv)) return packageArgumentWanted(recv, name, i, index);
  const defs = index.definitions(name, CALLEE_DEFINITIONS).filter((d) => d.kind === 'method');
  if (defs.length === 0) return undefined;
  const rows = index.chunks(defs.map((d) => d.chunkId));
  for (const d of defs) {
    const row = rows.get(d.chunkId);
    const p = row ? parameterText(row.text.split('\n')[d.line - row.startLine] ?? '', i, true) : undefined;
    if (!p) continue;
    return /^(?:any|interface\{\}|func\b.*)$/.test(p.type) || p.typeParams.has(p.type) ? undefined : { type: normalType(p.type) };
  }
  return undefined;
}

/**
 * `pkg.F(a, |` with pkg an imported package: parameter i of a package-level function F the
 * workspace declares in a folder named pkg, else of the only one it declares.
 */
function packageArgumentWanted(pkg: string, name: string, i: number, index: GoValueIndex): GoWanted | undefined {
  const defs = index.definitions(name, CALLEE_DEFINITIONS).filter((d) => d.kind === 'function' && d.container === undefined);
  const def = defs.find((d) => d.path.split('/').at(-2) === pkg) ?? (defs.length === 1 ? defs[0] : undefined);
  if (!def) return undefined;
  const row = index.chunks([def.chunkId]).get(def.chunkId);
  const wanted = row ? parameterType(declarationLine(def, row), i) : undefined;
  // The package's `EncoderConfig` is the document's `zapcore.EncoderConfig` (go-qualified.ts).
  return wanted ? { type: qualified(wanted, pkg) } : undefined;
}

/** Whether the file imports a package named `name` (by its path's last element, or as its alias); read from the first IMPORT_HEAD characters. */
function importsPackage(before: string, name: string): boolean {
  const head = before.slice(0, IMPORT_HEAD);
  return new RegExp(`(?:^|[\\s(])(?:${name}\\s+"[^"\\n]*"|"(?:[^"\\n]*/)?${name}(?:/v\\d+)?")`, 'm').test(head);
}

const IMPORT_HEAD = 50_000;

/** The type of parameter `i` a one-line `func name[P any](params) …` declares, when it says something. */
export function parameterType(decl: string, i: number): string | undefined {
  const p = parameterText(decl, i);
  if (!p || /^(?:any|interface\{\}|func\b.*)$/.test(p.type) || p.typeParams.has(p.type)) return undefined;
  return normalType(p.type);
}

/**
 * The written type of parameter `i` of a one-line declaration (`func name[P any](params)`, with
 * `methods` also `func (r T) name(params)`; `...T` gives T), and the names of its type parameters.
 */
export function parameterText(decl: string, i: number, methods = false): { type: string; typeParams: Set<string> } | undefined {
  const m = (methods ? /^func\s*(?:\([^()]*\)\s*)?\w+\s*(\[[^\]]*\])?\s*\(/ : /^func\s+\w+\s*(\[[^\]]*\])?\s*\(/).exec(decl);
  if (!m) return undefined;
  const close = closing(decl, m[0].length);
  if (close < 0) return undefined;
  const types = parameterTypes(decl.slice(m[0].length, close));
  if (types.length === 0) return undefined;
  const last = types[types.length - 1];
  let t = i < types.length ? types[i] : last.startsWith('...') ? last : undefined;
  if (t === undefined) return undefined;
  if (t.startsWith('...')) t = t.slice(3);
  const typeParams = m[1] ? new Set(splitTop(m[1].slice(1, -1), ',').map((p) => p.split(/\s+/)[0])) : new Set<string>();
  return { type: t.trim(), typeParams };
}

/** The index of the `)` closing the `(` before `from` in `s` (-1 when the line does not close it). */
export function closing(s: string, from: number): number {
  return closingIndex(s, from - 1, '(', ')');
}

/** The type of each parameter of a list (`a, b int, c ...string` → int, int, ...string; `int, string` unnamed). */
export function parameterTypes(list: string): string[] {
  const parts = splitTop(list, ',');
  const named = parts
    .map((p) => /^(\w+)\s+(\S.*)$/.exec(p))
    .map((m) => (m && !/^(?:chan|func|map|struct|interface)$/.test(m[1]) ? m[2] : undefined));
  if (named.every((n) => n === undefined)) return parts;
  const out: string[] = new Array<string>(parts.length);
  let next = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    next = named[i] ?? next;
    out[i] = next;
  }
  return out;
}

/** A type as written without spaces (`* Engine` → `*Engine`, `map[string] int` → `map[string]int`). */
export function normalType(t: string): string {
  return t.replace(/\s*\/\/.*$/, '').replace(/\s+/g, '');
}

/**
 * How badly a candidate fits a count of values or a pointer's type (0 fits, 1 the index does not
 * say, 2 does not compile there); `row` holds its declaration.
 */
export function goValueMismatch(site: DefinitionSite, row: ChunkRow, wanted: Exclude<GoWanted, { type: string }>): number {
  if ('asserted' in wanted) return goAssertionMismatch(site, row, wanted.asserted);
  if ('literal' in wanted) return goLiteralMismatch(site, row, wanted.literal);
  if ('addressable' in wanted) {
    if (site.kind === 'variable') return 0;
    return site.kind === 'type' ? (maybeStructDecl(site.name, declarationLine(site, row)) ? 0 : 1) : 2;
  }
  if ('statement' in wanted) {
    // A call statement throws its results away: a function returning nothing, or a variable being assigned
    // (a type, an interface or a constant, which go-position.ts already counts against, less still).
    if (site.kind === 'variable') return 0;
    if (site.kind !== 'function') return 1;
    const results = resultOf(declarationLine(site, row));
    return results === undefined || results === '' ? 0 : 1;
  }
  if ('implementing' in wanted) return wanted.implementing.has(site.name) ? 0 : 1;
  if ('condition' in wanted) return boolValued(site, row) ? 0 : 1;
  const decl = declarationLine(site, row);
  if ('pointer' in wanted) return site.kind === 'interface' || (site.kind === 'type' && !maybeStructDecl(site.name, decl)) ? 1 : 0;
  if (site.kind === 'function' || site.kind === 'method') {
    const results = resultOf(decl);
    if (results === undefined) return wanted.values === 1 ? 0 : 1;
    const count = results === '' ? 0 : results.startsWith('(') ? splitTop(results.slice(1, -1), ',').length : 1;
    return count === wanted.values ? 0 : wanted.values === 1 ? 1 : 2;
  }
  if (wanted.values === 1) return wanted.call && (site.kind === 'variable' || site.kind === 'constant') ? 1 : 0;
  return site.kind === 'variable' ? 1 : 2;
}

/** Whether a function is declared to return a bool, or a constant or variable is declared or initialised as one. */
function boolValued(site: DefinitionSite, row: ChunkRow): boolean {
  if (site.kind === 'function' || site.kind === 'method') return resultOf(declarationLine(site, row))?.trim() === 'bool';
  return (site.kind === 'variable' || site.kind === 'constant') && goTypedValueMismatch(site, row, 'bool') === 0;
}

/**
 * How a constant or a variable fits a value of type `wanted` (spaces removed): 0 declared so (or
 * an untyped literal of a built-in type it converts to), 2 declared otherwise, 1 not said.
 */
export function goTypedValueMismatch(site: DefinitionSite, row: ChunkRow, wanted: string): number {
  const lines = row.text.split('\n');
  const at = site.line - row.startLine;
  const declared = valueType(site.name, lines[at] ?? '', lines.slice(Math.max(0, at - 40), Math.max(0, at)));
  if (declared === undefined) return 1;
  if (declared === UNTYPED_STRING) return wanted === 'string' ? 0 : BUILTIN.test(wanted) ? 2 : 1;
  if (declared === UNTYPED_NUMBER) return NUMERIC.test(wanted) ? 0 : BUILTIN.test(wanted) ? 2 : 1;
  return declared === wanted ? 0 : 2;
}

/** The line of `row` that declares `site`. */
export function declarationLine(site: DefinitionSite, row: ChunkRow): string {
  return row.text.split('\n')[site.line - row.startLine] ?? '';
}

/** The result a one-line declaration `func (r T) Name[P any](params) result {` states ('' for none), undefined when it cannot say. */
export function resultOf(decl: string): string | undefined {
  const m = /^func\s*(?:\([^()]*\)\s*)?\w+\s*(?:\[[^\]]*\])?\s*\(/.exec(decl);
  if (!m) return undefined;
  const close = closing(decl, m[0].length);
  if (close < 0) return undefined;
  return /^\s*([^{]*?)\s*\{?\s*$/.exec(decl.slice(close + 1))?.[1];
}

const UNTYPED_STRING = '"';
const UNTYPED_NUMBER = '0';
const NUMERIC = /^(?:u?int(?:8|16|32|64)?|uintptr|float(?:32|64)|complex(?:64|128)|byte|rune)$/;
const BUILTIN = /^(?:u?int(?:8|16|32|64)?|uintptr|float(?:32|64)|complex(?:64|128)|byte|rune|string|bool|error|\*.*|\[.*)$/;

/**
 * `type Name struct {`, `Name struct {` in a group, `Name[T any] struct {`, or a type defined by
 * another named type, which may be one (`type multipartRequest http.Request`; not a built-in one).
 */
function maybeStructDecl(name: string, decl: string): boolean {
  const m = new RegExp(`^\\s*(?:type\\s+)?${name}\\s*(?:\\[[^\\]]*\\])?\\s+(?:=\\s*)?(\\S+)`).exec(decl);
  if (!m) return false;
  return (
    m[1] === 'struct' ||
    m[1] === 'struct{' ||
    (/^[A-Za-z_][\w.]*$/.test(m[1]) && !GO_BUILTIN_TYPES.test(m[1]) && m[1] !== 'interface' && m[1] !== 'func' && m[1] !== 'chan')
  );
}

const GO_BUILTIN_TYPES = /^(?:u?int(?:8|16|32|64)?|uintptr|float(?:32|64)|complex(?:64|128)|byte|rune|string|bool|error|any)$/;

/** The type a constant or variable's declaration line gives it (UNTYPED_STRING / UNTYPED_NUMBER for an untyped literal). */
function valueType(name: string, decl: string, above: string[]): string | undefined {
  const own = new RegExp(`^\\s*(?:(?:var|const)\\s+)?${name}\\s*(.*)$`).exec(decl.replace(/\s*\/\/.*$/, ''));
  if (!own) return undefined;
  const rest = own[1];
  if (rest === '') {
    // `Name` alone in a `const (…)` group: the group's last spec above with a type and a value (`A Kind = iota`).
    for (let i = above.length - 1; i >= 0; i--) {
      if (/^\s*const\s*\(/.test(above[i])) break;
      const spec = /^\s*\w+\s+([^\s=][^=]*?)\s*=/.exec(above[i]);
      if (spec) return normalType(spec[1]);
      if (/=/.test(above[i])) return undefined;
    }
    return undefined;
  }
  const typed = /^([^\s=][^=]*?)\s*(?:=.*)?$/.exec(rest);
  if (typed) return normalType(typed[1]);
  const init = /^=\s*(.*)$/.exec(rest)?.[1] ?? '';
  if (/^["`]/.test(init)) return UNTYPED_STRING;
  if (/^-?(?:\d[\w.]*|iota)(?:\s*(?:<<|>>|[-+*/|&^%])\s*(?:\d[\w.]*|iota))*$/.test(init)) return UNTYPED_NUMBER;
  // The standard library's error constructors.
  if (/^(?:errors\.New|fmt\.Errorf)\(/.test(init)) return 'error';
  if (/^(?:true|false)\s*$/.test(init)) return 'bool';
  // `&T{…}`, `[]float64{…}`, `map[string]int{…}`: the literal's type.
  const literal = /^(&?)((?:\[\d*\]|map\[[^\]\s]*\])*\*?[A-Za-z_][\w.]*)\s*\{/.exec(init);
  if (literal) return `${literal[1] ? '*' : ''}${literal[2]}`;
  return undefined;
}
