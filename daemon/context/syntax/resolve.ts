/**
 * Import resolution: which indexed files an import statement names, per language.
 *
 * - TypeScript/JavaScript: relative specifiers (with the extension and `index` rules of
 *   bundlers), `compilerOptions.paths` and `baseUrl` of the nearest tsconfig.json or
 *   jsconfig.json (following a relative `extends`), and workspace packages by the `name` of
 *   their package.json (`xstate`, `@scope/pkg/sub`: their sources, `src/index.ts` first).
 * - Python: relative imports (`from ..a import b`), absolute ones from the root or any
 *   folder holding the package, and names that are submodules (`from pkg import mod`).
 * - Go: import paths under the module path of the nearest go.mod (every file of the
 *   package's folder, tests excluded).
 * - Rust: `crate::`, `self::`, `super::` and workspace crates by name (Cargo.toml), down
 *   to the deepest module file (`a/b.rs` or `a/b/mod.rs`), names that are modules too;
 *   `mod x;` to `x.rs` / `x/mod.rs` beside the declaring module.
 * - Java: the class file of `a.b.C`, every file of package `a.b` for `a.b.*`.
 * - C/C++ `#include "x"` (beside the file, then anywhere by suffix), C# `using N` (files
 *   declaring namespace N), Ruby `require`/`require_relative`, PHP `use A\B` (PSR-4 style
 *   suffixes) and `require 'x.php'`.
 *
 * Everything else (packages from registries, the standard library) resolves to nothing.
 */
import { posix } from 'node:path';
import { grammarFor } from './grammars';
import type { ImportFact } from './types';

export interface ResolverHost {
  hasFile(rel: string): boolean;
  /** The first indexed file (in path order) whose path ends with `suffix`. */
  findBySuffix(suffix: string): string | undefined;
  /** Indexed files directly in a folder ('' for the root). */
  filesIn(dirRel: string): string[];
  /** Indexed files declaring a package or namespace. */
  filesOfPackage(name: string): string[];
  /** Indexed files with this base name (package.json, Cargo.toml), in path order. */
  filesNamed(basename: string): string[];
  /** A file's text from disk (config files need not be indexed), undefined if unreadable. */
  readText(rel: string): string | undefined;
}

const JS_EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mts', '.mjs', '.cts', '.cjs', '.vue', '.svelte'];

const normRel = (p: string): string | undefined => {
  const n = posix.normalize(p);
  if (n === '..' || n.startsWith('../') || posix.isAbsolute(n)) return undefined;
  return n === '.' ? '' : n.replace(/^\.\//, '');
};

/** Ancestor folders of a root-relative file, nearest first, ending with the root (''). */
function ancestors(fromRel: string): string[] {
  const out: string[] = [];
  let d = posix.dirname(fromRel);
  for (;;) {
    out.push(d === '.' ? '' : d);
    if (d === '.' || d === '') break;
    d = posix.dirname(d);
  }
  return out;
}

const inDir = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

export class ImportResolver {
  private readonly textCache = new Map<string, string | undefined>();
  private packagesCache?: Map<string, { dir: string; json: Record<string, unknown> }>;
  /** The nearest tsconfig's options by folder: every bare import of every file asks, and a config is read whole. */
  private readonly tsconfigCache = new Map<string, { dir: string; baseUrl?: string; paths?: Record<string, string[]> } | undefined>();

  constructor(private readonly host: ResolverHost) {}

  /** Forget cached configuration (after the index changed). */
  reset(): void {
    this.textCache.clear();
    this.packagesCache = undefined;
    this.tsconfigCache.clear();
  }

  private text(rel: string): string | undefined {
    if (!this.textCache.has(rel)) this.textCache.set(rel, this.host.readText(rel));
    return this.textCache.get(rel);
  }

  /** Indexed files an import names ([] when it is external or unknown). */
  resolve(fact: ImportFact, fromRel: string, languageId: string): string[] {
    const grammar = grammarFor(languageId) ?? languageId;
    try {
      switch (grammar) {
        case 'typescript':
        case 'tsx':
        case 'javascript':
          return this.js(fact.specifier, fromRel);
        case 'python':
          return this.python(fact, fromRel);
        case 'go':
          return this.go(fact.specifier, fromRel);
        case 'rust':
          return this.rust(fact, fromRel);
        case 'java':
        case 'kotlin':
        case 'scala':
          return this.java(fact);
        case 'cpp':
          return this.include(fact, fromRel);
        case 'c_sharp':
          return this.host.filesOfPackage(fact.specifier).slice(0, 50);
        case 'ruby':
          return this.ruby(fact.specifier, fromRel);
        case 'php':
          return this.php(fact, fromRel);
        default:
          return [];
      }
    } catch {
      return [];
    }
  }

  // ---- TypeScript / JavaScript ----------------------------------------------------------

  private jsFile(base: string | undefined): string | undefined {
    if (base === undefined) return undefined;
    const stem = base.replace(/\.(m|c)?jsx?$/, '');
    const candidates = [base, ...JS_EXTENSIONS.map((e) => stem + e), ...JS_EXTENSIONS.map((e) => `${base}/index${e}`)];
    return candidates.find((c) => c !== '' && this.host.hasFile(c));
  }

  private js(spec: string, fromRel: string): string[] {
    if (spec.startsWith('.')) {
      const hit = this.jsFile(normRel(posix.join(posix.dirname(fromRel), spec)));
      return hit ? [hit] : [];
    }
    const aliased = this.tsPaths(spec, fromRel);
    if (aliased) return [aliased];
    const pkg = this.workspacePackage(spec);
    return pkg ? [pkg] : [];
  }

  /** compilerOptions of the nearest tsconfig/jsconfig (with a relative `extends` merged in). */
  private tsconfigFor(fromRel: string): { dir: string; baseUrl?: string; paths?: Record<string, string[]> } | undefined {
    const folder = posix.dirname(fromRel);
    if (this.tsconfigCache.has(folder)) return this.tsconfigCache.get(folder);
    const found = this.nearestTsconfig(fromRel);
    this.tsconfigCache.set(folder, found);
    return found;
  }

  private nearestTsconfig(fromRel: string): { dir: string; baseUrl?: string; paths?: Record<string, string[]> } | undefined {
    for (const dir of ancestors(fromRel)) {
      for (const name of ['tsconfig.json', 'jsconfig.json']) {
        const rel = inDir(dir, name);
        const opts = this.compilerOptions(rel, 0);
        if (opts) return { dir, ...opts };
      }
    }
    return undefined;
  }

  private compilerOptions(rel: string, depth: number): { baseUrl?: string; paths?: Record<string, string[]> } | undefined {
    const text = this.text(rel);
    if (text === undefined) return undefined;
    const json = parseJsonc(text) as { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined;
    if (!json) return {};
    let out: { baseUrl?: string; paths?: Record<string, string[]> } = {};
    if (typeof json.extends === 'string' && json.extends.startsWith('.') && depth < 3) {
      const target = normRel(posix.join(posix.dirname(rel), json.extends.endsWith('.json') ? json.extends : `${json.extends}.json`));
      const parent = target !== undefined ? this.compilerOptions(target, depth + 1) : undefined;
      // The parent's baseUrl is relative to the parent's folder: rebase it onto this config's.
      if (parent && target !== undefined) {
        const pdir = posix.dirname(target);
        const here = posix.dirname(rel);
        const base = normRel(posix.join(pdir, parent.baseUrl ?? '.'));
        out = { ...parent, ...(base !== undefined ? { baseUrl: posix.relative(here === '.' ? '' : here, base) || '.' } : {}) };
      }
    }
    const co = json.compilerOptions;
    if (co && typeof co.baseUrl === 'string') out.baseUrl = co.baseUrl;
    if (co && co.paths && typeof co.paths === 'object') {
      const paths: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(co.paths as Record<string, unknown>))
        if (Array.isArray(v)) paths[k] = v.filter((x): x is string => typeof x === 'string');
      out.paths = paths;
    }
    return out;
  }

  private tsPaths(spec: string, fromRel: string): string | undefined {
    const cfg = this.tsconfigFor(fromRel);
    if (!cfg || (!cfg.paths && cfg.baseUrl === undefined)) return undefined;
    const base = normRel(posix.join(cfg.dir, cfg.baseUrl ?? '.'));
    if (base === undefined) return undefined;
    // The most specific pattern first (longest prefix), as TypeScript does.
    const patterns = Object.entries(cfg.paths ?? {}).sort((a, b) => b[0].indexOf('*') - a[0].indexOf('*') || b[0].length - a[0].length);
    for (const [pattern, targets] of patterns) {
      const star = pattern.indexOf('*');
      let captured: string | undefined;
      if (star < 0) captured = pattern === spec ? '' : undefined;
      else {
        const pre = pattern.slice(0, star);
        const post = pattern.slice(star + 1);
        if (spec.startsWith(pre) && spec.endsWith(post) && spec.length >= pre.length + post.length)
          captured = spec.slice(pre.length, spec.length - post.length);
      }
      if (captured === undefined) continue;
      for (const t of targets) {
        const hit = this.jsFile(normRel(posix.join(base, t.replace('*', captured))));
        if (hit) return hit;
      }
    }
    if (cfg.baseUrl !== undefined) return this.jsFile(normRel(posix.join(base, spec)));
    return undefined;
  }

  private workspacePackage(spec: string): string | undefined {
    if (!this.packagesCache) {
      this.packagesCache = new Map();
      for (const rel of this.host.filesNamed('package.json')) {
        if (/(^|\/)node_modules\//.test(rel)) continue;
        const json = parseJsonc(this.text(rel) ?? '') as Record<string, unknown> | undefined;
        const name = json?.name;
        if (typeof name === 'string' && !this.packagesCache.has(name))
          this.packagesCache.set(name, { dir: posix.dirname(rel) === '.' ? '' : posix.dirname(rel), json: json! });
      }
    }
    const parts = spec.split('/');
    const nameLen = spec.startsWith('@') ? 2 : 1;
    const pkg = this.packagesCache.get(parts.slice(0, nameLen).join('/'));
    if (!pkg) return undefined;
    const sub = parts.slice(nameLen).join('/');
    if (sub) return this.jsFile(normRel(inDir(pkg.dir, `src/${sub}`))) ?? this.jsFile(normRel(inDir(pkg.dir, sub)));
    const fields = ['source', 'types', 'typings', 'module', 'main']
      .map((f) => pkg.json[f])
      .filter((v): v is string => typeof v === 'string')
      .map((v) =>
        v
          .replace(/^\.\//, '')
          .replace(/^(dist|lib|build|out)\//, 'src/')
          .replace(/\.d\.ts$|\.(m|c)?js$/, ''),
      );
    for (const c of ['src/index', 'index', ...fields]) {
      const hit = this.jsFile(normRel(inDir(pkg.dir, c)));
      if (hit) return hit;
    }
    return undefined;
  }

  // ---- Python ---------------------------------------------------------------------------

  private pyModule(mod: string, baseDir: string | undefined): string | undefined {
    const path = mod.split('.').filter(Boolean).join('/');
    if (baseDir !== undefined) {
      const p = normRel(path ? inDir(baseDir, path) : baseDir || '.');
      if (p === undefined) return undefined;
      if (!path) return [inDir(p, '__init__.py')].find((c) => this.host.hasFile(c));
      return [`${p}.py`, `${p}/__init__.py`, `${p}.pyi`].find((c) => this.host.hasFile(c));
    }
    if (!path) return undefined;
    return (
      [`${path}.py`, `${path}/__init__.py`].find((c) => this.host.hasFile(c)) ??
      this.host.findBySuffix(`/${path}.py`) ??
      this.host.findBySuffix(`/${path}/__init__.py`)
    );
  }

  private python(fact: ImportFact, fromRel: string): string[] {
    const spec = fact.specifier;
    const lead = /^\.+/.exec(spec)?.[0].length ?? 0;
    const mod = spec.slice(lead);
    let baseDir: string | undefined;
    if (lead > 0) {
      let d = posix.dirname(fromRel);
      for (let i = 1; i < lead; i++) d = posix.dirname(d);
      baseDir = normRel(d) ?? undefined;
      if (baseDir === undefined) return [];
    }
    const out: string[] = [];
    const main = this.pyModule(mod, baseDir);
    if (main) out.push(main);
    // `from pkg import mod`: names may be submodules.
    for (const n of fact.names) {
      const sub = this.pyModule(mod ? `${mod}.${n.imported}` : n.imported, baseDir);
      if (sub && !out.includes(sub)) out.push(sub);
    }
    return out;
  }

  // ---- Go -------------------------------------------------------------------------------

  /**
   * The module an import path names, of the go.mod files from the file's folder up: the nearest
   * whose module path is the import's or a prefix of it. A module nested in another's folder
   * (`exp/go.mod`, `github.com/x/y/exp`) imports the outer one (`github.com/x/y/prometheus`) as a
   * dependency: its code is the outer module's, which a `replace ../` or go.work points at.
   */
  private goModule(fromRel: string, spec: string): { dir: string; module: string } | undefined {
    for (const dir of ancestors(fromRel)) {
      const text = this.text(inDir(dir, 'go.mod'));
      const m = text && /^module\s+(\S+)/m.exec(text);
      if (m && (spec === m[1] || spec.startsWith(`${m[1]}/`))) return { dir, module: m[1] };
    }
    return undefined;
  }

  private go(spec: string, fromRel: string): string[] {
    const mod = this.goModule(fromRel, spec);
    if (!mod) return [];
    const dir = normRel(inDir(mod.dir, spec.slice(mod.module.length + 1)));
    if (dir === undefined) return [];
    return this.host.filesIn(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
  }

  // ---- Rust -----------------------------------------------------------------------------

  private crateOf(fromRel: string): { dir: string; src: string } | undefined {
    for (const dir of ancestors(fromRel)) {
      const manifest = this.text(inDir(dir, 'Cargo.toml'));
      if (manifest !== undefined) return { dir, src: crateRootDir(dir, manifest, fromRel) };
    }
    return undefined;
  }

  private crateByName(name: string): { dir: string; src: string } | undefined {
    for (const rel of this.host.filesNamed('Cargo.toml')) {
      const m = /\[package\][^[]*?^\s*name\s*=\s*"([^"]+)"/ms.exec(this.text(rel) ?? '');
      if (m && m[1].replace(/-/g, '_') === name) {
        const dir = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
        return { dir, src: inDir(dir, 'src') };
      }
    }
    return undefined;
  }

  /** Module path of a Rust file in its crate (`src/a/b.rs` → [a, b]), and the folder of its children. */
  private rustModuleOf(fromRel: string, src: string): { path: string[]; childDir: string } {
    const rel = src ? fromRel.slice(src.length + 1) : fromRel;
    const parts = rel.split('/');
    const file = parts.pop()!;
    const dir = posix.dirname(fromRel);
    if (file === 'lib.rs' || file === 'main.rs' || file === 'mod.rs') return { path: parts, childDir: dir };
    // Each file directly in tests/, examples/ or benches/ is a crate root of its own.
    if (parts.length === 0 && /(^|\/)(tests|examples|benches)$/.test(src)) return { path: [], childDir: dir };
    const stem = file.replace(/\.rs$/, '');
    return { path: [...parts, stem], childDir: inDir(dir === '.' ? '' : dir, stem) };
  }

  private rustModuleFile(src: string, path: string[]): string | undefined {
    if (path.length === 0) return [inDir(src, 'lib.rs'), inDir(src, 'main.rs')].find((c) => this.host.hasFile(c));
    const p = inDir(src, path.join('/'));
    return [`${p}.rs`, `${p}/mod.rs`].find((c) => this.host.hasFile(c));
  }

  private rust(fact: ImportFact, fromRel: string): string[] {
    const crate = this.crateOf(fromRel);
    if (!crate) return [];
    const here = this.rustModuleOf(fromRel, crate.src);
    if (fact.kind === 'mod') {
      const base = inDir(here.childDir === '.' ? '' : here.childDir, fact.specifier);
      const hit = [`${base}.rs`, `${base}/mod.rs`].find((c) => this.host.hasFile(c));
      return hit ? [hit] : [];
    }
    const segs = fact.specifier.split('::').filter(Boolean);
    let src = crate.src;
    let path: string[];
    if (segs[0] === 'crate') path = segs.slice(1);
    else if (segs[0] === 'self') path = [...here.path, ...segs.slice(1)];
    else if (segs[0] === 'super') {
      path = [...here.path];
      let i = 0;
      while (segs[i] === 'super') {
        path.pop();
        i++;
      }
      path = [...path, ...segs.slice(i)];
    } else {
      const other = segs[0] ? this.crateByName(segs[0]) : undefined;
      if (!other) return [];
      src = other.src;
      path = segs.slice(1);
    }
    const out: string[] = [];
    // The deepest prefix of the path that is a module file holds the imported items.
    for (let n = path.length; n >= 0; n--) {
      const hit = this.rustModuleFile(src, path.slice(0, n));
      if (hit) {
        out.push(hit);
        break;
      }
    }
    for (const name of fact.names) {
      const hit = this.rustModuleFile(src, [...path, name.imported]);
      if (hit && !out.includes(hit)) out.push(hit);
    }
    return out;
  }

  // ---- Java, C/C++, Ruby, PHP -------------------------------------------------------------

  private java(fact: ImportFact): string[] {
    if (fact.wildcard) return this.host.filesOfPackage(fact.specifier).slice(0, 100);
    const path = fact.specifier.split('.').join('/');
    for (const ext of ['.java', '.kt', '.scala']) {
      const hit = this.host.findBySuffix(`/${path}${ext}`) ?? (this.host.hasFile(`${path}${ext}`) ? `${path}${ext}` : undefined);
      if (hit) return [hit];
    }
    return [];
  }

  private include(fact: ImportFact, fromRel: string): string[] {
    if (fact.wildcard) return [];
    const beside = normRel(posix.join(posix.dirname(fromRel), fact.specifier));
    if (beside !== undefined && this.host.hasFile(beside)) return [beside];
    const hit = this.host.hasFile(fact.specifier) ? fact.specifier : this.host.findBySuffix(`/${fact.specifier}`);
    return hit ? [hit] : [];
  }

  private ruby(spec: string, fromRel: string): string[] {
    const file = spec.endsWith('.rb') ? spec : `${spec}.rb`;
    if (spec.startsWith('.')) {
      const p = normRel(posix.join(posix.dirname(fromRel), file));
      return p !== undefined && this.host.hasFile(p) ? [p] : [];
    }
    const hit =
      [`lib/${file}`, file].find((c) => this.host.hasFile(c)) ??
      this.host.findBySuffix(`/lib/${file}`) ??
      this.host.findBySuffix(`/${file}`);
    return hit ? [hit] : [];
  }

  private php(fact: ImportFact, fromRel: string): string[] {
    if (fact.kind === 'include') {
      const p = normRel(posix.join(posix.dirname(fromRel), fact.specifier));
      return p !== undefined && this.host.hasFile(p) ? [p] : [];
    }
    const parts = fact.specifier.split('\\');
    for (let i = 0; i < parts.length; i++) {
      const hit = this.host.findBySuffix(`/${parts.slice(i).join('/')}.php`);
      if (hit) return [hit];
    }
    return [];
  }
}

/** JSON with comments and trailing commas (tsconfig.json), or undefined. */
export function parseJsonc(text: string): unknown {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (ch === '"') inString = false;
      i++;
    } else if (ch === '"') {
      inString = true;
      out += ch;
      i++;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

/**
 * The folder whose files are module paths from the crate root for `fromRel`: a target's own
 * folder when Cargo.toml places it elsewhere (`[[bin]] path = "crates/core/main.rs"`), the
 * conventional `tests/`, `examples/` and `benches/` roots, else `src/`.
 */
function crateRootDir(dir: string, manifest: string, fromRel: string): string {
  const under = (folder: string) => fromRel.startsWith(folder === '' ? '' : `${folder}/`);
  let best: string | undefined;
  for (const m of manifest.matchAll(/^\s*path\s*=\s*"([^"]+\.rs)"/gm)) {
    const folder = posix.dirname(posix.join(dir, m[1]));
    const f = folder === '.' ? '' : folder;
    if (under(f) && (best === undefined || f.length > best.length)) best = f;
  }
  if (best !== undefined && best !== dir) return best;
  for (const conventional of ['tests', 'examples', 'benches']) if (under(inDir(dir, conventional))) return inDir(dir, conventional);
  return inDir(dir, 'src');
}
