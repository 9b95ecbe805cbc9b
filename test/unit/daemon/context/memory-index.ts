/**
 * A real `IndexStore` in a temp dir filled with hand-written chunks, for the tests of the
 * retrieval stages: each chunk's symbols are given, so no chunker is involved.
 */
import { join } from 'node:path';
import { contentHash } from '../../../../daemon/context/chunker';
import type { SemanticStatus, VectorHit } from '../../../../daemon/context/embeddings';
import { IndexStore } from '../../../../daemon/context/index-store';
import { languageOfPath } from '../../../../daemon/context/languages';
import type { RetrievalIndex } from '../../../../daemon/context/retrieval';
import { IndexSyntaxFacts } from '../../../../daemon/context/syntax/facts';
import { rustBlanketsOfChunks } from '../../../../daemon/context/syntax/rust-blankets';
import type { DefinitionKind } from '../../../../daemon/context/syntax/types';
import { tempDir } from './helpers';

/** A symbol of a ChunkSpec: its name, line, kind and (for a member) its container. */
export const sym = (name: string, line: number, kind: DefinitionKind, container?: string) => ({
  name,
  line,
  kind,
  ...(container ? { container } : {}),
});

/** A parse budget no busy machine exceeds, for tests of what a cursor parse resolves (not how fast). */
export const TEST_PARSE_BUDGET_MS = 10_000;

export interface ChunkSpec {
  startLine: number;
  text: string;
  /** Symbols declared in the chunk (each on the chunk's first line unless given), with their kind and container if given. */
  symbols?: Array<string | { name: string; line: number; kind?: DefinitionKind; container?: string }>;
}

export interface MemoryIndex extends RetrievalIndex {
  store: IndexStore;
  /** The chunk id of `path` starting at `startLine`. */
  id(path: string, startLine: number): number;
  /** Path and first line of a chunk id, `path:line`. */
  where(id: number): string;
  close(): void;
}

export function memoryIndex(root: string, files: Record<string, ChunkSpec[]>, vectors: RetrievalIndex['vectors'] = noVectors): MemoryIndex {
  const t = tempDir('memory-index');
  const store = new IndexStore(join(t.dir, 'index.db'));
  let chunkCount = 0;
  for (const [path, chunks] of Object.entries(files)) {
    const language = languageOfPath(path) ?? 'typescript';
    // What indexing records beside the chunks for Rust (file-analysis.ts): its blanket impls.
    const rustBlankets = language === 'rust' ? rustBlanketsOfChunks(chunks) : [];
    store.replaceFile(
      { path, hash: contentHash(path), size: 1, mtimeMs: 1, language },
      chunks.map((c) => ({
        startLine: c.startLine,
        endLine: c.startLine + c.text.split('\n').length - 1,
        text: c.text,
        hash: contentHash(c.text),
        symbols: (c.symbols ?? []).map((s) => (typeof s === 'string' ? { name: s, line: c.startLine } : s)),
      })),
      1,
      rustBlankets.length > 0 ? { imports: [], rustBlankets } : undefined,
    );
    chunkCount += chunks.length;
  }
  const ids = new Map<string, number>();
  for (const path of Object.keys(files)) {
    for (const row of store.chunks(store.chunkIdsOf(path)).values()) ids.set(`${row.path}:${row.startLine}`, row.id);
  }
  return {
    root,
    store,
    syntax: new IndexSyntaxFacts(root, store),
    chunkCount,
    vectors,
    id(path, startLine) {
      const id = ids.get(`${path}:${startLine}`);
      if (id === undefined) throw new Error(`no chunk at ${path}:${startLine}`);
      return id;
    },
    where(id) {
      for (const [k, v] of ids) if (v === id) return k;
      return `?${id}`;
    },
    close() {
      store.close();
      t.cleanup();
    },
  };
}

export const noVectors: RetrievalIndex['vectors'] = {
  status: (): SemanticStatus => ({ active: false, reason: 'no embedder in this test', embedded: 0, total: 0 }),
  search: (): Promise<VectorHit[]> => Promise.resolve([]),
};
