/**
 * TypeScript: where an untyped parameter gets its type from (contextual typing), read from
 * the document. A function written without parameter types takes them from where it goes:
 *
 *   app.get('/', (c) => c.)               parameter 0 of argument 1 of `app.get`
 *   streamSSE(c, async (stream) => …)     parameter 0 of argument 1 of `streamSSE`
 *   new Foo({ onX: (e) => e. })           parameter 0 of property `onX` of argument 0 of Foo's constructor
 *   new Foo({ onX(e) { e. } })            the same, written as a method
 *   const g: GetConnInfo = (c) => c.      parameter 0 of the function type `GetConnInfo`
 *
 * and a destructured parameter (`({ req }: Context) =>`, `({ req }) =>`) binds a member of
 * that parameter's type. bindings.ts turns the site into a TypeRef whose `param` says which
 * declared parameter type to read; the index finishes it (ts-callback-types.ts).
 */
import type { Node } from 'web-tree-sitter';

const FUNCTIONS = /^(arrow_function|function_expression|function|generator_function)$/;

export interface CallbackSite {
  /** The parameter's own annotation, when it has one (a destructured `({ req }: Context)`). */
  annotation?: Node;
  /** Where the function goes: the callee of the call or `new` it is an argument of, or the declared type of the variable it initialises. */
  callee?: Node;
  construct?: boolean;
  declared?: Node;
  /** Argument position of the function (or of the object literal holding it) in the call. */
  arg: number;
  /** The property of that object literal it is the value of (`{ onX: (e) => … }`). */
  prop?: string;
  /** The parameter's position in the function's parameter list. */
  index: number;
  /** A destructured parameter: the member of the parameter's type the name binds. */
  member?: string;
}

/**
 * The site of parameter `name` of the innermost function around `from` that declares it
 * without its own type (or destructures it), or undefined when `name` is not such a parameter.
 */
export function callbackSite(from: Node, name: string): CallbackSite | undefined {
  for (let n: Node | null = from, guard = 0; n && guard < 60; n = n.parent, guard++) {
    // A method written in an object literal (`{ onX(e) { … } }`) goes where the literal goes, as its property.
    const shorthand = n.type === 'method_definition' && n.parent?.type === 'object';
    if (!FUNCTIONS.test(n.type) && !shorthand) continue;
    const found = parameterOf(n, name);
    if (found === null) continue;
    if (found === undefined) return undefined;
    if (found.annotation) return { ...found, arg: -1 };
    const where = destination(n);
    return where ? { ...found, ...where } : undefined;
  }
  return undefined;
}

/** Parameter `name` of function `fn`: null when it declares no such parameter; undefined when it does, with its own type. */
function parameterOf(fn: Node, name: string): Pick<CallbackSite, 'index' | 'member' | 'annotation'> | null | undefined {
  const single = fn.childForFieldName('parameter');
  if (single) return single.text === name ? { index: 0 } : null;
  const params = fn.childForFieldName('parameters');
  if (!params) return null;
  let index = 0;
  for (const p of params.namedChildren) {
    if (!p || (p.type !== 'required_parameter' && p.type !== 'optional_parameter')) continue;
    const pattern = p.childForFieldName('pattern');
    if (pattern?.type === 'this') continue;
    const type = p.childForFieldName('type');
    if (pattern?.type === 'identifier' && pattern.text === name) return type ? undefined : { index };
    if (pattern?.type === 'object_pattern') {
      const member = destructured(pattern, name);
      if (member) return { index, member, ...(type ? { annotation: type } : {}) };
    }
    index++;
  }
  return null;
}

/** The property an object pattern binds `name` from (`{ req }` → req, `{ req: r }` → req for r). */
function destructured(pattern: Node, name: string): string | undefined {
  for (const c of pattern.namedChildren) {
    if (!c) continue;
    if (c.type === 'shorthand_property_identifier_pattern' && c.text === name) return name;
    if (c.type === 'object_assignment_pattern' && c.childForFieldName('left')?.text === name) return name;
    if (c.type === 'pair_pattern' && c.childForFieldName('value')?.text === name) {
      const key = c.childForFieldName('key');
      if (key?.type === 'property_identifier') return key.text;
    }
  }
  return undefined;
}

/** Where a function expression goes: an argument of a call or `new` (directly or as a property of an object literal), or a typed variable. */
function destination(fn: Node): Omit<CallbackSite, 'index' | 'member' | 'annotation'> | undefined {
  let node = fn;
  let prop: string | undefined;
  let parent = node.parent;
  if (fn.type === 'method_definition' && parent?.type === 'object') {
    const key = fn.childForFieldName('name');
    if (key?.type !== 'property_identifier') return undefined;
    prop = key.text;
    node = parent;
    parent = node.parent;
  }
  while (parent?.type === 'parenthesized_expression') {
    node = parent;
    parent = node.parent;
  }
  if (!prop && parent?.type === 'pair' && parent.parent?.type === 'object') {
    const key = parent.childForFieldName('key');
    if (key?.type !== 'property_identifier' && key?.type !== 'string') return undefined;
    prop = key.text.replace(/^['"]|['"]$/g, '');
    node = parent.parent;
    parent = node.parent;
  } else if (parent?.type === 'method_definition') return undefined;
  if (parent?.type === 'variable_declarator' && !prop) {
    const declared = parent.childForFieldName('type');
    return declared ? { declared, arg: -1 } : undefined;
  }
  if (parent?.type !== 'arguments') return undefined;
  const call = parent.parent;
  const arg = parent.namedChildren.findIndex((c) => c?.id === node.id);
  if (!call || arg < 0) return undefined;
  const site = { arg, ...(prop ? { prop } : {}) };
  if (call.type === 'call_expression') {
    const callee = call.childForFieldName('function');
    return callee ? { ...site, callee } : undefined;
  }
  if (call.type === 'new_expression') {
    const callee = call.childForFieldName('constructor');
    return callee ? { ...site, callee, construct: true } : undefined;
  }
  return undefined;
}
