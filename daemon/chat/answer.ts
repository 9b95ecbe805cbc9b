/**
 * Writing the answer of a stored question: build the prompt (system + project rules,
 * history, question) within the chat task's budget, stream the `chat` task through the
 * router as `tandem/stream/delta`, save the text so far every second, and finish the
 * answer as `done`, `cancelled` (partial text kept) or `error` (error text kept for Retry).
 */
import { ErrorCodes, TandemError, isCancellation, type ChatContextItem, type ChatMessageInfo, type ChatTurnResult } from '../../protocol';
import type { ChatMessage, ModelRouter } from '../router/types';
import type { Session } from '../server/rpc';
import { buildChatPrompt, renderSystem, type HistoryTurn } from './prompt';
import type { RuleText } from './rules';
import type { ChatState } from './state';
import { toMessageInfo, type StoredMessage, type StoredMessageMeta } from './store';

/** How often the streamed text is written to the store while a turn runs, ms. */
const PROGRESS_SAVE_MS = 1000;

/** A question stored with its (still empty) answer row, ready to be answered. */
export interface Turn {
  conversationId: string;
  user: StoredMessage;
  assistant: StoredMessage;
  /** The workspace root whose project rules apply, when known. */
  root?: string;
  /** Rules found while gathering the context (read from `root` when absent). */
  rules?: RuleText[];
  contextMs: number;
  /** `performance.now()` when the request arrived. */
  started: number;
}

export interface TurnOptions {
  streamId?: string;
  model?: string;
  includePrompt: boolean;
}

/** Answer `turn`; whatever happens, the answer row ends with a visible outcome. */
export async function answerTurn(
  chat: ChatState,
  session: Session,
  turn: Turn,
  opts: TurnOptions,
  signal: AbortSignal,
): Promise<ChatTurnResult> {
  let text = '';
  let context: ChatContextItem[] = turn.user.meta.context ?? [];
  try {
    return await streamAnswer(chat, session, turn, opts, signal, (t, c) => {
      text = t;
      context = c;
    });
  } catch (err) {
    if (signal.aborted || isCancellation(err)) {
      chat.store.finish(turn.assistant.id, { content: text, status: 'cancelled', meta: { context } });
    } else {
      chat.store.finish(turn.assistant.id, { content: text, status: 'error', error: errorInfo(err, chat.host.router), meta: { context } });
    }
    throw err;
  }
}

/** Build the prompt and stream the answer; `progress` always holds the text so far and the context used. */
async function streamAnswer(
  chat: ChatState,
  session: Session,
  turn: Turn,
  opts: TurnOptions,
  signal: AbortSignal,
  progress: (text: string, context: ChatContextItem[]) => void,
): Promise<ChatTurnResult> {
  const { host, store, counter } = chat;
  const cfg = host.config().tasks.chat;
  const budget = Math.max(256, cfg.num_ctx - cfg.num_predict);
  const rules = turn.rules ?? chat.rules.read(turn.root);
  const history = historyBefore(store.messages(turn.conversationId), turn.user.seq);
  const question = turn.user.meta.prompt ?? turn.user.content;
  const prompt = buildChatPrompt(counter, { system: renderSystem(rules), history, question, budgetTokens: budget });
  const ruleItems: ChatContextItem[] = rules.map((r) => ({
    kind: 'rules',
    path: turn.root ? `${turn.root}/${r.path}` : r.path,
    label: r.path,
    tokens: counter.count(r.text),
    outcome: 'included',
  }));
  const context = [...ruleItems, ...(turn.user.meta.context ?? [])];

  let text = '';
  let firstTokenAt: number | undefined;
  let lastSave = performance.now();
  const send = host.stream(session, opts.streamId);
  progress(text, context);
  const result = await host.router.chat({
    task: 'chat',
    messages: prompt.messages,
    model: opts.model ?? turn.user.meta.model,
    sessionKey: turn.conversationId,
    signal,
    onDelta: (delta) => {
      firstTokenAt ??= performance.now();
      text += delta;
      progress(text, context);
      send(delta);
      const now = performance.now();
      if (now - lastSave >= PROGRESS_SAVE_MS) {
        lastSave = now;
        store.saveProgress(turn.assistant.id, text);
      }
    },
  });
  const end = performance.now();
  const meta: StoredMessageMeta = {
    context,
    stats: {
      model: result.model,
      backend: result.backend,
      timings: {
        contextMs: round(turn.contextMs),
        firstTokenMs: round((firstTokenAt ?? end) - turn.started),
        totalMs: round(end - turn.started),
      },
      tokens: { prompt: result.promptTokens, output: result.outputTokens, promptEstimate: prompt.tokens },
      droppedTurns: prompt.droppedTurns,
    },
  };
  const done = store.finish(turn.assistant.id, { content: result.text, status: 'done', meta });
  if (!done) throw new TandemError(ErrorCodes.NotFound, 'The conversation was deleted while the answer was written.');
  host.logger.info(
    `Chat turn answered by ${result.model} on ${result.backend} in ${Math.round(end - turn.started)} ms (${prompt.tokens} prompt tokens, ${prompt.droppedTurns} old turns left out).`,
  );
  const conversation = store.conversation(turn.conversationId)!;
  const out: ChatTurnResult = { conversation, user: toMessageInfo(turn.user), assistant: toMessageInfo(done) };
  if (opts.includePrompt)
    out.prompt = prompt.messages.map((m: ChatMessage) => ({ role: m.role === 'tool' ? 'user' : m.role, content: m.content }));
  return out;
}

/** Answered turns before the question at `seq`, as they were sent (failed answers are left out). */
export function historyBefore(messages: StoredMessage[], seq: number): HistoryTurn[] {
  const turns: HistoryTurn[] = [];
  const earlier = messages.filter((m) => m.seq < seq);
  for (let i = 0; i < earlier.length; i++) {
    const m = earlier[i];
    const next = earlier[i + 1];
    if (m.role !== 'user' || !next || next.role !== 'assistant') continue;
    if ((next.status === 'done' || next.status === 'cancelled') && next.content.trim() !== '') {
      turns.push({ question: m.meta.prompt ?? m.content, answer: next.content });
    }
  }
  return turns;
}

/** The stored form of a failed answer: the message, the fix and the backend URL involved. */
export function errorInfo(err: unknown, router: Pick<ModelRouter, 'status'>): NonNullable<ChatMessageInfo['error']> {
  if (err instanceof TandemError) {
    const info: NonNullable<ChatMessageInfo['error']> = { message: err.message, kind: err.kind };
    if (err.hint) info.hint = err.hint;
    const url = backendUrlOf(err.details, router);
    if (url) info.backendUrl = url;
    return info;
  }
  return { message: err instanceof Error ? err.message : String(err), kind: 'internal' };
}

function backendUrlOf(details: unknown, router: Pick<ModelRouter, 'status'>): string | undefined {
  if (Array.isArray(details)) {
    const first = details.find(
      (d): d is { url: string } => typeof (d as { url?: unknown })?.url === 'string' && (d as { url: string }).url !== '',
    );
    return first?.url;
  }
  const name = (details as { backend?: unknown } | undefined)?.backend;
  if (typeof name === 'string') return router.status().find((b) => b.name === name)?.url;
  const all = router.status();
  return all.length === 1 ? all[0].url : undefined;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
