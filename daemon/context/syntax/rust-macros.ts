/**
 * Rust: a member access inside a macro's arguments (`debug!("{}", self.state.`, `assert_eq!(c.io.`,
 * `write!(f, "{}", self.kind.`). The parser keeps a macro's arguments as a token tree, not as
 * expressions, so no member expression holds the receiver; its written path does (`self.state`,
 * `c.io.len()`): the type of its first name, then the rest as steps.
 */
import type { Node } from 'web-tree-sitter';
import type { Step, TypeRef } from './bindings';
import { splitTop } from './type-names';

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

/** Another macro's invocation, for its definition to type (`poll_frame!(PushPromise, codec)`; rust-macro-values.ts). */
export interface RustMacroCall {
  /** The macro's name, without `!` or a path. */
  name: string;
  /** The arguments as written, split at top-level commas. */
  args: string[];
}

/** The standard library's macros: their values are std types (`format!` a String, `vec!` a Vec) or nothing, never a workspace's. */
const STD_MACROS = new Set(
  (
    'format format_args vec concat stringify include include_str include_bytes env option_env line column file module_path ' +
    'cfg matches write writeln print println eprint eprintln assert assert_eq assert_ne debug_assert debug_assert_eq ' +
    'debug_assert_ne panic todo unimplemented unreachable compile_error'
  ).split(' '),
);

/**
 * `name!(a, b)` as its name and arguments; undefined for a value macro (`ready!`, `dbg!`), read by rustMacroRef
 * instead, and for the standard library's.
 */
export function rustMacroCall(n: Node): RustMacroCall | undefined {
  const name = n.childForFieldName('macro')?.text.split('::').pop();
  const tree = n.namedChildren.find((c) => c?.type === 'token_tree');
  if (!name || !tree || VALUE_MACROS.has(name) || STD_MACROS.has(name)) return undefined;
  return { name, args: splitTop(tree.text.slice(1, -1), ',').slice(0, 8) };
}

/** Macros whose value is their argument's (`dbg!`), or what its `Poll` holds when ready (`ready!`: the type names read `Poll<T>` as T). */
const VALUE_MACROS = new Set(['ready', 'dbg']);

/**
 * `ready!(self.io.poll_read(cx))`, `dbg!(conn.state)`: the argument's first name (a node of the token tree,
 * for the document's bindings) and the fields and calls written after it; undefined for other macros or an
 * argument that is not such a path.
 */
export function rustValueMacro(n: Node): { head: Node; steps: Step[] } | undefined {
  const name = n.childForFieldName('macro')?.text.split('::').pop();
  if (!name || !VALUE_MACROS.has(name)) return undefined;
  const tree = n.namedChildren.find((c) => c?.type === 'token_tree');
  const head = tree?.namedChild(0);
  if (!tree || !head || !/^(identifier|self)$/.test(head.type)) return undefined;
  // The text after the first name, without the closing bracket: `.io.poll_read(cx)`.
  const rest = tree.text.slice(head.endIndex - tree.startIndex, -1);
  const steps: Step[] = [];
  let i = 0;
  while (i < rest.length && steps.length < 5) {
    const m = /^\s*\.\s*([A-Za-z_]\w*)\s*/.exec(rest.slice(i));
    if (!m) break;
    i += m[0].length;
    let call = false;
    if (rest[i] === '(') {
      // Skip the call's arguments, brackets balanced.
      let depth = 0;
      for (; i < rest.length; i++) {
        if (rest[i] === '(') depth++;
        else if (rest[i] === ')' && --depth === 0) break;
      }
      if (depth !== 0) return undefined;
      i++;
      call = true;
    }
    steps.push({ name: m[1], call });
  }
  return rest.slice(i).trim() === '' ? { head, steps } : undefined;
}

/** A value macro's ref: its argument's first name's ref (`head`), then the steps written after it (at most `maxSteps` in all). */
export function rustMacroRef(n: Node, head: (n: Node) => TypeRef | undefined, maxSteps: number): TypeRef | undefined {
  const v = rustValueMacro(n);
  const base = v ? head(v.head) : undefined;
  return base && v && base.steps.length + v.steps.length <= maxSteps ? { ...base, steps: [...base.steps, ...v.steps] } : undefined;
}
