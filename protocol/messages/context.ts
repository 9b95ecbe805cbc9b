/**
 * Context engine: index progress, "why this suggestion?" diagnostics and quick search
 * over the workspace index.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zId, zPath } from '../define';
import type { TandemErrorData } from '../errors';

/** Where a retrieved chunk came from; a chunk found by several retrievers lists each. */
export type ContextSource = 'bm25' | 'vector' | 'definitions' | 'imports';

/** Indexing state of one workspace root. */
export interface IndexProgressInfo {
  root: string;
  filesDone: number;
  filesTotal: number;
  state: 'indexing' | 'ready' | 'error';
  error?: string;
}

/** One retriever's run during an assembly. */
export interface RetrieverRun {
  name: ContextSource;
  /** `done`: finished in time; `timeout`: lost the race against the deadline; `skipped`: not run (reason given). */
  status: 'done' | 'timeout' | 'error' | 'skipped';
  ms: number;
  hits: number;
  reason?: string;
}

/** A candidate chunk and what became of it. */
export interface ContextCandidateInfo {
  /** Root-relative, `/`-separated. */
  file: string;
  /** 1-based inclusive lines. */
  startLine: number;
  endLine: number;
  /** Fused score (higher is better). */
  score: number;
  sources: ContextSource[];
  /** Boosts applied: `imported-file`, `unused-import`, `namespace-member`, `open-file`, `recent-file`, `same-dir`. */
  signals: string[];
  /**
   * What put it at its rank: a placement signal (`unused-import`, `same-package`,
   * `receiver-member`, `namespace-member`, …) or, for the fused ranking, its strongest source.
   */
  placedBy?: string;
  /** The parser that chunked its file: `tree-sitter:<grammar>` or `heuristic` (completions only). */
  parser?: string;
  /** Tokens of the rendered chunk as it went into the prompt (or would have). */
  tokens: number;
  /**
   * `selected`: in the prompt as retrieved; `compacted`: in the prompt shrunk to signatures or
   * merged with a neighbour; `duplicate`: dropped as a copy of a higher-ranked chunk;
   * `dropped`: did not fit the budget; `capped`: over the per-file or count cap.
   */
  outcome: 'selected' | 'compacted' | 'duplicate' | 'dropped' | 'capped';
}

/** What one context assembly did, kept for recent completion ids. */
export interface ContextDiagnostics {
  completionId: string;
  kind: 'completion' | 'chat';
  /** Workspace root the document belongs to; absent when it is outside every root. */
  root?: string;
  file: string;
  /** 1-based cursor line, when there is a cursor. */
  line?: number;
  createdAt: number;
  elapsedMs: number;
  deadlineMs?: number;
  semantic: { active: boolean; reason?: string };
  retrievers: RetrieverRun[];
  candidates: ContextCandidateInfo[];
  budget: {
    /** Model context − output reserve. */
    total: number;
    prefix: number;
    suffix: number;
    context: number;
    rules?: number;
  };
  tokens: { prefix: number; suffix: number; context: number; rules?: number; total: number };
  /** Whether the document's prefix / suffix had to be clipped, and from how many lines. */
  clipped: { prefix: boolean; suffix: boolean; prefixLines: number; suffixLines: number };
  compaction: { ran: boolean; signatures: number; merged: number; duplicates: number };
  /** How the context was written for the model: `comments`, `qwen-repo` or `starcoder-repo` (completions only). */
  layout?: string;
  /** Project rule files included (chat only). */
  rules?: string[];
}

/**
 * `tandem/context/diagnostics` — client → daemon. The diagnostics recorded when the
 * context of a completion (or chat turn) was assembled: candidates with scores, sources
 * and tokens, what was compacted, clipped and dropped, retriever timings.
 * Error: `NotFound` when the id is unknown or has expired (only recent ids are kept). Since 1.0.
 */
export namespace ContextDiagnosticsRequest {
  export const method = 'tandem/context/diagnostics' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ completionId: zId });
  export type Params = z.input<typeof params>;
  export type Result = ContextDiagnostics;
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/index/progress` — daemon → client. Indexing progress of every registered root
 * (files done / total and state), sent while indexing and when a root becomes ready. Since 1.0.
 */
export namespace IndexProgressNotification {
  export const method = 'tandem/index/progress' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export interface Params {
    roots: IndexProgressInfo[];
  }
  export const type = new NotificationType<Params>(method);
}

/** One search hit. */
export interface ContextSearchHit {
  root: string;
  file: string;
  startLine: number;
  endLine: number;
  score: number;
  sources: ContextSource[];
  symbols: string[];
  /** The chunk's first lines. */
  preview: string;
}

/**
 * `tandem/context/search` — client → daemon. Quick search of the index (lexical, and
 * semantic when an embed model is available) for `@codebase` pickers and debugging.
 * Params: the query text, optionally one root (default: every registered root) and `k`.
 * Result: hits best first, and whether semantic search took part. Errors:
 * `WorkspaceNotRegistered` for an unknown root. Since 1.0.
 */
export namespace ContextSearchRequest {
  export const method = 'tandem/context/search' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    query: z.string().min(1).max(10_000),
    root: zPath.optional(),
    k: z.number().int().min(1).max(100).default(10),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    hits: ContextSearchHit[];
    semantic: { active: boolean; reason?: string };
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}
