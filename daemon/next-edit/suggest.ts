/**
 * `tandem/nextEdit/suggest`: related code under a deadline, the prompt in the model's
 * format within its budget, the streamed model call, then the answer turned into the
 * minimal replacements of the editable region (or the reason it is dropped).
 */
import { randomUUID } from 'node:crypto';
import { relative, sep } from 'node:path';
import type { NextEditRefusal, NextEditRequest } from '../../protocol';
import type { RetrieveRequest } from '../context/retrieval';
import type { RequestContext } from '../server/rpc';
import type { ChatMessage, GenerationResult } from '../router/types';
import { Excerpt, type NextEditParams } from './excerpt';
import { formatFor, promptFormats } from './formats';
import type { BuiltPrompt, PromptInput, RelatedCode } from './formats/format';
import { isChange, lastEditOf, type ShownHunk } from './history';
import { judgeRewrite } from './replacements';
import type { NextEditState } from './state';

/** Edits sent to the model at most (the newest). */
const MAX_HUNKS = 16;
/** Chunks of other files retrieved as related code. */
const RELATED_CHUNKS = 3;

export async function suggestNextEdit(
  state: NextEditState,
  params: NextEditParams,
  { session, signal }: RequestContext,
): Promise<NextEditRequest.Result> {
  const started = performance.now();
  const config = state.host.config();
  const task = config.tasks.nextEdit;
  const excerpt = new Excerpt(params.document);
  const format = formatFor(task.model, config.nextEdit.format);
  const input: PromptInput = {
    excerpt,
    path: shownPath(params.document.path, params.workspaceRoot),
    languageId: params.document.languageId,
    history: params.history
      .filter(isChange)
      .slice(-MAX_HUNKS)
      .map((h): ShownHunk => ({ ...h, shownPath: shownPath(h.path, params.workspaceRoot) })),
    last: lastEditOf(params.history, params.document.path),
    diagnostics: params.diagnostics,
    related: await relatedCode(state, params, excerpt, [...session.roots], config.nextEdit.contextDeadlineMs, signal),
    strictness: params.strictness,
  };
  const built = promptFormats[format].build(input, { counter: state.counter, limit: Math.max(0, task.num_ctx - task.num_predict) });
  const contextMs = performance.now() - started;
  const base = { suggestionId: randomUUID(), format, version: params.document.version };
  if (!built) {
    return finish(
      state,
      { ...base, ...nothing('budget'), region: excerpt.around(0, 0), model: task.model, backend: '', promptTokens: 0 },
      {
        started,
        contextMs,
        modelMs: 0,
      },
    );
  }

  const onDelta = state.host.stream(session, params.streamId);
  const call = { task: 'nextEdit' as const, sessionKey: params.sessionKey ?? session.id, signal, onDelta };
  const modelStarted = performance.now();
  const answer: GenerationResult =
    built.request.kind === 'raw'
      ? await state.host.router.generate({ ...call, prompt: built.request.prompt, stop: built.request.stop })
      : await state.host.router.chat({ ...call, messages: built.request.messages });
  const modelMs = performance.now() - modelStarted;

  const parseStarted = performance.now();
  const extracted = built.extract(answer.text, answer.doneReason);
  const verdict =
    'refusal' in extracted ? extracted : judgeRewrite(excerpt.text(built.region), extracted.text, built.region.startLine, input.last);
  const parseMs = performance.now() - parseStarted;
  const outcome = 'refusal' in verdict ? nothing(verdict.refusal) : { outcome: 'suggested' as const, edits: verdict.edits };
  return finish(
    state,
    {
      ...base,
      ...outcome,
      region: built.region,
      model: answer.model,
      backend: answer.backend,
      promptTokens: built.tokens,
      ...(params.includePrompt ? { prompt: shownPrompt(built), answer: answer.text } : {}),
    },
    { started, contextMs, modelMs, parseMs, firstTokenMs: modelStarted - started + answer.firstTokenMs },
  );
}

function nothing(reason: NextEditRefusal): { outcome: 'none'; reason: NextEditRefusal; edits: [] } {
  return { outcome: 'none', reason, edits: [] };
}

type Unfinished = Omit<NextEditRequest.Result, 'timings'>;

function finish(
  state: NextEditState,
  result: Unfinished,
  t: { started: number; contextMs: number; modelMs: number; parseMs?: number; firstTokenMs?: number },
): NextEditRequest.Result {
  const totalMs = performance.now() - t.started;
  state.requests.inc({ outcome: result.outcome, reason: result.reason ?? '', format: result.format });
  state.overhead.observe({ format: result.format }, Math.max(0, totalMs - t.modelMs) / 1000);
  return {
    ...result,
    timings: {
      contextMs: round(t.contextMs),
      firstTokenMs: round(t.firstTokenMs ?? totalMs),
      totalMs: round(totalMs),
      parseMs: round(t.parseMs ?? 0),
    },
  };
}

/** The path the model sees: relative to the workspace root when the file is inside it, with `/` separators. */
export function shownPath(path: string, root: string | undefined): string {
  if (root) {
    const rel = relative(root, path);
    if (rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel)) return rel.split(sep).join('/');
  }
  return path;
}

/**
 * Chunks of other files the context engine ranks for the cursor, within the deadline and
 * the session's own roots (never another window's); none when retrieval fails.
 */
async function relatedCode(
  state: NextEditState,
  params: NextEditParams,
  excerpt: Excerpt,
  roots: readonly string[],
  deadlineMs: number,
  signal: AbortSignal,
): Promise<RelatedCode[]> {
  if (deadlineMs <= 0 || roots.length === 0) return [];
  const offset = excerpt.cursorOffsetIn({ startLine: excerpt.startLine, endLine: excerpt.endLine });
  const text = params.document.text;
  const req: RetrieveRequest = {
    path: params.document.path,
    languageId: params.document.languageId,
    prefix: text.slice(0, offset),
    suffix: text.slice(offset),
    line: excerpt.line,
    recentFiles: params.recentFiles,
    k: RELATED_CHUNKS,
    excludeLines: [excerpt.startLine + 1, excerpt.endLine],
    deadlineMs,
    roots,
    signal,
  };
  try {
    const { chunks } = await state.host.context.retrieve(req);
    return chunks.map((c) => ({ path: c.file, text: c.text }));
  } catch (err) {
    if (signal.aborted) throw err;
    state.host.logger.debug(`next-edit: related code unavailable (${(err as Error).message})`);
    return [];
  }
}

/** What was sent, for the expert view: the raw prompt, or each chat message under its role. */
function shownPrompt(built: BuiltPrompt): string {
  if (built.request.kind === 'raw') return built.request.prompt;
  return built.request.messages.map((m: ChatMessage) => `### ${m.role}\n${m.content}`).join('\n\n');
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
