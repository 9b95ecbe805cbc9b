/**
 * The method names of each language's standard library, for the benchmark's ambiguity rule
 * (bench/retrieval/cases.ts): `tx.send(…)` on a Rust `mpsc::Sender`, `parts.push(…)` on a
 * TypeScript array or `err.Error()` in Go call the standard library's method, not the one
 * repository method of that name, so a case whose gold is the repository's `send` would score
 * as wrong the engine that leaves it out. A name is ambiguous in a case after `value.` when
 * the standard library has a public method of that name, just as it is when the repository
 * declares it twice.
 *
 * Read from the sources of a pinned standard library, parsed with the same tree-sitter
 * grammars as the cases (public methods of types, traits and interfaces only; no fields):
 *
 *   typescript  ECMAScript's declarations (lib.es*.d.ts) of this project's `typescript`
 *   python      the stdlib of `python3` on PATH (methods of its classes, without tests, IDLE,
 *               tkinter, lib2to3 and turtledemo), and the attributes of the built-in types
 *   go          GOROOT's src (`go env GOROOT`, else Debian's golang-src): exported methods and
 *               interface methods, without cmd/, internal/, vendor/, testdata and tests
 *   rust        core, alloc and std of Rust's source (`rustc --print sysroot`, else Debian's
 *               rust-src): `pub fn` of inherent impls and the fns of traits
 *   java        java.base of JDK 17's src.zip (Debian's openjdk-17-source, else $JAVA_HOME's):
 *               public and protected methods of java.* and javax.*
 *
 * `$TANDEM_BENCH_STDLIB_<LANGUAGE>` (a folder; for Java a src.zip) overrides where one is
 * read from. The names are cached per source under `<cache>/../stdlib/`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { loadGrammar } from '../../daemon/context/syntax/grammars';
import type { BenchLanguage } from './repos';
import { cacheDir } from './repos';

export type StdlibMembers = { ok: true; names: Set<string>; source: string } | { ok: false; reason: string };

const INSTALL: Record<BenchLanguage, string> = {
  typescript: 'run npm install (the typescript package provides lib.es*.d.ts)',
  python: 'put python3 on PATH (apt-get install python3)',
  go: 'install Go or its sources (apt-get install golang-src)',
  rust: 'install the Rust sources (rustup component add rust-src, or apt-get install rust-src)',
  java: 'install a JDK 17 with its sources (apt-get install openjdk-17-source unzip)',
};

function run(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The names in a folder that match, sorted ([] when the folder is missing). */
function namesIn(dir: string, re: RegExp): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((d) => re.test(d))
        .sort()
    : [];
}

/** Where a language's standard library is read from, or undefined. */
function sourceOf(language: BenchLanguage): string | undefined {
  const override = process.env[`TANDEM_BENCH_STDLIB_${language.toUpperCase()}`];
  if (override) return existsSync(override) ? override : undefined;
  const first = (cands: Array<string | undefined>) => cands.find((c): c is string => !!c && existsSync(c));
  switch (language) {
    case 'typescript':
      return dirname(require.resolve('typescript/lib/lib.es5.d.ts'));
    case 'python': {
      const dir = run('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"]);
      return first([dir]);
    }
    case 'go': {
      const root = run('go', ['env', 'GOROOT']);
      // Debian's golang-src, the newest first.
      const debian = namesIn('/usr/share', /^go-\d/)
        .reverse()
        .map((d) => `/usr/share/${d}/src`);
      return first([root && join(root, 'src'), ...debian, '/usr/lib/go/src']);
    }
    case 'rust': {
      const sysroot = run('rustc', ['--print', 'sysroot']);
      return first([sysroot && join(sysroot, 'lib/rustlib/src/rust/library'), '/usr/lib/rustlib/src/rust/library']);
    }
    case 'java': {
      const home = process.env.JAVA_HOME;
      const jvm = namesIn('/usr/lib/jvm', /^java-17-openjdk/).map((d) => `/usr/lib/jvm/${d}/lib/src.zip`);
      return first([...jvm, home && join(home, 'lib/src.zip')]);
    }
  }
}

/** Files under a folder whose path (relative, `/`-separated) passes `keep`. */
function filesUnder(root: string, keep: (rel: string, isDir: boolean) => boolean): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      const rel = relative(root, full).split('\\').join('/');
      if (e.isDirectory()) {
        if (keep(rel, true)) visit(full);
      } else if (e.isFile() && keep(rel, false)) out.push(full);
    }
  };
  visit(root);
  return out.sort();
}

/** The files of a standard library to read. */
function libraryFiles(language: BenchLanguage, source: string): string[] {
  switch (language) {
    case 'typescript':
      return readdirSync(source)
        .filter((f) => /^lib\.es.*\.d\.ts$/.test(f))
        .sort()
        .map((f) => join(source, f));
    case 'python':
      return filesUnder(source, (rel, isDir) =>
        isDir
          ? !/(^|\/)(test|tests|idlelib|tkinter|lib2to3|turtledemo|ensurepip|site-packages|dist-packages|__pycache__)$/.test(rel) &&
            !/^config-/.test(rel)
          : /\.py$/.test(rel),
      );
    case 'go':
      return filesUnder(source, (rel, isDir) =>
        isDir ? !/(^|\/)(cmd|internal|vendor|testdata)$/.test(rel) : /\.go$/.test(rel) && !/_test\.go$/.test(rel),
      );
    case 'rust':
      return ['core', 'alloc', 'std'].flatMap((crate) =>
        filesUnder(join(source, crate, 'src'), (rel, isDir) => (isDir ? !/(^|\/)(tests|benches)$/.test(rel) : /\.rs$/.test(rel))),
      );
    case 'java': {
      // java.base of src.zip, unpacked once beside the names' cache.
      const dir = join(stdlibCache(), `java.base-${hashOf(source)}`);
      if (!existsSync(join(dir, '.complete'))) {
        const tmp = `${dir}.partial-${process.pid}`;
        rmSync(tmp, { recursive: true, force: true });
        mkdirSync(tmp, { recursive: true });
        execFileSync('unzip', ['-q', '-o', source, 'java.base/*', '-d', tmp]);
        writeFileSync(join(tmp, '.complete'), `${source}\n`);
        rmSync(dir, { recursive: true, force: true });
        renameSync(tmp, dir);
      }
      // The packages a program can use (java.*, javax.*), not sun.* or jdk.internal.*.
      return filesUnder(join(dir, 'java.base'), (rel, isDir) => (isDir ? /^javax?(\/|$)/.test(rel) : /\.java$/.test(rel)));
    }
  }
}

const named = (n: Node | null): string | undefined => n?.childForFieldName('name')?.text;
const hasChild = (n: Node, pred: (c: Node) => boolean) => n.children.some((c) => c !== null && pred(c));

/** The public method names one parsed file of a standard library declares. */
function methodsOf(root: Node, language: BenchLanguage, out: Set<string>) {
  const add = (name: string | undefined) => {
    if (name) out.add(name);
  };
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const c of n.namedChildren) if (c) stack.push(c);
    const parent = n.parent;
    switch (language) {
      case 'typescript':
        if (n.type === 'method_signature' && parent?.type === 'interface_body') add(named(n));
        break;
      case 'python':
        // A def directly in a class body (the block of a class_definition), not private.
        if (n.type === 'function_definition' && parent?.type === 'block' && parent.parent?.type === 'class_definition') {
          const name = named(n);
          if (name && !name.startsWith('_')) add(name);
        }
        break;
      case 'go': {
        const name = n.type === 'method_declaration' || n.type === 'method_elem' || n.type === 'method_spec' ? named(n) : undefined;
        if (name && /^[A-Z]/.test(name)) add(name);
        break;
      }
      case 'rust':
        if ((n.type === 'function_item' || n.type === 'function_signature_item') && parent?.type === 'declaration_list') {
          const owner = parent.parent;
          if (owner?.type === 'trait_item') add(named(n));
          else if (
            owner?.type === 'impl_item' &&
            !owner.childForFieldName('trait') &&
            hasChild(n, (c) => c.type === 'visibility_modifier' && c.text === 'pub')
          )
            add(named(n));
        }
        break;
      case 'java':
        if (n.type === 'method_declaration' && (parent?.type === 'class_body' || parent?.type === 'interface_body')) {
          // Public or protected; an interface's methods are public unless private.
          const mods = n.namedChildren.find((c) => c?.type === 'modifiers')?.text ?? '';
          if (/\b(public|protected)\b/.test(mods) || (parent.type === 'interface_body' && !/\bprivate\b/.test(mods))) add(named(n));
        }
        break;
    }
  }
}

/** Python's built-in types are written in C: their attributes, from the interpreter. */
function pythonBuiltins(out: Set<string>): boolean {
  const names = run('python3', [
    '-c',
    'import builtins\nfor c in vars(builtins).values():\n  if isinstance(c, type):\n    for a in dir(c):\n      if not a.startswith("_"): print(a)',
  ]);
  if (names === undefined) return false;
  for (const n of names.split('\n')) if (n) out.add(n);
  return true;
}

function hashOf(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 12);
}

function stdlibCache(): string {
  return join(cacheDir(), '..', 'stdlib');
}

/**
 * What identifies a source's version, so a changed library is read again: TypeScript's package version,
 * python3's, a VERSION stamp beside the source, else the version of the Debian package holding it
 * (golang-1.19-src, rust-src, openjdk-17-jdk-headless), else when the source last changed.
 */
export function versionOf(language: BenchLanguage, source: string): string {
  if (language === 'typescript') return String(JSON.parse(readFileSync(join(source, '..', 'package.json'), 'utf8')).version);
  if (language === 'python') return run('python3', ['--version']) ?? '';
  const stamp = ['VERSION', '../VERSION', '../version'].map((f) => join(source, f)).find((f) => existsSync(f));
  if (stamp) return readFileSync(stamp, 'utf8').split('\n')[0];
  const real = realpathSync(source);
  const owner = run('dpkg-query', ['-S', real])?.split('\n')[0].split(':')[0];
  const packaged = owner ? run('dpkg-query', ['-W', '-f', '${Version}', owner]) : undefined;
  return packaged ? `${owner} ${packaged}` : `modified ${statSync(real).mtime.toISOString()}`;
}

/** The public method names a piece of a standard library's source declares (as stdlibMembers reads each file). */
export async function methodsIn(text: string, language: BenchLanguage): Promise<Set<string>> {
  const g = await loadGrammar(language);
  if (!g.ok) throw new Error(`bench: ${g.reason}`);
  const tree = g.parser.parse(text);
  const out = new Set<string>();
  if (!tree) return out;
  try {
    methodsOf(tree.rootNode, language, out);
  } finally {
    tree.delete();
  }
  return out;
}

const memo = new Map<BenchLanguage, StdlibMembers>();

/** The public method names of a language's standard library (cached), or why they cannot be read. */
export async function stdlibMembers(language: BenchLanguage): Promise<StdlibMembers> {
  const known = memo.get(language);
  if (known) return known;
  const source = sourceOf(language);
  if (!source) {
    const reason = `bench: the ${language} standard library's sources were not found: ${INSTALL[language]}, or point TANDEM_BENCH_STDLIB_${language.toUpperCase()} at them.`;
    return { ok: false, reason };
  }
  const version = versionOf(language, source);
  const label = version ? `${source} (${version})` : source;
  const cacheFile = join(stdlibCache(), `${language}-${hashOf(label)}.json`);
  let names: Set<string>;
  if (existsSync(cacheFile)) names = new Set(JSON.parse(readFileSync(cacheFile, 'utf8')).names as string[]);
  else {
    names = new Set();
    for (const file of libraryFiles(language, source)) for (const n of await methodsIn(readFileSync(file, 'utf8'), language)) names.add(n);
    if (language === 'python' && !pythonBuiltins(names))
      return { ok: false, reason: `bench: python3 could not list its built-in types' attributes` };
    mkdirSync(stdlibCache(), { recursive: true });
    writeFileSync(cacheFile, JSON.stringify({ source: label, names: [...names].sort() }));
  }
  const result: StdlibMembers = { ok: true, names, source: label };
  memo.set(language, result);
  return result;
}
