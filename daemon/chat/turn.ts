/**
 * `tandem/chat/send` and `tandem/chat/retry`: claim the conversation (one answer at a
 * time), gather the question's context (selection, `@file`, active file, `@codebase`),
 * store the question and an empty `streaming` answer, then answer it (`answer.ts`). The
 * question is never lost once the turn has started.
 */
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import {
  ErrorCodes,
  TandemError,
  type ChatMessageInfo,
  type ChatRetryRequest,
  type ChatSendRequest,
  type ChatTurnResult,
  type z,
} from '../../protocol';
import type { RequestContext, Session } from '../server/rpc';
import { notesForPrompt } from '../memory/prompt-notes';
import { answerTurn } from './answer';
import { gatherContext, type ChatContextInput } from './context';
import { renderQuestion } from './prompt';
import { conversationNotFound, type ChatState } from './state';

export async function sendTurn(
  chat: ChatState,
  params: z.output<typeof ChatSendRequest.params>,
  { session, signal }: RequestContext,
): Promise<ChatTurnResult> {
  const started = performance.now();
  const { host, store } = chat;
  const controller = chat.running.claim(params.conversationId, signal);
  try {
    const cfg = host.config().tasks.chat;
    const budget = Math.max(256, cfg.num_ctx - cfg.num_predict);
    const turnId = randomUUID();
    const context: ChatContextInput = params.context;
    const gathered = await gatherContext(
      { counter: chat.counter, roots: rootsOf(session), assembleChat: (req) => host.context.assembleChat(req) },
      {
        question: params.text,
        context,
        workspaceRoot: canonicalWorkspace(params.workspace),
        // The question's context takes `context.chat.contextShare` of the budget; history gets the rest.
        budgetTokens: Math.floor(budget * host.context.config.chat.contextShare),
        requestId: turnId,
        signal: controller.signal,
      },
    );
    // Project memory notes relevant to the question go first (stable across turns), within their share.
    const memoryRoot = gathered.root ?? rootsOf(session)[0];
    const notes = notesForPrompt(host, {
      workspace: memoryRoot ?? '',
      query: params.text,
      task: 'chat',
      count: (t) => chat.counter.count(t),
    });
    if (notes.text !== '') gathered.blocks.unshift({ title: 'Project memory:', language: 'markdown', text: notes.text });
    gathered.items.push(...notes.items);
    const contextMs = performance.now() - started;
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
        attachments: attachmentsOf(context),
        ...(params.model ? { model: params.model } : {}),
      },
    });
    const turn = { conversationId: params.conversationId, user, assistant, root: gathered.root, rules: gathered.rules, contextMs, started };
    return await answerTurn(chat, session, turn, params, controller.signal);
  } finally {
    chat.running.release(params.conversationId);
  }
}

export async function retryTurn(
  chat: ChatState,
  params: z.output<typeof ChatRetryRequest.params>,
  { session, signal }: RequestContext,
): Promise<ChatTurnResult> {
  const started = performance.now();
  const conversation = chat.store.conversation(params.conversationId);
  if (!conversation) throw conversationNotFound(params.conversationId);
  const controller = chat.running.claim(params.conversationId, signal);
  try {
    const stored = chat.store.beginRetry(params.conversationId, randomUUID());
    if (!stored) throw new TandemError(ErrorCodes.NotFound, 'This conversation has no question to answer again.');
    const roots = rootsOf(session);
    const root = canonicalWorkspace(conversation.workspace);
    const turn = {
      conversationId: params.conversationId,
      ...stored,
      root: root && roots.includes(root) ? root : roots[0],
      contextMs: 0,
      started,
    };
    return await answerTurn(chat, session, turn, params, controller.signal);
  } finally {
    chat.running.release(params.conversationId);
  }
}

/** The session's own roots: a chat never reads another window's folders. */
function rootsOf(session: Session): string[] {
  return [...session.roots];
}

function canonicalWorkspace(workspace: string): string | undefined {
  if (workspace === '') return undefined;
  try {
    return realpathSync(workspace);
  } catch {
    return undefined;
  }
}

/** What the question was asked with, as the panel shows it (chips). */
function attachmentsOf(context: ChatContextInput): ChatMessageInfo['attachments'] {
  const attachments: ChatMessageInfo['attachments'] = {};
  if (context.selection) {
    attachments.selection = { path: context.selection.path, startLine: context.selection.startLine, endLine: context.selection.endLine };
  }
  if (context.files.length > 0) attachments.files = context.files;
  if (context.codebase) attachments.codebase = true;
  return attachments;
}
