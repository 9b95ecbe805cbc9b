/**
 * The messages between the chat webview and the extension host, defined once and
 * imported by both sides (the webview bundle and extension/chat). Browser-safe: type
 * imports from protocol/ only, no vscode.
 */
import type { ChatConversationSummary, ChatMessageInfo } from '../../protocol';
import type { AgentStepView, AgentTaskPatch, AgentTaskView, AgentToolsView, ApprovalChoiceView } from './agent-types';

export type ChatUiMode = 'simple' | 'advanced' | 'expert';

/** What the panel does with a question: a chat answer (Ask) or an agent task (Agent). */
export type PanelMode = 'ask' | 'agent';
export const PanelModes: readonly PanelMode[] = ['ask', 'agent'];

export interface ErrorView {
  message: string;
  hint?: string;
  kind: string;
  backendUrl?: string;
}

/** What would be attached to the next question, shown above the input. */
export interface ContextPreview {
  selection?: { label: string; startLine: number; endLine: number };
  activeFile?: { label: string };
}

export interface FileSuggestion {
  /** Workspace-relative path, what is inserted after `@`. */
  label: string;
  /** Shown dimmed next to it (the folder or workspace name). */
  detail?: string;
}

export type PromptMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** Extension host → webview. */
export type HostToWebview =
  | { type: 'init'; mode: ChatUiMode; models: string[]; model?: string; connected: boolean; connectionMessage?: string }
  | { type: 'mode'; mode: ChatUiMode }
  | { type: 'models'; models: string[]; model?: string }
  /** Show this conversation (`conversation: null` = a new, empty chat). */
  | { type: 'conversation'; conversation: { id: string; title: string } | null; messages: ChatMessageInfo[] }
  | { type: 'history'; conversations: ChatConversationSummary[] }
  /** A question was sent (or retried): show it and an empty answer that will stream. */
  | { type: 'turnStarted'; conversationId: string; user: ChatMessageInfo; assistantId: string; replaceFromUserId?: string }
  | { type: 'delta'; assistantId: string; text: string }
  | {
      type: 'turnDone';
      conversation: { id: string; title: string };
      user: ChatMessageInfo;
      assistant: ChatMessageInfo;
      prompt?: PromptMessage[];
    }
  | { type: 'turnFailed'; assistantId: string; cancelled: boolean; error?: ErrorView }
  | { type: 'contextPreview'; preview: ContextPreview }
  /** Put text in the input (Ask About Selection); with `panelMode`, switch to that mode first. */
  | { type: 'prefill'; text: string; panelMode?: PanelMode }
  /** Switch between Ask and Agent (an entry point other features use). */
  | { type: 'panelMode'; panelMode: PanelMode }
  /** The agent task the panel shows (all of it: after a reload, or a new task); null = none. */
  | { type: 'agentTask'; task: AgentTaskView | null }
  /** A step of the shown task was added or changed (matched by `step.id`). */
  | { type: 'agentStep'; taskId: string; step: AgentStepView }
  /** Streamed text of a step (the model's words as they arrive). */
  | { type: 'agentText'; taskId: string; stepId: string; text: string }
  /** The task's status, budget, summary or undo state changed. */
  | { type: 'agentTaskPatch'; taskId: string; patch: AgentTaskPatch }
  /** The tools the agent may use (built-in and MCP), with their switches. */
  | { type: 'agentTools'; tools: AgentToolsView }
  | { type: 'fileSuggestions'; requestId: number; items: FileSuggestion[] }
  | { type: 'connection'; connected: boolean; message?: string }
  | { type: 'notice'; level: 'info' | 'error'; text: string };

export type CodeAction = 'copy' | 'insert' | 'apply';

/** Webview → extension host. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'send'; text: string; model?: string; panelMode?: PanelMode }
  | { type: 'stop' }
  | { type: 'retry' }
  | { type: 'newChat' }
  | { type: 'showHistory' }
  | { type: 'openConversation'; id: string }
  | { type: 'deleteConversation'; id: string }
  | { type: 'codeAction'; action: CodeAction; code: string; language?: string }
  | { type: 'openContext'; path: string; line?: number }
  | { type: 'fileQuery'; requestId: number; query: string }
  | { type: 'runDoctor' }
  | { type: 'selectModel'; model: string }
  | { type: 'setPanelMode'; panelMode: PanelMode }
  /** The user's answer to an inline approval. */
  | { type: 'approve'; approvalId: string; choice: ApprovalChoiceView }
  /** Open a proposed write of a pending approval in VS Code's diff editor. */
  | { type: 'openDiff'; approvalId: string; path: string }
  | { type: 'cancelAgent' }
  /** New in Agent mode: clear the finished task from the panel. */
  | { type: 'newAgentTask' }
  | { type: 'undoAgent'; taskId: string }
  | { type: 'showTools' }
  | { type: 'toggleTool'; tool: string; enabled: boolean };

const str = (v: unknown, max = 1_000_000): v is string => typeof v === 'string' && v.length <= max;

export function isPanelMode(v: unknown): v is PanelMode {
  return v === 'ask' || v === 'agent';
}

/**
 * Validate a message from the webview (it is untrusted input: model output is rendered
 * there). Returns undefined for anything malformed.
 */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'stop':
    case 'retry':
    case 'newChat':
    case 'showHistory':
    case 'runDoctor':
      return { type: m.type };
    case 'cancelAgent':
    case 'newAgentTask':
    case 'showTools':
      return { type: m.type };
    case 'send':
      if (!str(m.text, 100_000) || m.text.trim() === '') return undefined;
      if (m.model !== undefined && !str(m.model, 200)) return undefined;
      if (m.panelMode !== undefined && !isPanelMode(m.panelMode)) return undefined;
      return { type: 'send', text: m.text, ...(m.model ? { model: m.model } : {}), ...(m.panelMode ? { panelMode: m.panelMode } : {}) };
    case 'setPanelMode':
      return isPanelMode(m.panelMode) ? { type: 'setPanelMode', panelMode: m.panelMode } : undefined;
    case 'approve':
      if (!str(m.approvalId, 200) || m.approvalId === '') return undefined;
      if (m.choice !== 'allowOnce' && m.choice !== 'allowTask' && m.choice !== 'deny') return undefined;
      return { type: 'approve', approvalId: m.approvalId, choice: m.choice };
    case 'openDiff':
      return str(m.approvalId, 200) && m.approvalId !== '' && str(m.path, 4096) && m.path !== ''
        ? { type: 'openDiff', approvalId: m.approvalId, path: m.path }
        : undefined;
    case 'undoAgent':
      return str(m.taskId, 200) && m.taskId !== '' ? { type: 'undoAgent', taskId: m.taskId } : undefined;
    case 'toggleTool':
      return str(m.tool, 300) && m.tool !== '' && typeof m.enabled === 'boolean'
        ? { type: 'toggleTool', tool: m.tool, enabled: m.enabled }
        : undefined;
    case 'openConversation':
    case 'deleteConversation':
      return str(m.id, 128) && m.id !== '' ? { type: m.type, id: m.id } : undefined;
    case 'codeAction':
      if ((m.action !== 'copy' && m.action !== 'insert' && m.action !== 'apply') || !str(m.code)) return undefined;
      return {
        type: 'codeAction',
        action: m.action,
        code: m.code,
        ...(str(m.language, 100) && m.language ? { language: m.language } : {}),
      };
    case 'openContext':
      if (!str(m.path, 4096) || m.path === '') return undefined;
      return {
        type: 'openContext',
        path: m.path,
        ...(typeof m.line === 'number' && Number.isInteger(m.line) && m.line > 0 ? { line: m.line } : {}),
      };
    case 'fileQuery':
      return typeof m.requestId === 'number' && str(m.query, 1000)
        ? { type: 'fileQuery', requestId: m.requestId, query: m.query }
        : undefined;
    case 'selectModel':
      return str(m.model, 200) && m.model !== '' ? { type: 'selectModel', model: m.model } : undefined;
    default:
      return undefined;
  }
}
