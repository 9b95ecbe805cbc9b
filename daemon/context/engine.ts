/**
 * Tandem's context engine, the facade the daemon, the CLI and the tests use: it wires
 * the stages together and delegates to them.
 *
 * - `roots.ts`: the registry of workspace roots (one `WorkspaceIndex` each), progress,
 *   semantic status;
 * - `retrieval.ts`: retrievers (`imports-retriever.ts`, `definitions-retriever.ts`, BM25,
 *   vectors) raced against the deadline, then fusion;
 * - `completion-assembly.ts` and `chat-assembly.ts`: the two prompt assemblies, which
 *   share one budget-fitting loop (`budget-fit.ts`: compact, take best first, drop the
 *   lowest-ranked until the exact count fits);
 * - `search.ts`: search in words over one root or all.
 */
import type { ContextDiagnostics, ContextSearchHit } from '../../protocol';
import type { Logger } from '../log';
import { RenderedTokens, TokenCounter } from './budget';
import { ChatAssembler, type AssembledChatContext } from './chat-assembly';
import { CompletionAssembler, type CompletionCandidatesRequest } from './completion-assembly';
import { parseContextConfig, type ContextConfig } from './config';
import { DiagnosticsLog } from './diagnostics';
import type { Embedder } from './embeddings';
import { LexicalThread } from './lexical-search';
import { Retrieval, type RetrieveRequest, type RetrieveResult } from './retrieval';
import { WorkspaceRegistry, type SemanticState } from './roots';
import { searchRoots, type SearchParams } from './search';
import type { AssembledCompletionPrompt, ChatAssemblyRequest, CompletionContextRequest, ContextEngine, IndexProgress } from './types';
import type { IndexStats, WorkspaceIndex } from './workspace';

export type { AssembledChatContext } from './chat-assembly';
export type { CompletionCandidatesRequest } from './completion-assembly';
export type { RetrievedChunk, RetrieveRequest, RetrieveResult } from './retrieval';
export type { SearchParams } from './search';
export type { IndexStats } from './workspace';

export interface TandemContextEngineDeps {
  /** Tandem home; per-workspace stores go under `home/index/<hash-of-root>/`. */
  home: string;
  config: ContextConfig;
  embedder?: Embedder;
  logger: Logger;
  now?: () => number;
  /** Compute missing chunk embeddings in the background (default true; the CLI only embeds queries). */
  backgroundEmbedding?: boolean;
}

export class TandemContextEngine implements ContextEngine {
  readonly config: ContextConfig;
  private readonly registry: WorkspaceRegistry;
  private readonly retrieval: Retrieval;
  private readonly lexical: LexicalThread;
  private readonly completion: CompletionAssembler;
  private readonly chat: ChatAssembler;
  private readonly diag: DiagnosticsLog;
  private readonly counter: TokenCounter;

  /** Parse the free-form `context` section of config.json (defaults filled in; throws `ContextConfigError`). */
  static parseConfig(raw: unknown): ContextConfig {
    return parseContextConfig(raw);
  }

  constructor(deps: TandemContextEngineDeps) {
    const config = deps.config;
    const now = deps.now ?? (() => performance.now());
    this.config = config;
    this.diag = new DiagnosticsLog(config.diagnosticsRetention);
    this.counter = new TokenCounter(config.tokenizer);
    const tokens = new RenderedTokens(this.counter);
    this.registry = new WorkspaceRegistry({
      home: deps.home,
      config,
      embedder: deps.embedder,
      logger: deps.logger,
      now,
      backgroundEmbedding: deps.backgroundEmbedding ?? true,
      onStoreClosed: (file) => this.lexical.forget(file),
    });
    this.lexical = new LexicalThread({ enabled: config.retrieval.searchThread, logger: deps.logger });
    this.retrieval = new Retrieval({ config, roots: this.registry, now, lexical: this.lexical });
    const shared = { config, counter: this.counter, tokens, retrieval: this.retrieval, roots: this.registry, diagnostics: this.diag, now };
    this.completion = new CompletionAssembler({ ...shared, logger: deps.logger });
    this.chat = new ChatAssembler(shared);
  }

  // ---- roots and indexing

  async registerRoot(root: string): Promise<void> {
    this.registry.register(root);
  }

  /** Register a root if needed and wait for its first full index (CLI, tests). */
  async indexRoot(root: string): Promise<IndexStats> {
    return this.registry.register(root).initial;
  }

  unregisterRoot(root: string): void {
    this.registry.unregister(root);
  }

  /** Deliver pending file-change events and wait until the index reflects them. */
  settle(root?: string): Promise<void> {
    return this.registry.settle(root);
  }

  /** Re-check paths (absolute or root-relative) now, without waiting for the watcher. */
  refreshPaths(root: string, paths: string[]): Promise<IndexStats> {
    return this.registry.refreshPaths(root, paths);
  }

  /** Wait until background embedding of every root is idle. */
  embeddingsIdle(): Promise<void> {
    return this.registry.embeddingsIdle();
  }

  roots(): string[] {
    return this.registry.roots();
  }

  /** The index of the registered root a document belongs to (the CLI's retrieve reads its syntax facts). */
  rootOf(path: string): WorkspaceIndex | undefined {
    return this.registry.rootOf(path);
  }

  progress(): IndexProgress[] {
    return this.registry.progress();
  }

  onProgress(listener: (progress: IndexProgress[]) => void): () => void {
    return this.registry.onProgress(listener);
  }

  semanticStatus(): SemanticState {
    return this.registry.semanticStatus();
  }

  diagnostics(completionId: string): ContextDiagnostics | undefined {
    return this.diag.get(completionId);
  }

  // ---- retrieval and assembly

  /** Ranked context chunks for a cursor (what completions use before budget fitting). */
  retrieve(req: RetrieveRequest): Promise<RetrieveResult> {
    return this.retrieval.retrieve(req);
  }

  /** The ranked chunks a completion at this cursor would draw from (`tandemd retrieve`, evaluation harnesses). */
  completionCandidates(req: CompletionCandidatesRequest): Promise<RetrieveResult> {
    return this.completion.candidates(req);
  }

  assembleCompletion(req: CompletionContextRequest, signal?: AbortSignal): Promise<AssembledCompletionPrompt> {
    return this.completion.assemble(req, signal);
  }

  prepareCompletion(req: Omit<CompletionContextRequest, 'completionId'>, signal?: AbortSignal): Promise<AssembledCompletionPrompt> {
    return this.completion.assemble({ ...req, completionId: 'prepare' }, signal, { prepare: true });
  }

  /** Tokens a chat/fix/edit prompt should give `assembleChat`: `chat.contextShare` of (numCtx − output reserve). */
  chatContextBudget(numCtx: number, outputReserve: number): number {
    return this.chat.contextBudget(numCtx, outputReserve);
  }

  /** Context for chat, fix and edit prompts: project rules and retrieved chunks, no tight deadline. */
  assembleChat(req: ChatAssemblyRequest): Promise<AssembledChatContext> {
    return this.chat.assemble(req);
  }

  /** Quick lexical + semantic search over one root or every registered root. */
  search(params: SearchParams): Promise<{ hits: ContextSearchHit[]; semantic: SemanticState }> {
    return searchRoots({ retrieval: this.retrieval, roots: this.registry }, params);
  }

  async dispose(): Promise<void> {
    await this.lexical.dispose();
    await this.registry.dispose();
    this.counter.dispose();
  }
}
