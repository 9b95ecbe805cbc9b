/**
 * One entry point for what the index needs of a file: chunks and syntax facts, from
 * tree-sitter when the file's grammar is loaded, otherwise (no grammar for the language,
 * the grammar failed to load, the file is too large to parse, parsing ran out of time,
 * or the tree is mostly errors) from the heuristic chunker and import patterns. The
 * result says which parser was used and why the fallback, when there was one.
 *
 * Parsing is synchronous, so it is bounded: files over MAX_PARSE_BYTES are not parsed, and
 * a parse is cancelled after `parseBudgetMs` (PARSE_BUDGET_MS on the daemon's event loop; an
 * index worker, which blocks nothing, allows WORKER_PARSE_BUDGET_MS).
 */
import { chunkOutline, chunkText, type Chunk, type ChunkOptions } from '../chunker';
import { parseImports } from '../imports';
import { extractSyntax } from './extract';
import { grammarFailure, grammarFor, loadedParser } from './grammars';
import type { Definition, DefinitionKind, FileSyntax, ImportFact } from './types';

export const MAX_PARSE_BYTES = 256 * 1024;
export const PARSE_BUDGET_MS = 200;
/** In an index worker (file-analysis.ts): a cold WebAssembly parse of a 100 KB file can take 200 ms there alone. */
export const WORKER_PARSE_BUDGET_MS = 2000;
/** A tree whose top-level error nodes cover more than this share of the lines is not trusted. */
const MAX_ERROR_SHARE = 0.5;

export interface AnalyzedFile {
  chunks: Chunk[];
  syntax: FileSyntax;
}

export function analyzeFile(text: string, languageId: string, opts: ChunkOptions, parseBudgetMs: number = PARSE_BUDGET_MS): AnalyzedFile {
  const grammar = grammarFor(languageId);
  if (!grammar) return heuristic(text, languageId, opts);
  const parser = loadedParser(grammar);
  if (!parser) return heuristic(text, languageId, opts, grammarFailure(grammar) ?? `grammar ${grammar} is not loaded`);
  if (text.length > MAX_PARSE_BYTES) return heuristic(text, languageId, opts, `larger than ${MAX_PARSE_BYTES / 1024} KB`);
  const started = performance.now();
  let timedOut = false;
  let tree;
  try {
    tree = parser.parse(text, null, {
      progressCallback: () => {
        if (performance.now() - started > parseBudgetMs) timedOut = true;
        return timedOut;
      },
    });
  } catch (err) {
    parser.reset();
    return heuristic(text, languageId, opts, `tree-sitter failed (${(err as Error).message})`);
  }
  if (!tree) {
    parser.reset();
    return heuristic(text, languageId, opts, timedOut ? `parsing took over ${parseBudgetMs} ms` : 'tree-sitter returned no tree');
  }
  try {
    const root = tree.rootNode;
    if (root.hasError) {
      let errorRows = 0;
      for (const c of root.namedChildren)
        if (c && (c.type === 'ERROR' || c.isMissing)) errorRows += c.endPosition.row - c.startPosition.row + 1;
      if (errorRows > MAX_ERROR_SHARE * (root.endPosition.row + 1)) return heuristic(text, languageId, opts, 'mostly syntax errors');
    }
    const facts = extractSyntax(root, grammar, text, opts.maxLines);
    const chunks = chunkOutline(text, facts.outline!, facts.definitions, opts);
    return { chunks, syntax: { parser: `tree-sitter:${grammar}`, ...facts } };
  } finally {
    tree.delete();
  }
}

const kindPatterns: Array<[RegExp, DefinitionKind]> = [
  [/\b(class|object|record)\s/, 'class'],
  [/\binterface\s/, 'interface'],
  [/\b(struct|union)\s/, 'struct'],
  [/\btrait\s/, 'trait'],
  [/\benum\s/, 'enum'],
  [/\b(type|typedef)\s/, 'type'],
  [/\b(module|namespace|mod)\s/, 'module'],
  [/\b(macro_rules!|#define)/, 'macro'],
  [/\bconst\s/, 'constant'],
  [/\b(let|var|static)\s/, 'variable'],
];

/** The heuristic parser: regex chunking and imports (every language, and the fallback). */
function heuristic(text: string, languageId: string, opts: ChunkOptions, fallbackReason?: string): AnalyzedFile {
  const chunks = chunkText(text, languageId, opts);
  const lines = text.split(/\r?\n/);
  const definitions: Definition[] = [];
  for (const c of chunks) {
    for (const s of c.symbols) {
      const l = lines[s.line - 1] ?? '';
      const kind = kindPatterns.find(([re]) => re.test(l))?.[1] ?? 'function';
      definitions.push({ name: s.name, kind, line: s.line, startLine: s.line, endLine: c.endLine });
    }
  }
  const imports: ImportFact[] = parseImports(text.length > 200_000 ? text.slice(0, 200_000) : text, languageId).map((st) => ({
    specifier: st.specifier,
    kind: languageId === 'go' ? 'package' : 'module',
    names: st.names,
    ...(st.namespace ? { namespace: st.namespace } : {}),
    line: lineOf(text, st.specifier),
  }));
  const packageName =
    languageId === 'go'
      ? /^package\s+(\w+)/m.exec(text)?.[1]
      : languageId === 'java'
        ? /^package\s+([\w.]+)\s*;/m.exec(text)?.[1]
        : undefined;
  return {
    chunks,
    syntax: {
      parser: 'heuristic',
      ...(fallbackReason ? { fallbackReason } : {}),
      definitions,
      imports,
      ...(packageName ? { packageName } : {}),
    },
  };
}

function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i < 0) return 1;
  let n = 1;
  for (let j = text.indexOf('\n'); j >= 0 && j < i; j = text.indexOf('\n', j + 1)) n++;
  return n;
}
