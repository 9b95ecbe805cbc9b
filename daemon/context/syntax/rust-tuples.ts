/**
 * Rust `let (a, mut b) = f(…)?` / `= x.split().await?`: each name is a part of the tuple the call
 * returns (what rustc infers from `-> Result<(SendRequest<B>, Connection<T, B>), Error>`). The part
 * goes on the call's step (an await of it is what the declaration gives: an `async fn`'s result, an
 * `impl Future`'s Output); a free function's call gets a part step (name ''), which receiver-members.ts
 * reads against the callee.
 */
import type { Node } from 'web-tree-sitter';
import type { TypeRef } from './bindings';
import { patternName } from './binding-syntax';
import { splitTop } from './type-names';
import { isAwait } from './rust-await';
import type { Step } from './steps';

const MAX_PARTS = 8;

/** The names a tuple pattern binds, with their positions (`(mut a, _, ref b)` → a 0, b 2); [] for other patterns. */
export function rustTupleBindings(pattern: Node | null | undefined): Array<{ name: string; part: number }> {
  if (pattern?.type !== 'tuple_pattern') return [];
  const out: Array<{ name: string; part: number }> = [];
  // `_` is not a named node: positions count it too.
  const kids = pattern.children.filter((c): c is Node => !!c && (c.isNamed || c.text === '_'));
  kids.slice(0, MAX_PARTS).forEach((c, part) => {
    const name = c.isNamed ? patternName(c) : undefined;
    if (name) out.push({ name, part });
  });
  return out;
}

/** `base` (what the value is) narrowed to its tuple part `part`, or undefined when no call gives the tuple. */
export function tuplePartRef(base: TypeRef | undefined, part: number): TypeRef | undefined {
  if (!base) return undefined;
  // An await of the call is what its declaration says it gives (an `async fn`'s, an `impl Future`'s Output): destructured as such.
  const steps = base.steps.length > 0 && isAwait(base.steps[base.steps.length - 1]) ? base.steps.slice(0, -1) : base.steps;
  const i = steps.length - 1;
  if (i >= 0) return steps[i].call ? { ...base, steps: steps.map((s, j) => (j === i ? { ...s, part } : s)) } : undefined;
  return base.callee ? { ...base, steps: [{ name: '', call: false, part }] } : undefined;
}

/** Whether a step is a free function call's part (tuplePartRef). */
export function isCalleePart(step: Step | undefined): boolean {
  return step !== undefined && step.name === '' && step.part !== undefined;
}

/** Part `part` of a declared tuple type (inside one `Result`/`Option`): `Result<(A, B<T>), E>`, 1 → `B<T>`. */
export function tuplePart(declared: string, part: number): string | undefined {
  const t = declared.trim();
  const inner = /^(?:(?:\w+::)*(?:Result|Option))\s*<\s*(\(.*)$/s.exec(t)?.[1] ?? t;
  if (!inner.startsWith('(')) return undefined;
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '-' && inner[i + 1] === '>') i++;
    else if ('<([{'.includes(c)) depth++;
    else if ('>)]}'.includes(c) && --depth === 0) {
      const parts = splitTop(inner.slice(1, i), ',').map((p) => p.trim());
      return parts[part] || undefined;
    }
  }
  return undefined;
}
