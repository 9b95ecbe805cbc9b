/**
 * Tree-sitter grammars, loaded lazily: the WebAssembly runtime (web-tree-sitter) once,
 * then each language's grammar the first time a file of it is indexed. Nothing native:
 * the runtime and the grammars are `.wasm` files that load on any Node.
 *
 * Runtime assets, loaded from node_modules at run time (both packages are daemon externals;
 * the VSIX must carry exactly these, see docs/context-engine.md):
 *   node_modules/web-tree-sitter/{package.json,LICENSE,tree-sitter.cjs,tree-sitter.js,tree-sitter.wasm}
 *   node_modules/@vscode/tree-sitter-wasm/{package.json,LICENSE}
 *   node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-<grammar>.wasm for each
 *     grammar in GRAMMAR_FILES below (11 files, ~19 MB; not bash, css, ini, powershell, regex)
 *
 * The grammars are VS Code's own build (@vscode/tree-sitter-wasm, built with tree-sitter
 * 0.25), and the runtime is web-tree-sitter of the same minor version, so the ABI the
 * grammars were generated for (14 or 15) is one the runtime reads. C is parsed with the
 * C++ grammar (a superset for what chunks and definitions need; the package has no C).
 *
 * A grammar that cannot be loaded (files missing, corrupt, an ABI the runtime refuses)
 * is remembered as failed with its reason, and files of that language fall back to the
 * heuristic parser; loading is never retried in the same process.
 */
import { dirname, join } from 'node:path';
import type { Language, Parser } from 'web-tree-sitter';

export type GrammarId = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'rust' | 'java' | 'cpp' | 'c_sharp' | 'ruby' | 'php';

/** The grammar file of each grammar in @vscode/tree-sitter-wasm's `wasm/` folder. */
export const GRAMMAR_FILES: Record<GrammarId, string> = {
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
  go: 'tree-sitter-go.wasm',
  rust: 'tree-sitter-rust.wasm',
  java: 'tree-sitter-java.wasm',
  cpp: 'tree-sitter-cpp.wasm',
  c_sharp: 'tree-sitter-c-sharp.wasm',
  ruby: 'tree-sitter-ruby.wasm',
  php: 'tree-sitter-php.wasm',
};

/** VS Code language ids (and the index's own ids) that have a grammar. */
const BY_LANGUAGE_ID: Record<string, GrammarId> = {
  typescript: 'typescript',
  typescriptreact: 'tsx',
  javascript: 'javascript',
  javascriptreact: 'javascript',
  python: 'python',
  go: 'go',
  rust: 'rust',
  java: 'java',
  c: 'cpp',
  cpp: 'cpp',
  csharp: 'c_sharp',
  ruby: 'ruby',
  php: 'php',
};

/** The grammar for a language id, if there is one (Kotlin, Swift, … have none: heuristics). */
export function grammarFor(languageId: string): GrammarId | undefined {
  return BY_LANGUAGE_ID[languageId];
}

/** Lowest and highest grammar ABI the runtime reads (web-tree-sitter 0.25). */
export const MIN_ABI = 13;
export const MAX_ABI = 15;

type Loaded = { ok: true; language: Language; parser: Parser } | { ok: false; reason: string };

type Runtime = typeof import('web-tree-sitter');
let runtime: Promise<Runtime> | undefined;
let runtimeError: string | undefined;
const grammars = new Map<GrammarId, Promise<Loaded>>();
const ready = new Map<GrammarId, Loaded>();

/** Where the runtime's wasm is (its JavaScript is bundled into the daemon). */
function runtimeDir(): string {
  return dirname(require.resolve('web-tree-sitter/tree-sitter.wasm'));
}

/** Where the grammars are. */
export function grammarDir(): string {
  return join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
}

/** Load and start the runtime (once). Imported lazily: a daemon without it still runs, on heuristics. */
function initRuntime(): Promise<Runtime> {
  runtime ??= (async () => {
    const ts = await import('web-tree-sitter');
    const dir = runtimeDir();
    await ts.Parser.init({ locateFile: (name: string) => join(dir, name) });
    return ts;
  })().catch((err: unknown) => {
    runtimeError = `the tree-sitter runtime did not load (${(err as Error).message})`;
    throw err;
  });
  return runtime;
}

/**
 * Load a grammar (once); resolves with the parser or the reason it is unavailable.
 * Never rejects.
 */
export function loadGrammar(id: GrammarId): Promise<Loaded> {
  let p = grammars.get(id);
  if (!p) {
    p = (async (): Promise<Loaded> => {
      let ts: Runtime;
      try {
        ts = await initRuntime();
      } catch {
        return { ok: false, reason: runtimeError ?? 'the tree-sitter runtime did not load' };
      }
      try {
        const language = await ts.Language.load(join(grammarDir(), GRAMMAR_FILES[id]));
        const abi = language.abiVersion;
        if (abi < MIN_ABI || abi > MAX_ABI)
          return { ok: false, reason: `grammar ${id} has ABI ${abi}, the runtime reads ${MIN_ABI}-${MAX_ABI}` };
        const parser = new ts.Parser();
        parser.setLanguage(language);
        return { ok: true, language, parser };
      } catch (err) {
        return { ok: false, reason: `grammar ${id} did not load (${(err as Error).message})` };
      }
    })().then((r) => {
      ready.set(id, r);
      return r;
    });
    grammars.set(id, p);
  }
  return p;
}

/** The parser of a grammar if it has finished loading (synchronous callers: completion time). */
export function loadedParser(id: GrammarId): Parser | undefined {
  const r = ready.get(id);
  return r?.ok ? r.parser : undefined;
}

/** Why a grammar is unavailable, if it failed to load. */
export function grammarFailure(id: GrammarId): string | undefined {
  const r = ready.get(id);
  return r && !r.ok ? r.reason : undefined;
}
