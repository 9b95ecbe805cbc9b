/**
 * What is being typed at the cursor: the identifier (possibly partial) right before it,
 * and for member access (`x.`, `x?.`, `x->`, `self.x.`, `a::b::`, `f(a).`) the receiver and,
 * where the document says so, the receiver's type (bindings.ts reads the document):
 *
 * - `this`/`self`/`Self`: the enclosing class, struct, impl or trait;
 * - a name bound in the document: its type annotation (`x: Foo`, `Foo x`, `var x Foo`,
 *   `let x: Foo`, a typed parameter of the enclosing function, method, closure or arrow,
 *   a Go method receiver, a field; a type parameter stands for its bound) or what
 *   initialises it (`new Foo(…)`, `Foo(…)` in Python, `Foo{…}` in Go, `Foo::new(…)` in
 *   Rust) — the binding closest above the cursor in a scope that holds it wins;
 * - otherwise a `chain` for the index to finish (receiver-members.ts): where to start (a
 *   type, a name the document does not type, a free function's return type) and the
 *   fields and methods to follow (`this.pool.`, `c.req.`, `x := c.Writer.Pusher()`).
 *
 * Parsing is bounded (the last 64 KB of the prefix and 4 KB of the suffix, under a time
 * budget); without a loaded grammar only the identifier and receiver are reported.
 */
import type { Node } from 'web-tree-sitter';
import { memberParts } from './binding-syntax';
import { DocumentBindings, SELF, type CallbackParam, type Step, type TypeRef } from './bindings';
import { grammarFor, loadedParser } from './grammars';
import { rustEnclosingHeader } from './rust-self';
import { rustBoundsInScope } from './rust-generics';
import { GO_HEADERS, rustLineClosers } from './rust-line-closers';
import { inRustMacro, rustWrittenChain, type RustMacroCall } from './rust-macros';

export type { CallbackParam, Step, TypeRef } from './bindings';

export interface CursorContext {
  /** The identifier characters right before the cursor ('' when none). */
  identifier: string;
  member?: {
    /** The receiver as written (`x`, `this.pool`, `crate::a`). */
    receiver: string;
    /** The receiver's type (or class/namespace) name when the document alone says. */
    type?: string;
    /** How the type was found. */
    via?: 'self' | 'annotation' | 'initializer';
    /**
     * Otherwise, when the document says how to get there: where to start (a type, a name it
     * does not type, a free function's return type) and the members to follow
     * (`c.Writer.Pusher().` → start `c`'s type, steps `Writer`, `Pusher()`).
     */
    chain?: { type?: string; head?: string; callee?: string; param?: CallbackParam; macro?: RustMacroCall; steps: Step[] };
    /** Rust: the trait bound of each type parameter in scope (`impl<I: Read>`: I → Read), for a chain through a field typed `I`. */
    bounds?: Record<string, string>;
  };
}

/** The prefix parsed: its last 8 KB from a line that starts a top-level item (a parse must fit the budget on every keystroke). */
const WINDOW = 8 * 1024;
/** How far above the window a type header is looked for, when the window starts inside a long class or impl. */
const MAX_OUTER = 64 * 1024;
const MAX_SUFFIX = 4 * 1024;
const BUDGET_MS = 15;
/** The identifier being typed and the access before it are read from this many characters before the cursor. */
const TAIL = 1024;

/** `budgetMs`: the parse budget (BUDGET_MS; tests of long documents pass more so that a busy machine cannot change what they check). */
export function cursorContext(prefix: string, suffix: string, languageId: string, budgetMs = BUDGET_MS): CursorContext {
  // An end-anchored pattern is tried at every position of what it is given: give it the tail
  // (on a 60 KB prefix the whole took 1.6 ms per keystroke, the tail 0.03 ms).
  const identifier = /[A-Za-z_$][\w$]*$/.exec(prefix.slice(-TAIL))?.[0] ?? '';
  const before = prefix.slice(0, prefix.length - identifier.length);
  const tail = before.slice(-TAIL);
  const access = /(\?\.|\.|::|->)\s*$/.exec(tail);
  if (!access || inCommentLine(tail, access.index, languageId)) return { identifier };
  const near = before.slice(-300);
  const m = /((?:[A-Za-z_$][\w$]*(?:\(\))?\s*(?:\?\.|\.|::|->)\s*)*[A-Za-z_$][\w$]*)\s*(\?\.|\.|::|->)\s*$/.exec(near);
  const written = m ? uncommented(near, m.index, m[1], languageId).replace(/\s+/g, '').replace(/\?\./g, '.') : undefined;
  const grammar = grammarFor(languageId);
  const parser = grammar ? loadedParser(grammar) : undefined;
  if (!grammar || !parser) return written ? { identifier, member: { receiver: written } } : { identifier };
  const head = windowOf(before, grammar === 'rust' ? rustCodeLine : undefined);
  // A placeholder member keeps `x.` a member expression for the parser.
  // Rust: the brackets the cursor line leaves open closed after it, so that the parse keeps its calls and closures.
  // Go too (goRestOfLine).
  const closers =
    grammar === 'rust'
      ? rustLineClosers(before, suffix)
      : grammar === 'go'
        ? rustLineClosers(before, goRestOfLine(suffix), GO_HEADERS)
        : '';
  // Go: a suffix starting indented is the next line (the rest of this one not typed yet): a statement of its own.
  const gap = grammar === 'go' && /^[ \t]+\S/.test(suffix) ? '\n' : '';
  const text = `${head}${identifier || '_'}${closers}${gap}${suffix.slice(0, MAX_SUFFIX)}`;
  const offset = head.length;
  const tree = parser.parse(text, null, { progressCallback: overBudget(budgetMs) });
  // A cancelled parse resumes on the parser's next call unless reset: that would be this document, not the next one.
  if (!tree) parser.reset();
  if (!tree) return written ? { identifier, member: { receiver: written } } : { identifier };
  try {
    const at = tree.rootNode.descendantForIndex(offset) ?? tree.rootNode;
    // The receiver expression: the object of the member access the placeholder completes.
    let object: Node | undefined;
    for (let n: Node | null = at, guard = 0; n && guard < 3 && !object; n = n.parent, guard++) {
      const parts = memberParts(n);
      if (parts && parts.object.endIndex <= offset) object = parts.object;
    }
    const receiver = written ?? (object ? object.text.replace(/\s+/g, '').slice(0, 300) : undefined);
    if (!receiver) return { identifier };
    const outer = before.slice(Math.max(0, before.length - head.length - MAX_OUTER), before.length - head.length);
    // Rust: an `impl` left open by the parse's window loses its node; the indentation still shows it.
    let header: { type: string; line: string } | undefined | null = null;
    const laidOutHeader = () => (header === null ? (header = rustEnclosingHeader(before)) : header);
    const laidOut = grammar === 'rust' ? () => laidOutHeader()?.type : undefined;
    const bindings = new DocumentBindings(tree, grammar, offset, () => lastTypeHeader(outer), laidOut);
    let ref: TypeRef | undefined;
    if (object) ref = bindings.ref(object, at);
    else if (/^[A-Za-z_$][\w$]*$/.test(receiver))
      ref = SELF.has(receiver) ? selfRef(bindings, at) : bindings.ref(identifierNode(at, receiver, offset), at);
    else if (access[1] === '::' && /^(self|Self)$/.test(receiver)) ref = selfRef(bindings, at);
    else if (grammar === 'rust' && written && inRustMacro(at))
      ref = rustWrittenChain(written, (name) =>
        SELF.has(name) ? selfRef(bindings, at) : bindings.ref(identifierNode(at, name, offset), at),
      );
    // Rust `Self::new().`, `let x: Self`, `Self { … }`: the type the impl is for.
    if (ref?.type === 'Self' && grammar === 'rust') {
      const type = bindings.enclosingType(at);
      ref = type ? { ...ref, type } : undefined;
    }
    const found = described(ref, receiver);
    // Rust `T::` on a type parameter: the trait it is bound by (`T::parse(…)` where `T: Transaction`).
    if (grammar === 'rust' && access[1] === '::' && !found.type && !found.chain && /^[A-Z]\w*$/.test(receiver)) {
      // The parsed declarations first; the impl header above the window (a text scan) only for a name written
      // as type parameters are (`T`, `B2`), not for every `Vec::`, `Path::`.
      const bound =
        rustBoundsInScope(at)[receiver] ??
        (/^[A-Z]\d?$/.test(receiver) ? rustBoundsInScope(at, laidOutHeader()?.line)[receiver] : undefined);
      if (bound) Object.assign(found, { type: bound, via: 'annotation' });
    }
    if (grammar === 'rust' && found.chain && found.chain.steps.length > 0) {
      const bounds = rustBoundsInScope(at, laidOutHeader()?.line);
      if (Object.keys(bounds).length > 0) found.bounds = bounds;
    }
    return { identifier, member: { receiver, ...found } };
  } finally {
    tree.delete();
  }
}

/**
 * The text parsed for the cursor: all of a short prefix, else its last WINDOW characters
 * from the first line indented least (a top-level item, or a member of the class the
 * cursor is in), so the parse starts at a declaration rather than inside one.
 */
function windowOf(before: string, code: (line: string) => boolean = () => true): string {
  if (before.length <= WINDOW) return before;
  const cut = before.indexOf('\n', before.length - WINDOW) + 1;
  let best = -1;
  let bestIndent = Infinity;
  for (let at = cut; at > 0 && at < before.length;) {
    const end = before.indexOf('\n', at);
    const line = before.slice(at, end < 0 ? before.length : end);
    const indent = line.length - line.trimStart().length;
    if (indent < bestIndent && /^\s*[^\s)\]}/*#@]/.test(line) && code(line)) {
      best = at;
      bestIndent = indent;
      if (indent === 0) break;
    }
    if (end < 0) break;
    at = end + 1;
  }
  return before.slice(best >= 0 ? best : cut);
}

/**
 * Rust: a line that reads as code, not as the text of a multi-line string (a flag's help text at column 0 inside
 * `r"…"`, where a window starting there would parse the string's text as code): an item or a statement's start, or
 * a line ending as code does.
 */
function rustCodeLine(line: string): boolean {
  return (
    /^\s*(?:pub\b|fn\b|impl\b|struct\b|enum\b|trait\b|mod\b|use\b|const\b|static\b|type\b|unsafe\b|async\b|extern\b|macro_rules!|let\b)/.test(
      line,
    ) || /[{};([=)\]>]\s*$/.test(line.replace(/\/\/.*$/, ''))
  );
}

/** The last type declared at column 0 in `text` (`impl<T> Trait for Foo<T>`, `public final class Foo`, `class Foo:`), for `self` above the window. */
function lastTypeHeader(text: string): string | undefined {
  const re =
    /^(?:(?:export|pub(?:\([^)]*\))?|public|private|protected|abstract|final|sealed|static|unsafe|data|open|internal|partial)\s+)*(?:impl(?:\s*<[^\n{]*?>)?\s+(?:[\w:]+(?:<[^\n{]*?>)?\s+for\s+)?|class\s+|struct\s+|trait\s+|interface\s+|enum\s+|record\s+)(?:[\w]+::)*([A-Za-z_]\w*)/gm;
  let last: string | undefined;
  for (const m of text.matchAll(re)) last = m[1];
  return last;
}

/**
 * A parse budget of `ms` of both wall-clock and CPU time: the parse stops when both have
 * passed, so a machine busy with other work (the wall clock runs, this process does not)
 * does not cut short a parse that would finish, and the work per keystroke stays bounded.
 */
function overBudget(ms: number): () => boolean {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    if (performance.now() - wall <= ms) return false;
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / 1000 > ms;
  };
}

function selfRef(bindings: DocumentBindings, at: Node): TypeRef | undefined {
  const type = bindings.enclosingType(at);
  return type ? { type, steps: [], via: 'self' } : undefined;
}

/**
 * Go: what of the text after the cursor closes the cursor line: the `)`/`]` touching the cursor (an editor's
 * auto-closed bracket), or the whole line when those open the body of a header (`if x.| {`). A line starting
 * otherwise is the next line (`\t})`, `}` close an enclosing function literal or the function, not this line).
 */
function goRestOfLine(suffix: string): string {
  const line = suffix.slice(0, 400).split('\n', 1)[0];
  return /^[)\]]*\s*\{/.test(line) ? line : (/^[)\]]*/.exec(line)?.[0] ?? '');
}

/**
 * The chain written at `at` of `text` without what a comment line above holds: a chain may go on
 * over lines (`a.\n  b.`), but `// Clear any output.` over `logs.` is a sentence's end, not `output.logs`.
 */
function uncommented(text: string, at: number, chain: string, languageId: string): string {
  for (let nl = chain.lastIndexOf('\n'); nl > 0; nl = chain.lastIndexOf('\n', nl - 1))
    if (inCommentLine(text, at + nl, languageId)) return chain.slice(nl + 1).trimStart();
  return chain;
}

/**
 * Whether the access at `at` sits on a comment line (`// …`, `# …`, a doc comment's `* …`):
 * a sentence's full stop, not a member access, and not worth a parse (it was one at the start
 * of every line after a comment ending in a period).
 */
function inCommentLine(text: string, at: number, languageId: string): boolean {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const line = text.slice(start, at);
  // `#` starts a comment in Python, Ruby and shell (where `//` is floor division or nothing); `//` elsewhere.
  const hash = /^(python|ruby|shellscript|perl|r|powershell|yaml|toml)$/.test(languageId);
  // A block comment's first or continuation line (` * text`; Rust's `*self.x` is code).
  if (/^\s*(?:\/\*|\*(?:\s|$))/.test(line)) return true;
  return hash ? /^\s*#|\s#\s/.test(line) : /^\s*\/\/|\s\/\//.test(line);
}

/** The receiver identifier's node right before the access (`x` of `x::`), when the parse has it. */
function identifierNode(at: Node, name: string, offset: number): Node | undefined {
  for (let n: Node | null = at, guard = 0; n && guard < 4; n = n.parent, guard++) {
    for (const c of n.namedChildren) if (c && c.text === name && c.endIndex <= offset) return c;
  }
  return undefined;
}

function described(ref: TypeRef | undefined, receiver: string): Omit<NonNullable<CursorContext['member']>, 'receiver'> {
  if (!ref) return {};
  if (ref.param) return { chain: { param: ref.param, steps: ref.steps } };
  if (ref.type && ref.steps.length === 0) return { type: ref.type, ...(ref.via ? { via: ref.via } : {}) };
  if (ref.steps.length === 0 && !ref.callee && !ref.macro && (ref.head === undefined || ref.head === receiver)) return {};
  return {
    chain: {
      ...(ref.type ? { type: ref.type } : {}),
      ...(ref.head ? { head: ref.head } : {}),
      ...(ref.callee ? { callee: ref.callee } : {}),
      ...(ref.macro ? { macro: ref.macro } : {}),
      steps: ref.steps,
    },
  };
}
