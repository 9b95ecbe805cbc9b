/**
 * Search: a query in words (`tandem/context/search`, `tandemd search`) over one root or
 * every registered root, through the same retrievers as completions (prose mode: plain
 * lowercase words are not taken for symbol names), best hits first.
 */
import { join } from 'node:path';
import type { ContextSearchHit } from '../../protocol';
import { roundScore } from './diagnostics';
import type { Retrieval } from './retrieval';
import { ContextEngineError } from './errors';
import type { SemanticState } from './roots';

export interface SearchParams {
  query: string;
  root?: string;
  /** The roots it may search (a session's own); default every registered root. */
  roots?: readonly string[];
  k?: number;
}

export interface SearchDeps {
  retrieval: Pick<Retrieval, 'retrieve'>;
  roots: {
    /** A registered root by path; throws when it is not registered. */
    require(root: string): { root: string };
    all(): Array<{ root: string }>;
    semanticStatus(): SemanticState;
  };
}

/** Quick lexical + semantic search over one root or every registered root. */
export async function searchRoots(deps: SearchDeps, params: SearchParams): Promise<{ hits: ContextSearchHit[]; semantic: SemanticState }> {
  const k = params.k ?? 10;
  const permitted = (w: { root: string }) => params.roots === undefined || params.roots.includes(w.root);
  const targets = params.root ? [deps.roots.require(params.root)] : deps.roots.all().filter(permitted);
  if (!targets.every(permitted)) {
    throw new ContextEngineError(`${params.root} is not a workspace root of this connection.`, 'workspace_not_registered');
  }
  const hits: ContextSearchHit[] = [];
  for (const ws of targets) {
    const r = await deps.retrieval.retrieve({
      path: join(ws.root, '.tandem-search-query'),
      languageId: 'plaintext',
      prefix: params.query,
      suffix: '',
      line: 0,
      k,
      perFileCap: k,
      excludeLines: [0, -1],
      prose: true,
      roots: params.roots,
    });
    for (const c of r.chunks) {
      hits.push({
        root: ws.root,
        file: c.file,
        startLine: c.startLine,
        endLine: c.endLine,
        score: roundScore(c.score),
        sources: c.sources,
        symbols: c.symbols,
        preview: c.text.split('\n').slice(0, 5).join('\n'),
      });
    }
  }
  hits.sort((a, b) => b.score - a.score || (a.file < b.file ? -1 : 1) || a.startLine - b.startLine);
  return { hits: hits.slice(0, k), semantic: deps.roots.semanticStatus() };
}
