/**
 * Rust: where an untyped closure parameter gets its type, on the document's side: the call the
 * closure is an argument of (`conn.with_state(|st| …)`, `spawn_with(cfg, |w| …)`,
 * `Pool::each(|c| …)`), as a `CallbackParam` the index finishes from the callee's declaration
 * (rust-closures.ts). Iterator adapters (`xs.iter().map(|x| …)`) bind an element instead
 * (rust-elements.ts).
 */
import type { Node } from 'web-tree-sitter';
import { memberParts } from './binding-syntax';
import type { TypeRef } from './bindings';

/** The closure's parameter `index`, the closure being argument `arg` of `call`. */
export interface ClosureSite {
  call: Node;
  arg: number;
  index: number;
}

/** What the callee is (a method of the receiver's type, a free function, `Type::f`) and where the closure goes in it. */
export function rustClosureRef(c: ClosureSite, ref: (n: Node) => TypeRef | undefined, maxSteps: number): TypeRef | undefined {
  const fn = c.call.childForFieldName('function');
  if (!fn) return undefined;
  let of: TypeRef | undefined;
  const member = memberParts(fn);
  if (member) {
    const base = ref(member.object);
    if (base && base.steps.length < maxSteps) of = { ...base, steps: [...base.steps, { name: member.name, call: false }] };
  } else if (fn.type === 'identifier') of = { callee: fn.text, steps: [] };
  else if (fn.type === 'scoped_identifier') {
    const type = fn.childForFieldName('path')?.text.split('::').pop();
    const name = fn.childForFieldName('name')?.text;
    if (type && name && /^[A-Z]/.test(type)) of = { type, steps: [{ name, call: false }] };
    else if (name) of = { callee: name, steps: [] };
  }
  return of ? { steps: [], param: { of, arg: c.arg, index: c.index } } : undefined;
}
