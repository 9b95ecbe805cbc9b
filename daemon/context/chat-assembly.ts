/**
 * Chat assembly: the context of chat, fix and edit prompts, with no tight deadline —
 * the project rules (AGENTS.md, .tandem/rules.md) within their own cap, then chunks
 * retrieved for the question and selection (the current file's imports count) from its
 * root or every root, fitted so rules plus chunks stay within the budget, as markdown.
 */
import { join } from 'node:path';
import { readInsideRoots } from '../../shared/paths';
import { clipSuffix, type RenderedTokens, type TokenCounter } from './budget';
import { candidateKey, fitToBudget, toFitItems, type FitItem } from './budget-fit';
import type { ContextConfig } from './config';
import { roundMs, roundScore, type DiagnosticsLog } from './diagnostics';
import { chunkBody, promptOrder, renderChunk } from './render';
import type { Retrieval, RetrievedChunk } from './retrieval';
import { ContextEngineError } from './errors';
import { relPath, type SemanticState } from './roots';
import type { ProjectRule, ProjectRules } from './rules';
import type { ChatAssemblyRequest } from './types';

export interface AssembledChatContext {
  rules: ProjectRule[];
  chunks: RetrievedChunk[];
  /** Rules and chunks rendered as markdown for a system or user message. */
  text: string;
  tokens: number;
  elapsedMs: number;
  semantic: SemanticState;
}

/** What chat assembly needs of a root: where it is and its project rules. */
export interface ChatRoot {
  root: string;
  rules: Pick<ProjectRules, 'read'>;
}

export interface ChatAssemblyDeps {
  config: ContextConfig;
  counter: TokenCounter;
  tokens: RenderedTokens;
  retrieval: Pick<Retrieval, 'retrieve'>;
  roots: {
    /** A registered root by path; throws when it is not registered. */
    require(root: string): ChatRoot;
    /** The registered root containing a document, if any (among `allowed` when given). */
    rootOf(path: string, allowed?: readonly string[]): ChatRoot | undefined;
    all(): ChatRoot[];
    semanticStatus(): SemanticState;
  };
  diagnostics: Pick<DiagnosticsLog, 'record'>;
  now: () => number;
}

export class ChatAssembler {
  constructor(private readonly deps: ChatAssemblyDeps) {}

  /** Tokens a chat/fix/edit prompt should give `assemble`: `chat.contextShare` of (numCtx − output reserve). */
  contextBudget(numCtx: number, outputReserve: number): number {
    return Math.max(0, Math.floor((numCtx - outputReserve) * this.deps.config.chat.contextShare));
  }

  /** Context for chat, fix and edit prompts: project rules and retrieved chunks. */
  async assemble(req: ChatAssemblyRequest): Promise<AssembledChatContext> {
    const { counter, roots, now } = this.deps;
    const started = now();
    const cfg = this.deps.config.chat;
    // Only the request's own roots (a session's) when it names them: never another window's.
    const permitted = (w: ChatRoot) => req.roots === undefined || req.roots.includes(w.root);
    let ws = req.root ? roots.require(req.root) : req.path ? roots.rootOf(req.path, req.roots) : undefined;
    if (ws && !permitted(ws)) {
      throw new ContextEngineError(`${req.root} is not a workspace root of this connection.`, 'workspace_not_registered');
    }
    const semantic = roots.semanticStatus();
    const rulesAll = ws ? ws.rules.read() : [];
    // Rules first, within their own cap and the budget.
    const rules: ProjectRule[] = [];
    let rulesText = '';
    let rulesTokens = 0;
    const rulesBudget = Math.min(cfg.maxRulesTokens, req.budgetTokens);
    for (const r of rulesAll) {
      const head = `Project rules (${r.path}):\n`;
      const room = rulesBudget - rulesTokens - counter.count(head) - 2;
      if (room <= 0) break;
      const clipped = clipSuffix(counter, r.text, room);
      if (clipped.text === '') continue;
      const block = `${head}${clipped.text}\n\n`;
      rulesText += block;
      rulesTokens = counter.count(rulesText);
      rules.push({ path: r.path, text: clipped.text });
    }
    // Retrieval: the query and selection form the query window; imports of the current file count.
    const queryText = [req.selection ?? '', req.query].filter((s) => s !== '').join('\n');
    const targets = ws ? [ws] : roots.all().filter(permitted);
    const candidateLists: RetrievedChunk[][] = [];
    for (const w of targets) {
      let docText = '';
      let path = join(w.root, '.tandem-chat-query');
      if (req.path && w === ws) {
        path = req.path;
        // Read like every workspace file: a document whose realpath is outside the root
        // (a symlinked active file) gives nothing, so its imports never reach a model.
        const doc = readInsideRoots(join(w.root, relPath(w, req.path)), [w.root]);
        docText = doc.ok ? doc.bytes.toString('utf8') : '';
      }
      const r = await this.deps.retrieval.retrieve({
        path,
        languageId: req.languageId,
        prefix: `${docText ? importLines(docText) + '\n' : ''}${queryText}`,
        suffix: '',
        line: 1_000_000,
        recentFiles: req.recentFiles,
        roots: req.roots,
        k: cfg.maxChunks,
        perFileCap: cfg.perFileCap,
        excludeLines: [0, -1],
        signal: req.signal,
      });
      candidateLists.push(r.chunks);
    }
    const chunks = candidateLists
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, cfg.maxChunks);
    ws ??= targets[0];
    const chunkBudget = Math.max(0, req.budgetTokens - rulesTokens);
    // Chunks by their own counts into what the rules left, then the exact count of rules + chunks within the budget.
    const fitted = fitToBudget(toFitItems(chunks), {
      budget: chunkBudget,
      compactionThreshold: cfg.compactionThreshold,
      measure: (it) => this.deps.tokens.of(renderChunk('markdown', it)),
      exact: (kept) => counter.count(rulesText + renderChatChunks(kept)),
      limit: req.budgetTokens,
    });
    const kept = promptOrder(fitted.kept);
    const text = rulesText + renderChatChunks(kept);
    const tokens = fitted.tokens;
    const keptChunks = kept.map((k) => ({ ...chunks[k.rank], text: k.text, startLine: k.startLine, endLine: k.endLine }));
    const elapsedMs = roundMs(now() - started);
    if (req.requestId) {
      this.deps.diagnostics.record({
        completionId: req.requestId,
        kind: 'chat',
        root: ws?.root,
        file: req.path ?? '',
        createdAt: Date.now(),
        elapsedMs,
        semantic,
        retrievers: [],
        candidates: chunks.map((c) => {
          const key = candidateKey({ path: c.file, startLine: c.startLine });
          return {
            file: c.file,
            startLine: c.startLine,
            endLine: c.endLine,
            score: roundScore(c.score),
            sources: c.sources,
            signals: c.signals,
            placedBy: c.placedBy,
            tokens: fitted.itemTokens.get(key) ?? 0,
            outcome: fitted.outcomes.get(key) ?? 'dropped',
          };
        }),
        budget: { total: req.budgetTokens, prefix: 0, suffix: 0, context: chunkBudget, rules: rulesBudget },
        tokens: { prefix: 0, suffix: 0, context: tokens - rulesTokens, rules: rulesTokens, total: tokens },
        clipped: { prefix: false, suffix: false, prefixLines: 0, suffixLines: 0 },
        compaction: fitted.compaction,
        rules: rules.map((r) => r.path),
      });
    }
    return { rules, chunks: keptChunks, text, tokens, elapsedMs, semantic };
  }
}

/** Chunks as markdown code blocks headed by path and lines, in prompt order. */
function renderChatChunks(items: FitItem[]): string {
  if (items.length === 0) return '';
  const parts = promptOrder(items).map(
    (it) => `${it.path} (lines ${it.startLine}-${it.endLine}):\n\`\`\`${it.language}\n${chunkBody(it)}\n\`\`\``,
  );
  return `Relevant code from the workspace:\n\n${parts.join('\n\n')}\n`;
}

/**
 * The import lines of a document (for chat: they point at the files that matter). Each
 * keyword must be a whole word: `user = …` or `fromage()` is not an import.
 */
export function importLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => IMPORT_LINE.test(l))
    .slice(0, 200)
    .join('\n');
}
const IMPORT_LINE =
  /^\s*(?:(?:import|from|use)(?:\s+(?![\s=:])|(?=[{'"*]))|require\s*[('"]|#include\s*[<"]|(?:const|let|var)\s.*\brequire\s*\()/;
