/**
 * What parsing yields for one file, whichever parser produced it (tree-sitter or the
 * heuristic fallback), and the facts the index keeps of it.
 */

export type DefinitionKind =
  | 'function'
  | 'method'
  | 'class'
  | 'interface'
  | 'type'
  | 'enum'
  | 'struct'
  | 'trait'
  | 'module'
  | 'constant'
  | 'variable'
  | 'field'
  | 'macro';

export interface Definition {
  name: string;
  kind: DefinitionKind;
  /** 1-based line of the name. */
  line: number;
  /** 1-based inclusive span of the whole declaration (its comments and decorators included). */
  startLine: number;
  endLine: number;
  /** The enclosing class, struct, trait, impl, interface, module or namespace, if any. */
  container?: string;
}

/** One imported name: as declared in the module, and as used in this file. */
export interface ImportedName {
  imported: string;
  local: string;
}

export type ImportKind =
  /** ES modules, CommonJS require, Python, Rust `use`, Java/C#/PHP `use`/`import`: names from a module. */
  | 'module'
  /** Go: a package (members are used as `pkg.Name`). */
  | 'package'
  /** C/C++ `#include`, Ruby `require`, PHP `require`: a whole file. */
  | 'include'
  /** Rust `mod x;`: a child module file. */
  | 'mod';

export interface ImportFact {
  /** The module as written (`./util`, `..models`, `crate::a::b`, `github.com/x/y`, `java.util.List`). */
  specifier: string;
  kind: ImportKind;
  names: ImportedName[];
  /** `import * as ns`, `import x` (Python), a Go package's name: members are used as `ns.X`. */
  namespace?: string;
  /** `export * from` / `from x import *` / `use x::*` / `import a.b.*`. */
  wildcard?: boolean;
  /** Re-exported (`export { a } from`): the names are this file's too. */
  reexport?: boolean;
  /** 1-based line of the statement. */
  line: number;
}

/** A Rust blanket impl: the trait every type implementing `bounds` has (`ServiceExt` for any `Service`). */
export interface RustBlanket {
  /** The trait implemented for every `T` (`ServiceExt`). */
  trait: string;
  /** The traits `T` must implement (`Service`); `Sized`, `?Sized` and lifetimes say nothing. */
  bounds: string[];
}

/** Members used through a receiver name in a file (`c.req` twice: receiver `c`, member `req`, n 2; member-uses.ts). */
export interface MemberUse {
  receiver: string;
  member: string;
  n: number;
}

/** Which parser produced a file's chunks and facts. */
export type ParserId = `tree-sitter:${string}` | 'heuristic';

export interface SyntaxOutline {
  /** 0-based inclusive rows of the node, attached comments and decorators included. */
  start: number;
  end: number;
  /** Where the declaration itself starts when attached comments or decorators come first (0-based row). */
  declaration?: number;
  /** For containers (classes, impls, namespaces …): the rows of the header, before the first member. */
  header?: [number, number];
  /** Member-level children (class members, statements of a big function body); empty for a leaf. */
  children: SyntaxOutline[];
}

export interface FileSyntax {
  parser: ParserId;
  /** Why the heuristic parser was used when a grammar exists (too large, timeout, errors, grammar missing). */
  fallbackReason?: string;
  definitions: Definition[];
  imports: ImportFact[];
  /** Go package, Java package, C# namespace, PHP namespace declared by the file. */
  packageName?: string;
  /** TypeScript/JavaScript: the members the file uses through each receiver name (file-analysis.ts). */
  memberUses?: MemberUse[];
  /** Rust: the blanket impls the file declares (`impl<T: Service<R>> ServiceExt<R> for T {}`, rust-blankets.ts). */
  rustBlankets?: RustBlanket[];
  /** Declaration outline for chunking (tree-sitter only). */
  outline?: SyntaxOutline;
}
