/**
 * Related definitions and project rules for a fix or edit prompt, from the context
 * engine's chat retrieval within a share of the task's budget. Retrieval trouble never
 * fails the request: it goes on without related code (cancellation still cancels).
 */
import { isCancellation } from '../../protocol';
import type { FeatureHost } from '../host/types';
import { notesForPrompt } from '../memory/prompt-notes';

/** Share of the task's prompt budget that retrieval may take. */
const RETRIEVAL_SHARE = 0.25;
const RETRIEVAL_MAX_TOKENS = 3000;

export interface RelatedQuery {
  query: string;
  path?: string;
  languageId?: string;
  root: string;
  /** The session's roots (retrieval never leaves them). */
  roots: readonly string[];
  task: 'fix' | 'edit';
  signal: AbortSignal;
}

/** Related code, preceded by the project memory notes relevant to the request (their own budget). */
export async function relatedCode(host: FeatureHost, req: RelatedQuery): Promise<string> {
  const notes = notesForPrompt(host, { workspace: req.root, query: req.query, task: req.task }).text;
  const code = await retrievedCode(host, req);
  return notes === '' ? code : `${notes}\n${code}`;
}

async function retrievedCode(host: FeatureHost, req: RelatedQuery): Promise<string> {
  const budgetTokens = retrievalBudget(host, req.task);
  if (budgetTokens <= 0) return '';
  try {
    const assembled = await host.context.assembleChat({
      query: req.query.slice(0, 4000),
      path: req.path,
      languageId: req.languageId,
      root: req.root,
      roots: req.roots,
      budgetTokens,
      signal: req.signal,
    });
    return assembled.text;
  } catch (err) {
    if (req.signal.aborted || isCancellation(err)) throw err;
    host.logger.warn(`Edit: context retrieval failed, continuing without related code: ${(err as Error).message}`);
    return '';
  }
}

function retrievalBudget(host: FeatureHost, task: 'fix' | 'edit'): number {
  const cfg = host.config().tasks[task];
  return Math.min(RETRIEVAL_MAX_TOKENS, Math.floor(Math.max(0, cfg.num_ctx - cfg.num_predict) * RETRIEVAL_SHARE));
}
