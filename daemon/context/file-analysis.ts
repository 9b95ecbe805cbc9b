/**
 * What the index computes from one file's text before writing it: chunks and syntax facts
 * (syntax/analyze.ts), the members used through each receiver name (member-uses.ts), Rust
 * blanket impls (syntax/rust-blankets.ts) and
 * the full-text terms of each chunk. Pure and serialisable (plain
 * objects, no syntax tree), so it runs in an index worker (index-worker.ts, through
 * analysis-pool.ts) while the daemon's thread writes SQLite, or in-process as the fallback.
 */
import type { Chunk, ChunkOptions } from './chunker';
import { indexTerms } from './identifiers';
import { MEMBER_USE_LANGUAGES, memberUsesIn } from './member-uses';
import { analyzeFile, PARSE_BUDGET_MS } from './syntax/analyze';
import { rustBlanketsOfChunks } from './syntax/rust-blankets';
import type { FileSyntax } from './syntax/types';

export interface AnalysisRequest {
  text: string;
  /** The file's language id (languages.ts). */
  language: string;
  chunk: ChunkOptions;
  /** Most milliseconds a tree-sitter parse may take before the heuristic parser is used. */
  parseBudgetMs?: number;
}

/** FTS5 column values of one chunk: its declared names (and their containers), its text. */
export interface ChunkTerms {
  symbols: string;
  body: string;
}

export interface FileAnalysis {
  chunks: Chunk[];
  /** The file's facts without the outline (only chunking needs it). */
  syntax: Omit<FileSyntax, 'outline'>;
  /** `terms[i]` belongs to `chunks[i]`. */
  terms: ChunkTerms[];
}

export function analyzeForIndex(req: AnalysisRequest): FileAnalysis {
  const { chunks, syntax } = analyzeFile(req.text, req.language, req.chunk, req.parseBudgetMs ?? PARSE_BUDGET_MS);
  const { outline: _outline, ...facts } = syntax;
  // The members the file uses through each receiver name, for member ranking across the workspace (member-uses.ts).
  if (MEMBER_USE_LANGUAGES.test(req.language)) facts.memberUses = memberUsesIn(req.text);
  // Rust blanket impls, which the index keeps no symbol for (an empty impl declares nothing): receiver-members.ts.
  if (req.language === 'rust') facts.rustBlankets = rustBlanketsOfChunks(chunks);
  return { chunks, syntax: facts, terms: chunks.map(chunkTerms) };
}

/** The terms a chunk is found by: a member's container names count as its symbols (`Pool` finds `Pool.acquire`). */
export function chunkTerms(c: Chunk): ChunkTerms {
  const names = c.symbols.map((s) => s.name);
  const containers = [...new Set(c.symbols.map((s) => s.container).filter((n): n is string => !!n && !names.includes(n)))];
  return { symbols: indexTerms([...names, ...containers].join(' ')), body: indexTerms(c.text) };
}
