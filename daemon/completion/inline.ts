/**
 * Inline completion: context assembly under a deadline, then a streamed FIM call
 * through the router. Deltas go to the caller as they arrive; cancellation aborts the
 * upstream stream through the AbortSignal.
 */
import { randomUUID } from 'node:crypto';
import type { InlineCompletionRequest, PrepareCompletionRequest } from '../../protocol';
import type { TandemConfig } from '../config';
import type { CompletionContextRequest, ContextEngine } from '../context/types';
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
      ...contextRequest(deps, params, maxTokens, call.roots),
      deadlineMs: deps.contextDeadlineMs ?? COMPLETION_CONTEXT_DEADLINE_MS,
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

/**
 * How long a prepare may assemble (ms): no one waits for it, and everything it leaves out
 * stays to be done by the first completion, so it is not held to a completion's deadline.
 */
export const PREPARE_CONTEXT_DEADLINE_MS = 250;

/**
 * `tandem/completion/prepare`: the context a completion at this cursor would have,
 * assembled and thrown away (no model call), so that the document's first completion
 * finds its token counts, imports and chunks' counts cached.
 */
export async function runPrepareCompletion(
  deps: Pick<CompletionDeps, 'context' | 'config'>,
  call: {
    params: PrepareCompletionRequest.Params & { recentFiles: NonNullable<PrepareCompletionRequest.Params['recentFiles']> };
    roots?: readonly string[];
    signal: AbortSignal;
  },
): Promise<PrepareCompletionRequest.Result> {
  const started = performance.now();
  const task = deps.config().tasks.complete;
  const prompt = await deps.context.prepareCompletion(
    { ...contextRequest(deps, call.params, task.num_predict, call.roots), deadlineMs: PREPARE_CONTEXT_DEADLINE_MS },
    call.signal,
  );
  return { contextMs: round(performance.now() - started), contextChunks: prompt.contextChunks };
}

/** The context engine's request for a completion's document, model and roots (all but its id and deadline). */
function contextRequest(
  deps: Pick<CompletionDeps, 'config'>,
  params: Pick<CompletionParams, 'document' | 'recentFiles'>,
  outputReserve: number,
  roots: readonly string[] | undefined,
): Omit<CompletionContextRequest, 'completionId' | 'deadlineMs'> {
  const task = deps.config().tasks.complete;
  return {
    path: params.document.path,
    languageId: params.document.languageId,
    prefix: params.document.prefix,
    suffix: params.document.suffix,
    line: params.document.line,
    character: params.document.character,
    recentFiles: params.recentFiles,
    numCtx: task.num_ctx,
    outputReserve,
    layout: promptLayoutFor(task.model),
    roots,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
