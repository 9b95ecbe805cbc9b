/**
 * What is being typed at the cursor: the identifier (possibly partial) right before it,
 * and for member access (`x.`, `x.pa`, `self.x.`, `a::b::`) the receiver and, where the
 * document says so, the receiver's type name:
 *
 * - `this`/`self`/`Self`: the enclosing class, struct, impl or trait;
 * - a name bound in the document: its type annotation (`x: Foo`, `Foo x`, `var x Foo`,
 *   `let x: Foo`, a typed parameter or field) or what initialises it (`new Foo(…)`,
 *   `Foo(…)` in Python, `Foo{…}`/`&Foo{…}` in Go, `Foo::new(…)`/`Foo { … }` in Rust) — the
 *   binding closest above the cursor wins;
 * - a name the file imports (a namespace or a class): the name itself.
 *
 * Parsing is bounded (the last 64 KB of the prefix and 4 KB of the suffix, under a time
 * budget); without a loaded grammar only the identifier and receiver are reported.
 */
import type { Node } from 'web-tree-sitter';
import { grammarFor, loadedParser, type GrammarId } from './grammars';

export interface CursorContext {
  /** The identifier characters right before the cursor ('' when none). */
  identifier: string;
  member?: {
    /** The receiver as written (`x`, `this.pool`, `crate::a`). */
    receiver: string;
    /** The receiver's type (or class/namespace) name when known. */
    type?: string;
    /** How the type was found. */
    via?: 'self' | 'annotation' | 'initializer';
  };
}

const MAX_PREFIX = 64 * 1024;
const MAX_SUFFIX = 4 * 1024;
const BUDGET_MS = 15;

const SELF = new Set(['this', 'self', 'Self']);
const CONTAINERS =
  /^(class_declaration|abstract_class_declaration|class_definition|class_specifier|struct_specifier|impl_item|trait_item|interface_declaration|struct_item|enum_declaration|record_declaration|struct_declaration|class|module|trait_declaration)$/;

export function cursorContext(prefix: string, suffix: string, languageId: string): CursorContext {
  const identifier = /[A-Za-z_$][\w$]*$/.exec(prefix)?.[0] ?? '';
  const before = prefix.slice(0, prefix.length - identifier.length);
  const m = /((?:[A-Za-z_$][\w$]*(?:\(\))?\s*(?:\.|::|->)\s*)*[A-Za-z_$][\w$]*)\s*(\.|::|->)\s*$/.exec(before.slice(-300));
  if (!m) return { identifier };
  const receiver = m[1].replace(/\s+/g, '');
  const grammar = grammarFor(languageId);
  const parser = grammar ? loadedParser(grammar) : undefined;
  if (!grammar || !parser) return { identifier, member: { receiver } };
  const head = before.length > MAX_PREFIX ? before.slice(before.length - MAX_PREFIX) : before;
  // A placeholder member keeps `x.` a member expression for the parser.
  const text = `${head}${identifier || '_'}${suffix.slice(0, MAX_SUFFIX)}`;
  const offset = head.length;
  const started = performance.now();
  const tree = parser.parse(text, null, { progressCallback: () => performance.now() - started > BUDGET_MS });
  if (!tree) return { identifier, member: { receiver } };
  try {
    const first = receiver.split(/\.|::|->/)[0];
    const type = typeOf(tree.rootNode, grammar, receiver, first, offset);
    return { identifier, member: { receiver, ...type } };
  } finally {
    tree.delete();
  }
}

function typeOf(
  root: Node,
  grammar: GrammarId,
  receiver: string,
  first: string,
  offset: number,
): { type?: string; via?: 'self' | 'annotation' | 'initializer' } {
  if (SELF.has(receiver)) {
    const at = root.descendantForIndex(Math.max(0, offset - 1));
    for (let n: Node | null = at; n; n = n.parent) {
      if (!CONTAINERS.test(n.type)) continue;
      const name = n.type === 'impl_item' ? baseType(n.childForFieldName('type')) : n.childForFieldName('name')?.text;
      if (name) return { type: name, via: 'self' };
    }
    return {};
  }
  // `this.field.` / `self.field.`: the field's declared type.
  const target =
    SELF.has(first) && receiver.split(/\.|::|->/).length === 2
      ? receiver.split(/\.|::|->/)[1]
      : receiver.includes('.') || receiver.includes('::')
        ? undefined
        : receiver;
  if (!target) return {};
  let best: { type?: string; via?: 'annotation' | 'initializer'; at: number } | undefined;
  const stack: Node[] = [root];
  let visited = 0;
  while (stack.length > 0 && visited < 200_000) {
    const n = stack.pop()!;
    visited++;
    if (n.startIndex > offset) continue;
    const found = bindingType(n, grammar, target);
    if (found && (!best || n.startIndex >= best.at)) best = { ...found, at: n.startIndex };
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c && c.startIndex <= offset) stack.push(c);
    }
  }
  return best ? { type: best.type, via: best.via } : {};
}

/** If `n` binds `name`, the type it gives it. */
function bindingType(n: Node, grammar: GrammarId, name: string): { type?: string; via: 'annotation' | 'initializer' } | undefined {
  const nameNode = n.childForFieldName('name') ?? n.childForFieldName('pattern') ?? n.childForFieldName('left');
  let bound = nameNode?.text === name;
  // Go `x := …` / `var a, b T`, Java/C# declarators: the name sits one level down.
  if (!bound && /^(short_var_declaration|assignment_statement)$/.test(n.type))
    bound = n.childForFieldName('left')?.namedChildren.some((c) => c?.text === name) ?? false;
  if (!bound) return undefined;
  const annotation = n.childForFieldName('type') ?? (/declarator$/.test(n.type) ? n.parent?.childForFieldName('type') : null);
  const t = annotation ? baseType(annotation) : undefined;
  if (t) return { type: t, via: 'annotation' };
  const value = n.childForFieldName('value') ?? n.childForFieldName('right');
  const init = value ? initializerType(value.type === 'expression_list' ? value.namedChild(0) : value, grammar) : undefined;
  return init ? { type: init, via: 'initializer' } : undefined;
}

function initializerType(v: Node | null, grammar: GrammarId): string | undefined {
  for (let guard = 0; v && guard < 4; guard++) {
    switch (v.type) {
      case 'new_expression':
      case 'object_creation_expression':
        return baseType(v.childForFieldName('constructor') ?? v.childForFieldName('type'));
      case 'composite_literal':
      case 'struct_expression':
        return baseType(v.childForFieldName('type') ?? v.childForFieldName('name'));
      case 'unary_expression':
      case 'reference_expression':
      case 'await_expression':
      case 'parenthesized_expression':
        v = v.childForFieldName('operand') ?? v.childForFieldName('value') ?? v.namedChild(0);
        continue;
      case 'call':
      case 'call_expression': {
        const fn = v.childForFieldName('function');
        if (!fn) return undefined;
        // Rust `Foo::new()`, `Foo::with(…)`: the type is the path.
        if (fn.type === 'scoped_identifier') return baseType(fn.childForFieldName('path'));
        // Python `Foo(…)` constructs a class; a capitalised callee reads as one elsewhere too.
        if (fn.type === 'identifier' && /^[A-Z]/.test(fn.text) && grammar !== 'go') return fn.text;
        return undefined;
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

/** The plain type name of a type node (`Foo` of `&mut Foo<T>`, `*pkg.Foo`, `Foo[]`, `: Foo | null`). */
function baseType(n: Node | null | undefined): string | undefined {
  let cur: Node | null | undefined = n;
  for (let guard = 0; cur && guard < 12; guard++) {
    if (/^(type_identifier|identifier|constant|name)$/.test(cur.type)) return cur.text;
    if (
      cur.type === 'qualified_type' ||
      cur.type === 'scoped_type_identifier' ||
      cur.type === 'nested_type_identifier' ||
      cur.type === 'scoped_identifier'
    )
      cur = cur.childForFieldName('name') ?? cur.lastNamedChild;
    else cur = cur.childForFieldName('type') ?? cur.childForFieldName('name') ?? cur.namedChild(0);
  }
  return undefined;
}
