/**
 * The declared types of members and functions, read from the indexed text of their
 * declarations: what a field is declared as (`pool: Pool`, `self.pool = Pool()`,
 * `Pool *pkg.Pool` in a Go struct, `pool: Arc<Pool>` in a Rust one, `Pool pool;`) and
 * what a function or method returns. With them a receiver chain the document starts
 * (cursor.ts: `c.Writer.Pusher().`) is followed member by member to the type whose
 * members come next.
 *
 * Work is bounded: a few steps, a few declaring types (and their bases) per step, and
 * only the chunks of the members named.
 */
import { escapeRe } from './identifiers';
import { closingIndex } from './syntax/brackets';
import { plainType } from './syntax/bindings';
import type { DefinitionSite, SyntaxFacts } from './syntax/facts';
import { TYPE_KINDS } from './syntax/facts';
import { heldClass } from './ts-held-classes';
import type { Step } from './syntax/cursor';
import { goElementOf, goNamesMembers } from './syntax/go-elements';
import { elementOf } from './syntax/rust-elements';
import { tupleStructFieldType, variantFieldType } from './syntax/rust-variants';
import { rustIteratorItem } from './rust-iterators';
import { rustAwaited, rustAwaitedError, rustFutureOutput } from './rust-futures';
import { isAwait } from './syntax/rust-await';
import { tuplePart } from './syntax/rust-tuples';
import { annotatedResult, inferredReturnType } from './ts-return-types';
import { fieldInitializerCallee } from './ts-field-inits';
import { closing, parameterTypes } from './go-values';

const MAX_TYPES_PER_STEP = 8;

/** The type reached from `type` by following `steps` (a field's declared type, a method's return type), or undefined where the index does not say. */
/** `bounds`: a type parameter's bound (Rust `impl<I: Read>`: a field typed `I` has Read's members). */
export function followSteps(
  syntax: SyntaxFacts,
  rel: string,
  grammar: string,
  type: string,
  steps: Step[],
  bounds?: Record<string, string>,
): string | undefined {
  let cur: string | undefined = type;
  const chain = steps.slice(0, 4);
  for (let i = 0; i < chain.length; i++) {
    const step = chain[i];
    if (!cur) return undefined;
    // Rust `x.await.unwrap_err()`: the error type of the Result the future resolves to (rust-futures.ts).
    if (grammar === 'rust' && isAwait(step) && /^(?:unwrap_err|expect_err)$/.test(chain[i + 1]?.name ?? '') && chain[i + 1].call) {
      cur = rustAwaitedError(syntax, rel, cur);
      i++;
      continue;
    }
    // Rust `x.await`: the future's output (rust-futures.ts).
    cur = grammar === 'rust' && isAwait(step) ? rustAwaited(syntax, rel, cur) : memberType(syntax, rel, grammar, cur, step, bounds);
  }
  return cur;
}

/**
 * The declared return type of a free function named `name` (one of the first few definitions that says);
 * with `visible`, only one declared in those files (what a bare call in the document can reach).
 */
export function functionReturnType(
  syntax: SyntaxFacts,
  grammar: string,
  name: string,
  visible?: (path: string) => boolean,
  part?: number,
): string | undefined {
  for (const d of syntax
    .definitions(name, visible ? 20 : 5)
    .filter(
      (d) =>
        (d.kind === 'function' || d.kind === 'method' || d.kind === '' || arrowHolder(d, grammar)) &&
        (!visible || visible(d.path)) &&
        // Rust: a bare call (`handshake(io)`, `server::handshake(io)`) reaches a free function, never a trait's or an impl's.
        !(visible && grammar === 'rust' && d.container !== undefined),
    )
    .slice(0, 3)) {
    const t = declaredReturnType(syntax, d, grammar, false, part);
    if (t && isType(syntax, d.path, t)) return t;
  }
  return undefined;
}

/**
 * A type the index declares for a name written in `rel`. Rust: not when `rel` imports the name from
 * outside the workspace (`use termcolor::Color`): a namesake elsewhere in the repository is another type.
 */
function declaredHere(syntax: SyntaxFacts, rel: string, name: string, grammar: string): boolean {
  if (grammar === 'rust' && syntax.importsOf(rel).some((i) => i.files.length === 0 && i.names.some((n) => n.local === name))) return false;
  return isType(syntax, rel, name);
}

/** TypeScript/JavaScript: a `const f = (…) => …` is a function too (indexed as a variable). */
function arrowHolder(d: DefinitionSite, grammar: string): boolean {
  return d.kind === 'variable' && d.container === undefined && (grammar === 'typescript' || grammar === 'tsx' || grammar === 'javascript');
}

export function isType(syntax: SyntaxFacts, rel: string, name: string): boolean {
  return syntax.typeDefinitions(rel, name).some((d) => TYPE_KINDS.has(d.kind));
}

/**
 * The type of member `step` of type `type`. Rust, an element of it: of a collection (`Vec<T>`), else what the
 * workspace type it is hands out when iterated (`-> Parents<'_>` with `impl Iterator for Parents`; rust-iterators.ts).
 */
function memberType(
  syntax: SyntaxFacts,
  rel: string,
  grammar: string,
  type: string,
  step: Step,
  bounds?: Record<string, string>,
): string | undefined {
  const direct = declaredMemberType(syntax, rel, grammar, type, step, bounds);
  if (direct || !step.element || grammar !== 'rust' || step.variant !== undefined) return direct;
  const iterated = declaredMemberType(syntax, rel, grammar, type, { ...step, element: false }, bounds);
  return iterated ? rustIteratorItem(syntax, rel, iterated) : undefined;
}

/** The type of member `step` of type `type`, looked up in the type, then in the types it extends. */
function declaredMemberType(
  syntax: SyntaxFacts,
  rel: string,
  grammar: string,
  type: string,
  step: Step,
  bounds?: Record<string, string>,
): string | undefined {
  const bound = (t: string | undefined) => (t && bounds && Object.hasOwn(bounds, t) ? bounds[t] : t);
  const queue: DefinitionSite[] = syntax
    .typeDefinitions(rel, type)
    .filter((d) => TYPE_KINDS.has(d.kind))
    .slice(0, 3);
  if (step.variant !== undefined) {
    // Rust `State::Open(conn)`: the variant's field as the enum declares it.
    for (const t of queue.filter((d) => d.kind === 'enum')) {
      const declared = variantFieldType(syntax.chunkText(t.chunkId) ?? '', step.name, step.variant);
      const named = declared ? bound(plainType(declared, grammar)) : undefined;
      if (named && declaredHere(syntax, t.path, named, grammar)) return named;
    }
    return undefined;
  }
  const seen = new Set<string>();
  for (let i = 0; i < queue.length && i < MAX_TYPES_PER_STEP; i++) {
    const t = queue[i];
    const key = `${t.path}:${t.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const members = syntax.membersOf(t);
    for (const m of members.filter((m) => m.name === step.name).slice(0, 3)) {
      const callable = m.kind === 'method' || m.kind === 'function';
      // A method read as a field is a getter or a property (`get size(): number`, `@property def size(self) -> int`).
      const found =
        callable || step.call
          ? declaredReturnType(syntax, m, grammar, step.element, step.part)
          : fieldType(syntax.definitionText(m), m.name, grammar, step.element);
      const named = found === 'Self' ? t.name : bound(found);
      // Only a type the index declares: a docstring's `name: text` or an outside library's type leads nowhere.
      if (named && declaredHere(syntax, m.path, named, grammar)) return named;
      const called = !callable && !step.call ? initializerType(syntax, grammar, syntax.definitionText(m), m.name, step) : undefined;
      if (called) return called;
    }
    if (!step.call) {
      // Fields that are not definitions of their own: Go and Rust struct fields, Python attributes set in `__init__`,
      // TypeScript fields assigned in the constructor.
      const init = (m: DefinitionSite) => m.name === '__init__' || (m.name === 'constructor' && TS_FAMILY.has(grammar));
      const texts = [syntax.chunkText(t.chunkId), ...members.filter(init).map((m) => syntax.chunkText(m.chunkId))];
      // Rust: a struct too large for one chunk goes on in the chunks after it (read only when its first says nothing).
      const rest = grammar === 'rust' && t.kind === 'struct' ? () => syntax.continuedBody(t) : () => [];
      for (const text of lazyConcat(texts, rest)) {
        const found = bound(
          grammar === 'rust' && /^\d+$/.test(step.name)
            ? tupleField(text, t.name, step)
            : fieldType(text, step.name, grammar, step.element),
        );
        if (found && declaredHere(syntax, t.path, found, grammar)) return found;
        const called = initializerType(syntax, grammar, text, step.name, step);
        if (called) return called;
      }
    }
    queue.push(...syntax.baseTypesOf(t).slice(0, 3));
  }
  return undefined;
}

const TS_FAMILY = new Set(['typescript', 'tsx', 'javascript']);

/** TypeScript: a field without a type that a call initialises (`sys = createSystem()`, `this.sys = …`) has the callee's return type. */
function initializerType(syntax: SyntaxFacts, grammar: string, text: string | undefined, name: string, step: Step): string | undefined {
  if (!text || step.element || !TS_FAMILY.has(grammar)) return undefined;
  const callee = fieldInitializerCallee(text, name);
  return callee ? functionReturnType(syntax, grammar, callee) : undefined;
}

/** The texts, then (only when reached) the ones `more` gives. */
function* lazyConcat(texts: Array<string | undefined>, more: () => string[]): Generator<string | undefined> {
  yield* texts;
  yield* more();
}

/** Rust `self.0`: a tuple struct's field by position (rust-variants.ts), or an element of it. */
function tupleField(text: string | undefined, struct: string, step: Step): string | undefined {
  const declared = text ? tupleStructFieldType(text, struct, Number(step.name)) : undefined;
  const t = declared && step.element ? elementOf(declared) : declared;
  return t ? plainType(t, 'rust') : undefined;
}

/**
 * The type of a top-level value the document uses without binding it (its own, imported, or from its
 * package; `imported`: the files the document's imports resolve to): its declared type (`DOUBLE: Box = …`, `var Default *Registry`, `static CONFIG: Config`),
 * else what initialises it (`Box(…)`, `&Registry{…}`, `new Pool()`, a function with a declared return type).
 */
export function valueType(syntax: SyntaxFacts, rel: string, grammar: string, name: string, imported: string[]): string | undefined {
  // Only where the file sees it: its own top level, the files it imports, its package (not a namesake elsewhere).
  const visible = new Set([rel, ...imported, ...syntax.samePackageFiles(rel)]);
  const values = syntax
    .typeDefinitions(rel, name)
    .filter((d) => d.container === undefined && (d.kind === 'variable' || d.kind === 'constant') && visible.has(d.path))
    .slice(0, 2);
  const n = escapeRe(name);
  for (const d of values) {
    const text = syntax.definitionText(d);
    if (!text) continue;
    // Go `var Default *Registry = …`; elsewhere `NAME: T` as in a field.
    const declared = grammar === 'go' ? new RegExp(`\\b${n}\\s+([*\\[\\]\\w.]+)\\s*(?:=|$)`, 'm').exec(text)?.[1] : undefined;
    const t = grammar === 'go' ? (declared ? plainType(declared, grammar) : undefined) : fieldType(text, name, grammar);
    if (t && isType(syntax, d.path, t)) return t;
    const init = new RegExp(
      `\\b${n}\\s*(?::[^=\\n]*)?(?::=|=)\\s*(?:new\\s+|&)?([A-Za-z_$][\\w$.]*?)(?:::new)?\\s*(?:<[^>\\n]*>)?\\s*[({]`,
    ).exec(text);
    const callee = init?.[1].split('.').pop();
    if (!callee) continue;
    if (/^[A-Z]/.test(callee) && isType(syntax, d.path, callee)) return callee;
    // `new Registry(…)` with `const Registry = Native ?? Fallback`: what the constant holds (ts-held-classes.ts).
    const held = TS_FAMILY.has(grammar) && /=\s*new\s/.test(init?.[0] ?? '') ? heldClass(syntax, d.path, callee) : undefined;
    if (held) return held;
    const returned = functionReturnType(syntax, grammar, callee);
    if (returned) return returned;
  }
  return undefined;
}

/** The declared type of field `name` in a declaration's text (a field's own chunk, a struct, a class body, an `__init__`). */
/** `element`: the type of an element of the field's collection type (Rust `items: Vec<Item>` → Item; rust-elements.ts). */
export function fieldType(text: string | undefined, name: string, grammar: string, element = false): string | undefined {
  if (!text) return undefined;
  const n = escapeRe(name);
  const patterns: RegExp[] =
    grammar === 'python'
      ? [
          new RegExp(`self\\.${n}\\s*:\\s*([^=\\n]+?)\\s*=`),
          new RegExp(`self\\.${n}\\s*=\\s*(?:await\\s+)?([A-Z][\\w.]*)\\s*\\(`),
          new RegExp(`^[ \\t]*${n}\\s*:\\s*([^=\\n]+)`, 'm'),
        ]
      : grammar === 'go'
        ? [
            new RegExp(`^[ \\t]*${n}(?:\\s*,\\s*\\w+)*[ \\t]+((?:<-\\s*)?chan(?:<-)?\\s+[*\\[\\]\\w.]+|[*\\[\\]\\w.]+)`, 'm'),
            // An embedded field is named by its type: `*Desc` or `pkg.Desc` in the struct is field `Desc`.
            new RegExp(`^[ \\t]*(\\*?(?:\\w+\\.)?${n})[ \\t]*(?:\\/\\/.*|\`[^\`]*\`)?$`, 'm'),
          ]
        : grammar === 'rust'
          ? [new RegExp(`(?:^|[\\s,{(])(?:pub(?:\\([^)]*\\))?\\s+)?${n}\\s*:\\s*(${element ? '[^\\n}=]+' : '[^,\\n}=]+'})`, 'm')]
          : /^(java|c_sharp|cpp)$/.test(grammar)
            ? [new RegExp(`([A-Za-z_][\\w.:]*(?:<[^;=()]*?>)?(?:\\[\\])*\\**)\\s+\\**&?${n}\\s*[;=,{]`)]
            : [
                new RegExp(
                  `(?:^|[\\s;{(,])(?:(?:public|private|protected|readonly|static|declare|override)\\s+)*#?${n}[?!]?\\s*:\\s*([^=;,\\n)]+)`,
                  'm',
                ),
                new RegExp(`(?:^|[\\s;{(,.])#?${n}\\s*=\\s*new\\s+([A-Za-z_$][\\w$.]*)`, 'm'),
              ];
  for (const re of patterns) {
    const m = re.exec(text);
    const found = m && element ? (grammar === 'go' ? goElementOf : elementOf)(m[1].trim().replace(/,$/, '')) : m?.[1];
    const declared = grammar === 'go' && found && !goNamesMembers(found) ? undefined : found;
    const t = declared ? plainType(declared, grammar) : undefined;
    if (
      t &&
      !/^(return|new|public|private|protected|static|final|string|number|boolean|int|str|bool|float|bytes|usize|u8|u32|u64|i32|i64|String|Integer|Long|Boolean)$/.test(
        t,
      )
    )
      return t;
  }
  return undefined;
}

/** The return type a function's declaration states (its base name), from the text of its chunk. */
/** `part`: Rust, that part of the tuple it returns (`-> Result<(A, B), E>`, 1 → B; rust-tuples.ts); Go, that result. */
export function declaredReturnType(
  syntax: SyntaxFacts,
  d: DefinitionSite,
  grammar: string,
  element = false,
  part?: number,
): string | undefined {
  const text = syntax.definitionText(d);
  if (!text) return undefined;
  // Go: the name its `func` line declares, not the receiver's type before it (`func (c *Context) Context()`).
  const goDecl = grammar === 'go' ? new RegExp(`^[ \\t]*func\\s*(?:\\([^()]*\\)\\s*)?${escapeRe(d.name)}\\b`, 'm').exec(text) : null;
  const at = goDecl ? goDecl.index + goDecl[0].length - d.name.length : text.search(new RegExp(`\\b${escapeRe(d.name)}\\b`));
  if (at < 0) return undefined;
  // TypeScript `const getInfo: GetInfo = (c) => …`: what the annotation's function type returns (the arrow's own parameters come after it).
  const annotated = TS_FAMILY.has(grammar)
    ? annotatedResult(text.slice(at + d.name.length), (name) => typeAliasText(syntax, d.path, name))
    : undefined;
  const written = annotated ?? writtenReturnType(text, at, grammar, d, part);
  if (typeof written === 'object') return written.type;
  const found = written && element ? (grammar === 'go' ? goElementOf : elementOf)(written) : written;
  const declared = grammar === 'go' && found && !goNamesMembers(found) ? undefined : found;
  // Rust `-> impl Future<Output = X>`: nothing but an await or a poll uses it, and either gives X (rust-futures.ts).
  const future = grammar === 'rust' && declared ? rustFutureOutput(declared) : undefined;
  const whole = future ?? declared;
  const held = whole !== undefined && part !== undefined && grammar !== 'go' ? tuplePart(whole, part) : whole;
  const t = held ? plainType(held.replace(/^impl\s+/, ''), grammar) : undefined;
  if (!t) return undefined;
  if (t === 'Self' && d.container) return d.container;
  return /^(void|any|unknown|never|string|number|boolean|None|Self|error|bool|int|str)$/.test(t) ? undefined : t;
}

/** The declaration text of the type alias `name` as seen from `rel` (`type GetInfo = (c: Context) => Info`). */
function typeAliasText(syntax: SyntaxFacts, rel: string, name: string): string | undefined {
  const alias = syntax.typeDefinitions(rel, name).find((t) => t.kind === 'type');
  return alias ? syntax.definitionText(alias) : undefined;
}

/**
 * The return type a declaration writes after its parameter list (`at`: where its name is in `text`), or a
 * final answer (`{ type }`) where the declaration settles it otherwise (Java's type before the name, a
 * TypeScript body that plainly returns `new T(…)`, no parameter list).
 */
function writtenReturnType(
  text: string,
  at: number,
  grammar: string,
  d: DefinitionSite,
  part: number | undefined,
): string | { type: string | undefined } | undefined {
  if (grammar === 'java' || grammar === 'c_sharp' || grammar === 'cpp') {
    const m = new RegExp(`([A-Za-z_][\\w.]*)\\s*(?:<[^>]*>)?(?:\\[\\])?\\s+${escapeRe(d.name)}\\s*\\(`).exec(text);
    const t = m?.[1].split('.').pop();
    return { type: t && !/^(void|public|private|protected|static|final|return|new)$/.test(t) ? t : undefined };
  }
  const open = text.indexOf('(', at);
  if (open < 0) return { type: undefined };
  const close = closingIndex(text, open, '(', ')', 4000);
  if (close < 0) return { type: undefined };
  const after = text.slice(close + 1, close + 300);
  // TypeScript/JavaScript without a stated type: what the body plainly returns (`new T(…)`, `this`).
  if (grammar === 'typescript' || grammar === 'tsx' || grammar === 'javascript') {
    const inferred = inferredReturnType(text.slice(close + 1, close + 3300), d.container);
    if (inferred) return { type: inferred };
  }
  return grammar === 'go'
    ? // `a, b := f(…)`: b is f's second result (`(zapcore.Core, *ObservedLogs)`, named ones too).
      goResult(after, part ?? 0)
    : (grammar === 'python'
        ? /^\s*->\s*([^\n]+?)\s*:\s*$/m.exec(after)
        : grammar === 'rust'
          ? /^\s*->\s*([^{\n;]+?)\s*(?:\{|where\b|;|$)/m.exec(after)
          : /^\s*:\s*([^{=\n]+?)\s*(?:\{|=>|;|$)/m.exec(after))?.[1];
}

/** Go: result `part` of the results written after a signature's parameters (`(T, *U) {` 1 → *U; a lone unparenthesized result is result 0). */
function goResult(after: string, part: number): string | undefined {
  const text = after.trimStart();
  if (!text.startsWith('(')) return part === 0 ? /^[*\w.[\]]+/.exec(text)?.[0] : undefined;
  const close = closing(text, 1);
  return close < 0 ? undefined : parameterTypes(text.slice(1, close))[part]?.trim();
}
