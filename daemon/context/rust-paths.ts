/**
 * Rust: which of several same-named types a path names. A workspace may declare `Builder`
 * in two modules; the document writes which one it means (`http::Builder::new()`,
 * `b: &wire::Builder`, `grep::pcre2::Matcher::new()`): the path's modules are the folders
 * and files the type's own file sits in (`src/http/builder.rs`, `crates/pcre2/src/lib.rs`).
 *
 * Read from the last 16 KB of the prefix: the closest path ending in the type's name wins.
 */
import type { DefinitionSite, ResolvedImport } from './syntax/facts';
import { escapeRe } from './identifiers';

const TAIL = 16 * 1024;
const NOT_MODULES = new Set(['crate', 'self', 'super', 'std', 'core', 'alloc']);

/**
 * The types the closest `a::b::Name` path above the cursor leads to, among `all` the workspace declares of
 * the name (`declared`; the import-based choice may have left the one the path names out); `types` when no path is
 * written or its modules tell none apart.
 */
export function rustTypesByPath(
  types: DefinitionSite[],
  declared: () => DefinitionSite[],
  name: string,
  prefix: string,
  imports: ResolvedImport[],
): DefinitionSite[] {
  const text = prefix.length > TAIL ? prefix.slice(-TAIL) : prefix;
  let path: string | undefined;
  // Most documents write no path to the name: a plain search says so before the pattern runs.
  if (!text.includes(`::${name}`)) return types;
  for (const m of text.matchAll(new RegExp(`((?:[A-Za-z_]\\w*::)+)${escapeRe(name)}\\b`, 'g'))) path = m[1];
  // Only a path into the workspace: `io::Error` is the standard library's, not a namesake here.
  if (!path || !workspaceHead(path.slice(0, path.indexOf('::')), imports)) return types;
  // Read only once a path is written (a query of the index).
  const all = declared();
  if (all.length < 2) return types;
  const modules = path
    .split('::')
    .filter((s) => s && !NOT_MODULES.has(s))
    .reverse();
  // The innermost module that tells them apart decides (`a::http::Builder`: `http`, not `a`).
  for (const module of modules) {
    const named = all.filter((t) => inModule(t.path, module));
    if (named.length > 0 && named.length < all.length) return named;
  }
  return types;
}

/** `crate`/`self`/`super`, or a name the file imports from the workspace (a crate of it, a module it `use`s, `{self}` too). */
function workspaceHead(head: string, imports: ResolvedImport[]): boolean {
  if (head === 'crate' || head === 'self' || head === 'super') return true;
  return imports.some(
    (i) => i.files.length > 0 && (i.specifier.split('::')[0] === head || i.namespace === head || i.names.some((n) => n.local === head)),
  );
}

/** Whether a file lies in a module so named: a folder of its path, or the file itself (`http.rs`, a crate `grep-http`/`http`). */
function inModule(path: string, module: string): boolean {
  const parts = path.split('/');
  const file = parts.pop()!.replace(/\.rs$/, '');
  if (file === module) return true;
  // A crate folder is often named with its crate's prefix (`grep-pcre2`, `tokio_util`): the last part counts too.
  return parts.some((p) => p === module || p.split(/[-_]/).pop() === module);
}

/**
 * The free functions `module::name(…)` names (the closest such call above the cursor, `client::handshake(io)`,
 * `conn::http1::handshake(io)`): those of `declared` in the innermost written module that has one; [] when no path
 * is written, or its head is the standard library's or a crate the file imports from outside the workspace.
 */
/** The module path of the closest `a::b::name(…)` call above the cursor (`mock::new()` → `mock`), if one is written. */
export function rustCallPath(name: string, prefix: string): string | undefined {
  const text = prefix.length > TAIL ? prefix.slice(-TAIL) : prefix;
  if (!text.includes(`::${name}`)) return undefined;
  let path: string | undefined;
  for (const m of text.matchAll(new RegExp(`((?:[A-Za-z_]\\w*::)+)${escapeRe(name)}\\s*(?:::<[^>\\n]*>\\s*)?\\(`, 'g'))) path = m[1];
  return path?.slice(0, -2);
}

export function rustFunctionsByPath(
  name: string,
  prefix: string,
  imports: ResolvedImport[],
  declared: () => DefinitionSite[],
): DefinitionSite[] {
  const text = prefix.length > TAIL ? prefix.slice(-TAIL) : prefix;
  if (!text.includes(`::${name}`)) return [];
  let path: string | undefined;
  for (const m of text.matchAll(new RegExp(`((?:[A-Za-z_]\\w*::)+)${escapeRe(name)}\\s*(?:::<[^>\\n]*>\\s*)?\\(`, 'g'))) path = m[1];
  if (!path) return [];
  const head = path.slice(0, path.indexOf('::'));
  if (/^(std|core|alloc)$/.test(head) || imports.some((i) => i.files.length === 0 && i.names.some((n) => n.local === head))) return [];
  const modules = path
    .split('::')
    .filter((s) => s && !NOT_MODULES.has(s))
    .reverse();
  const all = declared();
  for (const module of modules) {
    const named = all.filter((d) => inModule(d.path, module));
    if (named.length > 0) return named;
  }
  return [];
}
