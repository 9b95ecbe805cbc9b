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
 */
import { join, posix } from 'node:path';
import { readInsideRoots } from '../../../shared/paths';
import type { IndexStore } from '../index-store';
import { cursorContext, type CursorContext } from './cursor';
import { ImportResolver } from './resolve';
import type { ImportFact, ParserId } from './types';

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
}

export class IndexSyntaxFacts implements SyntaxFacts {
  private readonly resolver: ImportResolver;
  private generation = -1;
  private readonly importsCache = new Map<string, ResolvedImport[]>();

  constructor(
    private readonly root: string,
    private readonly store: IndexStore,
  ) {
    this.resolver = new ImportResolver({
      hasFile: (rel) => store.hasFile(rel),
      findBySuffix: (suffix) => store.findBySuffix(suffix),
      filesIn: (dir) => [...store.filesUnder(dir).keys()].filter((p) => posix.dirname(p) === (dir === '' ? '.' : dir)).sort(),
      filesOfPackage: (name) => store.filesOfPackage(name),
      filesNamed: (base) => store.filesNamed(base),
      readText: (rel) => {
        const read = readInsideRoots(join(this.root, rel), [this.root], { maxBytes: 1_000_000, noSymlinks: true });
        return read.ok ? read.bytes.toString('utf8') : undefined;
      },
    });
  }

  private fresh(): void {
    if (this.store.generation === this.generation) return;
    this.generation = this.store.generation;
    this.importsCache.clear();
    this.resolver.reset();
  }

  parserOf(file: string): { parser: ParserId; note?: string } | undefined {
    const f = this.store.file(file);
    return f ? { parser: f.parser, ...(f.parserNote ? { note: f.parserNote } : {}) } : undefined;
  }

  importsOf(file: string): ResolvedImport[] {
    this.fresh();
    let out = this.importsCache.get(file);
    if (!out) {
      const row = this.store.syntaxOf(file);
      out = (row?.imports ?? []).map((imp) => ({
        ...imp,
        files: this.resolver.resolve(imp, file, row!.language).filter((f) => f !== file),
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
    const imported = new Set(this.importedFiles(file));
    const via = all.filter((d) => imported.has(d.path));
    if (via.length > 0) return via;
    const local = all.filter((d) => d.path === file);
    if (local.length > 0) return local;
    const pkg = new Set(this.samePackageFiles(file));
    const inPkg = all.filter((d) => pkg.has(d.path));
    return inPkg.length > 0 ? inPkg : all;
  }
}
