/**
 * TypeScript and JavaScript: the function whose call initialises a class field written
 * without a type, as the compiler infers the field's type from it: a field initialiser
 * (`private system = createSystem(this)`) or an assignment in the constructor
 * (`this.system = createSystem(this)`). The caller reads that function's return type.
 */
import { escapeRe } from './identifiers';

/** The callee's name (its last part: `x.f(…)` → `f`) or undefined when no call initialises the field. */
export function fieldInitializerCallee(text: string, name: string): string | undefined {
  const n = escapeRe(name);
  // `name = f(…)` at a member's start, or `this.name = f(…)`; `await f(…)` and type arguments allowed.
  const m = new RegExp(
    `(?:^[ \\t]*(?:(?:public|private|protected|readonly|static|declare|override)\\s+)*#?|\\bthis\\.#?)${n}[ \\t]*=(?!=)[ \\t]*(?:await\\s+)?([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*)\\s*(?:<[^>\\n]{0,200}>)?\\s*\\(`,
    'm',
  ).exec(text);
  const callee = m?.[1].split('.').pop();
  return callee && callee !== 'require' ? callee : undefined;
}
