/**
 * The contract between the daemon and its context engine (daemon/context/). The
 * completion handler depends on this interface only.
 */
import type { RecentFile } from '../../protocol';

export interface IndexProgress {
  root: string;
  filesDone: number;
  filesTotal: number;
  state: 'indexing' | 'ready' | 'error';
  error?: string;
}

export interface CompletionContextRequest {
  /** Id under which the diagnostics of this assembly are kept. */
  completionId: string;
  /** Absolute path of the document (may be outside every registered root). */
  path: string;
  languageId: string;
  /** Full text before / after the cursor as the editor sent it. */
  prefix: string;
  suffix: string;
  /** 0-based cursor position. */
  line: number;
  character: number;
  recentFiles: RecentFile[];
  /** The completion model's context window and the tokens reserved for its output. */
  numCtx: number;
  outputReserve: number;
  /** Retrievers are raced against this many ms; whatever finished is used. */
  deadlineMs: number;
}

/** The prompt pieces handed to the router's FIM call, already fitted to the budget. */
export interface AssembledCompletionPrompt {
  /** Retrieved context (rendered for the language) followed by the clipped prefix. */
  prefix: string;
  suffix: string;
  /** Tokens of prefix + suffix as counted by the engine. */
  tokens: number;
  /** Number of retrieved chunks that made it into the prompt. */
  contextChunks: number;
  elapsedMs: number;
}

export interface ContextEngine {
  /** Register a workspace root (realpath); indexing continues in the background. */
  registerRoot(root: string): Promise<void>;
  unregisterRoot(root: string): void;
  roots(): string[];
  progress(): IndexProgress[];
  onProgress(listener: (progress: IndexProgress[]) => void): () => void;
  /** Assemble the FIM prompt for a cursor within `deadlineMs`; never throws for retrieval failures. */
  assembleCompletion(req: CompletionContextRequest, signal?: AbortSignal): Promise<AssembledCompletionPrompt>;
  /** Whether semantic retrieval is active (`false` = BM25 only, with the reason). */
  semanticStatus(): { active: boolean; reason?: string };
  dispose(): Promise<void>;
}
