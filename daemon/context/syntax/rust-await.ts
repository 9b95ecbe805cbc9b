/**
 * Rust `x.await`: the value is what the future `x` resolves to, not `x` itself. The parse keeps
 * the await as a step of the receiver's chain (`await` is a keyword: no member has the name);
 * member-types.ts reads it against the type reached so far (rust-futures.ts).
 */
import type { Step, TypeRef } from './bindings';

export const AWAIT_STEP: Step = { name: 'await', call: false };

/** `base` awaited (when the chain has room for one more step; else `base` as it is). */
export function awaitedRef(base: TypeRef | undefined, maxSteps: number): TypeRef | undefined {
  return base && base.steps.length < maxSteps ? { ...base, steps: [...base.steps, AWAIT_STEP] } : base;
}

/** Whether a step is an await (also as a macro's written argument has it: `.await`). */
export function isAwait(step: Step): boolean {
  return step.name === 'await' && !step.call;
}
