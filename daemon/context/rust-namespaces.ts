/**
 * Rust: what a module path reaches beyond the module file's own items: the names it re-exports
 * (`pub use self::settings::{Settings, MAX_MAX_FRAME_SIZE};` in `frame/mod.rs` makes
 * `frame::MAX_MAX_FRAME_SIZE` the constant declared in `frame/settings.rs`), as name resolution
 * reads a `pub use` item as one of the module's. One level, bounded.
 */
import type { DefinitionSite, ResolvedImport, SyntaxFacts } from './syntax/facts';

/** Most re-exported names followed per module file, and files read per `pub use`. */
const MAX_NAMES = 200;
const MAX_FILES = 4;

/** The top-level definitions a module's files re-export (`pub use a::B;`, `pub use a::{B, C as D};`, `pub use a::*;`). */
export function rustReexportedItems(syntax: SyntaxFacts, moduleFiles: string[]): DefinitionSite[] {
  const out: DefinitionSite[] = [];
  for (const f of moduleFiles.slice(0, 4))
    for (const imp of syntax.importsOf(f)) {
      if (!imp.reexport || out.length >= MAX_NAMES) continue;
      const files = imp.files.filter((g) => !moduleFiles.includes(g)).slice(0, MAX_FILES);
      if (imp.wildcard) {
        for (const g of files)
          for (const d of syntax.definitionsIn(g)) if (d.container === undefined && out.length < MAX_NAMES) out.push(d);
        continue;
      }
      for (const n of imp.names)
        for (const g of files)
          for (const d of syntax.definitionsNamed(g, n.imported)) if (d.container === undefined && out.length < MAX_NAMES) out.push(d);
    }
  return out;
}

/**
 * The files a Rust file's imports bring a bare `name` from: a `use` naming it (`use crate::frame::Settings;`), and a
 * glob (`use crate::proto::*;`) through the `use` of the name in the module it reads (`use self::settings::Settings;`
 * in `proto/mod.rs`: a glob takes the module's imports too). Not a `use` of other names from the same files.
 */
export function rustFilesImportingName(importsOf: (file: string) => ResolvedImport[], file: string, name: string): Set<string> {
  const out = new Set<string>();
  for (const imp of importsOf(file)) {
    if (imp.names.some((n) => n.local === name)) for (const f of imp.files) out.add(f);
    // A glob of an enum (`use Frame::*`) brings its variants, not the module's imports.
    if (!imp.wildcard || /^[A-Z]/.test(imp.specifier.split('::').pop() ?? '')) continue;
    for (const f of imp.files.slice(0, MAX_FILES)) {
      out.add(f);
      for (const inner of importsOf(f))
        if (inner.names.some((n) => n.local === name)) for (const g of inner.files.slice(0, MAX_FILES)) out.add(g);
    }
  }
  return out;
}

/** Globs followed from the document: its own, then a `pub use` glob in the module one reads (a prelude's `pub use h2::*`). */
const MAX_GLOB_DEPTH = 2;

/**
 * The files of the module a bare `name::` reaches through the document's globs: `use h2_support::prelude::*;` with
 * `pub use h2::*;` in the prelude and `pub mod frame;` in h2's `lib.rs` makes `frame::` h2's `frame/mod.rs`, as name
 * resolution reads a glob's module items and, through a `pub use` glob there, that module's. A glob of an enum
 * (`use Frame::*`) brings variants, no module. Bounded: two levels, MAX_FILES files a glob.
 */
export function rustGlobModule(
  importsOf: (file: string) => ResolvedImport[],
  file: string,
  imports: ResolvedImport[],
  name: string,
): string[] {
  const globs = (imps: ResolvedImport[], reexported: boolean) =>
    imps.filter((i) => i.wildcard && (!reexported || i.reexport) && !/^[A-Z]/.test(i.specifier.split('::').pop() ?? ''));
  let frontier = globs(imports, false);
  const seen = new Set<string>([file]);
  for (let depth = 0; depth < MAX_GLOB_DEPTH && frontier.length > 0; depth++) {
    const next: ResolvedImport[] = [];
    for (const glob of frontier.slice(0, MAX_FILES))
      for (const f of glob.files.slice(0, MAX_FILES)) {
        if (seen.has(f)) continue;
        seen.add(f);
        const imps = importsOf(f);
        // `pub mod frame;`, or `pub use super::mock::{self};` naming the module.
        const mod = imps.find(
          (i) => ((i.kind === 'mod' && i.specifier === name) || (i.reexport && i.namespace === name)) && i.files.length > 0,
        );
        if (mod) return mod.files;
        next.push(...globs(imps, true));
      }
    frontier = next;
  }
  return [];
}
