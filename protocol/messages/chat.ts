/**
 * Chat: conversations with the `chat` task, persisted per workspace in the daemon's
 * user database, with workspace context (selection, files, `@codebase` retrieval and
 * project rules) assembled by the daemon.
 *
 * A turn is one `tandem/chat/send` (or `tandem/chat/retry`) request. Tokens stream as
 * `tandem/stream/delta` notifications carrying the request's `streamId`; the result
 * marks the end. `$/cancelRequest` stops the upstream model at once; the partial answer
 * is kept with status `cancelled`. The question is stored before the model is called,
 * so a failed turn loses neither the question nor the history: the answer is stored
 * with status `error` and the error text, and `tandem/chat/retry` answers it again.
 */
import { RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zId, zPath } from '../define';
import type { TandemErrorData } from '../errors';

/** The editor selection the user asks about. Lines are 1-based and inclusive. */
export const zChatSelection = z.object({
  path: zPath,
  languageId: z.string().min(1).max(100),
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  text: z.string().max(400_000),
});
export type ChatSelection = z.infer<typeof zChatSelection>;

/** What the client attaches to a question. */
export const zChatContextRequest = z.object({
  /** The current selection; included in full (clipped to the budget). */
  selection: zChatSelection.optional(),
  /** The active editor's file, included when there is no selection (clipped to the budget). */
  activeFile: z.object({ path: zPath, languageId: z.string().min(1).max(100) }).optional(),
  /** `@file` mentions: absolute paths inside a registered root; the daemon reads them. */
  files: z.array(zPath).max(20).default([]),
  /** `@codebase`: retrieve chunks relevant to the question from the workspace index. */
  codebase: z.boolean().default(false),
});
export type ChatContextRequest = z.input<typeof zChatContextRequest>;

/** One piece of context that went into a turn's prompt (or was left out, with why). */
export interface ChatContextItem {
  /** `memory` (since 1.1): a project memory note; `path` is then `memory:<note id>` and `label` its title. */
  kind: 'selection' | 'file' | 'codebase' | 'rules' | 'memory';
  /** Absolute path of the file. */
  path: string;
  /** Root-relative path for display, when inside a root. */
  label: string;
  /** 1-based inclusive lines of what was included; absent for a whole file. */
  startLine?: number;
  endLine?: number;
  tokens: number;
  /** `included`: as is; `clipped`: shortened to fit; `omitted`: left out (see `reason`). */
  outcome: 'included' | 'clipped' | 'omitted';
  reason?: string;
}

export type ChatMessageStatus = 'done' | 'streaming' | 'cancelled' | 'error';

/** Figures of one answered turn (advanced and expert panels show them). */
export interface ChatTurnStats {
  model: string;
  backend: string;
  /** Context assembly, first token and total, ms from the request's arrival. */
  timings: { contextMs: number; firstTokenMs: number; totalMs: number };
  /** As reported by the backend when it does; `promptEstimate` is the daemon's own count. */
  tokens: { prompt?: number; output?: number; promptEstimate: number };
  /** History turns left out because the conversation outgrew the budget. */
  droppedTurns: number;
}

export interface ChatMessageInfo {
  id: string;
  role: 'user' | 'assistant';
  /** The text as typed (user) or generated (assistant). */
  content: string;
  status: ChatMessageStatus;
  createdAt: number;
  /** For a failed answer: what went wrong and how to fix it. */
  error?: { message: string; hint?: string; kind: string; backendUrl?: string };
  /** Assistant messages: the context used for the turn and its figures. */
  context?: ChatContextItem[];
  stats?: ChatTurnStats;
  /** User messages: what the user attached (shown as chips). */
  attachments?: { selection?: { path: string; startLine: number; endLine: number }; files?: string[]; codebase?: boolean };
}

export interface ChatConversationSummary {
  id: string;
  title: string;
  /** The workspace key the conversation belongs to ('' when no folder is open). */
  workspace: string;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
}

export interface ChatTurnResult {
  conversation: ChatConversationSummary;
  user: ChatMessageInfo;
  assistant: ChatMessageInfo;
  /** The messages sent to the model, when `includePrompt` was set (expert mode). */
  prompt?: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
}

const zTurnOptions = {
  /** Id for `tandem/stream/delta` notifications of this turn. */
  streamId: zId.optional(),
  /** Override the chat task's model for this turn (the advanced model picker). */
  model: z.string().min(1).max(200).optional(),
  /** Return the exact messages sent to the model (expert mode's raw prompt). */
  includePrompt: z.boolean().default(false),
};

/**
 * `tandem/chat/send` — client → daemon. Ask a question in a conversation.
 *
 * Params: `conversationId` (an existing conversation, or a new id chosen by the client:
 * the conversation is created on first use in `workspace`), the question `text`, the
 * context to attach, and the turn options (`streamId`, `model`, `includePrompt`).
 * Result: `ChatTurnResult` with both stored messages. Errors: `NoBackendAvailable`,
 * `ModelNotFound`, `UpstreamError`, `UpstreamTimeout` (the question and a failed answer
 * are stored first), `RequestCancelled` (partial answer stored as `cancelled`),
 * `PathOutsideWorkspace` for an `@file` outside every root, `InvalidParams`. Since 1.0.
 */
export namespace ChatSendRequest {
  export const method = 'tandem/chat/send' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    conversationId: zId,
    /** Workspace key for a new conversation: the first workspace folder's path, or ''. */
    workspace: z.string().max(4096).default(''),
    text: z.string().trim().min(1, 'the question is empty').max(100_000),
    context: zChatContextRequest.default({ files: [], codebase: false }),
    ...zTurnOptions,
  });
  export type Params = z.input<typeof params>;
  export type Result = ChatTurnResult;
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/chat/retry` — client → daemon. Answer the conversation's last question again
 * (after an error, a cancellation or to regenerate); the previous answer is replaced.
 * Context is the same as the question's (the attachments stored with it). Result and
 * errors as `tandem/chat/send`; `NotFound` for an unknown conversation or one without
 * a question. Since 1.0.
 */
export namespace ChatRetryRequest {
  export const method = 'tandem/chat/retry' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ conversationId: zId, ...zTurnOptions });
  export type Params = z.input<typeof params>;
  export type Result = ChatTurnResult;
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/chat/list` — client → daemon. Conversations of a workspace, most recently
 * updated first. Result: `{ conversations }`. Since 1.0.
 */
export namespace ChatListRequest {
  export const method = 'tandem/chat/list' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    workspace: z.string().max(4096).default(''),
    limit: z.number().int().min(1).max(500).default(100),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    conversations: ChatConversationSummary[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/chat/get` — client → daemon. One conversation with its messages in order.
 * Error: `NotFound` for an unknown id. Since 1.0.
 */
export namespace ChatGetRequest {
  export const method = 'tandem/chat/get' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ conversationId: zId });
  export type Params = z.input<typeof params>;
  export interface Result {
    conversation: ChatConversationSummary;
    messages: ChatMessageInfo[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/chat/delete` — client → daemon. Deletes a conversation and its messages.
 * A turn still streaming in it is cancelled. Result: whether it existed. Since 1.0.
 */
export namespace ChatDeleteRequest {
  export const method = 'tandem/chat/delete' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ conversationId: zId });
  export type Params = z.input<typeof params>;
  export interface Result {
    deleted: boolean;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}
