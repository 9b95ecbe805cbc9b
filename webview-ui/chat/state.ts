/**
 * The chat panel's state and how host messages change it. Pure: the view renders a
 * state, the webview keeps it with `vscode.setState` so that hiding, showing and
 * reloading the panel shows the same conversation at once (the host then refreshes it
 * from the daemon).
 */
import type { ChatConversationSummary, ChatMessageInfo } from '../../protocol';
import { reduceAgentTask } from './agent-state';
import type { AgentTaskView, AgentToolsView } from './agent-types';
import type { ChatUiMode, ContextPreview, ErrorView, FileSuggestion, HostToWebview, PanelMode, PromptMessage } from './messages';

export interface ChatState {
  mode: ChatUiMode;
  conversation: { id: string; title: string } | null;
  messages: ChatMessageInfo[];
  /** Id of the answer being streamed, if any. */
  streamingId?: string;
  /** Raw prompts of answered turns by assistant id (expert mode; this session only). */
  prompts: Record<string, PromptMessage[]>;
  models: string[];
  model?: string;
  /** The history list, when open. */
  history?: ChatConversationSummary[];
  preview: ContextPreview;
  connected: boolean;
  connectionMessage?: string;
  draft: string;
  suggestions?: { requestId: number; items: FileSuggestion[] };
  notice?: { level: 'info' | 'error'; text: string };
  /** Ask (chat answers) or Agent (tasks). */
  panelMode: PanelMode;
  /** The agent task shown in Agent mode (the running one, else the last). */
  agent: AgentTaskView | null;
  /** The tool list, when open. */
  tools?: AgentToolsView;
}

export function initialState(): ChatState {
  return {
    mode: 'simple',
    conversation: null,
    messages: [],
    prompts: {},
    models: [],
    preview: {},
    connected: true,
    draft: '',
    panelMode: 'ask',
    agent: null,
  };
}

/** What survives a reload: everything but transient lists. */
export function persistable(state: ChatState): ChatState {
  const { history: _history, suggestions: _suggestions, notice: _notice, tools: _tools, ...rest } = state;
  return rest;
}

/** Restore a persisted state defensively (it may come from an older panel). */
export function restore(saved: unknown): ChatState {
  const base = initialState();
  if (typeof saved !== 'object' || saved === null) return base;
  const s = saved as Partial<ChatState>;
  return {
    ...base,
    mode: s.mode === 'advanced' || s.mode === 'expert' ? s.mode : 'simple',
    conversation: s.conversation && typeof s.conversation.id === 'string' ? s.conversation : null,
    messages: Array.isArray(s.messages) ? s.messages : [],
    // A stream cannot survive a reload of the page; the host re-sends it if it is still running.
    streamingId: undefined,
    prompts: typeof s.prompts === 'object' && s.prompts !== null ? s.prompts : {},
    models: Array.isArray(s.models) ? s.models : [],
    model: typeof s.model === 'string' ? s.model : undefined,
    draft: typeof s.draft === 'string' ? s.draft : '',
    panelMode: s.panelMode === 'agent' ? 'agent' : 'ask',
    agent: restoreAgent(s.agent),
  };
}

/** A saved task shows at once after a reload; the host then sends the live one. */
function restoreAgent(saved: unknown): AgentTaskView | null {
  if (typeof saved !== 'object' || saved === null) return null;
  const t = saved as Partial<AgentTaskView>;
  if (typeof t.id !== 'string' || typeof t.task !== 'string' || !Array.isArray(t.steps) || typeof t.status !== 'string') return null;
  return t as AgentTaskView;
}

function replaceMessage(messages: ChatMessageInfo[], id: string, update: (m: ChatMessageInfo) => ChatMessageInfo): ChatMessageInfo[] {
  return messages.map((m) => (m.id === id ? update(m) : m));
}

export function reduce(state: ChatState, msg: HostToWebview): ChatState {
  switch (msg.type) {
    case 'init':
      return {
        ...state,
        mode: msg.mode,
        models: msg.models,
        model: msg.model ?? state.model,
        connected: msg.connected,
        connectionMessage: msg.connectionMessage,
      };
    case 'mode':
      return { ...state, mode: msg.mode };
    case 'models':
      return {
        ...state,
        models: msg.models,
        model: msg.model ?? (state.model && msg.models.includes(state.model) ? state.model : undefined),
      };
    case 'conversation': {
      const sameConversation = msg.conversation?.id === state.conversation?.id;
      return {
        ...state,
        conversation: msg.conversation,
        messages: msg.messages,
        streamingId: sameConversation ? state.streamingId : undefined,
        history: undefined,
        notice: undefined,
      };
    }
    case 'history':
      return { ...state, history: msg.conversations };
    case 'turnStarted': {
      let messages = state.messages;
      if (msg.replaceFromUserId) {
        const at = messages.findIndex((m) => m.id === msg.replaceFromUserId);
        messages = at >= 0 ? messages.slice(0, at + 1) : messages;
      } else {
        messages = [...messages, msg.user];
      }
      const assistant: ChatMessageInfo = {
        id: msg.assistantId,
        role: 'assistant',
        content: '',
        status: 'streaming',
        createdAt: Date.now(),
      };
      const conversation =
        state.conversation?.id === msg.conversationId ? state.conversation : { id: msg.conversationId, title: titleOf(msg.user.content) };
      return {
        ...state,
        conversation,
        messages: [...messages, assistant],
        streamingId: msg.assistantId,
        notice: undefined,
        draft: msg.replaceFromUserId ? state.draft : '',
      };
    }
    case 'delta':
      if (!state.messages.some((m) => m.id === msg.assistantId)) return state;
      return { ...state, messages: replaceMessage(state.messages, msg.assistantId, (m) => ({ ...m, content: m.content + msg.text })) };
    case 'turnDone': {
      const known = state.messages.some((m) => m.id === msg.assistant.id);
      // The question was shown with a client-side id until the daemon stored it.
      const withUser = state.messages.map((m) => (isPendingUser(m) && m.content === msg.user.content ? msg.user : m));
      const messages = known ? replaceMessage(withUser, msg.assistant.id, () => msg.assistant) : [...withUser, msg.assistant];
      const prompts = msg.prompt ? { ...state.prompts, [msg.assistant.id]: msg.prompt } : state.prompts;
      return {
        ...state,
        conversation: msg.conversation,
        messages,
        prompts,
        streamingId: state.streamingId === msg.assistant.id ? undefined : state.streamingId,
      };
    }
    case 'turnFailed':
      return {
        ...state,
        messages: replaceMessage(state.messages, msg.assistantId, (m) => ({
          ...m,
          status: msg.cancelled ? 'cancelled' : 'error',
          ...(msg.error ? { error: msg.error } : {}),
        })),
        streamingId: state.streamingId === msg.assistantId ? undefined : state.streamingId,
      };
    case 'contextPreview':
      return { ...state, preview: msg.preview };
    case 'prefill':
      return { ...state, draft: msg.text, ...(msg.panelMode ? { panelMode: msg.panelMode } : {}) };
    case 'panelMode':
      return { ...state, panelMode: msg.panelMode };
    case 'agentTask':
      return { ...state, agent: reduceAgentTask(state.agent, msg), notice: undefined };
    case 'agentStep':
    case 'agentText':
    case 'agentTaskPatch':
      return { ...state, agent: reduceAgentTask(state.agent, msg) };
    case 'agentTools':
      return { ...state, tools: msg.tools };
    case 'fileSuggestions':
      return { ...state, suggestions: { requestId: msg.requestId, items: msg.items } };
    case 'connection':
      return { ...state, connected: msg.connected, connectionMessage: msg.message };
    case 'notice':
      return { ...state, notice: { level: msg.level, text: msg.text } };
  }
}

/** A user message shown before the daemon stored it has a client-side id. */
export const PENDING_PREFIX = 'pending-';

function isPendingUser(m: ChatMessageInfo): boolean {
  return m.id.startsWith(PENDING_PREFIX);
}

export function titleOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59).trimEnd()}…` : line || 'New chat';
}

/** The error to show for a failed answer. */
export function errorOf(m: ChatMessageInfo): ErrorView | undefined {
  return m.status === 'error' ? (m.error ?? { message: 'The answer failed.', kind: 'internal' }) : undefined;
}

/** Whether the last answer of the conversation can be retried. */
export function canRetry(state: ChatState): boolean {
  const last = state.messages.at(-1);
  return !state.streamingId && last !== undefined && last.role === 'assistant' && (last.status === 'error' || last.status === 'cancelled');
}
