/**
 * Inline completion: context assembly under a deadline, then a streamed FIM call
 * through the router. Deltas go to the caller as they arrive; cancellation aborts the
 * upstream stream through the AbortSignal.
 */
import { randomUUID } from 'node:crypto';
import type { InlineCompletionRequest } from '../../protocol';
import type { TandemConfig } from '../config';
import type { ContextEngine } from '../context/types';
import { promptLayoutFor } from '../router/fim';
import type { ModelRouter } from '../router/types';

export interface CompletionDeps {
  router: ModelRouter;
  context: ContextEngine;
  config: () => TandemConfig;
  /** Completion-time context deadline, ms (the context engine's `completion.deadlineMs`). */
  contextDeadlineMs?: number;
}

export type CompletionParams = InlineCompletionRequest.Params & { recentFiles: NonNullable<InlineCompletionRequest.Params['recentFiles']> };

export interface CompletionCall {
  params: CompletionParams;
  sessionKey: string;
  /** The session's workspace roots: the only ones its context comes from. */
  roots?: readonly string[];
  signal: AbortSignal;
  onDelta?: (delta: string) => void;
}

/** Default completion-time context deadline (ms) when the engine's config does not say. */
export const COMPLETION_CONTEXT_DEADLINE_MS = 30;

export async function runInlineCompletion(deps: CompletionDeps, call: CompletionCall): Promise<InlineCompletionRequest.Result> {
  const started = performance.now();
  const { params } = call;
  const task = deps.config().tasks.complete;
  const completionId = randomUUID();
  const maxTokens = params.maxTokens ?? task.num_predict;

  const prompt = await deps.context.assembleCompletion(
    {
      completionId,
      path: params.document.path,
      languageId: params.document.languageId,
      prefix: params.document.prefix,
      suffix: params.document.suffix,
      line: params.document.line,
      character: params.document.character,
      recentFiles: params.recentFiles,
      numCtx: task.num_ctx,
      outputReserve: maxTokens,
      deadlineMs: deps.contextDeadlineMs ?? COMPLETION_CONTEXT_DEADLINE_MS,
      layout: promptLayoutFor(task.model),
      roots: call.roots,
    },
    call.signal,
  );
  const contextMs = performance.now() - started;

  let firstTokenAt: number | undefined;
  const result = await deps.router.complete({
    prefix: prompt.prefix,
    suffix: prompt.suffix,
    ...(prompt.repoContext !== undefined ? { repoContext: prompt.repoContext } : {}),
    maxTokens,
    stop: params.multiline === false ? ['\n'] : undefined,
    sessionKey: params.sessionKey ?? call.sessionKey,
    signal: call.signal,
    onDelta: (delta) => {
      firstTokenAt ??= performance.now();
      call.onDelta?.(delta);
    },
  });
  const end = performance.now();
  const empty = result.text.trim() === '';
  return {
    completionId,
    text: empty ? '' : result.text,
    model: result.model,
    backend: result.backend,
    finishReason: empty ? 'empty' : result.doneReason,
    timings: {
      contextMs: round(contextMs),
      firstTokenMs: round((firstTokenAt ?? end) - started),
      totalMs: round(end - started),
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
