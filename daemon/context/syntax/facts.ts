/**
 * The syntax facts of one indexed root, for ranking: a small typed view over the index
 * (what parsing stored per file) plus import resolution, cached until the index changes.
 *
 *   const facts = workspace.syntax;
 *   facts.parserOf('src/a.ts')          // { parser: 'tree-sitter:typescript' }
 *   facts.importsOf('src/a.ts')         // [{ specifier: './b', names: [...], files: ['src/b.ts'] }, ...]
 *   facts.importedFiles('src/a.ts')     // ['src/b.ts', ...]
 *   facts.samePackageFiles('x/a.go')    // ['x/b.go', ...]: names usable there without an import
 *   facts.definitions('Pool')           // [{ name, kind, container, path, line, chunkId }]
 *   facts.cursorContext(prefix, suffix, languageId) // { identifier, member: { receiver, type } }
 *   facts.typeDefinitions('src/a.ts', 'Pool')       // where the receiver's type is declared
 *   facts.definitionsIn('src/pool.ts')              // every definition of a file, in line order
 *   facts.membersOf(poolSite)                       // the members of a type (its file, Go package, Rust module)
 *   facts.baseTypesOf(poolSite)                     // the types it extends or implements, where declared
 */
import { join, posix } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { readInsideRoots } from '../../../shared/paths';
import type { ChunkRow, IndexStore } from '../index-store';
import { WorkspaceMemberUses } from '../member-uses';
import { cursorContext, type CursorContext } from './cursor';
import { ImportResolver } from './resolve';
import { goEmbeddedTypes } from './go-embedded';
import { grammarFor } from './grammars';
import type { ImportFact, ParserId } from './types';
import { rustDerefTarget, rustSupertraits } from './rust-impls';
import { rustFilesImportingName } from '../rust-namespaces';
import { rustTraitsImplemented, type RustBlanket } from './rust-blankets';
import { plainType } from './type-names';
import { aliasArms, aliasTargets } from './ts-aliases';
import { withReexports } from './ts-barrels';

interface RawSite {
  name: string;
  kind: string;
  container: string | null;
  chunkId: number;
  line: number;
}

/** A symbols row of `file` as a definition site. */
function siteOf(r: RawSite, file: string): DefinitionSite {
  return { name: r.name, kind: r.kind, ...(r.container ? { container: r.container } : {}), path: file, line: r.line, chunkId: r.chunkId };
}

export interface ResolvedImport extends ImportFact {
  /** Indexed files (root-relative) the import names; [] for packages outside the workspace. */
  files: string[];
}

export interface DefinitionSite {
  name: string;
  /** `function`, `method`, `class`, … ('' when the heuristic parser indexed the file). */
  kind: string;
  container?: string;
  path: string;
  line: number;
  chunkId: number;
}

export interface SyntaxFacts {
  /** The parser that chunked a file, and why the heuristic one when the language has a grammar. */
  parserOf(file: string): { parser: ParserId; note?: string } | undefined;
  /** A file's imports, each resolved to the indexed files it names. */
  importsOf(file: string): ResolvedImport[];
  /** Every indexed file a file's imports name (deduplicated, in import order). */
  importedFiles(file: string): string[];
  /** Files whose top-level names a file sees without importing them: its Go package, its Java package. */
  samePackageFiles(file: string): string[];
  /** Where a name is declared. */
  definitions(name: string, limit?: number): DefinitionSite[];
  /** The identifier being typed and, for `x.`, the receiver and its type where the document declares it. */
  cursorContext(prefix: string, suffix: string, languageId: string): CursorContext;
  /**
   * Where a type (or namespace) name used in `file` is declared: through the file's imports
   * first, then its own definitions and its package, then a unique definition anywhere.
   */
  typeDefinitions(file: string, typeName: string): DefinitionSite[];
  /** Every definition of a file with its kind and container, in line order. */
  definitionsIn(file: string): DefinitionSite[];
  /** The definitions of one name in a file, in line order (`definitionsIn` filtered, without reading the whole file's). */
  definitionsNamed(file: string, name: string): DefinitionSite[];
  /** The members of a type: definitions whose container is its name, in its file (and its Go package or Rust folder). */
  membersOf(type: DefinitionSite): DefinitionSite[];
  /** The types a class, interface or struct extends or implements (as its header says), where they are declared. */
  baseTypesOf(type: DefinitionSite): DefinitionSite[];
  /** Resolve imports parsed from a document's own text (unsaved edits) as `importsOf` resolves the indexed ones. */
  resolveImports(file: string, languageId: string, imports: ImportFact[]): ResolvedImport[];
  /** The text of an indexed chunk (undefined when it is gone). */
  chunkText(chunkId: number): string | undefined;
  /**
   * A definition's text: its chunk from the definition's own line on. What comes before it there (its doc
   * comment, whose examples name it, or the members before it) is not its declaration.
   */
  definitionText(d: DefinitionSite): string | undefined;
  /** The texts of the chunks a large type's body was cut into after its own (they carry its header as their context). */
  continuedBody(type: DefinitionSite): string[];
  /** Moves whenever the index changes: what is computed from these facts may be remembered until it does. */
  indexGeneration(): number;
  /** How often the workspace uses each member through a receiver name (`c.req`), except in `file` (member-uses.ts). */
  memberUses?(receiver: string, file: string): Map<string, number>;
  /** Rust: the workspace's blanket impls (`impl<T: Service<R>> ServiceExt<R> for T {}`, rust-blankets.ts). */
  rustBlankets?(): RustBlanket[];
  /** Rust: the traits the impls holding a type's members implement for it (`impl Service<R> for Timeout<S>`). */
  rustTraitsOf?(type: DefinitionSite): string[];
}

/** Files the import resolver reads as configuration (resolve.ts): a change to one resets every resolved import. */
function isResolverConfig(rel: string): boolean {
  return /(^|\/)(package\.json|go\.mod|go\.work|Cargo\.toml|[^/]*\.json)$/.test(rel);
}

/** Chunks of a large type's body read after its own (at most 3,000 characters each). */
const MAX_CONTINUED = 24;

/** Kinds that have members. */
export const TYPE_KINDS = new Set(['class', 'interface', 'struct', 'trait', 'enum', 'type', 'module']);

export class IndexSyntaxFacts implements SyntaxFacts {
  private readonly resolver: ImportResolver;
  private generation = -1;
  private readonly importsCache = new Map<string, ResolvedImport[]>();
  /** TypeScript barrels (ts-barrels.ts): each file's re-export facts, and the files whose imports went through it. */
  private readonly reexportsCache = new Map<string, { imports: ImportFact[]; language: string } | null>();
  private readonly barrelUsers = new Map<string, Set<string>>();
  private readonly definitionsCache = new Map<string, DefinitionSite[]>();
  private readonly basesCache = new Map<string, DefinitionSite[]>();
  /** The index's Rust blanket impls until it changes. */
  private blankets?: RustBlanket[];
  private readonly traitsOfCache = new Map<string, string[]>();
  private readonly parsersCache = new Map<string, { parser: ParserId; note?: string } | undefined>();
  private definitionsOfFile?: Statement<[string], RawSite>;
  private definitionsOfName?: Statement<[string, string], RawSite>;
  private readonly uses: WorkspaceMemberUses;
  private continuedOf?: Statement<[string, number], { text: string; context: string }>;

  constructor(
    private readonly root: string,
    private readonly store: IndexStore,
  ) {
    this.uses = new WorkspaceMemberUses(store);
    this.resolver = new ImportResolver({
      hasFile: (rel) => store.hasFile(rel),
      findBySuffix: (suffix) => store.findBySuffix(suffix),
      filesIn: (dir) => this.filesIn(dir),
      filesOfPackage: (name) => store.filesOfPackage(name),
      filesNamed: (base) => store.filesNamed(base),
      readText: (rel) => {
        const read = readInsideRoots(join(this.root, rel), [this.root], { maxBytes: 1_000_000, noSymlinks: true });
        return read.ok ? read.bytes.toString('utf8') : undefined;
      },
    });
  }

  /**
   * Drop what the index's changes since the last call made stale. A file saved with the same
   * package (the usual edit) invalidates only its own imports, definitions and parser: other
   * files' imports still resolve to the same paths. A path added or removed, a package moved,
   * a resolver configuration file (package.json, tsconfig, go.mod, Cargo.toml) or a gap in the
   * store's change log resets everything.
   */
  private fresh(): void {
    if (this.store.generation === this.generation) return;
    const changes = this.generation < 0 ? undefined : this.store.changesSince(this.generation);
    this.generation = this.store.generation;
    this.basesCache.clear();
    this.blankets = undefined;
    this.traitsOfCache.clear();
    if (!changes || changes.structural || [...changes.paths].some(isResolverConfig)) {
      this.importsCache.clear();
      this.barrelUsers.clear();
      // A file's re-export statements change only with it (what they resolve to is resolved each time).
      if (!changes) this.reexportsCache.clear();
      else for (const p of changes.paths) this.reexportsCache.delete(p);
      this.definitionsCache.clear();
      this.parsersCache.clear();
      this.resolver.reset();
      return;
    }
    for (const p of changes.paths) {
      this.importsCache.delete(p);
      // A file other imports went through as a barrel: when what it re-exports changed, those are resolved again.
      const users = this.barrelUsers.get(p);
      const before = this.reexportsCache.get(p);
      this.reexportsCache.delete(p);
      if (users && before !== undefined && JSON.stringify(this.reexportFacts(p)) !== JSON.stringify(before)) {
        for (const u of users) this.importsCache.delete(u);
        this.barrelUsers.delete(p);
      }
      this.definitionsCache.delete(p);
      this.parsersCache.delete(p);
    }
  }

  /** Indexed files directly in a folder ('' or '.' for the root), in path order. */
  private filesIn(dir: string): string[] {
    const d = dir === '.' ? '' : dir;
    return [...this.store.filesUnder(d).keys()].filter((p) => posix.dirname(p) === (d === '' ? '.' : d)).sort();
  }

  parserOf(file: string): { parser: ParserId; note?: string } | undefined {
    // Asked for every candidate of every completion's diagnostics: remembered until the index changes.
    this.fresh();
    if (this.parsersCache.has(file)) return this.parsersCache.get(file);
    const f = this.store.file(file);
    const out = f ? { parser: f.parser, ...(f.parserNote ? { note: f.parserNote } : {}) } : undefined;
    if (this.parsersCache.size > 20_000) this.parsersCache.clear();
    this.parsersCache.set(file, out);
    return out;
  }

  importsOf(file: string): ResolvedImport[] {
    this.fresh();
    let out = this.importsCache.get(file);
    if (!out) {
      const row = this.store.syntaxOf(file);
      out = (row?.imports ?? []).map((imp) => ({
        ...imp,
        files: this.reexported(
          file,
          imp,
          this.resolver.resolve(imp, file, row!.language).filter((f) => f !== file),
          row!.language,
        ),
      }));
      if (this.importsCache.size > 5000) this.importsCache.clear();
      this.importsCache.set(file, out);
    }
    return out;
  }

  importedFiles(file: string): string[] {
    const out: string[] = [];
    for (const imp of this.importsOf(file)) for (const f of imp.files) if (!out.includes(f)) out.push(f);
    return out;
  }

  samePackageFiles(file: string): string[] {
    const row = this.store.syntaxOf(file);
    if (!row?.packageName) return [];
    const dir = posix.dirname(file);
    const lang = row.language;
    // Go: one package per folder; Java: a package may span source roots (main/test).
    return this.store
      .filesOfPackage(row.packageName)
      .filter((f) => f !== file && (lang !== 'go' || posix.dirname(f) === dir) && this.store.file(f)?.language === lang);
  }

  definitions(name: string, limit = 20): DefinitionSite[] {
    return this.store.definitionsDetailed(name, limit);
  }

  cursorContext(prefix: string, suffix: string, languageId: string): CursorContext {
    return cursorContext(prefix, suffix, languageId);
  }

  typeDefinitions(file: string, typeName: string): DefinitionSite[] {
    const all = this.definitions(typeName, 50).filter((d) => d.container === undefined || d.kind === 'class');
    if (all.length <= 1) return all;
    // Rust: a type the file declares is what the bare name means there (a `use` of the same name would not compile);
    // a module the file imports (`use crate::{client, server}`) brings its name, not its `Connection`. An alias
    // (`type Handle = mock::Handle<…>;`) is left to the imports, which hold what it names.
    if (file.endsWith('.rs')) {
      const own = all.filter((d) => d.path === file && d.kind !== 'type');
      if (own.length > 0) return own;
      // Else what a `use` of the name, or a glob, brings (rust-namespaces.ts), before the other imported files.
      const named = rustFilesImportingName((f) => this.importsOf(f), file, typeName);
      const byName = all.filter((d) => named.has(d.path));
      if (byName.length > 0) return byName;
    }
    const imported = new Set(this.importedFiles(file));
    const via = all.filter((d) => imported.has(d.path));
    if (via.length > 0) return via;
    const local = all.filter((d) => d.path === file);
    if (local.length > 0) return local;
    const pkg = new Set(this.samePackageFiles(file));
    const inPkg = all.filter((d) => pkg.has(d.path));
    return inPkg.length > 0 ? inPkg : all;
  }

  definitionsIn(file: string): DefinitionSite[] {
    this.fresh();
    let out = this.definitionsCache.get(file);
    if (!out) {
      // Through chunks (indexed by file) to symbols (indexed by chunk): symbols has no file index.
      this.definitionsOfFile ??= this.store.db.prepare<[string], RawSite>(
        `SELECT s.name AS name, s.kind AS kind, s.container AS container, s.chunk_id AS chunkId, s.line AS line
         FROM files f JOIN chunks c ON c.file_id = f.id JOIN symbols s ON s.chunk_id = c.id WHERE f.path = ?`,
      );
      out = this.definitionsOfFile
        .all(file)
        .map((r) => siteOf(r, file))
        .sort((a, b) => a.line - b.line || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (this.definitionsCache.size > 2000) this.definitionsCache.clear();
      this.definitionsCache.set(file, out);
    }
    return out;
  }

  definitionsNamed(file: string, name: string): DefinitionSite[] {
    this.fresh();
    const all = this.definitionsCache.get(file);
    if (all) return all.filter((d) => d.name === name);
    // An import names one definition of a file that may hold hundreds: read just it (by the name index).
    this.definitionsOfName ??= this.store.db.prepare<[string, string], RawSite>(
      `SELECT s.name AS name, s.kind AS kind, s.container AS container, s.chunk_id AS chunkId, s.line AS line
       FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.name = ? AND f.path = ? ORDER BY s.line`,
    );
    return this.definitionsOfName.all(name, file).map((r) => siteOf(r, file));
  }

  membersOf(type: DefinitionSite): DefinitionSite[] {
    const files = [type.path];
    const lang = this.store.file(type.path)?.language;
    // Go methods live in any file of the package; Rust impls often in a sibling module.
    if (lang === 'go') files.push(...this.samePackageFiles(type.path));
    else if (lang === 'rust')
      files.push(
        ...this.filesIn(posix.dirname(type.path))
          .filter((f) => f !== type.path && f.endsWith('.rs'))
          .slice(0, 50),
      );
    const out: DefinitionSite[] = [];
    for (const f of files) for (const d of this.definitionsIn(f)) if (d.container === type.name && d.name !== type.name) out.push(d);
    return out;
  }

  baseTypesOf(type: DefinitionSite): DefinitionSite[] {
    this.fresh();
    const key = `${type.path}:${type.line}`;
    let out = this.basesCache.get(key);
    if (!out) {
      out = [];
      const row = this.store.chunks([type.chunkId]).get(type.chunkId);
      const header = row ? headerOf(row.context, row.text, type.name) : '';
      const lang = row?.language ?? '';
      const grammar = grammarFor(lang) ?? lang;
      if (grammar === 'go' && row) out.push(...this.goEmbedded(type, row.text));
      const names = grammar === 'go' ? [] : baseNames(header, grammar).slice(0, 4);
      // Rust: a trait's supertraits (rust-impls.ts).
      if (grammar === 'rust' && type.kind === 'trait') names.push(...rustSupertraits(header, type.name));
      else if (grammar === 'rust') {
        const derefs = this.membersOf(type).filter((m) => m.name === 'deref');
        const rows = this.store.chunks(derefs.slice(0, 2).map((m) => m.chunkId));
        const target = rustDerefTarget([...rows.values()].flatMap((r) => [r.text, r.context]));
        const name = target ? plainType(target, 'rust') : undefined;
        if (name) names.push(name);
      }
      for (const base of names) {
        if (base === type.name) continue;
        let found = this.typeDefinitions(type.path, base).filter((d) => TYPE_KINDS.has(d.kind));
        // Imported under another name (`export { Hono as HonoBase }`): the one type of the file it comes from.
        if (found.length === 0) found = this.onlyTypeImportedAs(type.path, base);
        for (const d of found.slice(0, 2)) if (d.path !== type.path || d.line !== type.line) out.push(d);
      }
      // TypeScript: a union alias has what all its arms share (set first: an arm may lead back to it).
      if (type.kind === 'type' && out.length === 0 && /^(typescript|tsx|javascript)$/.test(grammar)) {
        this.basesCache.set(key, out);
        out.push(...this.sharedByArms(type, aliasArms(header)));
      }
      if (this.basesCache.size > 2000) this.basesCache.clear();
      this.basesCache.set(key, out);
    }
    return out;
  }

  /** The types every arm of a union alias is or extends (one level of bases), in the first arm's order. */
  private sharedByArms(type: DefinitionSite, arms: string[]): DefinitionSite[] {
    const at = (d: DefinitionSite) => `${d.path}:${d.line}`;
    let shared: DefinitionSite[] | undefined;
    for (const arm of arms) {
      if (arm === type.name) return [];
      const own = this.typeDefinitions(type.path, arm)
        .filter((d) => TYPE_KINDS.has(d.kind))
        .slice(0, 2);
      const reach = [...own, ...own.flatMap((d) => this.baseTypesOf(d))];
      const keys = new Set(reach.map(at));
      shared = shared ? shared.filter((d) => keys.has(at(d))) : reach;
      if (shared.length === 0) return [];
    }
    return (shared ?? []).slice(0, 4);
  }

  rustBlankets(): RustBlanket[] {
    this.fresh();
    // Recorded when each file was indexed (index-store.ts `rust_blankets`): a read of a few rows, once per index change.
    this.blankets ??= this.store.rustBlankets(500);
    return this.blankets;
  }

  rustTraitsOf(type: DefinitionSite): string[] {
    this.fresh();
    const key = `${type.path}:${type.line}`;
    const known = this.traitsOfCache.get(key);
    if (known) return known;
    const ids = [...new Set(this.membersOf(type).map((m) => m.chunkId))].slice(0, 12);
    const out = new Set<string>();
    for (const row of this.store.chunks(ids).values())
      for (const t of rustTraitsImplemented(`${row.context}\n${row.text}`, type.name)) out.add(t);
    if (this.traitsOfCache.size > 2000) this.traitsOfCache.clear();
    this.traitsOfCache.set(key, [...out]);
    return [...out];
  }

  chunkText(chunkId: number): string | undefined {
    return this.store.chunks([chunkId]).get(chunkId)?.text;
  }

  definitionText(d: DefinitionSite): string | undefined {
    const row = this.store.chunks([d.chunkId]).get(d.chunkId);
    return row ? row.text.slice(lineOffset(row, d.line)) : undefined;
  }

  continuedBody(type: DefinitionSite): string[] {
    this.continuedOf ??= this.store.db.prepare<[string, number], { text: string; context: string }>(
      `SELECT c.text AS text, c.context AS context FROM chunks c JOIN files f ON f.id = c.file_id
       WHERE f.path = ? AND c.start_line > ? ORDER BY c.start_line LIMIT ${MAX_CONTINUED}`,
    );
    const header = new RegExp(`\\b${type.name.replace(/[$]/g, '\\$')}\\b`);
    const out: string[] = [];
    for (const r of this.continuedOf.all(type.path, type.line)) {
      if (!r.context || !header.test(r.context.split('\n')[0])) break;
      out.push(r.text);
    }
    return out;
  }

  indexGeneration(): number {
    return this.store.generation;
  }

  memberUses(receiver: string, file: string): Map<string, number> {
    return this.uses.through(receiver, file);
  }

  /** Go: the types a struct or interface embeds (their members are promoted to it); a qualified one only from a package of the workspace. */
  private goEmbedded(type: DefinitionSite, text: string): DefinitionSite[] {
    const out: DefinitionSite[] = [];
    for (const e of goEmbeddedTypes(text, type.name).slice(0, 6)) {
      if (e.name === type.name && !e.qualifier) continue;
      const found = e.qualifier
        ? this.importsOf(type.path)
            .filter((i) => i.namespace === e.qualifier)
            .flatMap((i) => i.files.slice(0, 50).flatMap((f) => this.definitionsNamed(f, e.name)))
        : this.typeDefinitions(type.path, e.name);
      for (const d of found.filter((d) => TYPE_KINDS.has(d.kind) && d.container === undefined).slice(0, 2))
        if (d.path !== type.path || d.line !== type.line) out.push(d);
    }
    return out;
  }

  /** The single top-level type declared by the files that `file` imports `name` from. */
  private onlyTypeImportedAs(file: string, name: string): DefinitionSite[] {
    const from = this.importsOf(file).filter((i) => i.names.some((n) => n.local === name));
    const types = from
      .flatMap((i) => i.files.slice(0, 3))
      .flatMap((f) => this.definitionsIn(f).filter((d) => d.container === undefined && TYPE_KINDS.has(d.kind) && d.kind !== 'type'));
    return types.length === 1 ? types : [];
  }

  resolveImports(file: string, languageId: string, imports: ImportFact[]): ResolvedImport[] {
    this.fresh();
    return imports.map((imp) => ({
      ...imp,
      files: this.reexported(
        file,
        imp,
        this.resolver.resolve(imp, file, languageId).filter((f) => f !== file),
        languageId,
      ),
    }));
  }

  /** A file's re-exports as indexed (null when it is not indexed), remembered until it changes. */
  private reexportFacts(f: string): { imports: ImportFact[]; language: string } | null {
    let facts = this.reexportsCache.get(f);
    if (facts === undefined) {
      const row = this.store.syntaxOf(f);
      facts = row ? { imports: row.imports.filter((i) => i.reexport), language: row.language } : null;
      if (this.reexportsCache.size > 20_000) this.reexportsCache.clear();
      this.reexportsCache.set(f, facts);
    }
    return facts;
  }

  /** TypeScript/JavaScript: an import of a barrel names the files it re-exports too (ts-barrels.ts). */
  private reexported(file: string, imp: ImportFact, files: string[], languageId: string): string[] {
    const grammar = grammarFor(languageId);
    if (files.length === 0 || imp.reexport || (grammar !== 'typescript' && grammar !== 'tsx' && grammar !== 'javascript')) return files;
    const host = {
      factsOf: (f: string) => {
        let users = this.barrelUsers.get(f);
        // Past the bound, what was resolved through barrels is forgotten with who used them.
        if (!users && this.barrelUsers.size > 20_000) {
          this.barrelUsers.clear();
          this.importsCache.clear();
        }
        if (!users) this.barrelUsers.set(f, (users = new Set()));
        users.add(file);
        return this.reexportFacts(f) ?? undefined;
      },
      resolve: (fact: ImportFact, from: string, language: string) => this.resolver.resolve(fact, from, language),
    };
    return withReexports(host, files, imp.namespace ? undefined : new Set(imp.names.map((n) => n.imported)));
  }
}

/** The offset in the chunk's text where line `line` (1-based, of the file) starts. */
export function lineOffset(row: Pick<ChunkRow, 'text' | 'startLine'>, line: number): number {
  let at = 0;
  for (let n = row.startLine; n < line; n++) {
    const next = row.text.indexOf('\n', at);
    if (next < 0) break;
    at = next + 1;
  }
  return at;
}

/** The declaration of a type, from its declaring line to the `{` or `:` that opens its body (a member chunk's header, or its own chunk). */
function headerOf(context: string, text: string, name: string): string {
  const lines = (context || text).split('\n');
  const decl = new RegExp(`\\b(class|interface|struct|trait|record|enum|impl|type|object)\\b.*\\b${name.replace(/[$]/g, '\\$')}\\b`);
  const at = lines.findIndex((l) => decl.test(l) && !/^\s*(\/\/|\*|\/\*|#)/.test(l));
  if (at < 0) return '';
  const out: string[] = [];
  for (let i = at; i < lines.length && i < at + 12; i++) {
    out.push(lines[i]);
    if (/[{]|:\s*$/.test(lines[i])) break;
  }
  return out.join(' ');
}

/** Base type names a header declares: `extends A implements B, C`, `class X(A, B):`, `impl T for X`, `X struct { A; … }`. */
export function baseNames(rawHeader: string, grammar: string): string[] {
  // Type parameters first (`class A<T extends B> extends C<T>`): their bounds are not bases.
  let header = rawHeader;
  for (let i = 0; i < 8 && /<[^<>]*>/.test(header); i++) header = header.replace(/<[^<>]*>/g, '');
  const simple = (t: string) => /([A-Za-z_$][\w$]*)\s*(?:<.*)?$/.exec(t.trim().replace(/\(.*$/, ''))?.[1];
  const list = (text: string) =>
    text
      .replace(/<[^<>]*(?:<[^<>]*>[^<>]*)*>/g, '')
      .split(',')
      .map((t) => simple(t.split('.').pop() ?? t))
      .filter((t): t is string => !!t);
  if (grammar === 'python') {
    const m = /\bclass\s+\w+\s*\(([^)]*)\)/.exec(header);
    return m ? list(m[1]).filter((n) => n !== 'object' && !/^metaclass$/.test(n)) : [];
  }
  if (grammar === 'rust') {
    const m = /\bimpl(?:<[^>]*>)?\s+([\w:]+)(?:<[^>]*>)?\s+for\b/.exec(header);
    return m ? [m[1].split('::').pop()!] : [];
  }
  // TypeScript: what a type alias stands for (`type A = B<T> & { … }`).
  if (/^(typescript|tsx|javascript)$/.test(grammar) && /^\s*(?:export\s+)?(?:declare\s+)?type\s/.test(rawHeader))
    return aliasTargets(rawHeader);
  const out: string[] = [];
  const ext = /\bextends\s+([^{]*?)(?=\bimplements\b|\{|$)/.exec(header);
  if (ext) out.push(...list(ext[1]));
  const impl = /\bimplements\s+([^{]*?)(?=\{|$)/.exec(header);
  if (impl) out.push(...list(impl[1]));
  // C#, Kotlin, Swift: `class A : B, C`.
  if (out.length === 0 && /^(c_sharp|cpp|kotlin|swift)$/.test(grammar)) {
    const m = /\b(?:class|struct|interface)\s+\w+[^:{]*:\s*([^{]*)/.exec(header);
    if (m) out.push(...list(m[1].replace(/\b(public|private|protected|virtual)\b/g, '')));
  }
  return out;
}
