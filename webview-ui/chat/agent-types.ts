/**
 * What the chat panel shows of an agent task, as the extension sends it: the task, its
 * steps as they happen (the model's text, the plan, tool calls with arguments and
 * results, approvals of writes, commands, MCP calls and memory notes), the budget used
 * and the summary. The extension translates the daemon's protocol into these views,
 * so the webview depends on nothing but this file. Browser-safe, types only.
 */

export type ApprovalChoiceView = 'allowOnce' | 'allowTask' | 'deny';

export interface PlanItemView {
  text: string;
  status: 'pending' | 'in_progress' | 'done';
}

/** One file of a proposed write, as a unified diff (see extension/agent/write-preview.ts). */
export interface FileDiffView {
  kind: 'modify' | 'create' | 'delete' | 'rename';
  label: string;
  path: string;
  newPath?: string;
  added: number;
  removed: number;
  lines: string[];
  truncated: number;
}

export interface NoteView {
  kind: string;
  title: string;
  body: string;
  tags: string[];
}

/** What an approval asks. */
export type ApprovalAsk =
  | { type: 'writes'; files: FileDiffView[]; refused: string[] }
  | { type: 'command'; command: string; cwd?: string; reason?: string }
  | { type: 'mcp'; server: string; tool: string; argsJson: string }
  | { type: 'memory'; note: NoteView };

/** How an approval was settled (absent while pending). */
export interface ApprovalOutcome {
  choice: ApprovalChoiceView;
  /** Who decided: the user, the allowlist, "allow for this task", a trusted server, auto-apply, cancellation. */
  by: 'user' | 'allowlist' | 'task' | 'trusted' | 'autoApply' | 'cancelled';
  /** A sentence for the panel ("Allowed by your allowlist entry npm test"). */
  text: string;
  /** Writes that were approved but could not be applied, and why. */
  failed?: string;
}

export type AgentStepView =
  /** The model's words (streamed through `agentText`). */
  | { kind: 'text'; id: string; text: string }
  /** The plan (the todo tool); the latest one is also shown at the top. */
  | { kind: 'plan'; id: string; items: PlanItemView[] }
  | {
      kind: 'tool';
      id: string;
      tool: string;
      /** The arguments as a short line (`src/a.ts:1-40`). */
      summary: string;
      /** The arguments exactly as the model sent them (expert). */
      argsJson: string;
      status: 'running' | 'done' | 'error' | 'denied';
      /** One line saying how it ended ("exit code 1", "read 80 lines"). */
      outcome?: string;
      result?: string;
      /** Token counts of the model call that made this tool call (expert). */
      tokens?: { prompt?: number; output?: number };
    }
  | { kind: 'approval'; id: string; approvalId: string; ask: ApprovalAsk; outcome?: ApprovalOutcome }
  /** A note from the loop (compaction, a retry after a malformed call, a fallback to chat). */
  | { kind: 'notice'; id: string; level: 'info' | 'warn' | 'error'; text: string };

export interface BudgetView {
  toolCalls: { used: number; max?: number };
  tokens: { used: number; max?: number; prompt?: number; output?: number };
  timeMs: { used: number; max?: number };
}

export type AgentTaskStatus = 'running' | 'done' | 'failed' | 'cancelled' | 'stopped';

export interface AgentTaskView {
  id: string;
  /** What the user asked. */
  task: string;
  status: AgentTaskStatus;
  steps: AgentStepView[];
  budget?: BudgetView;
  /** The closing summary (done, or what was done and what remains after a stop). */
  summary?: string;
  /** Why it stopped or failed. */
  reason?: string;
  model?: string;
  /** Undo of the task's applied writes. */
  undo?: { files: number; state: 'available' | 'undone' | 'none' };
}

export type AgentTaskPatch = Partial<Pick<AgentTaskView, 'status' | 'budget' | 'summary' | 'reason' | 'model' | 'undo'>>;

export interface ToolView {
  /** The name the model sees (MCP tools: `server__tool` or as the daemon names them). */
  name: string;
  description?: string;
  /** `builtin`, or the MCP server's name. */
  source: string;
  enabled: boolean;
  /** Cannot be switched off here (the built-in tools). */
  locked?: boolean;
}

export interface AgentToolsView {
  tools: ToolView[];
  servers: Array<{ name: string; trusted: boolean; state: string; error?: string }>;
}
