/**
 * Completion assembly: clip the document to its prefix/suffix shares first (so the
 * window already in the prompt is known and excluded from retrieval), retrieve within
 * the deadline, fit the ranked chunks into the context share plus whatever the
 * prefix/suffix did not use (exact count of the whole prompt), and render them as
 * comments before the prefix. Diagnostics are recorded under the completion id.
 */
import { basename } from 'node:path';
import type { ContextCandidateInfo, ContextDiagnostics } from '../../protocol';
import type { Logger } from '../log';
import { clipPrefix, clipSuffix, completionBudget, lineCount, type Clipped, type RenderedTokens, type TokenCounter } from './budget';
import { candidateKey, fitToBudget, toFitItems, type FitItem, type FitOutcome } from './budget-fit';
import type { ContextConfig } from './config';
import { roundMs, roundScore, type DiagnosticsLog } from './diagnostics';
import { assemblyCancelled } from './errors';
import type { FusedCandidate } from './fusion';
import { asComment, specFor } from './languages';
import {
  joinRepoContext,
  renderChunk,
  promptOrder,
  renderContextBlock,
  repoChunkPiece,
  repoContextParts,
  type PromptLayout,
  type RenderItem,
} from './render';
import type { Retrieval, RetrieveResult } from './retrieval';
import { safeRel, type SemanticState } from './roots';
import type { SyntaxFacts } from './syntax/facts';
import type { AssembledCompletionPrompt, CompletionContextRequest } from './types';

export interface CompletionAssemblyDeps {
  config: ContextConfig;
  counter: TokenCounter;
  tokens: RenderedTokens;
  retrieval: Pick<Retrieval, 'retrieve'> & Partial<Pick<Retrieval, 'prefetch'>>;
  roots: {
    /** The registered root containing a document, if any (only among `allowed` when given), with the parser each of its files used when known. */
    rootOf(path: string, allowed?: readonly string[]): { root: string; syntax?: Pick<SyntaxFacts, 'parserOf'> } | undefined;
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

/**
 * Each item's rendering and its count, made once and reused while what is rendered of the
 * item is unchanged (compaction rewrites items in place: a signature, a merge).
 */
interface Renderings {
  measure: (it: FitItem) => number;
  rendered: (it: FitItem) => string;
}

function renderings(render: (it: FitItem) => string, tokens: RenderedTokens): Renderings {
  type Seen = { n?: number; text: string; of: Pick<FitItem, 'path' | 'startLine' | 'endLine' | 'text' | 'context'> };
  const memo = new Map<FitItem, Seen>();
  const get = (it: FitItem): Seen => {
    const m = memo.get(it);
    if (
      m &&
      m.of.text === it.text &&
      m.of.startLine === it.startLine &&
      m.of.endLine === it.endLine &&
      m.of.path === it.path &&
      m.of.context === it.context
    )
      return m;
    const seen: Seen = {
      text: render(it),
      of: { path: it.path, startLine: it.startLine, endLine: it.endLine, text: it.text, context: it.context },
    };
    memo.set(it, seen);
    return seen;
  };
  return {
    measure: (it) => {
      const m = get(it);
      m.n ??= tokens.of(m.text);
      return m.n;
    },
    rendered: (it) => get(it).text,
  };
}

/** New chunks ranked before the last prompt's (see `withLastPrompt`). */
const FRESH_FIRST = 2;

/**
 * Tokens of typing a prompt planned at a new place leaves room for (at most a sixteenth of the prefix's
 * share): its prefix is clipped this much below its share, and the context is fitted as if the prefix had
 * them. Typing there (about 100 characters) then grows the prefix into that room: its first line, the
 * suffix's last and the context all stay as they were, so the next prompt starts with the whole of the last
 * one up to the cursor (a server's prompt cache reuses it).
 */
export const TYPING_SLACK = 32;

/** How long after a document's last prompt the next one there still counts as typing in one place, ms. */
export const TYPING_PAUSE_MS = 30_000;

/** What a document's last prompt was made of (see `withLastPrompt` and `anchoredPrefix`). */
interface LastPrompt {
  /** When it was made (`deps.now`). */
  at: number;
  /** The cursor's line (0-based). */
  line: number;
  /** Its chunks in their render order. */
  items: FitItem[];
  /** The document line its prefix started at (0-based), when it started at a line's start. */
  prefixStart?: number;
  /** That line's text (at most 200 characters): an anchor holds only while the line there is still this one. */
  prefixHead?: string;
  /** Its prefix was all the client sent (not clipped): the next one is too while it fits. */
  prefixWhole?: boolean;
  /** The tokens its prefix could grow to: the context was fitted to what the prefix left at that size. */
  prefixAllowance: number;
  /** Lines of its suffix (0 when it had none). */
  suffixLines: number;
  /** Its whole budget: the anchors hold only for the same one. */
  total: number;
}

export class CompletionAssembler {
  /** The last prompt per document (the 16 most recent). */
  private readonly lastPrompts = new Map<string, LastPrompt>();

  constructor(private readonly deps: CompletionAssemblyDeps) {}

  /**
   * The prompt for a completion at this cursor. With `prepare`, the same work for a
   * completion not asked for yet (`tandem/completion/prepare`): nothing of it is recorded
   * (no diagnostics, not the last prompt of the document), so the next completion's prompt
   * is exactly what it would have been; only the caches it filled remain.
   */
  async assemble(
    req: CompletionContextRequest,
    signal?: AbortSignal,
    opts: { prepare?: boolean } = {},
  ): Promise<AssembledCompletionPrompt> {
    const { config: cfg, counter, now } = this.deps;
    const started = now();
    const last = this.lastPrompts.get(req.path);
    const here = last && Math.abs(last.line - req.line) <= 1 && started - last.at <= TYPING_PAUSE_MS ? last : undefined;
    // On the last prompt's line no chunk of BM25 or embeddings is added (`withLastPrompt`): neither runs.
    const onItsLine = here !== undefined && here.line === req.line && here.items.length > 0;
    const lexical = !onItsLine;
    // BM25 starts in the search thread now, while the prefix and suffix are clipped here.
    if (cfg.completion.maxChunks > 0 && lexical) this.deps.retrieval.prefetch?.({ path: req.path, roots: req.roots, prefix: req.prefix });
    const budget = completionBudget(req.numCtx, req.outputReserve, cfg.completion.shares);
    // Typing in one place (the last prompt's line, or the next or previous one) the prefix keeps its first line
    // and the suffix its lines while they fit what they had room for; elsewhere they are clipped anew, the prefix
    // leaving room to type into.
    const steady = here?.total === budget.total ? here : undefined;
    const anchored = steady ? anchoredPrefix(counter, req, steady) : undefined;
    const slack = Math.min(TYPING_SLACK, Math.floor(budget.prefix / 16));
    const pre = anchored ?? clipPrefix(counter, req.prefix, budget.prefix - slack);
    const prefixAllowance = anchored ? steady!.prefixAllowance : Math.min(budget.prefix, pre.tokens + slack);
    const suf =
      (steady && anchoredSuffix(counter, req.suffix, steady.suffixLines, budget.suffix)) ?? clipSuffix(counter, req.suffix, budget.suffix);
    const contextBudget = Math.max(0, budget.total - prefixAllowance - suf.tokens);
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
    let repoContext: string | undefined;
    let contextChunks = 0;
    let keptItems: FitItem[] = [];
    // A repository-level layout needs a repository: outside every root the prompt is the document's.
    const repo = ws && req.layout && req.layout !== 'comments' ? req.layout : undefined;
    const layout: PromptLayout = repo ?? 'comments';
    diag.layout = layout;
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
          ...(lexical ? {} : { skipLexical: "typing on the last prompt's line: only chunks placed by syntax are added" }),
          ...(req.skipVector ? { skipVector: req.skipVector } : {}),
          signal,
        });
        diag.retrievers = r.retrievers;
        const rel = safeRel(ws, req.path);
        const repoName = basename(ws.root);
        // The context share by each chunk's own count, then the exact count of what is sent:
        // the context (block or repository sections) and the prefix, plus the suffix, within the whole budget.
        // While typing in one place the last prompt's chunks keep their place at the start
        // (a server's prompt cache reuses what is unchanged); the best new ones are taken first.
        // Each item is rendered and looked up once per assembly (fitting asks for its count
        // several times, the block is built from the same renderings).
        const renders = renderings((it) => (repo ? repoChunkPiece(repo, it) : renderChunk(req.languageId, it)), this.deps.tokens);
        const { measure, rendered } = renders;
        const { items, order } = this.withLastPrompt(here, onItsLine, toFitItems(r.chunks), contextBudget, measure);
        const fitted = fitToBudget(items, {
          budget: contextBudget,
          compactionThreshold: cfg.completion.compactionThreshold,
          measure,
          exact: (kept) =>
            (repo
              ? this.repoTokens(repo, order(kept), repoName, rel, pre.text, pre.tokens).total
              : this.blockPlusPrefixTokens(req.languageId, kept, rel, pre.text, pre.tokens, renders)) + suf.tokens,
          limit: budget.total,
        });
        diag.compaction = fitted.compaction;
        diag.candidates = candidateInfos(r.candidates, fitted.outcomes, fitted.itemTokens, ws.syntax);
        const kept = order(fitted.kept);
        keptItems = kept;
        const fullTokens = fitted.tokens - suf.tokens;
        if (repo) {
          // The repository sections even with no chunk kept: the current file's path stays, so does the prompt's start.
          const parts = repoContextParts(repo, kept, repoName, rel);
          const counted = this.repoTokens(repo, kept, repoName, rel, pre.text, pre.tokens);
          if (counted.total + suf.tokens <= budget.total) {
            repoContext = joinRepoContext(parts);
            prefix = parts.prefixHead + pre.text;
            prefixTokens = counted.total;
          }
        } else {
          prefix = kept.length > 0 ? renderContextBlock(req.languageId, kept, rel, rendered) + pre.text : pre.text;
          prefixTokens = kept.length > 0 ? fullTokens : pre.tokens;
        }
        contextChunks = repoContext !== undefined || !repo ? kept.length : 0;
        diag.tokens = {
          prefix: pre.tokens,
          suffix: suf.tokens,
          context: prefixTokens - pre.tokens,
          total: prefixTokens + suf.tokens,
        };
      }
    } catch (err) {
      if (signal?.aborted) throw assemblyCancelled();
      this.deps.logger.warn(`context: retrieval failed for ${req.path}: ${(err as Error).message}; using the document only.`);
      prefix = pre.text;
      prefixTokens = pre.tokens;
      repoContext = undefined;
      contextChunks = 0;
      keptItems = [];
    }
    if (signal?.aborted) throw assemblyCancelled();
    if (!opts.prepare) this.remember(req, { items: keptItems, pre, prefixAllowance, suf, total: budget.total });
    const tokens = prefixTokens + suf.tokens;
    diag.tokens.total = tokens;
    diag.elapsedMs = roundMs(now() - started);
    if (!opts.prepare) this.deps.diagnostics.record(diag);
    return {
      prefix,
      suffix: suf.text,
      ...(repoContext !== undefined ? { repoContext } : {}),
      layout: repoContext !== undefined ? layout : 'comments',
      tokens,
      contextChunks,
      elapsedMs: diag.elapsedMs,
    };
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
   * The items to fit, best first, and the order they are rendered in. With a last prompt
   * at this place (same document, within a line), its chunks are ranked right after the
   * `FRESH_FIRST` best new ones and rendered first in their last order, the new ones after
   * them in prompt order, and never merged or cut to signatures (`frozen`); so a keystroke
   * that changes the ranking appends to the prompt instead of rewriting it, while the chunk
   * now ranked first still gets in (the last prompt's tail makes room).
   *
   * On the last prompt's own line only a new chunk a syntax signal placed (an import not used
   * yet, the receiver's member, the definition of the name at the cursor) is added: the words
   * typed shift BM25's ranking at nearly every keystroke, and each chunk it added would have
   * been read again with all of the document after it. A new line takes them again.
   */
  private withLastPrompt(
    last: LastPrompt | undefined,
    /** On the last prompt's own line (it had chunks). */
    sameLine: boolean,
    fresh: FitItem[],
    budget: number,
    measure: (it: FitItem) => number,
  ): { items: FitItem[]; order: (kept: FitItem[]) => FitItem[] } {
    const sticky = last?.items ?? [];
    if (sticky.length === 0) return { items: fresh, order: promptOrder };
    const id = (it: FitItem) => `${it.path}:${it.startLine}:${it.hash}`;
    const seen = new Set(sticky.map(id));
    const others = fresh.filter((it) => !seen.has(id(it)) && !(sameLine && it.lexical));
    const head = others.slice(0, FRESH_FIRST);
    // Only a leading run of the last prompt's chunks keeps the prompt's start: as many as fit after the best new ones.
    let room = budget - head.reduce((n, it) => n + measure(it), 0);
    let run = 0;
    while (run < sticky.length && measure(sticky[run]) <= room) room -= measure(sticky[run++]);
    const kept = sticky.slice(0, run).map((it) => ({ ...it, frozen: true }));
    const items = [...head, ...kept, ...others.slice(FRESH_FIRST)].map((it, rank) => ({ ...it, rank }));
    const isSticky = (it: FitItem) => it.rank >= head.length && it.rank < head.length + kept.length;
    const order = (kept: FitItem[]) => [
      ...kept.filter(isSticky).sort((a, b) => a.rank - b.rank),
      ...promptOrder(kept.filter((it) => !isSticky(it))),
    ];
    return { items, order };
  }

  private remember(
    req: CompletionContextRequest,
    made: { items: FitItem[]; pre: Clipped; prefixAllowance: number; suf: Clipped; total: number },
  ): void {
    const { items, pre, prefixAllowance, suf, total } = made;
    const atLineStart = pre.text.length === req.prefix.length || req.prefix.charCodeAt(req.prefix.length - pre.text.length - 1) === 10;
    this.lastPrompts.delete(req.path);
    this.lastPrompts.set(req.path, {
      at: this.deps.now(),
      line: req.line,
      items,
      ...(!pre.clipped
        ? { prefixWhole: true }
        : pre.lines > 0 && atLineStart
          ? { prefixStart: req.line - (pre.lines - 1), prefixHead: headOf(pre.text) }
          : {}),
      prefixAllowance,
      suffixLines: suf.lines,
      total,
    });
    if (this.lastPrompts.size > 16) this.lastPrompts.delete(this.lastPrompts.keys().next().value as string);
  }

  /**
   * Exact tokens of a repository-level prompt's context and prefix segments (the router
   * puts the FIM prefix token between them, so they are counted apart): with cl100k the
   * context is the sum of its head, the cached counts of its file sections (each ends in
   * a newline before the next `<`, a boundary no pre-token spans) and its tail; otherwise,
   * or when a StarCoder2 repository name does not end in a letter or digit, it is counted whole.
   */
  private repoTokens(
    layout: Exclude<PromptLayout, 'comments'>,
    items: RenderItem[],
    repoName: string,
    rel: string,
    prefix: string,
    prefixTokens: number,
  ): { context: number; total: number } {
    const { counter, tokens } = this.deps;
    const parts = repoContextParts(layout, items, repoName, rel);
    const whole = counter.encoding !== 'cl100k_base' || (layout === 'starcoder-repo' && !/[\p{L}\p{N}]$/u.test(repoName));
    let context = whole ? counter.count(joinRepoContext(parts)) : counter.count(parts.head) + counter.count(parts.tail);
    if (!whole) for (const p of parts.pieces) context += tokens.of(p);
    if (parts.prefixHead === '') return { context, total: context + prefixTokens };
    // StarCoder2's prefix segment is `path\n` + the prefix: a sum when the prefix starts with a line with text.
    const head = cl100kSplits(counter.encoding, prefix)
      ? tokens.of(parts.prefixHead.slice(0, -1)) + prefixTokens
      : counter.count(parts.prefixHead + prefix);
    return { context: context + head - prefixTokens, total: context + head };
  }

  /**
   * Exact tokens of `renderContextBlock(items) + prefix`. With cl100k, no pre-token spans
   * a newline that is followed by a line with text (indented or not: the newline ends
   * its pre-token, and the indentation starts the next), so the count is the sum of the
   * block's newline-terminated parts and the prefix; a prefix that starts with blank
   * lines is split at its first such boundary. With o200k, or no such boundary, the
   * whole prompt is counted.
   */
  private blockPlusPrefixTokens(
    languageId: string,
    items: FitItem[],
    rel: string,
    prefix: string,
    prefixTokens: number,
    { measure, rendered }: Renderings,
  ): number {
    const { counter, tokens } = this.deps;
    if (items.length === 0) return prefixTokens;
    if (counter.encoding !== 'cl100k_base') return counter.count(renderContextBlock(languageId, items, rel, rendered) + prefix);
    const pathLine = asComment(specFor(languageId), `Path: ${rel}`);
    let sum = 0;
    for (const it of items) sum += measure(it);
    if (/^[ \t]*\S/.test(prefix)) return sum + prefixTokens + tokens.of(pathLine);
    // The prefix starts with a blank line, which would join the path line's newline into
    // one pre-token. Split at the prefix's first newline followed by a line with text
    // (a boundary no pre-token spans): count the path line with that short head exactly,
    // and take the tail's tokens from the prefix's own count (prefix = head + tail there).
    const m = /\n(?=[ \t]*\S)/.exec(prefix.length > 8000 ? prefix.slice(0, 8000) : prefix);
    if (!m) return counter.count(renderContextBlock(languageId, items, rel, rendered) + prefix);
    const head = prefix.slice(0, m.index + 1);
    return sum + counter.count(`${pathLine}\n${head}`) + prefixTokens - counter.count(head);
  }
}

/** Whether cl100k's count of `line\n` + `text` is the sum of the two (`text` starts with a line with text). */
function cl100kSplits(encoding: string, text: string): boolean {
  return encoding === 'cl100k_base' && /^[ \t]*\S/.test(text);
}

/** The diagnostics' candidate list: the first 50 fused candidates with their outcome, tokens, what placed each and its file's parser. */
function candidateInfos(
  candidates: FusedCandidate[],
  outcomes: Map<string, FitOutcome>,
  tokens: Map<string, number>,
  syntax: Pick<SyntaxFacts, 'parserOf'> | undefined,
): ContextCandidateInfo[] {
  const parsers = new Map<string, string | undefined>();
  const parserOf = (file: string) => {
    if (!parsers.has(file)) parsers.set(file, syntax?.parserOf(file)?.parser);
    return parsers.get(file);
  };
  return candidates.slice(0, 50).map((c) => {
    const k = candidateKey(c);
    const parser = parserOf(c.path);
    return {
      file: c.path,
      startLine: c.startLine,
      endLine: c.endLine,
      score: roundScore(c.score),
      sources: c.sources,
      signals: c.signals,
      placedBy: c.placedBy,
      ...(parser ? { parser } : {}),
      tokens: tokens.get(k) ?? 0,
      outcome: c.capped ? 'capped' : (outcomes.get(k) ?? 'dropped'),
    };
  });
}

/**
 * The prefix from the line the last prompt's started at, when it still fits what that prompt left it room for
 * (`LastPrompt.prefixAllowance`); else undefined, and the prefix is clipped anew.
 */
function anchoredPrefix(counter: TokenCounter, req: CompletionContextRequest, last: LastPrompt): Clipped | undefined {
  if (last.prefixWhole) {
    const tokens = counter.count(req.prefix);
    return tokens <= last.prefixAllowance ? { text: req.prefix, tokens, clipped: false, lines: lineCount(req.prefix) } : undefined;
  }
  if (last.prefixStart === undefined) return undefined;
  const above = req.line - last.prefixStart;
  if (above < 0) return undefined;
  // The line starts after the (above + 1)-th line break from the end, or at 0 if the prefix is the document from line 0.
  let pos = req.prefix.length;
  let found = 0;
  while (found <= above && pos > 0) {
    const nl = req.prefix.lastIndexOf('\n', pos - 1);
    if (nl < 0) break;
    found++;
    pos = nl;
  }
  let start: number;
  if (found === above + 1) start = pos + 1;
  else if (found === above && last.prefixStart === 0) start = 0;
  else return undefined;
  const text = req.prefix.slice(start);
  // Lines added or removed above (another text at this path) move what is at that line: clip anew.
  if (headOf(text) !== last.prefixHead) return undefined;
  const tokens = counter.count(text);
  if (tokens > last.prefixAllowance) return undefined;
  return { text, tokens, clipped: start > 0, lines: above + 1 };
}

/** A text's first line, at most 200 characters of it. */
function headOf(text: string): string {
  const nl = text.indexOf('\n');
  return text.slice(0, Math.min(nl < 0 ? text.length : nl, 200));
}

/** The suffix's first `lines` lines, as the last prompt had, when they fit its share; else undefined. */
function anchoredSuffix(counter: TokenCounter, suffix: string, lines: number, share: number): Clipped | undefined {
  if (lines <= 0 || suffix === '') return undefined;
  let end = -1;
  for (let i = 0; i < lines; i++) {
    const nl = suffix.indexOf('\n', end + 1);
    if (nl < 0) {
      if (i < lines - 1) return undefined;
      end = suffix.length;
      break;
    }
    end = nl;
  }
  const text = suffix.slice(0, end);
  const tokens = counter.count(text);
  return tokens <= share ? { text, tokens, clipped: end < suffix.length, lines } : undefined;
}
