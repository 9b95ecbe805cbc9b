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
import { warmCompletionPath, type WarmUpOptions, type WarmUpReport } from './warm-up';
import type { IndexStats, WorkspaceIndex } from './workspace';

export type { AssembledChatContext } from './chat-assembly';
export type { CompletionCandidatesRequest } from './completion-assembly';
export type { RetrievedChunk, RetrieveRequest, RetrieveResult } from './retrieval';
export type { SearchParams } from './search';
export type { IndexStats } from './workspace';
export type { WarmUpOptions, WarmUpReport } from './warm-up';

export interface TandemContextEngineDeps {
  /** Tandem home; per-workspace stores go under `home/index/<hash-of-root>/`. */
  home: string;
  config: ContextConfig;
  embedder?: Embedder;
  logger: Logger;
  now?: () => number;
  /** Compute missing chunk embeddings in the background (default true; the CLI only embeds queries). */
  backgroundEmbedding?: boolean;
  /**
   * Warm the completion path once each root's first index is done (`warm-up.ts`; tandemd does,
   * default off: a CLI run or a test assembles what it asks for and exits). `indexRoot` resolves after it.
   */
  warmUp?: boolean | WarmUpOptions;
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
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly warmUp?: WarmUpOptions;
  /** Each root's warm-up, started when its first index is done. */
  private readonly warmUps = new Map<WorkspaceIndex, Promise<WarmUpReport | undefined>>();
  /**
   * Completions clients have asked for: the first one ends any warm-up (the user is typing; their
   * own completions warm the code). Prepares do not: the extension sends one for the active editor
   * as soon as it connects, which is when a warm-up is most worth its time.
   */
  private clientCompletions = 0;
  private disposed = false;

  /** Parse the free-form `context` section of config.json (defaults filled in; throws `ContextConfigError`). */
  static parseConfig(raw: unknown): ContextConfig {
    return parseContextConfig(raw);
  }

  constructor(deps: TandemContextEngineDeps) {
    const config = deps.config;
    const now = deps.now ?? (() => performance.now());
    this.config = config;
    this.logger = deps.logger;
    this.now = now;
    this.warmUp = deps.warmUp === true ? {} : deps.warmUp || undefined;
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
    this.register(root);
  }

  /** Register a root if needed and wait for its first full index (CLI, tests), and its warm-up where the engine warms. */
  async indexRoot(root: string): Promise<IndexStats> {
    const ws = this.register(root);
    const stats = await ws.initial;
    await this.warmUps.get(ws);
    return stats;
  }

  /** What warming a root's completion path did (undefined: not warmed, or not done yet). */
  async warmUpReport(root: string): Promise<WarmUpReport | undefined> {
    // By the root's own name too once the engine is closed (its registry is empty then).
    const ws = this.registry.rootOf(root) ?? [...this.warmUps.keys()].find((w) => w.root === root);
    return ws ? this.warmUps.get(ws) : undefined;
  }

  /**
   * Warm a registered root's completion path now, once its first index is done (`warm-up.ts`);
   * an engine built with `warmUp` does this by itself. A root already warmed (or warming) gives
   * that warm-up's report.
   */
  warmUpRoot(root: string, opts: WarmUpOptions = this.warmUp ?? {}): Promise<WarmUpReport | undefined> {
    return this.startWarmUp(this.registry.require(root), opts);
  }

  private register(root: string): WorkspaceIndex {
    const ws = this.registry.register(root);
    if (this.warmUp) void this.startWarmUp(ws, this.warmUp);
    return ws;
  }

  private startWarmUp(ws: WorkspaceIndex, opts: WarmUpOptions): Promise<WarmUpReport | undefined> {
    const running = this.warmUps.get(ws);
    if (running) return running;
    const asked = this.clientCompletions;
    const warm = ws.initial.then(
      () =>
        warmCompletionPath(
          {
            ws,
            prepare: (req) => this.completion.assemble({ ...req, completionId: 'warm-up' }, undefined, { prepare: true }),
            interrupted: () =>
              this.disposed
                ? 'the engine is closing'
                : !this.registry.all().includes(ws)
                  ? 'the root was removed'
                  : this.clientCompletions > asked
                    ? 'completions were asked for'
                    : undefined,
            now: this.now,
            logger: this.logger,
            searchReady: () => this.lexical.ready(),
          },
          opts,
        ),
      // A failed first index is reported where it failed (workspace.ts); nothing to warm.
      () => undefined,
    );
    this.warmUps.set(ws, warm);
    return warm;
  }

  unregisterRoot(root: string): void {
    this.registry.unregister(root);
    // Its warm-up stops at its next assembly (`interrupted`).
    for (const ws of this.warmUps.keys()) if (!this.registry.all().includes(ws)) this.warmUps.delete(ws);
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
    this.clientCompletions++;
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
    this.disposed = true;
    // A warm-up stops at its next assembly; the stores it reads close only after it has.
    await Promise.all(this.warmUps.values());
    await this.lexical.dispose();
    await this.registry.dispose();
    this.counter.dispose();
  }
}
