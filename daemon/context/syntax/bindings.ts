/**
 * What an expression in the document is, as far as the document says: the names bound
 * before the cursor (declarations, parameters, fields, pattern bindings) and, for an
 * expression, a TypeRef — a type name, or a start (a type, a name the document does not
 * type, a free function) and the member steps to follow from it (`c.Writer.Pusher()`:
 * start `c`, steps `Writer`, `Pusher()`), which receiver-members.ts completes from the index.
 *
 * One walk of the tree before the cursor collects the bindings (a tree cursor, so only
 * binding nodes become Node objects); lookups and expressions are bounded in depth.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { GrammarId } from './grammars';
import { plainType } from './type-names';
import { BINDER_LIST, CONTAINERS, declaratorName, inScope, memberParts, patternName } from './binding-syntax';
import { goBinders, goMadeType } from './go-bindings';
import { goElementOf, goNamesMembers, goRangesElements } from './go-elements';
import { ARRAY_CALLBACKS, tsSubscript } from './ts-elements';
import { ELEMENT_CLOSURE_CALLS, ELEMENT_PRESERVING_CALLS, elementOf, RUST_IDENTITY_CALLS, RUST_WRAPPER_CTORS } from './rust-elements';
import { rustClosureRef, type ClosureSite } from './rust-closure-sites';
import { awaitedRef } from './rust-await';
import { rustMacroCall, rustMacroRef, type RustMacroCall } from './rust-macros';
import { variantBindings, type VariantBinding } from './rust-variants';
import { rustTupleBindings, tuplePartRef } from './rust-tuples';
import type { Step } from './steps';
import { callbackSite } from './ts-callbacks';

export { plainType } from './type-names';

export type { Step } from './steps';

export interface TypeRef {
  /** A type name the document states. */
  type?: string;
  /** Or a name the document does not type (an untyped parameter, an imported value, a package or type name). */
  head?: string;
  /** Or a free function whose declared return type it is (`makeFoo()`, `pkg.NewT()`). */
  callee?: string;
  /** Or a parameter of a function the document passes without typing it (TypeScript: ts-callbacks.ts). */
  param?: CallbackParam;
  /** Or Rust: what a workspace `macro_rules!` gives (`poll_frame!(PushPromise, codec)`; rust-macro-values.ts). */
  macro?: RustMacroCall;
  /** Members to follow from there, in order. */
  steps: Step[];
  via?: 'self' | 'annotation' | 'initializer';
}

/**
 * Parameter `index` of a function written without parameter types, typed by where it goes:
 * argument `arg` (its property `prop`, when the function is a property of an object literal
 * there) of what `of` calls (a free function, a method, a class's constructor with `construct`),
 * or the function type `declared` of the variable it initialises.
 */
export interface CallbackParam {
  of?: TypeRef;
  construct?: boolean;
  declared?: string;
  arg: number;
  prop?: string;
  index: number;
}

interface Binding {
  node: Node;
  name: string;
  type?: Node | null;
  value?: Node | null;
  /** A class or struct member (`this.x`), not a local name. */
  field: boolean;
  /** Rust: bound to an element of `value` (a `for` pattern, an iterator adapter's closure parameter); Go: a `range` value. */
  element?: boolean;
  /** Go: the first name of a `range`, a key of a map or an element of a channel (go-elements.ts). */
  key?: boolean;
  /** Go: a variadic parameter, a slice of its type. */
  variadic?: boolean;
  /** Where the name is visible when that is narrower than its binder's block (a `for` body, a `match` arm). */
  scope?: Node;
  /** Rust: a field of an enum variant the pattern destructures (rust-variants.ts). */
  variant?: VariantBinding;
  /** Rust: a part of the tuple `value` is (`let (tx, rx) = …`; rust-tuples.ts). */
  part?: number;
  /** Rust: an untyped parameter (`index`) of a closure passed as argument `arg` of `call`. */
  closure?: ClosureSite;
}

const MAX_STEPS = 4;
/** Expression nesting and binding hops followed for one receiver. */
const MAX_DEPTH = 12;
const MAX_BINDINGS = 5000;

const IMPLICIT_THIS = new Set<GrammarId>(['java', 'c_sharp', 'cpp']);

export const SELF = new Set(['this', 'self', 'Self', '$this']);
/** TypeScript nodes that bind `this` for their body (an arrow function does not). */
const THIS_BINDERS = new Set([
  'function_expression',
  'function_declaration',
  'generator_function',
  'generator_function_declaration',
  'method_definition',
]);

export class DocumentBindings {
  private readonly locals = new Map<string, Binding[]>();
  private readonly fields = new Map<string, Binding[]>();

  constructor(
    tree: Tree,
    private readonly grammar: GrammarId,
    private readonly offset: number,
    /** The enclosing type when the parsed text starts inside it (its header is above the window). */
    private readonly outerType: () => string | undefined = () => undefined,
    /** The enclosing type as the text's layout shows it, preferred to the tree's (Rust: rust-self.ts). */
    private readonly laidOutType: () => string | undefined = () => undefined,
  ) {
    // One call: the search runs inside tree-sitter, and only binding nodes become Node objects.
    const end = tree.rootNode.descendantForIndex(Math.max(0, offset - 1))?.startPosition ?? tree.rootNode.endPosition;
    let count = 0;
    for (const n of tree.rootNode.descendantsOfType(BINDER_LIST, tree.rootNode.startPosition, end)) {
      if (!n || n.startIndex > offset || count >= MAX_BINDINGS) continue;
      for (const b of this.extract(n)) {
        const map = b.field ? this.fields : this.locals;
        map.set(b.name, [...(map.get(b.name) ?? []), b]);
        count++;
      }
    }
  }

  /** The type name of `this`/`self` at the cursor: the enclosing class, struct, impl or trait. */
  enclosingType(at: Node): string | undefined {
    const laidOut = this.laidOutType();
    if (laidOut) return laidOut;
    for (let n: Node | null = at; n; n = n.parent) {
      if (!CONTAINERS.test(n.type)) continue;
      const name =
        n.type === 'impl_item' ? plainType(n.childForFieldName('type')?.text ?? '', this.grammar) : n.childForFieldName('name')?.text;
      if (name) return name;
    }
    return this.outerType();
  }

  /**
   * TypeScript `function (this: Reaction) { this. }`: a function (or method) that declares a
   * `this` parameter states what `this` is in its body. Arrow functions keep the `this` around
   * them, so the nearest function that is not an arrow decides; one without the parameter leaves
   * `this` to the enclosing class.
   */
  private declaredThis(n: Node): string | undefined {
    if (this.grammar !== 'typescript' && this.grammar !== 'tsx') return undefined;
    for (let p: Node | null = n.parent; p; p = p.parent) {
      if (p.type === 'arrow_function') continue;
      if (p.type === 'class_body' || p.type === 'class_declaration' || p.type === 'class') return undefined;
      if (!THIS_BINDERS.has(p.type)) continue;
      const first = p.childForFieldName('parameters')?.namedChild(0);
      if (first?.type !== 'required_parameter' || first.childForFieldName('pattern')?.type !== 'this') return undefined;
      const t = first.childForFieldName('type');
      return t ? this.typeName(t, first) : undefined;
    }
    return undefined;
  }

  /** What an expression is (`x`, `this.pool`, `c.Writer.Pusher()`, `await makeFoo()`, `T::new()`), or undefined when the document cannot say. */
  ref(n: Node | null | undefined, at: Node, depth = 0): TypeRef | undefined {
    if (!n || depth > MAX_DEPTH) return undefined;
    // Go `xs[i]`, `m[k]`, `<-ch`: an element of the operand (go-elements.ts).
    if (
      this.grammar === 'go' &&
      (n.type === 'index_expression' || (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-'))
    )
      return this.elementRef(n.childForFieldName('operand'), depth + 1);
    // Rust `x.await`: what the future resolves to (rust-await.ts).
    if (this.grammar === 'rust' && n.type === 'await_expression') return awaitedRef(this.ref(n.namedChild(0), at, depth + 1), MAX_STEPS);
    switch (n.type) {
      case 'identifier':
      case 'this':
      case 'self':
      case 'variable_name':
      case 'simple_identifier':
      case 'constant':
      case 'type_identifier': {
        const name = n.text;
        if (SELF.has(name)) {
          const declared = this.declaredThis(n);
          if (declared) return { type: declared, steps: [], via: 'annotation' };
          const type = this.enclosingType(at);
          return type ? { type, steps: [], via: 'self' } : undefined;
        }
        const b = this.lookup(name, n.startIndex);
        if (!b && IMPLICIT_THIS.has(this.grammar) && /^[a-z_]/.test(name)) {
          // Java, C#, C++: a bare name no local binds is a field of the enclosing class.
          const type = this.enclosingType(at);
          if (type) return { type, steps: [{ name, call: false }] };
        }
        if (!b) return this.forOfRef(name, n) ?? this.callbackRef(name, n, depth) ?? { head: name, steps: [] };
        const bound = this.bindingRef(b, depth);
        // A macro's value the index may not type: the name's own inference stays the fallback.
        if (bound?.macro) return { ...bound, head: name };
        if (bound) return bound;
        return (/_parameter$/.test(b.node.type) ? this.callbackRef(name, n, depth) : undefined) ?? { head: name, steps: [] };
      }
      case 'parenthesized_expression':
      case 'non_null_expression':
      case 'await_expression':
      case 'await':
      case 'try_expression':
      case 'reference_expression':
      case 'unary_expression':
      case 'pointer_expression':
      case 'expression_list':
        return this.ref(
          n.childForFieldName('value') ?? n.childForFieldName('operand') ?? n.childForFieldName('argument') ?? n.namedChild(0),
          at,
          depth + 1,
        );
      case 'ternary_expression': {
        // TypeScript `c ? a : b`: an arm the document types (`x instanceof T ? x : …` narrows x to T in the first).
        if (this.grammar !== 'typescript' && this.grammar !== 'tsx') return undefined;
        const cond = n.childForFieldName('condition');
        const yes = n.childForFieldName('consequence');
        if (cond?.type === 'binary_expression' && cond.childForFieldName('operator')?.text === 'instanceof') {
          const type =
            cond.childForFieldName('left')?.text === yes?.text
              ? plainType(cond.childForFieldName('right')?.text ?? '', this.grammar)
              : undefined;
          if (type) return { type, steps: [], via: 'annotation' };
        }
        const arms = [yes, n.childForFieldName('alternative')].map((a) => this.ref(a, at, depth + 1));
        // An arm that is only an untyped name says no more than the bound name itself.
        return arms.find((r) => r?.type !== undefined) ?? arms.find((r) => r?.callee !== undefined || !!r?.steps.length);
      }
      case 'type_assertion_expression': {
        // Go `x.(*T)`: a T.
        const type = plainType(n.childForFieldName('type')?.text ?? '', this.grammar);
        return type ? { type, steps: [], via: 'annotation' } : undefined;
      }
      // `x satisfies T`: the value keeps its own type; T is what the document states of it.
      case 'as_expression':
      case 'satisfies_expression': {
        const type = plainType(n.namedChild(1)?.text ?? '', this.grammar);
        return type ? { type, steps: [], via: 'annotation' } : this.ref(n.namedChild(0), at, depth + 1);
      }
      case 'type_assertion': {
        // `<T>x` (TypeScript's older cast).
        const type = plainType(n.namedChild(0)?.text.replace(/^<|>$/g, '') ?? '', this.grammar);
        return type ? { type, steps: [], via: 'annotation' } : this.ref(n.namedChild(1), at, depth + 1);
      }
      case 'new_expression':
      case 'object_creation_expression':
      case 'composite_literal':
      case 'struct_expression': {
        const t = n.childForFieldName('constructor') ?? n.childForFieldName('type') ?? n.childForFieldName('name');
        const type = t ? plainType(t.text, this.grammar) : undefined;
        return type ? { type, steps: [], via: 'initializer' } : undefined;
      }
      case 'macro_invocation':
        // Rust `ready!(self.poll_read(cx))`, `dbg!(x.y)`: what the argument is (rust-macros.ts).
        // Another macro: what its definition gives, read from the index.
        if (this.grammar !== 'rust') return undefined;
        return rustMacroRef(n, (head) => this.ref(head, at, depth + 1), MAX_STEPS) ?? this.macroRef(n);
      case 'call_expression':
      case 'call':
      case 'method_invocation':
      case 'invocation_expression':
      case 'member_call_expression':
        return this.callRef(n, at, depth);
      default: {
        // TypeScript `xs[0]`: an element, of the array's type as plainType reads it; `x['name']`: a member (ts-elements.ts).
        const sub = tsSubscript(n, this.grammar);
        const element = sub && sub.name === undefined ? this.elementOf(sub.object) : undefined;
        if (sub && sub.name === undefined)
          return element ? { type: element, steps: [], via: 'annotation' } : this.ref(sub.object, at, depth + 1);
        const member = sub ? { object: sub.object, name: sub.name! } : memberParts(n);
        if (!member) return undefined;
        const base = this.ref(member.object, at, depth + 1);
        // `this.pool` where the class declares `pool`: its declared type, from the document.
        if (base?.via === 'self' && base.steps.length === 0) {
          const field = this.fieldBinding(member.name);
          const r = field ? this.bindingRef(field, depth) : undefined;
          if (r) return r;
        }
        return base && base.steps.length < MAX_STEPS ? { ...base, steps: [...base.steps, { name: member.name, call: false }] } : undefined;
      }
    }
  }

  private macroRef(n: Node): TypeRef | undefined {
    const call = rustMacroCall(n);
    return call ? { macro: call, steps: [] } : undefined;
  }

  /** TypeScript: an untyped (or destructured) parameter of a function around `from`, typed by where the function goes. */
  private callbackRef(name: string, from: Node, depth: number): TypeRef | undefined {
    if (this.grammar !== 'typescript' && this.grammar !== 'tsx') return undefined;
    const site = callbackSite(from, name);
    if (!site) return undefined;
    const steps: Step[] = site.member ? [{ name: site.member, call: false }] : [];
    if (site.annotation) {
      const type = this.typeName(site.annotation, site.annotation);
      return type ? { type, steps, via: 'annotation' } : undefined;
    }
    const where = { arg: site.arg, index: site.index, ...(site.prop ? { prop: site.prop } : {}) };
    if (site.declared) return { steps, param: { declared: site.declared.text.replace(/^:\s*/, ''), ...where } };
    const callee = site.callee;
    if (!callee) return undefined;
    const element = this.arrayElement(callee, site);
    if (element) return { type: element, steps, via: 'annotation' };
    let of: TypeRef | undefined;
    if (site.construct) {
      const type = plainType(callee.text, this.grammar);
      of = type ? { type, steps: [] } : undefined;
    } else if (callee.type === 'identifier') of = { callee: callee.text, steps: [] };
    else if (depth < MAX_DEPTH) of = this.ref(callee, callee, depth + 1);
    return of ? { steps, param: { of, ...(site.construct ? { construct: true } : {}), ...where } } : undefined;
  }

  /** `xs.map((x) => …)` with `xs: Foo[]` (or `Array<Foo>`): an array method's callback gets an element (`reduce`: its second parameter). */
  private arrayElement(callee: Node, site: { arg: number; index: number; prop?: string }): string | undefined {
    const member = memberParts(callee);
    if (!member || site.arg !== 0 || site.prop !== undefined) return undefined;
    const wanted = ARRAY_CALLBACKS.get(member.name);
    if (wanted === undefined || wanted !== site.index) return undefined;
    return this.elementOf(member.object);
  }

  /** The element type of an array the document declares (`xs: Foo[]`, `Array<Foo>`), for an identifier or a `this.` field naming it. */
  private elementOf(n: Node | null | undefined): string | undefined {
    // `xs`, or `this.xs` for a field the class declares.
    const field = n ? memberParts(n) : undefined;
    const b =
      n?.type === 'identifier'
        ? this.lookup(n.text, n.startIndex)
        : field?.object.type === 'this'
          ? this.fieldBinding(field.name)
          : undefined;
    const type = b?.type?.text.replace(/^:\s*/, '').trim();
    const m = type ? (/^(?:readonly\s+)?(.+?)\s*\[\]$/s.exec(type) ?? /^(?:Readonly)?Array\s*<(.+)>$/s.exec(type)) : null;
    return m ? plainType(m[1].replace(/^\((.*)\)$/s, '$1'), this.grammar) : undefined;
  }

  /** TypeScript `for (const x of xs)`: an element of `xs`. */
  private forOfRef(name: string, from: Node): TypeRef | undefined {
    if (this.grammar !== 'typescript' && this.grammar !== 'tsx') return undefined;
    for (let n: Node | null = from, guard = 0; n && guard < 60; n = n.parent, guard++) {
      if (n.type !== 'for_in_statement' || n.childForFieldName('left')?.text !== name) continue;
      if (!n.children.some((c) => c?.type === 'of')) return undefined;
      const type = this.elementOf(n.childForFieldName('right'));
      return type ? { type, steps: [], via: 'annotation' } : undefined;
    }
    return undefined;
  }

  private callRef(n: Node, at: Node, depth: number): TypeRef | undefined {
    // Java `a.m()` / `m()`, PHP `$a->m()`, Ruby `a.m`: object and name fields.
    const fn = n.childForFieldName('function');
    const obj = fn ? undefined : (n.childForFieldName('object') ?? n.childForFieldName('receiver'));
    const nameNode = fn ? undefined : (n.childForFieldName('name') ?? n.childForFieldName('method'));
    if (!fn && nameNode) {
      if (!obj) {
        // Java `make()`: a method of the enclosing class.
        const type = IMPLICIT_THIS.has(this.grammar) ? this.enclosingType(at) : undefined;
        return type ? { type, steps: [{ name: nameNode.text, call: true }] } : { callee: nameNode.text, steps: [] };
      }
      return this.stepCall(this.ref(obj, at, depth + 1), nameNode.text);
    }
    if (!fn) return undefined;
    if (RUST_WRAPPER_CTORS.test(fn.text.replace(/\s+/g, ''))) {
      const arg = n.childForFieldName('arguments')?.namedChild(0);
      return this.ref(arg, at, depth + 1);
    }
    // Go `new(T)`: a *T.
    if (this.grammar === 'go' && fn.text === 'new') {
      const type = plainType(n.childForFieldName('arguments')?.namedChild(0)?.text ?? '', this.grammar);
      return type ? { type, steps: [], via: 'initializer' } : undefined;
    }
    if (fn.type === 'identifier' || fn.type === 'name') {
      // Python `Foo(…)` constructs a class; a capitalised callee reads as one elsewhere too (not in Go).
      if (/^[A-Z]/.test(fn.text) && this.grammar !== 'go') return { type: fn.text, steps: [], via: 'initializer' };
      return { callee: fn.text, steps: [] };
    }
    if (fn.type === 'scoped_identifier') {
      // Rust `Foo::new()`, `Foo::with(…)`: associated functions mostly construct their type; `module::f()`: a free function.
      const path = fn.childForFieldName('path');
      const type = path ? plainType(path.text, this.grammar) : undefined;
      if (type && /^[A-Z]/.test(type)) return { type, steps: [], via: 'initializer' };
      const name = fn.childForFieldName('name')?.text;
      return name ? { callee: name, steps: [] } : undefined;
    }
    if (fn.type === 'generic_function') return this.callRef(fn, at, depth + 1);
    const member = memberParts(fn);
    if (!member) return undefined;
    const base = this.ref(member.object, at, depth + 1);
    // Rust `self.inner.take()` without arguments (`Option::take`, `mem::take`-like methods): what the receiver is;
    // `iter.take(3)`, `reader.take(n)` are adapters of another type.
    if (this.grammar === 'rust' && member.name === 'take' && n.childForFieldName('arguments')?.namedChildCount === 0) return base;
    // Go `pkg.NewT()`, Python `module.make()`: a package-qualified free function.
    if (
      base?.head &&
      base.steps.length === 0 &&
      !/^[A-Z]/.test(base.head) &&
      this.grammar === 'go' &&
      !this.lookup(base.head, n.startIndex)
    )
      return { callee: member.name, steps: [] };
    return this.stepCall(base, member.name);
  }

  private stepCall(base: TypeRef | undefined, name: string): TypeRef | undefined {
    if (!base) return undefined;
    if (RUST_IDENTITY_CALLS.has(name) && this.grammar === 'rust') return base;
    return base.steps.length < MAX_STEPS ? { ...base, steps: [...base.steps, { name, call: true }] } : undefined;
  }

  /** The binding of `name` for a use at `at`: the closest above in a scope that holds the use, else a field, else the closest above. */
  lookup(name: string, at: number = this.offset): Binding | undefined {
    const list = this.locals.get(name);
    let visible: Binding | undefined;
    let any: Binding | undefined;
    for (const b of list ?? []) {
      // Bound later, or by the statement the use is in (`x = x.next` reads the earlier `x`).
      if (b.node.startIndex > at || (b.value && at < b.node.endIndex && !b.scope)) continue;
      if (b.scope && !(b.scope.startIndex <= at && at <= b.scope.endIndex)) continue;
      any = b;
      if (inScope(b.node, at, this.grammar)) visible = b;
    }
    // A bare name is a field only where the language reads it so (Java, C#, C++); elsewhere a field is the last guess.
    if (IMPLICIT_THIS.has(this.grammar)) return visible ?? this.fieldBinding(name) ?? any;
    return visible ?? any ?? this.fieldBinding(name);
  }

  private fieldBinding(name: string): Binding | undefined {
    const list = this.fields.get(name) ?? this.locals.get(name)?.filter((b) => b.field);
    return list?.[list.length - 1];
  }

  private bindingRef(b: Binding, depth: number): TypeRef | undefined {
    if (b.element) return this.elementRef(b.value, depth, b.key);
    if (b.closure) return depth < MAX_DEPTH ? rustClosureRef(b.closure, (n) => this.ref(n, n, depth + 1), MAX_STEPS) : undefined;
    if (b.variant) {
      const type = b.variant.enumName === 'Self' ? this.enclosingType(b.node) : b.variant.enumName;
      if (!type) return undefined;
      // A struct's own field (`let Conn { io, .. } = c`), else an enum variant's.
      if (b.variant.variant === undefined) return { type, steps: [{ name: String(b.variant.field), call: false }] };
      return { type, steps: [{ name: b.variant.variant, call: false, variant: b.variant.field }] };
    }
    if (b.type && !b.variadic) {
      const type = this.typeName(b.type, b.node);
      if (type) return { type, steps: [], via: 'annotation' };
    }
    if (!b.value) return undefined;
    if (b.part !== undefined) return tuplePartRef(this.ref(b.value, b.value, depth + 1), b.part);
    const r = this.ref(b.value, b.value, depth + 1);
    if (!r) return undefined;
    return r.type && r.steps.length === 0 ? { ...r, via: r.via === 'annotation' ? 'annotation' : 'initializer' } : r;
  }

  /** Rust: an element of the collection `n` is (`&self.items`, `xs.iter()`, `conns` typed `Vec<Conn>`). */
  private elementRef(n: Node | null | undefined, depth: number, key = false): TypeRef | undefined {
    let cur = n;
    for (let guard = 0; cur && guard < 8; guard++) {
      if (cur.type === 'reference_expression' || cur.type === 'parenthesized_expression')
        cur = cur.childForFieldName('value') ?? cur.namedChild(0);
      else if (cur.type === 'call_expression') {
        const fn = cur.childForFieldName('function');
        const member = fn ? memberParts(fn) : undefined;
        if (!member || !ELEMENT_PRESERVING_CALLS.has(member.name)) break;
        cur = member.object;
      } else break;
    }
    if (!cur || depth > MAX_DEPTH) return undefined;
    if (cur.type === 'identifier') {
      const b = this.lookup(cur.text, cur.startIndex);
      const go = this.grammar === 'go' && b?.value && !b.type ? goMadeType(b.value) : undefined;
      if (b?.type || go) {
        const text = go ?? (b?.variadic ? `[]${b.type!.text}` : b!.type!.text);
        const element = this.grammar !== 'go' ? elementOf(text) : goElementOf(text, key && !goRangesElements(text));
        const type = element && (this.grammar !== 'go' || goNamesMembers(element)) ? plainType(element, this.grammar) : undefined;
        return type ? { type, steps: [], via: 'annotation' } : undefined;
      }
      if (b?.element && this.grammar !== 'go') return undefined;
    }
    const r = this.ref(cur, cur, depth + 1);
    // Go: a composite literal's or an element's type is read as its element's already (`[]*T{…}` → T).
    if (r?.type && r.steps.length === 0 && this.grammar === 'go' && !key) return r;
    if (!r || r.steps.length === 0 || key) return undefined;
    const last = r.steps[r.steps.length - 1];
    return { ...r, steps: [...r.steps.slice(0, -1), { ...last, element: true }] };
  }

  /** A type annotation's name; a type parameter stands for its bound (`B: Buf`, `where B: Buf`, `T extends Base`). */
  private typeName(t: Node, at: Node): string | undefined {
    const name = plainType(t.text, this.grammar);
    if (!name) return undefined;
    for (let n: Node | null = at.parent, guard = 0; n && guard < 40; n = n.parent, guard++) {
      for (const list of [n.childForFieldName('type_parameters'), n.namedChildren.find((c) => c?.type === 'where_clause')]) {
        if (!list) continue;
        for (const p of list.namedChildren) {
          if (!p) continue;
          const pname = p.childForFieldName('name') ?? p.childForFieldName('left') ?? p.namedChild(0);
          if (pname?.text !== name) continue;
          const bound =
            p.childForFieldName('bounds') ??
            p.childForFieldName('constraint') ??
            p.childForFieldName('type') ??
            p.namedChildren.find((c) => c?.type === 'type_bound') ??
            // TypeScript `<T = Foo>`: without a constraint, the default.
            (p.type === 'type_parameter' ? p.childForFieldName('value') : null);
          const first =
            bound?.type === 'trait_bounds' || bound?.type === 'constraint' || bound?.type === 'type_bound' || bound?.type === 'default_type'
              ? bound.namedChild(0)
              : bound;
          const t = first ? plainType(first.text, this.grammar) : undefined;
          // `<B>` with its bound in a `where` clause further on: keep looking.
          if (t) return t;
        }
      }
    }
    return name;
  }

  /** Rust `for x in xs { … }`, the first parameter of `xs.iter().map(|x| …)`, `match v { Some(x) => … }`. */
  private rustElementBinding(n: Node): Binding[] {
    const f = (name: string) => n.childForFieldName(name);
    if (n.type === 'for_expression') {
      const name = patternName(f('pattern') ?? n);
      const body = f('body');
      return name && body ? [{ node: n, name, value: f('value'), field: false, element: true, scope: body }] : [];
    }
    if (n.type === 'match_arm') {
      const pattern = f('pattern')?.namedChild(0);
      const fields = variantBindings(pattern);
      if (fields.length > 0) return fields.map((v) => ({ node: n, name: v.name, field: false, scope: n, variant: v }));
      const name = pattern ? patternName(pattern) : undefined;
      const match = n.parent?.parent;
      // `x => …`, `Some(x) => …`, `Ok(x) => …`: the matched value (unwrapped as an `if let` is).
      return name && match?.type === 'match_expression'
        ? [{ node: n, name, value: match.childForFieldName('value'), field: false, scope: n }]
        : [];
    }
    const closure = n.parent;
    if (closure?.type !== 'closure_expression') return [];
    const call = closure.parent?.parent;
    const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    const member = fn ? memberParts(fn) : undefined;
    // An iterator adapter's (or Option's) closure gets an element; another call's, what the callee's `Fn(…)` says (rust-closures.ts).
    const element = member && ELEMENT_CLOSURE_CALLS.has(member.name) ? member.object : undefined;
    const arg = call && fn ? (closure.parent?.namedChildren.findIndex((c) => c?.id === closure.id) ?? -1) : -1;
    return n.namedChildren.slice(0, 6).flatMap((p, index): Binding[] => {
      const typed = p?.type === 'parameter';
      const name = p ? patternName(typed ? (p.childForFieldName('pattern') ?? p) : p) : undefined;
      if (!p || !name) return [];
      if (typed) return [{ node: n, name, type: p.childForFieldName('type'), field: false, scope: closure }];
      if (element) return index === 0 ? [{ node: n, name, value: element, field: false, element: true, scope: closure }] : [];
      return call && arg >= 0 ? [{ node: n, name, field: false, scope: closure, closure: { call, arg, index } }] : [];
    });
  }

  private extract(n: Node): Binding[] {
    const f = (name: string) => n.childForFieldName(name);
    const one = (name: Node | null | undefined, type?: Node | null, value?: Node | null, field = false): Binding[] => {
      const id = name ? patternName(name) : undefined;
      return id ? [{ node: n, name: id, type, value, field }] : [];
    };
    switch (n.type) {
      case 'variable_declarator': {
        const parent = n.parent;
        const type = f('type') ?? parent?.childForFieldName('type');
        const field = parent?.type === 'field_declaration';
        return one(f('name'), type && plainType(type.text, this.grammar) ? type : null, f('value'), field);
      }
      case 'required_parameter':
      case 'optional_parameter':
        // `constructor(private pool: Pool)`: a parameter property is a field too.
        return one(
          f('pattern'),
          f('type'),
          f('value'),
          n.namedChildren.some((c) => c?.type === 'accessibility_modifier' || c?.text === 'readonly'),
        );
      case 'public_field_definition':
      case 'field_definition':
      case 'property_declaration':
        return one(f('name') ?? f('property'), f('type'), f('value'), true);
      case 'assignment_expression':
      case 'assignment': {
        const left = f('left');
        if (!left) return [];
        const m = memberParts(left);
        // `self.x = Foo()` in a method: a field of the class.
        if (m && SELF.has(m.object.text)) return [{ node: n, name: m.name, type: f('type'), value: f('right'), field: true }];
        // A class-level `x: Foo` (Python) declares a field.
        const inClass = n.parent?.parent?.parent?.type === 'class_definition';
        if (/^(identifier|variable_name)$/.test(left.type)) return one(left, f('type'), f('right'), inClass);
        return [];
      }
      case 'typed_parameter':
        return one(
          n.namedChildren.find((c) => c?.type === 'identifier'),
          f('type'),
        );
      case 'typed_default_parameter':
      case 'formal_parameter':
      case 'simple_parameter':
      case 'enhanced_for_statement':
        return one(f('name'), f('type'), n.type === 'enhanced_for_statement' ? null : (f('value') ?? f('default_value')));
      case 'with_item': {
        const v = f('value');
        if (v?.type !== 'as_pattern') return [];
        return one(v.childForFieldName('alias')?.namedChild(0), null, v.namedChild(0));
      }
      case 'short_var_declaration':
      case 'var_spec': {
        const left = n.type === 'var_spec' ? n.childrenForFieldName('name') : (f('left')?.namedChildren ?? []);
        const right = (n.type === 'var_spec' ? f('value') : f('right'))?.namedChildren ?? [];
        const type = f('type');
        // Go `a, b := f(…)`: b is f's second result (a map index's, an assertion's or a receive's second value is a bool).
        const results = this.grammar === 'go' && right.length === 1 && left.length > 1 && right[0]?.type === 'call_expression';
        return left.flatMap((l, i) => {
          if (!l) return [];
          if (results && i > 0) return one(l, type, right[0]).map((b) => ({ ...b, part: i }));
          return one(l, type, right.length === left.length ? right[i] : i === 0 ? right[0] : null);
        });
      }
      case 'parameter_declaration': {
        const names = n.childrenForFieldName('name');
        if (names.length > 0) return names.flatMap((l) => (l ? one(l, f('type')) : []));
        return one(declaratorName(f('declarator')), f('type'));
      }
      case 'range_clause':
      case 'type_case':
      case 'variadic_parameter_declaration':
        if (this.grammar !== 'go') return [];
        return goBinders(n).flatMap(({ name, type, value, ...how }) => one(name, type, value).map((b) => ({ ...b, ...how })));
      case 'let_declaration':
      case 'let_condition': {
        const fields = this.grammar === 'rust' ? variantBindings(f('pattern')) : [];
        if (fields.length > 0) return fields.map((v) => ({ node: n, name: v.name, field: false, variant: v }));
        const parts = this.grammar === 'rust' && !f('type') ? rustTupleBindings(f('pattern')) : [];
        if (parts.length > 0) return parts.map(({ name, part }) => ({ node: n, name, field: false, value: f('value'), part }));
        return one(f('pattern'), f('type'), f('value'));
      }
      case 'parameter':
        // A typed closure parameter (`|x: &Foo|`) is one of `closure_parameters` too: bound there once.
        return n.parent?.type === 'closure_parameters' && this.grammar === 'rust' ? [] : one(f('pattern') ?? f('name'), f('type'));
      case 'for_expression':
      case 'closure_parameters':
      case 'match_arm':
        return this.grammar === 'rust' ? this.rustElementBinding(n) : [];
      case 'init_declarator':
        return one(declaratorName(f('declarator')), n.parent?.childForFieldName('type'), f('value'));
      default:
        return [];
    }
  }
}
