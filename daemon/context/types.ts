/**
 * The contract between the daemon and its context engine (daemon/context/). The
 * completion handler depends on this interface only.
 */
import type { RecentFile } from '../../protocol';
import type { PromptLayout } from './render';

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
  /**
   * How retrieved context is written for the completion model (default `comments`): its
   * family's repository-level layout when it was trained on one (`daemon/router/fim.ts`).
   */
  layout?: PromptLayout;
  /** The roots this request may draw context from (its session's own); default every registered root. */
  roots?: readonly string[];
  /** Why not to run the vector search (which has the embedding model embed the query), when not: the warm-up's. */
  skipVector?: string;
}

/** The prompt pieces handed to the router's FIM call, already fitted to the budget. */
export interface AssembledCompletionPrompt {
  /**
   * `comments`: retrieved context (rendered for the language) followed by the clipped prefix;
   * a repository-level layout: the clipped prefix (StarCoder2: after the current file's path).
   */
  prefix: string;
  suffix: string;
  /** Repository-level layouts only: the context the router puts before the FIM prefix token. */
  repoContext?: string;
  /** The layout used (`comments` outside every root even when another was asked for). */
  layout: PromptLayout;
  /** Tokens of repoContext + prefix + suffix as counted by the engine (each as its own segment). */
  tokens: number;
  /** Number of retrieved chunks that made it into the prompt. */
  contextChunks: number;
  elapsedMs: number;
}

/** Chat-side context: project rules and chunks retrieved for a question (`@codebase`). */
export interface ChatAssemblyRequest {
  /** Id to keep diagnostics under (the chat turn id). */
  requestId?: string;
  /** The user's question. */
  query: string;
  /** Absolute path of the current document, if any. */
  path?: string;
  languageId?: string;
  /** Selected text, if any. */
  selection?: string;
  /** Limit to one registered root (default: the root of `path`, else every root). */
  root?: string;
  /** The roots this request may draw from (its session's own); default every registered root. */
  roots?: readonly string[];
  recentFiles?: RecentFile[];
  /** Tokens available for rules + retrieved chunks. */
  budgetTokens: number;
  signal?: AbortSignal;
}

export interface ChatAssembly {
  rules: Array<{ path: string; text: string }>;
  chunks: Array<{ root: string; file: string; startLine: number; endLine: number; text: string }>;
  /** Rules and chunks rendered as markdown. */
  text: string;
  tokens: number;
  elapsedMs: number;
  semantic: { active: boolean; reason?: string };
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
  /**
   * Do what `assembleCompletion` would for this cursor and keep only what it cached (the
   * document's token counts and imports, the chunks' counts): for a document just brought
   * into view, before its first completion. Records nothing; never throws for retrieval failures.
   */
  prepareCompletion(req: Omit<CompletionContextRequest, 'completionId'>, signal?: AbortSignal): Promise<AssembledCompletionPrompt>;
  /** Rules and retrieved chunks for a chat question, fitted to `budgetTokens`. */
  assembleChat(req: ChatAssemblyRequest): Promise<ChatAssembly>;
  /** Whether semantic retrieval is active (`false` = BM25 only, with the reason). */
  semanticStatus(): { active: boolean; reason?: string };
  dispose(): Promise<void>;
}
