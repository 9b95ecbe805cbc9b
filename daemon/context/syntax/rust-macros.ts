/**
 * Rust: a member access inside a macro's arguments (`debug!("{}", self.state.`, `assert_eq!(c.io.`,
 * `write!(f, "{}", self.kind.`). The parser keeps a macro's arguments as a token tree, not as
 * expressions, so no member expression holds the receiver; its written path does (`self.state`,
 * `c.io.len()`): the type of its first name, then the rest as steps.
 */
import type { Node } from 'web-tree-sitter';
import type { Step, TypeRef } from './bindings';

/** Whether `at` lies in a macro invocation's token tree (within a few levels). */
export function inRustMacro(at: Node): boolean {
  // `at` is the token being typed (or the placeholder `_`); then only token trees up to the macro.
  for (let n: Node | null = at.parent, guard = 0; n && guard < 12; n = n.parent, guard++) {
    if (n.type === 'macro_invocation') return true;
    if (n.type !== 'token_tree') return false;
  }
  return false;
}

/** `written` (`self.state`, `c.io.len()`) as its first name's ref (`head`) and the fields and methods after it. */
export function rustWrittenChain(written: string, head: (name: string) => TypeRef | undefined): TypeRef | undefined {
  const parts = written.split('.');
  if (parts.length < 2 || parts.length > 5) return undefined;
  const start = head(parts[0]);
  if (!start) return undefined;
  const steps: Step[] = [];
  for (const p of parts.slice(1)) {
    const m = /^([A-Za-z_]\w*)(\(\))?$/.exec(p);
    if (!m) return undefined;
    steps.push({ name: m[1], call: !!m[2] });
  }
  return { ...start, steps: [...start.steps, ...steps] };
}
