/**
 * Completion assembly: clip the document to its prefix/suffix shares first (so the
 * window already in the prompt is known and excluded from retrieval), retrieve within
 * the deadline, fit the ranked chunks into the context share plus whatever the
 * prefix/suffix did not use (exact count of the whole prompt), and render them as
 * comments before the prefix. Diagnostics are recorded under the completion id.
 */
import type { ContextCandidateInfo, ContextDiagnostics } from '../../protocol';
import type { Logger } from '../log';
import { clipPrefix, clipSuffix, completionBudget, type RenderedTokens, type TokenCounter } from './budget';
import { candidateKey, fitToBudget, toFitItems, type FitItem, type FitOutcome } from './budget-fit';
import type { ContextConfig } from './config';
import { roundMs, roundScore, type DiagnosticsLog } from './diagnostics';
import { assemblyCancelled } from './errors';
import type { FusedCandidate } from './fusion';
import { asComment, specFor } from './languages';
import { renderChunk, renderContextBlock } from './render';
import type { Retrieval, RetrieveResult } from './retrieval';
import { safeRel, type SemanticState } from './roots';
import type { AssembledCompletionPrompt, CompletionContextRequest } from './types';

export interface CompletionAssemblyDeps {
  config: ContextConfig;
  counter: TokenCounter;
  tokens: RenderedTokens;
  retrieval: Pick<Retrieval, 'retrieve'>;
  roots: {
    /** The registered root containing a document, if any. */
    rootOf(path: string, allowed?: readonly string[]): { root: string } | undefined;
    semanticStatus(): SemanticState;
  };
  diagnostics: Pick<DiagnosticsLog, 'record'>;
  logger: Logger;
  now: () => number;
}

/** What `candidates` takes: a completion request without its id, deadline or column, and an optional `k`. */
export type CompletionCandidatesRequest = Omit<CompletionContextRequest, 'completionId' | 'deadlineMs' | 'character'> & {
  k?: number;
  deadlineMs?: number;
};

export class CompletionAssembler {
  constructor(private readonly deps: CompletionAssemblyDeps) {}

  async assemble(req: CompletionContextRequest, signal?: AbortSignal): Promise<AssembledCompletionPrompt> {
    const { config: cfg, counter, now } = this.deps;
    const started = now();
    const budget = completionBudget(req.numCtx, req.outputReserve, cfg.completion.shares);
    const pre = clipPrefix(counter, req.prefix, budget.prefix);
    const suf = clipSuffix(counter, req.suffix, budget.suffix);
    const contextBudget = Math.max(0, budget.total - pre.tokens - suf.tokens);
    const ws = cfg.enabled ? this.deps.roots.rootOf(req.path, req.roots) : undefined;
    const diag: ContextDiagnostics = {
      completionId: req.completionId,
      kind: 'completion',
      root: ws?.root,
      file: ws ? safeRel(ws, req.path) : req.path,
      line: req.line + 1,
      createdAt: Date.now(),
      elapsedMs: 0,
      deadlineMs: req.deadlineMs,
      semantic: this.deps.roots.semanticStatus(),
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
        const remaining = Math.max(0, req.deadlineMs - (now() - started));
        const r = await this.deps.retrieval.retrieve({
          path: req.path,
          roots: req.roots,
          languageId: req.languageId,
          prefix: req.prefix,
          suffix: req.suffix,
          line: req.line,
          recentFiles: req.recentFiles,
          excludeLines: this.excludeWindow(req.line, pre.lines, suf.lines),
          deadlineMs: remaining,
          signal,
        });
        diag.retrievers = r.retrievers;
        const rel = safeRel(ws, req.path);
        // The context share by each chunk's own count, then the exact count of what is sent:
        // the context block and the prefix, plus the suffix, within the whole budget.
        const fitted = fitToBudget(toFitItems(r.chunks), {
          budget: contextBudget,
          compactionThreshold: cfg.completion.compactionThreshold,
          measure: (it) => this.deps.tokens.of(renderChunk(req.languageId, it)),
          exact: (kept) => this.blockPlusPrefixTokens(req.languageId, kept, rel, pre.text, pre.tokens) + suf.tokens,
          limit: budget.total,
        });
        diag.compaction = fitted.compaction;
        diag.candidates = candidateInfos(r.candidates, fitted.outcomes, fitted.itemTokens);
        const kept = fitted.kept;
        const fullTokens = fitted.tokens - suf.tokens;
        prefix = kept.length > 0 ? renderContextBlock(req.languageId, kept, rel) + pre.text : pre.text;
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
      if (signal?.aborted) throw assemblyCancelled();
      this.deps.logger.warn(`context: retrieval failed for ${req.path}: ${(err as Error).message}; using the document only.`);
      prefix = pre.text;
      prefixTokens = pre.tokens;
      contextChunks = 0;
    }
    if (signal?.aborted) throw assemblyCancelled();
    const tokens = prefixTokens + suf.tokens;
    diag.tokens.total = tokens;
    diag.elapsedMs = roundMs(now() - started);
    this.deps.diagnostics.record(diag);
    return { prefix, suffix: suf.text, tokens, contextChunks, elapsedMs: diag.elapsedMs };
  }

  /**
   * The ranked chunks a completion at this cursor would draw from (before budget fitting):
   * the same clipping, exclusion window and retrievers as `assemble`, with no deadline
   * unless one is given. Used by `tandemd retrieve` and evaluation harnesses.
   */
  async candidates(req: CompletionCandidatesRequest): Promise<RetrieveResult> {
    const { config, counter } = this.deps;
    const budget = completionBudget(req.numCtx, req.outputReserve, config.completion.shares);
    const pre = clipPrefix(counter, req.prefix, budget.prefix);
    const suf = clipSuffix(counter, req.suffix, budget.suffix);
    return this.deps.retrieval.retrieve({
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
    const window = this.deps.config.completion.cursorWindowLines;
    return [cursorLine - Math.max(window, prefixLines), cursorLine + Math.max(window, suffixLines)];
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
    const { counter, tokens } = this.deps;
    if (items.length === 0) return prefixTokens;
    if (counter.encoding !== 'cl100k_base') return counter.count(renderContextBlock(languageId, items, rel) + prefix);
    const pathLine = asComment(specFor(languageId), `Path: ${rel}`);
    let sum = 0;
    for (const it of items) sum += tokens.of(renderChunk(languageId, it));
    if (/^[ \t]*\S/.test(prefix)) return sum + prefixTokens + tokens.of(pathLine);
    // The prefix starts with a blank line, which would join the path line's newline into
    // one pre-token. Split at the prefix's first newline followed by a line with text
    // (a boundary no pre-token spans): count the path line with that short head exactly,
    // and take the tail's tokens from the prefix's own count (prefix = head + tail there).
    const m = /\n(?=[ \t]*\S)/.exec(prefix.length > 8000 ? prefix.slice(0, 8000) : prefix);
    if (!m) return counter.count(renderContextBlock(languageId, items, rel) + prefix);
    const head = prefix.slice(0, m.index + 1);
    return sum + counter.count(`${pathLine}\n${head}`) + prefixTokens - counter.count(head);
  }
}

/** The diagnostics' candidate list: the first 50 fused candidates with their outcome and tokens. */
function candidateInfos(
  candidates: FusedCandidate[],
  outcomes: Map<string, FitOutcome>,
  tokens: Map<string, number>,
): ContextCandidateInfo[] {
  return candidates.slice(0, 50).map((c) => {
    const k = candidateKey(c);
    return {
      file: c.path,
      startLine: c.startLine,
      endLine: c.endLine,
      score: roundScore(c.score),
      sources: c.sources,
      signals: c.signals,
      tokens: tokens.get(k) ?? 0,
      outcome: c.capped ? 'capped' : (outcomes.get(k) ?? 'dropped'),
    };
  });
}
