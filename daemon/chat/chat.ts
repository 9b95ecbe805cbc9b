/**
 * The chat feature of tandemd: `tandem/chat/send|retry|list|get|delete`.
 *
 * A turn: read the context (selection, `@file`, active file, `@codebase`), store the
 * question and an empty `streaming` answer, build the prompt (system + project rules,
 * history, question), stream the `chat` task through the router as
 * `tandem/stream/delta` notifications, and finish the answer as `done`, `cancelled`
 * (partial text kept) or `error` (error text kept for Retry). The question is never
 * lost once the turn has started.
 */
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import {
  ChatDeleteRequest,
  ChatGetRequest,
  ChatListRequest,
  ChatRetryRequest,
  ChatSendRequest,
  ErrorCodes,
  StreamDeltaNotification,
  TandemError,
  isCancellation,
  type ChatContextItem,
  type ChatMessageInfo,
  type ChatTurnResult,
} from '../../protocol';
import type { DaemonHost } from '../daemon';
import type { Session } from '../server/rpc';
import { TokenCounter } from '../context/budget';
import { ProjectRules } from '../context/rules';
import type { ChatMessage, ModelRouter } from '../router/types';
import { clipToTokens, gatherContext, type ChatContextInput } from './context';
import { buildChatPrompt, renderQuestion, renderSystem, type HistoryTurn } from './prompt';
import { ChatStore, toMessageInfo, type StoredMessage, type StoredMessageMeta } from './store';

/** Share of the prompt budget the question's context may take; history gets the rest. */
export const CHAT_CONTEXT_SHARE = 0.6;
/** Project rules are capped so that a long AGENTS.md cannot crowd out the conversation. */
export const CHAT_RULES_MAX_TOKENS = 2000;
/** How often the streamed text is written to the store while a turn runs, ms. */
const PROGRESS_SAVE_MS = 1000;

interface TurnOptions {
  streamId?: string;
  model?: string;
  includePrompt: boolean;
}

export function registerChat(host: DaemonHost): () => void {
  const store = new ChatStore(host.db);
  const recovered = store.recoverInterrupted();
  if (recovered > 0) host.logger.info(`Chat: ${recovered} answer(s) cut off by the last shutdown are marked for retry.`);
  const counter = new TokenCounter();
  const rulesByRoot = new Map<string, ProjectRules>();
  /** Running turns by conversation, so delete and a second send can act on them. */
  const running = new Map<string, AbortController>();

  const rootsOf = (session: Session): string[] => [...new Set([...session.roots, ...host.context.roots()])];

  const readRules = (root: string | undefined): Array<{ path: string; text: string }> => {
    if (!root) return [];
    let rules = rulesByRoot.get(root);
    if (!rules) {
      rules = new ProjectRules(root, (msg) => host.logger.warn(msg));
      rulesByRoot.set(root, rules);
    }
    let left = CHAT_RULES_MAX_TOKENS;
    const out: Array<{ path: string; text: string }> = [];
    for (const r of rules.read()) {
      const clip = clipToTokens(counter, r.text, left);
      if (clip.text.trim() === '') break;
      out.push({ path: r.path, text: clip.text });
      left -= clip.tokens;
    }
    return out;
  };

  const canonicalWorkspace = (workspace: string): string | undefined => {
    if (workspace === '') return undefined;
    try {
      return realpathSync(workspace);
    } catch {
      return undefined;
    }
  };

  const claim = (conversationId: string, signal: AbortSignal): AbortController => {
    if (running.has(conversationId)) {
      throw new TandemError(ErrorCodes.InvalidParams, 'An answer is still being written in this conversation.', {
        hint: 'Stop it (or wait for it to finish) before asking again.',
      });
    }
    const controller = new AbortController();
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', () => controller.abort(), { once: true });
    running.set(conversationId, controller);
    return controller;
  };

  const answer = async (
    session: Session,
    started: number,
    turn: {
      conversationId: string;
      user: StoredMessage;
      assistant: StoredMessage;
      root?: string;
      rules?: Array<{ path: string; text: string }>;
      contextMs: number;
    },
    opts: TurnOptions,
    signal: AbortSignal,
  ): Promise<ChatTurnResult> => {
    let text = '';
    let context: ChatContextItem[] = turn.user.meta.context ?? [];
    try {
      return await stream(session, started, turn, opts, signal, (t, c) => {
        text = t;
        context = c;
      });
    } catch (err) {
      // The answer row exists: finish it so that the question keeps a visible outcome.
      if (signal.aborted || isCancellation(err)) {
        store.finish(turn.assistant.id, { content: text, status: 'cancelled', meta: { context } });
      } else {
        store.finish(turn.assistant.id, { content: text, status: 'error', error: errorInfo(err, host.router), meta: { context } });
      }
      throw err;
    }
  };

  /** Build the prompt and stream the answer; `progress` always holds the text so far and the context used. */
  const stream = async (
    session: Session,
    started: number,
    turn: {
      conversationId: string;
      user: StoredMessage;
      assistant: StoredMessage;
      root?: string;
      rules?: Array<{ path: string; text: string }>;
      contextMs: number;
    },
    opts: TurnOptions,
    signal: AbortSignal,
    progress: (text: string, context: ChatContextItem[]) => void,
  ): Promise<ChatTurnResult> => {
    const cfg = host.config().tasks.chat;
    const budget = Math.max(256, cfg.num_ctx - cfg.num_predict);
    const rules = turn.rules ?? readRules(turn.root);
    const system = renderSystem(rules);
    const history = historyBefore(store.messages(turn.conversationId), turn.user.seq);
    const question = turn.user.meta.prompt ?? turn.user.content;
    const prompt = buildChatPrompt(counter, { system, history, question, budgetTokens: budget });
    const ruleItems: ChatContextItem[] = rules.map((r) => ({
      kind: 'rules',
      path: turn.root ? `${turn.root}/${r.path}` : r.path,
      label: r.path,
      tokens: counter.count(r.text),
      outcome: 'included',
    }));
    const context = [...ruleItems, ...(turn.user.meta.context ?? [])];
    const model = opts.model ?? turn.user.meta.model;

    let text = '';
    let seq = 0;
    let firstTokenAt: number | undefined;
    let lastSave = performance.now();
    const streamId = opts.streamId;
    progress(text, context);
    const result = await host.router.chat({
      task: 'chat',
      messages: prompt.messages,
      model,
      sessionKey: turn.conversationId,
      signal,
      onDelta: (delta) => {
        firstTokenAt ??= performance.now();
        text += delta;
        progress(text, context);
        if (streamId)
          void session.connection.sendNotification(StreamDeltaNotification.type, { streamId, seq: seq++, delta }).catch(() => undefined);
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
        timings: { contextMs: round(turn.contextMs), firstTokenMs: round((firstTokenAt ?? end) - started), totalMs: round(end - started) },
        tokens: { prompt: result.promptTokens, output: result.outputTokens, promptEstimate: prompt.tokens },
        droppedTurns: prompt.droppedTurns,
      },
    };
    const done = store.finish(turn.assistant.id, { content: result.text, status: 'done', meta });
    if (!done) throw new TandemError(ErrorCodes.NotFound, 'The conversation was deleted while the answer was written.');
    host.logger.info(
      `Chat turn answered by ${result.model} on ${result.backend} in ${Math.round(end - started)} ms (${prompt.tokens} prompt tokens, ${prompt.droppedTurns} old turns left out).`,
    );
    const conversation = store.conversation(turn.conversationId)!;
    const out: ChatTurnResult = { conversation, user: toMessageInfo(turn.user), assistant: toMessageInfo(done) };
    if (opts.includePrompt) out.prompt = prompt.messages.map((m: ChatMessage) => ({ role: m.role, content: m.content }));
    return out;
  };

  host.rpc.register(ChatSendRequest, async (params, { session, signal }) => {
    const started = performance.now();
    const controller = claim(params.conversationId, signal);
    try {
      const roots = rootsOf(session);
      const cfg = host.config().tasks.chat;
      const budget = Math.max(256, cfg.num_ctx - cfg.num_predict);
      const turnId = randomUUID();
      const context: ChatContextInput = params.context;
      const gathered = await gatherContext(
        { counter, roots, assembleChat: (req) => host.context.assembleChat(req) },
        {
          question: params.text,
          context,
          workspaceRoot: canonicalWorkspace(params.workspace),
          budgetTokens: Math.floor(budget * CHAT_CONTEXT_SHARE),
          requestId: turnId,
          signal: controller.signal,
        },
      );
      const contextMs = performance.now() - started;
      const attachments: ChatMessageInfo['attachments'] = {};
      if (context.selection)
        attachments.selection = {
          path: context.selection.path,
          startLine: context.selection.startLine,
          endLine: context.selection.endLine,
        };
      if (context.files.length > 0) attachments.files = context.files;
      if (context.codebase) attachments.codebase = true;
      const existing = store.conversation(params.conversationId);
      const { user, assistant } = store.beginTurn({
        conversationId: params.conversationId,
        workspace: existing?.workspace ?? params.workspace,
        userId: randomUUID(),
        assistantId: turnId,
        question: params.text,
        userMeta: {
          prompt: renderQuestion(params.text, gathered.blocks),
          context: gathered.items,
          attachments,
          ...(params.model ? { model: params.model } : {}),
        },
      });
      return await answer(
        session,
        started,
        { conversationId: params.conversationId, user, assistant, root: gathered.root, rules: gathered.rules, contextMs },
        params,
        controller.signal,
      );
    } finally {
      running.delete(params.conversationId);
    }
  });

  host.rpc.register(ChatRetryRequest, async (params, { session, signal }) => {
    const started = performance.now();
    const conversation = store.conversation(params.conversationId);
    if (!conversation) throw notFound(params.conversationId);
    const controller = claim(params.conversationId, signal);
    try {
      const turn = store.beginRetry(params.conversationId, randomUUID());
      if (!turn) throw new TandemError(ErrorCodes.NotFound, 'This conversation has no question to answer again.');
      const root = canonicalWorkspace(conversation.workspace);
      return await answer(
        session,
        started,
        {
          conversationId: params.conversationId,
          ...turn,
          root: root && rootsOf(session).includes(root) ? root : rootsOf(session)[0],
          contextMs: 0,
        },
        params,
        controller.signal,
      );
    } finally {
      running.delete(params.conversationId);
    }
  });

  host.rpc.register(ChatListRequest, (params) => ({ conversations: store.list(params.workspace, params.limit) }));

  host.rpc.register(ChatGetRequest, (params) => {
    const conversation = store.conversation(params.conversationId);
    if (!conversation) throw notFound(params.conversationId);
    return { conversation, messages: store.messages(params.conversationId).map(toMessageInfo) };
  });

  host.rpc.register(ChatDeleteRequest, (params) => {
    running.get(params.conversationId)?.abort();
    return { deleted: store.delete(params.conversationId) };
  });

  return () => {
    for (const controller of running.values()) controller.abort();
    running.clear();
    counter.dispose();
  };
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

function notFound(id: string): TandemError {
  return new TandemError(ErrorCodes.NotFound, `No conversation ${id}; it may have been deleted.`, { hint: 'Start a new chat.' });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
