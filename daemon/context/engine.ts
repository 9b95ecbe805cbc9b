/**
 * Tandem's context engine: per-root indexes, retrieval (imports of the current file,
 * definitions of identifiers near the cursor, BM25, vectors), fusion, compaction and
 * exact budget fitting, with diagnostics for every assembly.
 *
 * Completion assembly: clip the document to its prefix/suffix shares first (so the
 * window already in the prompt is known and excluded from retrieval), run the
 * retrievers against the deadline (the vector search runs concurrently; synchronous
 * retrievers are skipped once the deadline has passed), fuse, compact when over the
 * compaction threshold, fit what is left into the context share plus whatever the
 * prefix/suffix did not use, and render it as comments before the prefix.
 */
import { realpathSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ContextCandidateInfo, ContextDiagnostics, ContextSearchHit, ContextSource, RecentFile, RetrieverRun } from '../../protocol';
import type { Logger } from '../log';
import { buildMatch, queryTerms } from './bm25';
import { TokenCounter, clipPrefix, clipSuffix, completionBudget, fitRanked } from './budget';
import { compact, type CompactItem } from './compactor';
import { parseContextConfig, type ContextConfig } from './config';
import { DiagnosticsLog } from './diagnostics';
import type { Embedder } from './embeddings';
import { fuse, type FusedCandidate, type FusionMeta } from './fusion';
import { STOP_WORDS, identifiersIn, splitIdentifier } from './identifiers';
import type { ChunkRow } from './index-store';
import { parseImports, resolveImport } from './imports';
import { asComment, languageOfPath, specFor } from './languages';
import { renderChunk, renderContextBlock, promptOrder } from './render';
import type { ProjectRule } from './rules';
import type { AssembledCompletionPrompt, ChatAssemblyRequest, CompletionContextRequest, ContextEngine, IndexProgress } from './types';
import { isInside, toRel } from './walker';
import { WorkspaceIndex, type IndexStats } from './workspace';

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

/** A cursor to retrieve context for. */
export interface RetrieveRequest {
  /** Absolute path of the document. */
  path: string;
  languageId?: string;
  prefix: string;
  suffix: string;
  /** 0-based cursor line. */
  line: number;
  recentFiles?: RecentFile[];
  /** Most chunks to return (default `completion.maxChunks`). */
  k?: number;
  /** Per-file cap (default `completion.perFileCap`). */
  perFileCap?: number;
  /** 1-based inclusive lines of the current file not to return (default: the cursor window). */
  excludeLines?: [number, number];
  /** Time allowed for the retrievers, ms (default: no deadline). */
  deadlineMs?: number;
  /** Treat all-lowercase words as prose, not symbol names (search queries). */
  prose?: boolean;
  signal?: AbortSignal;
}

export interface RetrievedChunk {
  root: string;
  /** Root-relative path. */
  file: string;
  language: string;
  startLine: number;
  endLine: number;
  score: number;
  sources: ContextSource[];
  signals: string[];
  symbols: string[];
  text: string;
  hash: string;
}

export interface RetrieveResult {
  root?: string;
  /** The chunks to use, best first (after per-file and count caps). */
  chunks: RetrievedChunk[];
  /** Every fused candidate, for diagnostics (`capped` marks those over a cap). */
  candidates: FusedCandidate[];
  retrievers: RetrieverRun[];
  elapsedMs: number;
}

export interface AssembledChatContext {
  rules: ProjectRule[];
  chunks: RetrievedChunk[];
  /** Rules and chunks rendered as markdown for a system or user message. */
  text: string;
  tokens: number;
  elapsedMs: number;
  semantic: { active: boolean; reason?: string };
}

export interface SearchParams {
  query: string;
  root?: string;
  k?: number;
}

export class ContextEngineError extends Error {
  constructor(
    message: string,
    readonly kind: 'workspace_not_registered' | 'path_outside_workspace' | 'not_found',
  ) {
    super(message);
    this.name = 'ContextEngineError';
  }
}

const abortError = () => Object.assign(new Error('Context assembly was cancelled.'), { name: 'AbortError' });

export class TandemContextEngine implements ContextEngine {
  readonly config: ContextConfig;
  private readonly workspaces = new Map<string, WorkspaceIndex>();
  private readonly listeners = new Set<(p: IndexProgress[]) => void>();
  private readonly diag: DiagnosticsLog;
  private readonly counter: TokenCounter;
  private readonly tokenCache = new Map<string, number>();
  private readonly now: () => number;
  /**
   * Recent vector-search latency (EWMA, ms) and how many searches it has seen. Under a
   * deadline, a search expected to take longer than the time left is not waited for: it
   * finishes in the background (warming the query-vector cache and this average), so a
   * slow embedder costs completions nothing instead of the whole deadline every time.
   */
  private vectorLatency = { ewmaMs: 0, samples: 0 };

  /** Parse the free-form `context` section of config.json (defaults filled in; throws `ContextConfigError`). */
  static parseConfig(raw: unknown): ContextConfig {
    return parseContextConfig(raw);
  }

  constructor(private readonly deps: TandemContextEngineDeps) {
    this.config = deps.config;
    this.now = deps.now ?? (() => performance.now());
    this.diag = new DiagnosticsLog(deps.config.diagnosticsRetention);
    this.counter = new TokenCounter(deps.config.tokenizer);
  }

  // ---- roots and indexing -------------------------------------------------------------

  async registerRoot(root: string): Promise<void> {
    this.workspaceFor(root);
  }

  /** Register a root if needed and wait for its first full index (CLI, tests). */
  async indexRoot(root: string): Promise<IndexStats> {
    return this.workspaceFor(root).initial;
  }

  /** Deliver pending file-change events and wait until the index reflects them. */
  async settle(root?: string): Promise<void> {
    for (const ws of this.workspaces.values()) if (!root || ws.root === root) await ws.settle();
  }

  /** Re-check paths (absolute or root-relative) now, without waiting for the watcher. */
  async refreshPaths(root: string, paths: string[]): Promise<IndexStats> {
    const ws = this.requireWorkspace(root);
    const rels = paths
      .map((p) => (isAbsolute(p) ? (isInside(ws.root, p) ? toRel(ws.root, p) : undefined) : p))
      .filter((p): p is string => !!p);
    return ws.update(rels);
  }

  /** Wait until background embedding of every root is idle. */
  async embeddingsIdle(): Promise<void> {
    for (const ws of this.workspaces.values()) await ws.vectors.idle();
  }

  private observeVectorLatency(ms: number): void {
    const v = this.vectorLatency;
    v.ewmaMs = v.samples === 0 ? ms : v.ewmaMs * 0.8 + ms * 0.2;
    v.samples++;
  }

  private workspaceFor(root: string): WorkspaceIndex {
    let real: string;
    try {
      real = realpathSync(resolve(root));
      if (!statSync(real).isDirectory()) throw new Error('not a directory');
    } catch (err) {
      throw new ContextEngineError(`${root} is not a readable directory (${(err as Error).message}).`, 'workspace_not_registered');
    }
    let ws = this.workspaces.get(real);
    if (!ws) {
      ws = new WorkspaceIndex(
        real,
        this.deps.home,
        this.config,
        this.deps.embedder,
        this.deps.logger,
        this.now,
        () => this.emitProgress(),
        {
          backgroundEmbedding: this.deps.backgroundEmbedding ?? true,
        },
      );
      this.workspaces.set(real, ws);
      this.emitProgress();
    }
    return ws;
  }

  unregisterRoot(root: string): void {
    let real = root;
    try {
      real = realpathSync(root);
    } catch {
      // Gone from disk: match the name as given.
    }
    const ws = this.workspaces.get(real);
    if (!ws) return;
    this.workspaces.delete(real);
    void ws.close().catch((err: Error) => this.deps.logger.warn(`context: closing ${real}: ${err.message}`));
    this.emitProgress();
  }

  roots(): string[] {
    return [...this.workspaces.keys()].sort();
  }

  progress(): IndexProgress[] {
    return [...this.workspaces.values()].map((w) => ({ ...w.state }));
  }

  onProgress(listener: (progress: IndexProgress[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitProgress(): void {
    const p = this.progress();
    for (const l of this.listeners) {
      try {
        l(p);
      } catch (err) {
        this.deps.logger.warn(`context: progress listener failed: ${(err as Error).message}`);
      }
    }
  }

  semanticStatus(): { active: boolean; reason?: string } {
    if (!this.config.enabled) return { active: false, reason: 'The context engine is disabled (context.enabled = false).' };
    const all = [...this.workspaces.values()].map((w) => w.vectors.status());
    if (all.length === 0) {
      if (!this.deps.embedder)
        return { active: false, reason: 'No embed backend is connected to the context engine; retrieval is BM25 only.' };
      if (!this.config.embeddings.enabled)
        return { active: false, reason: 'Embeddings are disabled (context.embeddings.enabled = false); retrieval is BM25 only.' };
      if (!this.deps.embedder.canServe('embed'))
        return { active: false, reason: 'No backend can serve the embed task now (is the embed model pulled?); retrieval is BM25 only.' };
      return { active: true };
    }
    const active = all.find((s) => s.active);
    if (active) return active.reason ? { active: true, reason: active.reason } : { active: true };
    return { active: false, reason: all[0].reason };
  }

  diagnostics(completionId: string): ContextDiagnostics | undefined {
    return this.diag.get(completionId);
  }

  /** The registered root containing an absolute path (the deepest one). */
  rootOf(path: string): WorkspaceIndex | undefined {
    let best: WorkspaceIndex | undefined;
    const candidates = [resolve(path)];
    try {
      candidates.push(join(realpathSync(dirname(resolve(path))), resolve(path).slice(dirname(resolve(path)).length + 1)));
    } catch {
      // Unsaved or deleted document: the path as given is all there is.
    }
    for (const p of candidates) {
      for (const ws of this.workspaces.values()) if (isInside(ws.root, p) && (!best || ws.root.length > best.root.length)) best = ws;
      if (best) return best;
    }
    return best;
  }

  private requireWorkspace(root: string): WorkspaceIndex {
    let real = root;
    try {
      real = realpathSync(root);
    } catch {
      // Reported below.
    }
    const ws = this.workspaces.get(real);
    if (!ws) throw new ContextEngineError(`${root} is not a registered workspace root.`, 'workspace_not_registered');
    return ws;
  }

  private relPath(ws: WorkspaceIndex, path: string): string {
    const rel = relInRoot(ws, path);
    if (rel === undefined) throw new ContextEngineError(`${path} is outside the workspace root ${ws.root}.`, 'path_outside_workspace');
    return rel;
  }

  // ---- retrieval ----------------------------------------------------------------------

  /** Ranked context chunks for a cursor (what completions use before budget fitting). */
  async retrieve(req: RetrieveRequest): Promise<RetrieveResult> {
    const started = this.now();
    const ws = this.rootOf(req.path);
    const cfg = this.config;
    if (!ws || !cfg.enabled) return { chunks: [], candidates: [], retrievers: [], elapsedMs: 0 };
    const rel = this.relPath(ws, req.path);
    const language = req.languageId ?? languageOfPath(rel) ?? 'plaintext';
    const deadline = req.deadlineMs !== undefined ? started + req.deadlineMs : Infinity;
    const cursorLine = req.line + 1;
    const window = cfg.completion.cursorWindowLines;
    const excludeLines = req.excludeLines ?? [cursorLine - window, cursorLine + window];
    const queryWindow = lastLines(req.prefix, cfg.completion.queryLines);
    const runs: RetrieverRun[] = [];
    const lists: Partial<Record<ContextSource, number[]>> = {};

    // Vector search runs concurrently with the synchronous retrievers below.
    let vectorDone = false;
    // Once the deadline gives up on the search, its late outcome is not reported as this request's.
    let vectorAbandoned = false;
    const semantic = ws.vectors.status();
    const vectorStart = this.now();
    const vectorPromise: Promise<number[] | undefined> | undefined =
      semantic.active && queryWindow.trim() !== ''
        ? ws.vectors
            .search(queryWindow, cfg.retrieval.vectorCandidates, req.signal)
            .then((hits) => hits.flatMap((h) => ws.store.chunkIdsByHash(h.hash)))
            .then(
              (ids) => {
                vectorDone = true;
                const ms = this.now() - vectorStart;
                this.observeVectorLatency(ms);
                if (!vectorAbandoned) runs.push({ name: 'vector', status: 'done', ms: round(ms), hits: ids.length });
                return ids;
              },
              (err: Error) => {
                vectorDone = true;
                if (!vectorAbandoned)
                  runs.push({ name: 'vector', status: 'error', ms: round(this.now() - vectorStart), hits: 0, reason: err.message });
                return undefined;
              },
            )
        : undefined;
    if (!vectorPromise) runs.push({ name: 'vector', status: 'skipped', ms: 0, hits: 0, reason: semantic.reason ?? 'empty query' });

    const timed = (name: ContextSource, fn: () => number[]) => {
      if (this.now() >= deadline) {
        runs.push({ name, status: 'timeout', ms: 0, hits: 0, reason: 'deadline passed before it could start' });
        return;
      }
      const t = this.now();
      try {
        const ids = fn();
        lists[name] = ids;
        runs.push({ name, status: 'done', ms: round(this.now() - t), hits: ids.length });
      } catch (err) {
        runs.push({ name, status: 'error', ms: round(this.now() - t), hits: 0, reason: (err as Error).message });
      }
    };

    const imports = { files: new Set<string>(), unused: new Set<number>(), members: new Set<number>() };
    timed('imports', () => this.importsRetriever(ws, rel, language, req.prefix, req.suffix, queryWindow, imports));
    timed('definitions', () => this.definitionsRetriever(ws, queryWindow, req.prose === true));
    timed('bm25', () => {
      const match = buildMatch(queryTerms(queryWindow), {
        docFrequency: (t) => ws.store.docFrequency(t),
        totalDocs: ws.chunkCount,
      });
      return ws.store.bm25(match, cfg.retrieval.bm25Candidates).map((h) => h.id);
    });

    const expectedVectorMs = this.vectorLatency.samples >= 3 ? this.vectorLatency.ewmaMs : undefined;
    if (vectorPromise && !vectorDone && expectedVectorMs !== undefined && expectedVectorMs > deadline - this.now()) {
      vectorAbandoned = true;
      runs.push({
        name: 'vector',
        status: 'timeout',
        ms: 0,
        hits: 0,
        reason: `not waited for: recent searches took ~${round(expectedVectorMs)} ms, ${round(Math.max(0, deadline - this.now()))} ms were left; it finishes in the background`,
      });
    } else if (vectorPromise) {
      const remaining = deadline - this.now();
      let timer: NodeJS.Timeout | undefined;
      const ids = await Promise.race([
        vectorPromise,
        new Promise<undefined>((r) => {
          if (remaining === Infinity) return;
          timer = setTimeout(() => r(undefined), Math.max(0, remaining));
        }),
      ]);
      clearTimeout(timer);
      if (ids) lists.vector = ids;
      else if (!vectorDone) {
        vectorAbandoned = true;
        runs.push({
          name: 'vector',
          status: 'timeout',
          ms: round(this.now() - vectorStart),
          hits: 0,
          reason: 'lost the race against the deadline',
        });
      }
    }
    if (req.signal?.aborted) throw abortError();

    const allIds = Object.values(lists).flat();
    const rows = ws.store.chunks(allIds);
    const meta = new Map<number, FusionMeta>();
    for (const [id, r] of rows) meta.set(id, { path: r.path, startLine: r.startLine, endLine: r.endLine });
    const recent = new Set<string>();
    const open = new Set<string>();
    for (const f of req.recentFiles ?? []) {
      if (!isInside(ws.root, resolve(f.path))) continue;
      const r = toRel(ws.root, resolve(f.path));
      if (f.open) open.add(r);
      if (f.editedAt !== undefined) recent.add(r);
    }
    const candidates = fuse(
      lists,
      meta,
      {
        currentPath: rel,
        excludeLines,
        importedFiles: imports.files,
        unusedImportChunks: imports.unused,
        memberChunks: imports.members,
        openFiles: open,
        recentFiles: recent,
      },
      {
        rrfK: cfg.retrieval.rrfK,
        weights: cfg.retrieval.weights,
        boosts: cfg.retrieval.boosts,
        perFileCap: req.perFileCap ?? cfg.completion.perFileCap,
        limit: req.k ?? cfg.completion.maxChunks,
      },
    );
    const chunks = candidates.filter((c) => !c.capped).map((c) => toRetrieved(ws.root, c, rows.get(c.id)!));
    return { root: ws.root, chunks, candidates, retrievers: runs, elapsedMs: round(this.now() - started) };
  }

  /** Definitions of the symbols the current file imports, best first. */
  private importsRetriever(
    ws: WorkspaceIndex,
    rel: string,
    language: string,
    prefix: string,
    suffix: string,
    queryWindow: string,
    out: { files: Set<string>; unused: Set<number>; members: Set<number> },
  ): number[] {
    const head = prefix.length > 200_000 ? prefix.slice(0, 200_000) : prefix;
    const statements = parseImports(head, language);
    if (statements.length === 0) return [];
    const body = stripImportLines(prefix.length > 200_000 ? prefix.slice(-200_000) : prefix);
    const bodyIdents = new Set(identifiersIn(body));
    const recentPos = new Map<string, number>();
    for (const m of queryWindow.matchAll(/[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?/g)) {
      recentPos.set(m[0], m.index ?? 0);
      const dot = m[0].indexOf('.');
      if (dot > 0) recentPos.set(m[0].slice(0, dot), m.index ?? 0);
    }
    const tail = suffix.length > 20_000 ? suffix.slice(0, 20_000) : suffix;
    const ranked: Array<{ id: number; priority: number; order: number }> = [];
    let order = 0;
    // `ns.` or `ns.par` right before the cursor: a member of a namespace import is being typed.
    const member = /(?<![\w$.])([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)?$/.exec(prefix.slice(-200));
    const parts = this.queryParts(queryWindow);
    for (const st of statements) {
      const file = resolveImport(
        st.specifier,
        rel,
        language,
        (p) => ws.store.hasFile(p),
        (s) => ws.store.findBySuffix(s),
      );
      if (file) out.files.add(file);
      if (file && member && st.namespace === member[1]) {
        const { named, similar } = this.memberCandidates(ws, file, member[2] ?? '', queryWindow, parts);
        for (const id of named) {
          ranked.push({ id, priority: -1, order: order++ });
          out.members.add(id);
        }
        for (const id of similar) ranked.push({ id, priority: -1, order: order++ });
      }
      const wanted: Array<{ name: string; local: string }> = st.names.map((n) => ({
        name: n.imported === 'default' ? n.local : n.imported,
        local: n.local,
      }));
      if (st.namespace && file) {
        const re = new RegExp(`\\b${escapeRe(st.namespace)}\\.([A-Za-z_$][\\w$]*)`, 'g');
        for (const m of (body + '\n' + tail).matchAll(re)) wanted.push({ name: m[1], local: `${st.namespace}.${m[1]}` });
      }
      const seen = new Set<string>();
      for (const w of wanted) {
        if (seen.has(w.name)) continue;
        seen.add(w.name);
        let defs = file ? ws.store.definitionsIn(w.name, file).map((d) => d.chunkId) : [];
        // A barrel file (`export * from`) or a path alias: fall back to a unique definition by name.
        if (defs.length === 0 && w.name.length >= 3) {
          const any = ws.store.definitions(w.name, 2);
          if (any.length === 1 && any[0].path !== rel) defs = [any[0].chunkId];
        }
        if (defs.length === 0) continue;
        const recency = recentPos.get(w.local) ?? -1;
        const usedInBody = w.local.includes('.') ? recency >= 0 || body.includes(w.local) : bodyIdents.has(w.local);
        // Used right above the cursor: most relevant; imported but unused so far: about to be
        // used (ranked with the names used in the second half of the window); used long ago: last.
        const priority = !usedInBody
          ? 0.5 - 0.4 * Math.min(1, nameAffinity(w.name, parts))
          : recency >= 0
            ? 1 - recency / Math.max(1, queryWindow.length)
            : 3;
        for (const id of defs.slice(0, 2)) {
          ranked.push({ id, priority, order: order++ });
          if (!usedInBody) out.unused.add(id);
        }
      }
    }
    ranked.sort((a, b) => a.priority - b.priority || a.order - b.order);
    return ranked.map((r) => r.id);
  }

  /** Weighted identifier parts of the lines above the cursor (the cursor line weighs most). */
  private queryParts(queryWindow: string): Map<string, number> {
    const lines = queryWindow.split('\n');
    const parts = new Map<string, number>();
    lines.forEach((line, i) => {
      const w = i === lines.length - 1 ? 3 : i >= lines.length - 3 ? 2 : 1;
      for (const ident of identifiersIn(line)) {
        for (const p of splitIdentifier(ident)) if (p.length > 1 && !STOP_WORDS.has(p)) parts.set(p, Math.max(parts.get(p) ?? 0, w));
      }
    });
    return parts;
  }

  /**
   * Chunks of a namespace-imported file for a member being typed: `named`, declaring a
   * symbol that starts with the typed part (best name affinity with the lines above first;
   * these get the namespace-member boost), and, when those are few, `similar`: the file's
   * chunks closest to those lines.
   */
  private memberCandidates(
    ws: WorkspaceIndex,
    file: string,
    typed: string,
    queryWindow: string,
    parts: Map<string, number>,
  ): { named: number[]; similar: number[] } {
    const out: number[] = [];
    // Symbols starting with what is typed, those sharing name parts with the lines above first.
    const symbols = ws.store
      .symbolsOf(file)
      .filter((s) => s.name.startsWith(typed))
      .map((s, i) => ({ ...s, i, affinity: nameAffinity(s.name, parts) }))
      .filter((s) => typed !== '' || s.affinity > 0)
      .sort((a, b) => b.affinity - a.affinity || a.i - b.i);
    for (const s of symbols.slice(0, 8)) if (!out.includes(s.chunkId)) out.push(s.chunkId);
    const similar: number[] = [];
    if (out.length < 6) {
      const match = buildMatch(queryTerms(queryWindow), { docFrequency: (t) => ws.store.docFrequency(t), totalDocs: ws.chunkCount });
      for (const h of ws.store.bm25Within(match, ws.store.chunkIdsOf(file), 10)) if (!out.includes(h.id)) similar.push(h.id);
    }
    return { named: out, similar: similar.slice(0, 12 - out.length) };
  }

  /** Where the identifiers right above the cursor are defined (unambiguous names only). */
  private definitionsRetriever(ws: WorkspaceIndex, queryWindow: string, prose: boolean): number[] {
    const idents = identifiersIn(queryWindow);
    const seen = new Set<string>();
    const out: number[] = [];
    for (let i = idents.length - 1; i >= 0 && seen.size < 16; i--) {
      const id = idents[i];
      if (id.length < 3 || seen.has(id) || STOP_WORDS.has(id.toLowerCase())) continue;
      if (prose && /^[a-z]+$/.test(id)) continue;
      seen.add(id);
      const defs = ws.store.definitions(id, 4);
      if (defs.length === 0 || defs.length > 3) continue;
      for (const d of defs) out.push(d.chunkId);
    }
    return out;
  }

  // ---- completion assembly ------------------------------------------------------------

  /**
   * The ranked chunks a completion at this cursor would draw from (before budget fitting):
   * the same clipping, exclusion window and retrievers as `assembleCompletion`, with no
   * deadline unless one is given. Used by `tandemd retrieve` and evaluation harnesses.
   */
  async completionCandidates(
    req: Omit<CompletionContextRequest, 'completionId' | 'deadlineMs' | 'character'> & { k?: number; deadlineMs?: number },
  ): Promise<RetrieveResult> {
    const budget = completionBudget(req.numCtx, req.outputReserve, this.config.completion.shares);
    const pre = clipPrefix(this.counter, req.prefix, budget.prefix);
    const suf = clipSuffix(this.counter, req.suffix, budget.suffix);
    return this.retrieve({
      path: req.path,
      languageId: req.languageId,
      prefix: req.prefix,
      suffix: req.suffix,
      line: req.line,
      recentFiles: req.recentFiles,
      k: req.k,
      excludeLines: this.excludeWindow(req.line, pre.lines, suf.lines),
      deadlineMs: req.deadlineMs,
    });
  }

  /** Lines of the current file already in the prompt (or near the cursor): never retrieved. */
  private excludeWindow(line0: number, prefixLines: number, suffixLines: number): [number, number] {
    const cursorLine = line0 + 1;
    const window = this.config.completion.cursorWindowLines;
    return [cursorLine - Math.max(window, prefixLines), cursorLine + Math.max(window, suffixLines)];
  }

  async assembleCompletion(req: CompletionContextRequest, signal?: AbortSignal): Promise<AssembledCompletionPrompt> {
    const started = this.now();
    const cfg = this.config;
    const budget = completionBudget(req.numCtx, req.outputReserve, cfg.completion.shares);
    const pre = clipPrefix(this.counter, req.prefix, budget.prefix);
    const suf = clipSuffix(this.counter, req.suffix, budget.suffix);
    const contextBudget = Math.max(0, budget.total - pre.tokens - suf.tokens);
    const ws = cfg.enabled ? this.rootOf(req.path) : undefined;
    const diag: ContextDiagnostics = {
      completionId: req.completionId,
      kind: 'completion',
      root: ws?.root,
      file: ws ? safeRel(ws, req.path) : req.path,
      line: req.line + 1,
      createdAt: Date.now(),
      elapsedMs: 0,
      deadlineMs: req.deadlineMs,
      semantic: this.semanticStatus(),
      retrievers: [],
      candidates: [],
      budget: { total: budget.total, prefix: budget.prefix, suffix: budget.suffix, context: contextBudget },
      tokens: { prefix: pre.tokens, suffix: suf.tokens, context: 0, total: pre.tokens + suf.tokens },
      clipped: { prefix: pre.clipped, suffix: suf.clipped, prefixLines: pre.lines, suffixLines: suf.lines },
      compaction: { ran: false, signatures: 0, merged: 0, duplicates: 0 },
    };
    let prefix = pre.text;
    let prefixTokens = pre.tokens;
    let contextChunks = 0;
    try {
      if (ws && contextBudget > 0 && cfg.completion.maxChunks > 0) {
        const excludeLines = this.excludeWindow(req.line, pre.lines, suf.lines);
        const remaining = Math.max(0, req.deadlineMs - (this.now() - started));
        const r = await this.retrieve({
          path: req.path,
          languageId: req.languageId,
          prefix: req.prefix,
          suffix: req.suffix,
          line: req.line,
          recentFiles: req.recentFiles,
          excludeLines,
          deadlineMs: remaining,
          signal,
        });
        diag.retrievers = r.retrievers;
        const rel = safeRel(ws, req.path);
        const fitted = this.fitChunks(
          req.languageId,
          r.chunks,
          contextBudget,
          cfg.completion.compactionThreshold,
          (items) => renderContextBlock(req.languageId, items, rel),
          false,
        );
        diag.compaction = fitted.compaction;
        diag.candidates = this.candidateInfos(r.candidates, fitted.outcomes, fitted.tokens);
        // Exact count of what is sent; drop the lowest-ranked item until prefix + suffix fit.
        let kept = fitted.kept;
        let full = renderContextBlock(req.languageId, kept, rel) + pre.text;
        let fullTokens = this.blockPlusPrefixTokens(req.languageId, kept, rel, pre.text, pre.tokens);
        while (kept.length > 0 && fullTokens + suf.tokens > budget.total) {
          const dropped = kept.reduce((worst, k) => (k.rank > worst.rank ? k : worst));
          kept = kept.filter((k) => k !== dropped);
          const info = diag.candidates.find((c) => c.file === dropped.path && c.startLine === dropped.startLine);
          if (info) info.outcome = 'dropped';
          full = renderContextBlock(req.languageId, kept, rel) + pre.text;
          fullTokens = this.blockPlusPrefixTokens(req.languageId, kept, rel, pre.text, pre.tokens);
        }
        prefix = kept.length > 0 ? full : pre.text;
        prefixTokens = kept.length > 0 ? fullTokens : pre.tokens;
        contextChunks = kept.length;
        diag.tokens = {
          prefix: pre.tokens,
          suffix: suf.tokens,
          context: kept.length > 0 ? fullTokens - pre.tokens : 0,
          total: (kept.length > 0 ? fullTokens : pre.tokens) + suf.tokens,
        };
      }
    } catch (err) {
      if (signal?.aborted) throw abortError();
      this.deps.logger.warn(`context: retrieval failed for ${req.path}: ${(err as Error).message}; using the document only.`);
      prefix = pre.text;
      prefixTokens = pre.tokens;
      contextChunks = 0;
    }
    if (signal?.aborted) throw abortError();
    const tokens = prefixTokens + suf.tokens;
    diag.tokens.total = tokens;
    diag.elapsedMs = round(this.now() - started);
    this.diag.record(diag);
    return { prefix, suffix: suf.text, tokens, contextChunks, elapsedMs: diag.elapsedMs };
  }

  /**
   * Exact tokens of `renderContextBlock(items) + prefix`. With cl100k, no pre-token spans
   * a newline that is followed by a line with text (indented or not: the newline ends
   * its pre-token, and the indentation starts the next), so the count is the sum of the
   * block's newline-terminated parts and the prefix; a prefix that starts with blank
   * lines is split at its first such boundary. With o200k, or no such boundary, the
   * whole prompt is counted.
   */
  private blockPlusPrefixTokens(languageId: string, items: FitItem[], rel: string, prefix: string, prefixTokens: number): number {
    if (items.length === 0) return prefixTokens;
    if (this.counter.encoding !== 'cl100k_base') return this.counter.count(renderContextBlock(languageId, items, rel) + prefix);
    const pathLine = asComment(specFor(languageId), `Path: ${rel}`);
    let sum = 0;
    for (const it of items) sum += this.renderedTokens(renderChunk(languageId, it));
    if (/^[ \t]*\S/.test(prefix)) return sum + prefixTokens + this.renderedTokens(pathLine);
    // The prefix starts with a blank line, which would join the path line's newline into
    // one pre-token. Split at the prefix's first newline followed by a line with text
    // (a boundary no pre-token spans): count the path line with that short head exactly,
    // and take the tail's tokens from the prefix's own count (prefix = head + tail there).
    const m = /\n(?=[ \t]*\S)/.exec(prefix.length > 8000 ? prefix.slice(0, 8000) : prefix);
    if (!m) return this.counter.count(renderContextBlock(languageId, items, rel) + prefix);
    const head = prefix.slice(0, m.index + 1);
    return sum + this.counter.count(`${pathLine}\n${head}`) + prefixTokens - this.counter.count(head);
  }

  /** Tokens of a rendered part with its terminating newline, cached (chunks recur across keystrokes). */
  private renderedTokens(rendered: string): number {
    let n = this.tokenCache.get(rendered);
    if (n === undefined) {
      n = this.counter.count(rendered + '\n');
      if (this.tokenCache.size >= 20_000) this.tokenCache.delete(this.tokenCache.keys().next().value as string);
      this.tokenCache.set(rendered, n);
    }
    return n;
  }

  /** Compact (when over the threshold) and fit ranked chunks into a token budget. */
  private fitChunks(
    languageId: string,
    chunks: RetrievedChunk[],
    budget: number,
    threshold: number,
    renderBlock: (items: Array<FitItem>) => string,
    exact: boolean,
  ): {
    kept: FitItem[];
    outcomes: Map<string, ContextCandidateInfo['outcome']>;
    tokens: Map<string, number>;
    compaction: ContextDiagnostics['compaction'];
  } {
    const key = (c: { path: string; startLine: number }) => `${c.path}:${c.startLine}`;
    const items: FitItem[] = chunks.map((c, rank) => ({
      path: c.file,
      language: c.language,
      startLine: c.startLine,
      endLine: c.endLine,
      text: c.text,
      hash: c.hash,
      rank,
      tier: c.sources.includes('imports') ? 0 : 1,
    }));
    const measure = (it: FitItem) => this.renderedTokens(renderChunk(languageId, it));
    const outcomes = new Map<string, ContextCandidateInfo['outcome']>();
    const tokens = new Map<string, number>();
    const total = items.reduce((s, it) => s + measure(it), 0);
    const compaction = { ran: false, signatures: 0, merged: 0, duplicates: 0 };
    let work = items;
    if (total > threshold * budget) {
      const res = compact(items, Math.floor(threshold * budget), measure);
      compaction.ran = true;
      compaction.signatures = res.signatures;
      compaction.merged = res.merged;
      compaction.duplicates = res.duplicates.length;
      for (const r of res.duplicates) outcomes.set(key(items[r]), 'duplicate');
      for (const it of res.items) for (const r of it.mergedFrom ?? []) outcomes.set(key(items[r]), 'compacted');
      work = res.items;
    }
    const { kept } = fitRanked(
      (i) => measure(work[i]),
      work.length,
      budget,
      exact ? (idx) => this.counter.count(renderBlock(idx.map((i) => work[i]))) : undefined,
    );
    const keptSet = new Set(kept);
    work.forEach((it, i) => {
      const k = key(items[it.rank]);
      tokens.set(k, measure(it));
      outcomes.set(k, keptSet.has(i) ? (it.compacted ? 'compacted' : 'selected') : 'dropped');
    });
    return { kept: kept.map((i) => work[i]), outcomes, tokens, compaction };
  }

  private candidateInfos(
    candidates: FusedCandidate[],
    outcomes: Map<string, ContextCandidateInfo['outcome']>,
    tokens: Map<string, number>,
  ): ContextCandidateInfo[] {
    return candidates.slice(0, 50).map((c) => {
      const k = `${c.path}:${c.startLine}`;
      return {
        file: c.path,
        startLine: c.startLine,
        endLine: c.endLine,
        score: round4(c.score),
        sources: c.sources,
        signals: c.signals,
        tokens: tokens.get(k) ?? 0,
        outcome: c.capped ? 'capped' : (outcomes.get(k) ?? 'dropped'),
      };
    });
  }

  // ---- chat ---------------------------------------------------------------------------

  /** Tokens a chat/fix/edit prompt should give `assembleChat`: `chat.contextShare` of (numCtx − output reserve). */
  chatContextBudget(numCtx: number, outputReserve: number): number {
    return Math.max(0, Math.floor((numCtx - outputReserve) * this.config.chat.contextShare));
  }

  /** Context for chat, fix and edit prompts: project rules and retrieved chunks, no tight deadline. */
  async assembleChat(req: ChatAssemblyRequest): Promise<AssembledChatContext> {
    const started = this.now();
    const cfg = this.config.chat;
    let ws = req.root ? this.requireWorkspace(req.root) : req.path ? this.rootOf(req.path) : undefined;
    const semantic = this.semanticStatus();
    const rulesAll = ws ? ws.rules.read() : [];
    // Rules first, within their own cap and the budget.
    const rules: ProjectRule[] = [];
    let rulesText = '';
    let rulesTokens = 0;
    const rulesBudget = Math.min(cfg.maxRulesTokens, req.budgetTokens);
    for (const r of rulesAll) {
      const head = `Project rules (${r.path}):\n`;
      const room = rulesBudget - rulesTokens - this.counter.count(head) - 2;
      if (room <= 0) break;
      const clipped = clipSuffix(this.counter, r.text, room);
      if (clipped.text === '') continue;
      const block = `${head}${clipped.text}\n\n`;
      rulesText += block;
      rulesTokens = this.counter.count(rulesText);
      rules.push({ path: r.path, text: clipped.text });
    }
    // Retrieval: the query and selection form the query window; imports of the current file count.
    const queryText = [req.selection ?? '', req.query].filter((s) => s !== '').join('\n');
    let chunks: RetrievedChunk[] = [];
    const targets = ws ? [ws] : [...this.workspaces.values()];
    const candidateLists: RetrievedChunk[][] = [];
    for (const w of targets) {
      let docText = '';
      let path = req.path;
      if (req.path && w === ws) {
        try {
          docText = readFileSync(join(w.root, this.relPath(w, req.path)), 'utf8');
        } catch {
          docText = '';
        }
      } else path = join(w.root, '.tandem-chat-query');
      const r = await this.retrieve({
        path: path ?? join(w.root, '.tandem-chat-query'),
        languageId: req.languageId,
        prefix: `${docText ? stripToImports(docText) + '\n' : ''}${queryText}`,
        suffix: '',
        line: 1_000_000,
        recentFiles: req.recentFiles,
        k: cfg.maxChunks,
        perFileCap: cfg.perFileCap,
        excludeLines: [0, -1],
        signal: req.signal,
      });
      candidateLists.push(r.chunks);
    }
    chunks = candidateLists
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, cfg.maxChunks);
    ws ??= targets[0];
    const chunkBudget = Math.max(0, req.budgetTokens - rulesTokens);
    const render = (items: FitItem[]) => renderChatChunks(items);
    const fitted = this.fitChunks('markdown', chunks, chunkBudget, cfg.compactionThreshold, render, true);
    const keptOrdered = promptOrder(fitted.kept);
    let text = rulesText + render(keptOrdered);
    let tokens = this.counter.count(text);
    let kept = keptOrdered;
    while (tokens > req.budgetTokens && kept.length > 0) {
      const worst = kept.reduce((w, k) => (k.rank > w.rank ? k : w));
      kept = kept.filter((k) => k !== worst);
      text = rulesText + render(kept);
      tokens = this.counter.count(text);
    }
    const keptChunks = kept.map((k) => ({ ...chunks[k.rank], text: k.text, startLine: k.startLine, endLine: k.endLine }));
    const elapsedMs = round(this.now() - started);
    if (req.requestId) {
      this.diag.record({
        completionId: req.requestId,
        kind: 'chat',
        root: ws?.root,
        file: req.path ?? '',
        createdAt: Date.now(),
        elapsedMs,
        semantic,
        retrievers: [],
        candidates: chunks.map((c) => ({
          file: c.file,
          startLine: c.startLine,
          endLine: c.endLine,
          score: round4(c.score),
          sources: c.sources,
          signals: c.signals,
          tokens: fitted.tokens.get(`${c.file}:${c.startLine}`) ?? 0,
          outcome: fitted.outcomes.get(`${c.file}:${c.startLine}`) ?? 'dropped',
        })),
        budget: { total: req.budgetTokens, prefix: 0, suffix: 0, context: chunkBudget, rules: rulesBudget },
        tokens: { prefix: 0, suffix: 0, context: tokens - rulesTokens, rules: rulesTokens, total: tokens },
        clipped: { prefix: false, suffix: false, prefixLines: 0, suffixLines: 0 },
        compaction: fitted.compaction,
        rules: rules.map((r) => r.path),
      });
    }
    return { rules, chunks: keptChunks, text, tokens, elapsedMs, semantic };
  }

  // ---- search -------------------------------------------------------------------------

  /** Quick lexical + semantic search over one root or every registered root. */
  async search(params: SearchParams): Promise<{ hits: ContextSearchHit[]; semantic: { active: boolean; reason?: string } }> {
    const k = params.k ?? 10;
    const targets = params.root ? [this.requireWorkspace(params.root)] : [...this.workspaces.values()];
    const hits: ContextSearchHit[] = [];
    for (const ws of targets) {
      const r = await this.retrieve({
        path: join(ws.root, '.tandem-search-query'),
        languageId: 'plaintext',
        prefix: params.query,
        suffix: '',
        line: 0,
        k,
        perFileCap: k,
        excludeLines: [0, -1],
        prose: true,
      });
      for (const c of r.chunks) {
        hits.push({
          root: ws.root,
          file: c.file,
          startLine: c.startLine,
          endLine: c.endLine,
          score: round4(c.score),
          sources: c.sources,
          symbols: c.symbols,
          preview: c.text.split('\n').slice(0, 5).join('\n'),
        });
      }
    }
    hits.sort((a, b) => b.score - a.score || (a.file < b.file ? -1 : 1) || a.startLine - b.startLine);
    return { hits: hits.slice(0, k), semantic: this.semanticStatus() };
  }

  async dispose(): Promise<void> {
    const all = [...this.workspaces.values()];
    this.workspaces.clear();
    this.listeners.clear();
    await Promise.all(all.map((w) => w.close()));
    this.counter.dispose();
  }
}

interface FitItem extends CompactItem {
  tier: 0 | 1;
}

function renderChatChunks(items: FitItem[]): string {
  if (items.length === 0) return '';
  const parts = promptOrder(items).map(
    (it) => `${it.path} (lines ${it.startLine}-${it.endLine}):\n\`\`\`${it.language}\n${it.text}\n\`\`\``,
  );
  return `Relevant code from the workspace:\n\n${parts.join('\n\n')}\n`;
}

function toRetrieved(root: string, c: FusedCandidate, row: ChunkRow): RetrievedChunk {
  return {
    root,
    file: c.path,
    language: row.language,
    startLine: c.startLine,
    endLine: c.endLine,
    score: c.score,
    sources: c.sources,
    signals: c.signals,
    symbols: row.symbols,
    text: row.text,
    hash: row.hash,
  };
}

/**
 * `path` relative to the root, directly or through its folder's realpath (a document
 * opened under a symlinked folder); undefined when it is outside the root or its folder
 * is gone.
 */
function relInRoot(ws: WorkspaceIndex, path: string): string | undefined {
  const abs = resolve(path);
  if (isInside(ws.root, abs)) return toRel(ws.root, abs);
  try {
    const real = join(realpathSync(dirname(abs)), abs.slice(dirname(abs).length + 1));
    if (isInside(ws.root, real)) return toRel(ws.root, real);
  } catch {
    // The document's folder is gone.
  }
  return undefined;
}

/** Like relInRoot, keeping the path as given when it cannot be made relative (for diagnostics). */
function safeRel(ws: WorkspaceIndex, path: string): string {
  return relInRoot(ws, path) ?? path;
}

function lastLines(text: string, n: number): string {
  let idx = text.length;
  for (let i = 0; i < n; i++) {
    const j = text.lastIndexOf('\n', idx - 1);
    if (j < 0) return text;
    idx = j;
  }
  return text.slice(idx + 1);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The prefix without import statements (to tell "imported" from "used"). */
function stripImportLines(text: string): string {
  return text
    .replace(/(^|\n)[ \t]*(?:import|export)\s[\w$\s{},*]{0,2000}?\sfrom\s+['"][^'"\n]+['"];?/g, '$1')
    .replace(/(^|\n)[ \t]*(?:from\s+[.\w]+\s+)?import\s[^\n]*/g, '$1')
    .replace(/(^|\n)[ \t]*(?:pub\s+)?use\s[^\n]*/g, '$1');
}

/** The import lines of a document (for chat: they point at the files that matter). */
function stripToImports(text: string): string {
  return text
    .split('\n')
    .filter((l) => /^\s*(import|from|use|require|#include|const .*require\()/.test(l))
    .slice(0, 200)
    .join('\n');
}

/**
 * How much a symbol's name shares with the identifier parts above the cursor: matched
 * part weights over the name's part count (square-rooted, so a short name that matches
 * beats a long one that matches as much). 0 when nothing matches.
 */
function nameAffinity(name: string, parts: Map<string, number>): number {
  const own = splitIdentifier(name).filter((p) => p.length > 1);
  if (own.length === 0 || parts.size === 0) return 0;
  let sum = 0;
  for (const p of new Set(own)) sum += parts.get(p) ?? 0;
  return sum / (3 * Math.sqrt(own.length));
}

const round = (n: number) => Math.round(n * 100) / 100;
const round4 = (n: number) => Math.round(n * 1e6) / 1e6;
