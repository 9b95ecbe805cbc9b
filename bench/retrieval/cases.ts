/**
 * Benchmark cases, built the same way for every language from the syntax tree of each
 * file (tree-sitter; this oracle is the benchmark's own and shares no code with the
 * engine's parsing, so engine changes never change the cases):
 *
 *  1. Definitions: every declaration site in the repository's files of its language
 *     (functions, methods, classes/structs/traits/interfaces, type aliases, enums,
 *     module- or package-level constants and variables; see DEFINITIONS). A name with
 *     exactly one declaration site in the repository is *unambiguous*; only those are
 *     gold (an ambiguous name has no single right answer).
 *  2. Uses: identifier tokens outside import statements and outside binding positions
 *     (declaration names, parameters, assignment targets, patterns).
 *  3. A case is the first use in a file F of an unambiguous name defined in another file G
 *     and not bound anywhere in F (so F's own code cannot answer it). After `value.` (a
 *     local, a parameter, `this`/`self`) a name is ambiguous too when the language's
 *     standard library has a public method of that name (bench/retrieval/stdlib.ts):
 *     `tx.send` on a Rust channel or `parts.push` on an array is not the repository's
 *     `send`/`push`. The cursor sits at the start of that identifier; the prefix is
 *     everything before it, the suffix is the file from the next line on (the rest of the
 *     current line is being typed). Gold is G's chunk holding the definition line: a
 *     retrieved item is right when it is from G and spans that line.
 *  4. Sampling: at most PER_FILE cases per file and MAX_CASES per repository, the ones
 *     with the smallest sha1(file:line:name) — deterministic, spread over the repository.
 *
 * Test files count like any other: completions are typed there too.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { loadGrammar, type GrammarId } from '../../daemon/context/syntax/grammars';
import type { BenchLanguage } from './repos';

export interface Case {
  file: string;
  /** 1-based line and column of the cursor. */
  line: number;
  col: number;
  name: string;
  prefix: string;
  suffix: string;
  goldFile: string;
  goldLine: number;
  /** How the name is reached: `member` after `x.`, `imported` when an import statement names it, `bare` otherwise (e.g. Go same-package). */
  kind: 'member' | 'imported' | 'bare';
}

export interface SourceFile {
  rel: string;
  text: string;
}

/** Files of a language the benchmark builds cases from. */
export function caseLanguageOf(rel: string, language: BenchLanguage): GrammarId | undefined {
  if (language === 'typescript')
    return /\.d\.ts$/.test(rel) ? undefined : /\.tsx$/.test(rel) ? 'tsx' : /\.(c|m)?ts$/.test(rel) ? 'typescript' : undefined;
  const ext: Record<Exclude<BenchLanguage, 'typescript'>, RegExp> = { python: /\.py$/, go: /\.go$/, rust: /\.rs$/, java: /\.java$/ };
  return ext[language].test(rel) ? (language as GrammarId) : undefined;
}

/** Declaration node types and, for each, how to find the declared name(s). */
const tsDefs: Record<string, 'name' | 'declarator'> = {
  function_declaration: 'name',
  generator_function_declaration: 'name',
  function_signature: 'name',
  class_declaration: 'name',
  abstract_class_declaration: 'name',
  interface_declaration: 'name',
  type_alias_declaration: 'name',
  enum_declaration: 'name',
  method_definition: 'name',
  public_field_definition: 'name',
  // An interface's or object type's members are declarations as a class's are (Rust's trait
  // method signatures and Java's interface methods count too): `x.getSnapshot` on a value
  // typed by an interface is that interface's.
  method_signature: 'name',
  abstract_method_signature: 'name',
  property_signature: 'name',
  lexical_declaration: 'declarator',
  variable_declaration: 'declarator',
};
/** Members an interface (or an object type) declares: declarations of the name, never a module-level one. */
const MEMBER_SIGNATURES = new Set(['method_signature', 'abstract_method_signature', 'property_signature', 'method_elem', 'method_spec']);
const DEFINITIONS: Record<BenchLanguage, Record<string, 'name' | 'declarator'>> = {
  typescript: tsDefs,
  python: { function_definition: 'name', class_definition: 'name', assignment: 'name' },
  // An interface's methods count as TypeScript's do (`method_spec` in older grammars).
  go: {
    function_declaration: 'name',
    method_declaration: 'name',
    method_elem: 'name',
    method_spec: 'name',
    type_spec: 'name',
    const_spec: 'name',
    var_spec: 'name',
  },
  rust: {
    function_item: 'name',
    function_signature_item: 'name',
    struct_item: 'name',
    enum_item: 'name',
    union_item: 'name',
    trait_item: 'name',
    type_item: 'name',
    const_item: 'name',
    static_item: 'name',
    macro_definition: 'name',
  },
  java: {
    class_declaration: 'name',
    interface_declaration: 'name',
    enum_declaration: 'name',
    record_declaration: 'name',
    annotation_type_declaration: 'name',
    method_declaration: 'name',
    field_declaration: 'declarator',
  },
};

const IMPORTS: Record<BenchLanguage, Set<string>> = {
  typescript: new Set(['import_statement']),
  python: new Set(['import_statement', 'import_from_statement', 'future_import_statement']),
  go: new Set(['import_spec', 'package_clause']),
  rust: new Set(['use_declaration', 'extern_crate_declaration', 'mod_item']),
  java: new Set(['import_declaration', 'package_declaration']),
};

const IDENTIFIERS = new Set([
  'identifier',
  'type_identifier',
  'property_identifier',
  'field_identifier',
  'shorthand_property_identifier',
  'package_identifier',
]);

/** Fields whose identifier is bound there rather than used. */
const BINDING_FIELDS = new Set(['name', 'pattern', 'left', 'parameter', 'alias', 'key']);
const BINDING_PARENTS =
  /parameter|^formal_parameters$|^parameters$|catch_clause|for_in_clause|lambda_parameters|import|use_|_pattern$|^as_pattern$/;

interface FileFacts {
  /** `signature`: an interface's member (MEMBER_SIGNATURES), which no bare name or qualifier refers to. */
  defs: Array<{ name: string; line: number; signature?: boolean }>;
  bound: Set<string>;
  /** `qualifier` is the simple name before `.`/`::` of a member use (`this`, `c`, `pkg`), null for a longer expression. */
  uses: Array<{ name: string; start: number; row: number; col: number; member: boolean; qualifier?: string | null; path?: boolean }>;
  /** Names an import statement of this repository's own modules brings in. */
  importedNames: Set<string>;
  /** Names bound by imports of other packages (npm, the standard library, crates, …). */
  externalNames: Set<string>;
  /** Go: the package this file declares. */
  packageName?: string;
}

/** What tells the repository's own modules from other packages, per language. */
export interface RepoModules {
  /** Go module paths (go.mod). */
  goModules: string[];
  /** Rust crate names (Cargo.toml [package] name, `-` as `_`). */
  crates: string[];
}

/** Whether an import statement (its text) imports from the repository itself. */
function isInternalImport(
  language: BenchLanguage,
  text: string,
  mods: RepoModules,
  pyTop: Set<string>,
  javaPackages: Set<string>,
): boolean {
  switch (language) {
    case 'typescript': {
      const m = /(?:from|require\(|import)\s*['"]([^'"]+)['"]/.exec(text);
      return !!m && m[1].startsWith('.');
    }
    case 'python': {
      const m = /^\s*(?:from\s+(\.*)([\w.]*)\s+import|import\s+([\w.]+))/.exec(text);
      if (!m) return false;
      if (m[1]) return true;
      return pyTop.has((m[2] || m[3]).split('.')[0]);
    }
    case 'go': {
      const m = /"([^"]+)"/.exec(text);
      return !!m && mods.goModules.some((mod) => m[1] === mod || m[1].startsWith(`${mod}/`));
    }
    case 'rust': {
      const m = /^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+(?:::)?(\w+)/.exec(text);
      return !!m && (['crate', 'super', 'self', 'Self'].includes(m[1]) || mods.crates.includes(m[1]));
    }
    case 'java': {
      const m = /^\s*import\s+(?:static\s+)?([\w.]+?)(?:\.\*)?\s*;/.exec(text);
      if (!m) return false;
      const parts = m[1].split('.');
      for (let i = parts.length - 1; i > 0; i--) if (javaPackages.has(parts.slice(0, i).join('.'))) return true;
      return false;
    }
  }
}

/** Function-like nodes: a declaration inside one is local, not something another file can use. */
const FUNCTION_LIKE =
  /^(function_declaration|generator_function_declaration|function_definition|method_definition|arrow_function|function_expression|function|generator_function|function_item|method_declaration|constructor_declaration|func_literal|closure_expression|lambda|lambda_expression|class_static_block|static_initializer)$/;

/** Module, package or class level: the declarations another file can use. */
function isOuterScope(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) if (FUNCTION_LIKE.test(p.type)) return false;
  return true;
}

function declaredNames(node: Node, how: 'name' | 'declarator', language: BenchLanguage): Node[] {
  if (language === 'python' && node.type === 'assignment') {
    const left = node.childForFieldName('left');
    return left && left.type === 'identifier' ? [left] : [];
  }
  if (how === 'name') {
    const n = node.childForFieldName('name');
    return n ? [n] : [];
  }
  const out: Node[] = [];
  for (const d of node.namedChildren) {
    if (d && /declarator$/.test(d.type)) {
      const n = d.childForFieldName('name');
      if (n && /identifier$/.test(n.type)) out.push(n);
    }
  }
  return out;
}

function factsOf(root: Node, language: BenchLanguage, internal: (text: string) => boolean): FileFacts {
  const defs: FileFacts['defs'] = [];
  const bound = new Set<string>();
  const uses: FileFacts['uses'] = [];
  const importedNames = new Set<string>();
  const externalNames = new Set<string>();
  let packageName: string | undefined;
  const defTable = DEFINITIONS[language];
  const importTypes = IMPORTS[language];
  const cursor = root.walk();
  // The import each ancestor level is in (0 none, 1 internal, 2 external); the top is the parent's.
  const inherited: number[] = [0];
  try {
    for (;;) {
      const node = cursor.currentNode;
      const type = node.type;
      let inImport = inherited[inherited.length - 1];
      if (inImport === 0 && importTypes.has(type) && !(type === 'mod_item' && node.childForFieldName('body'))) {
        inImport = type === 'package_clause' || type === 'package_declaration' || type === 'mod_item' || internal(node.text) ? 1 : 2;
        if (type === 'package_clause') packageName = node.namedChildren.find((c) => c?.type === 'package_identifier')?.text;
        // Go: an import without an alias binds the path's last element.
        if (language === 'go' && inImport === 2 && !node.childForFieldName('name')) {
          const path = /"([^"]+)"/.exec(node.text)?.[1];
          if (path)
            externalNames.add(
              path
                .split('/')
                .pop()!
                .replace(/^go-|\.v\d+$|-go$/g, ''),
            );
        }
      }
      const how = defTable[type];
      if (how && isOuterScope(node))
        for (const n of declaredNames(node, how, language))
          defs.push({ name: n.text, line: n.startPosition.row + 1, ...(MEMBER_SIGNATURES.has(type) ? { signature: true } : {}) });
      if (IDENTIFIERS.has(type) && node.childCount === 0) {
        const field = cursor.currentFieldName;
        const name = node.text;
        if (inImport === 1) importedNames.add(name);
        else if (inImport === 2) externalNames.add(name);
        else if ((field && BINDING_FIELDS.has(field)) || BINDING_PARENTS.test(node.parent?.type ?? '')) bound.add(name);
        else {
          const prev = node.previousSibling;
          const member = prev !== null && (prev.type === '.' || prev.type === '::' || prev.type === '->');
          const path = member && prev.type === '::';
          const q = member ? prev.previousSibling : null;
          const qualifier = q && q.childCount === 0 && /identifier$|^(this|self|super|crate)$/.test(q.type) ? q.text : null;
          uses.push({ name, start: node.startIndex, row: node.startPosition.row, col: node.startPosition.column, member, qualifier, path });
        }
      }
      if (cursor.gotoFirstChild()) {
        inherited.push(inImport);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return { defs, bound, uses, importedNames, externalNames, packageName };
        inherited.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

const SELF = new Set(['this', 'self', 'super', 'crate', 'Self']);
const sha = (s: string) => createHash('sha1').update(s).digest('hex');

export async function buildCases(
  files: SourceFile[],
  language: BenchLanguage,
  opts: { perFile: number; maxCases: number; modules: RepoModules; stdlibMembers?: Set<string> },
): Promise<{
  cases: Case[];
  candidates: number;
  stdlibAmbiguous: number;
  unambiguousNames: number;
  declaringFiles: Map<string, string[]>;
}> {
  const facts = new Map<string, FileFacts>();
  // Python top-level modules and packages; Java packages (declared by the files).
  const pyTop = new Set<string>();
  const javaPackages = new Set<string>();
  for (const f of files) {
    const parts = f.rel.split('/');
    for (const seg of parts) pyTop.add(seg.replace(/\.py$/, ''));
    const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(f.text);
    if (language === 'java' && pkg) javaPackages.add(pkg[1]);
  }
  const internal = (text: string) => isInternalImport(language, text, opts.modules, pyTop, javaPackages);
  for (const f of files) {
    const grammar = caseLanguageOf(f.rel, language);
    if (!grammar) continue;
    const g = await loadGrammar(grammar);
    if (!g.ok) throw new Error(`bench: ${g.reason}`);
    const tree = g.parser.parse(f.text);
    if (!tree) continue;
    try {
      facts.set(f.rel, factsOf(tree.rootNode, language, internal));
    } finally {
      tree.delete();
    }
  }
  // Declaration sites per name over the whole repository.
  const sites = new Map<string, Array<{ file: string; line: number }>>();
  for (const [file, fx] of facts) {
    for (const d of fx.defs) {
      const list = sites.get(d.name) ?? [];
      if (!list.some((s) => s.file === file && s.line === d.line)) list.push({ file, line: d.line });
      sites.set(d.name, list);
    }
  }
  // Names that belong to the repository: declarations, and file and folder names (modules, packages). Not
  // an interface's member: `console?: ConsoleEsque` in an options type does not make `console.log` the repository's.
  const repoNames = new Set<string>();
  for (const [rel, fx] of facts) {
    for (const d of fx.defs) if (!d.signature) repoNames.add(d.name);
    if (fx.packageName) repoNames.add(fx.packageName);
    if (language === 'python' || language === 'rust') for (const seg of rel.split('/')) repoNames.add(seg.replace(/\.[^.]*$/, ''));
  }
  let unambiguousNames = 0;
  for (const s of sites.values()) if (s.length === 1) unambiguousNames++;
  const texts = new Map(files.map((f) => [f.rel, f.text]));
  const candidates: Array<Case & { key: string }> = [];
  let stdlibAmbiguous = 0;
  for (const [file, fx] of facts) {
    const own = new Set(fx.defs.map((d) => d.name));
    const seen = new Set<string>();
    const text = texts.get(file)!;
    const perFile: Array<Case & { key: string }> = [];
    for (const u of fx.uses) {
      if (seen.has(u.name)) continue;
      seen.add(u.name);
      if (u.name.length < 3 || own.has(u.name) || fx.bound.has(u.name) || fx.externalNames.has(u.name)) continue;
      const s = sites.get(u.name);
      if (!s || s.length !== 1 || s[0].file === file) continue;
      // `q.name`: only when q is the repository's (this/self, a local, a declared name, a module or
      // package of it): `errors.New` or `console.log` are not about the repository's `New`/`log`.
      if (u.member) {
        const q = u.qualifier;
        if (!q) continue;
        if (fx.externalNames.has(q)) continue;
        if (!(SELF.has(q) || repoNames.has(q) || fx.importedNames.has(q) || fx.bound.has(q))) continue;
        // A value's member the standard library also has (`tx.send`, `parts.push`, `err.Error`): which
        // one it is depends on the value's type, so the repository's is no single right answer.
        if (opts.stdlibMembers?.has(u.name) && !u.path && (SELF.has(q) || fx.bound.has(q))) {
          stdlibAmbiguous++;
          continue;
        }
      } else if (!fx.importedNames.has(u.name)) {
        // A bare name from another file: only Go and Java see their package's names without an import.
        if (language !== 'go' && language !== 'java') continue;
        if (posix.dirname(s[0].file) !== posix.dirname(file)) continue;
      }
      const nextLine = text.indexOf('\n', u.start);
      perFile.push({
        file,
        line: u.row + 1,
        col: u.col + 1,
        name: u.name,
        prefix: text.slice(0, u.start),
        suffix: nextLine < 0 ? '' : text.slice(nextLine + 1),
        goldFile: s[0].file,
        goldLine: s[0].line,
        kind: u.member ? 'member' : fx.importedNames.has(u.name) ? 'imported' : 'bare',
        key: sha(`${file}:${u.row + 1}:${u.name}`),
      });
    }
    perFile.sort((a, b) => (a.key < b.key ? -1 : 1));
    candidates.push(...perFile.slice(0, opts.perFile));
  }
  candidates.sort((a, b) => (a.key < b.key ? -1 : 1));
  const cases = candidates.slice(0, opts.maxCases).map(({ key: _key, ...c }) => c);
  cases.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  const declaringFiles = new Map<string, string[]>();
  for (const [name, list] of sites) declaringFiles.set(name, [...new Set(list.map((x) => x.file))]);
  return { cases, candidates: candidates.length, stdlibAmbiguous, unambiguousNames, declaringFiles };
}
