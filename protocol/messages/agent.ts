/**
 * Agent mode: a tool-calling loop in the daemon (`agent` task). The model reads,
 * searches and edits the workspace and runs commands through the built-in tools below
 * and the tools of MCP servers; the user stays in control of every action.
 *
 * One task is one `tandem/agent/run` request. While it runs the daemon sends, to the
 * connection that started it and in order:
 * - `tandem/agent/event` notifications (`seq` from 0 per task): streamed model text,
 *   each tool call and its result, the plan (`todo`), command output, usage, notices;
 * - daemon → client requests, when the client declared the matching capability in
 *   `initialize` (`capabilities.agent`): `tandem/agent/applyEdits` (show a step's writes
 *   as a diff and apply them as one WorkspaceEdit), `tandem/agent/approve` (a command,
 *   an MCP tool call, a memory note) and `tandem/agent/diagnostics` (the editor's
 *   problems). Without a capability the daemon falls back as each request says; the
 *   headless `tandemd agent` answers the same questions on the terminal.
 *
 * A *step* is a run of consecutive write tool calls of one model turn (edit_file,
 * create_file, delete_file, rename_file): they are validated in order against the
 * files as the previous ones leave them and sent as one `applyEdits` request. Every
 * change carries the content hash of the text it was computed from (`baseHash`, see
 * shared/hash.ts), and the daemon keeps each task's change set (`tandem/agent/changes`),
 * so that all changes of a task can be undone as one step, after any number of steps.
 *
 * Safety: model output is never trusted as a path, a command or a tool name. Every path
 * is resolved inside the session's workspace roots (realpath, no `.git`); an unknown
 * tool name or invalid arguments go back to the model as an error result; a command
 * runs only after the user approved exactly that command line (or it matches the
 * user's allowlist and has no shell operators); an MCP tool call needs approval unless
 * its server is trusted. A prompt injected through a file can lead to a prompt, never
 * to an action.
 *
 * Cancellation: `$/cancelRequest` on the run (or `tandem/agent/cancel`) aborts the model
 * stream, kills a running command's process group and cancels the pending daemon →
 * client request at once; the result then has `status: 'cancelled'`.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zId, zPath, zPeriod } from '../define';
import type { TandemErrorData } from '../errors';
import { zOpenDocument, zFixDiagnostic, type FileChange, type FixDiagnostic } from './edit';

/** The built-in tools, by the names the model sees (in the editor and in `tandemd agent` alike). */
export const AgentToolNames = [
  'read_file',
  'list_files',
  'search_code',
  'grep',
  'get_diagnostics',
  'edit_file',
  'create_file',
  'delete_file',
  'rename_file',
  'run_command',
  'git',
  'run_tests',
  'todo',
  'remember',
] as const;
export type AgentToolName = (typeof AgentToolNames)[number];

/**
 * What a task is for; selects the system prompt and the tools offered. Slash commands
 * at the start of the text pick one (`/explain`, `/fix`, `/edit`, `/test`, `/agent`; see
 * shared/slash-commands.ts): `explain` gets the read-only tools, `edit` no commands,
 * `fix` starts from the diagnostics, `test` writes tests and runs them.
 */
export const AgentStrategies = ['agent', 'explain', 'fix', 'edit', 'test'] as const;
export type AgentStrategy = (typeof AgentStrategies)[number];

/** Limits of one task; config.json's `agent` section has the defaults, a run may override each. */
export const zAgentBudgets = z.object({
  /** Tool calls (built-in and MCP) the model may make. */
  maxToolCalls: z.number().int().min(1).max(1000).optional(),
  /** Tokens in + out over every model call of the task, as the backend counts them. */
  maxTokens: z.number().int().min(1000).max(100_000_000).optional(),
  /** Wall time from the start of the task, seconds. */
  maxWallSec: z.number().int().min(5).max(86_400).optional(),
});
export type AgentBudgets = z.input<typeof zAgentBudgets>;

/** What a task used so far (or in total, in the result). */
export interface AgentUsage {
  modelCalls: number;
  toolCalls: number;
  /** Prompt tokens summed over the model calls (as the backend counted them; the daemon's estimate when it did not). */
  tokensIn: number;
  tokensOut: number;
  elapsedMs: number;
  /** The effective limits of this task. */
  budgets: { maxToolCalls: number; maxTokens: number; maxWallSec: number };
}

/** One item of the agent's plan (the `todo` tool), shown to the user. */
export interface AgentTodoItem {
  id: string;
  text: string;
  status: 'pending' | 'in_progress' | 'done';
}

/** How a tool call ended. `invalid`: unknown tool or arguments refused by its schema (the model was told why). */
export type AgentToolStatus = 'ok' | 'error' | 'denied' | 'invalid' | 'cancelled';

/** A tool call as the client shows it. */
export interface AgentToolCallInfo {
  /** Unique within the task (`c1`, `c2`, …; the backend's id when it gave one). */
  callId: string;
  /** The tool name as the model gave it (possibly unknown). */
  name: string;
  /** `builtin`, `mcp` (then `server` is set) or `unknown`. */
  source: 'builtin' | 'mcp' | 'unknown';
  server?: string;
  /** The arguments as parsed (for display; clipped strings). */
  arguments: unknown;
  /** How the call reached the daemon: the backend's native tool call, or recognised in the text. */
  origin: 'native' | 'text';
  /** The step it belongs to, for write tools. */
  stepId?: string;
}

/** The end of a tool call. */
export interface AgentToolResultInfo {
  callId: string;
  status: AgentToolStatus;
  /** One line for the step list ("read src/a.ts lines 1–80", "exit code 1"). */
  summary: string;
  /** What went back to the model, clipped for display. */
  output: string;
  durationMs: number;
}

/** Events of a running task, in `tandem/agent/event`. */
export type AgentEvent =
  /** A model call starts (turn numbers count from 1). */
  | { kind: 'turn'; turn: number }
  /** Streamed answer text of the current turn (tool-call markup recognised in text is streamed too, then reported as a call). */
  | { kind: 'text'; turn: number; delta: string }
  /** Streamed reasoning of a thinking model (Ollama `message.thinking`), not part of the answer. */
  | { kind: 'thinking'; turn: number; delta: string }
  | { kind: 'toolCall'; turn: number; call: AgentToolCallInfo }
  | { kind: 'toolResult'; turn: number; result: AgentToolResultInfo }
  /** run_command / run_tests output as it arrives (clipped to the output cap). */
  | { kind: 'commandOutput'; callId: string; stream: 'stdout' | 'stderr'; text: string }
  /** A step's writes: `proposed` (about to be sent for approval), then `applied`, `rejected` or `failed`. */
  | { kind: 'step'; stepId: string; state: 'proposed' | 'applied' | 'rejected' | 'failed'; changes: FileChange[]; reason?: string }
  | { kind: 'todo'; items: AgentTodoItem[] }
  | { kind: 'usage'; usage: AgentUsage }
  /** Older tool results were shortened to stay within num_ctx. */
  | { kind: 'compaction'; compactedResults: number; tokensBefore: number; tokensAfter: number; numCtx: number }
  /** Something the user should know (a tool call recognised in text, a fallback, a server restart). */
  | { kind: 'notice'; level: 'info' | 'warn'; message: string };

export type AgentTaskStatus =
  /** The model answered without further tool calls. */
  | 'done'
  /** A budget was hit; the answer summarises what was done and what remains. */
  | 'budget'
  /** The model could not use tools (no `tools` capability, or too many failed calls in a row); it answered in plain chat. */
  | 'fallback'
  | 'cancelled'
  /** The model call failed (no backend, model missing, upstream error). */
  | 'failed';

export type AgentStopReason =
  'answered' | 'max_tool_calls' | 'max_tokens' | 'max_wall_time' | 'tool_failures' | 'no_tool_support' | 'cancelled' | 'model_error';

/** One file touched by a task: as it was before the task's first change and after its last. */
export interface AgentFileChange {
  path: string;
  /** Root-relative, `/`-separated. */
  relativePath: string;
  /** Content hash before the task touched it; null when the task created it. */
  beforeHash: string | null;
  /** Content hash after the task's last change; null when the task deleted (or renamed away) it. */
  afterHash: string | null;
  /** Set when the task renamed the file: the path it had before. */
  renamedFrom?: string;
}

/** A summary of a task (history, stats dashboard). */
export interface AgentTaskSummary {
  taskId: string;
  /** The first line of the instruction. */
  title: string;
  workspace: string;
  strategy: AgentStrategy;
  status: AgentTaskStatus | 'running';
  stopReason?: AgentStopReason;
  model: string;
  backend?: string;
  startedAt: number;
  finishedAt?: number;
  usage: Omit<AgentUsage, 'budgets'>;
  /** Files changed and whether the changes were undone since. */
  filesChanged: number;
  undone: boolean;
}

export interface AgentRunResult {
  taskId: string;
  status: AgentTaskStatus;
  stopReason: AgentStopReason;
  /** The model's final answer; for a stopped task, a summary of what was done and what remains. */
  answer: string;
  /** For `budget`, `fallback`, `failed`: why, in a sentence a user can act on. */
  reason?: string;
  /** The plan as it stood at the end. */
  todo: AgentTodoItem[];
  usage: AgentUsage;
  /** Every file the task changed (the change set `tandem/agent/changes` returns in full). */
  files: AgentFileChange[];
  model: string;
  backend?: string;
}

/**
 * `tandem/agent/run` — client → daemon. Run one agent task to its end.
 *
 * Params: a client-chosen `taskId` (notifications and `tandem/agent/cancel` use it), the
 * instruction `text` (a leading slash command selects the strategy unless `strategy` is
 * given), the `root` to work in (a registered root; default the session's first), the
 * active file, the unsaved text of open documents (read instead of the disk's), the
 * per-task `budgets` and `allowCommands` (regex sources, anchored, added to the
 * configured `agent.commandAllowlist`), a model override, and `conversationId` to
 * attach the task to a chat conversation's history (its earlier turns are given to the
 * model). The project memory notes relevant to the text go into the prompt.
 * Result: `AgentRunResult` when the task ended in any way but an error; `cancelled`
 * too (a cancelled request gets the `RequestCancelled` error as usual, but the task's
 * change set stays available). Errors: `WorkspaceNotRegistered`, `PathOutsideWorkspace`
 * (root), `InvalidParams` (a task with this id is running, a bad allowlist regex),
 * `NoBackendAvailable`, `ModelNotFound` (before the first model answer; later model
 * failures end the task with `status: 'failed'`). Since 1.1 (feature `agent`).
 */
export namespace AgentRunRequest {
  export const method = 'tandem/agent/run' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    taskId: zId,
    text: z.string().trim().min(1, 'the task is empty').max(100_000),
    strategy: z.enum(AgentStrategies).optional(),
    root: zPath.optional(),
    activeFile: zPath.optional(),
    documents: z.array(zOpenDocument).max(50).default([]),
    budgets: zAgentBudgets.default({}),
    allowCommands: z.array(z.string().min(1).max(1000)).max(50).default([]),
    model: z.string().min(1).max(200).optional(),
    conversationId: zId.optional(),
  });
  export type Params = z.input<typeof params>;
  export type Result = AgentRunResult;
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/agent/cancel` — client → daemon. Stop a running task of this connection (as
 * `$/cancelRequest` on its run does). Result: whether a task was running. Since 1.1.
 */
export namespace AgentCancelRequest {
  export const method = 'tandem/agent/cancel' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ taskId: zId });
  export type Params = z.input<typeof params>;
  export interface Result {
    cancelled: boolean;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/agent/event` — daemon → client, to the connection running the task: one
 * `AgentEvent` with the task id and `seq` (0, 1, 2… per task, no gaps). Since 1.1.
 */
export namespace AgentEventNotification {
  export const method = 'tandem/agent/event' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export interface Params {
    taskId: string;
    seq: number;
    event: AgentEvent;
  }
  export const type = new NotificationType<Params>(method);
}

/**
 * `tandem/agent/applyEdits` — daemon → client, when the client declared
 * `capabilities.agent.applyEdits`. One step's writes: show them as a diff and, when the
 * user approves (or the client's auto-apply setting is on), apply them as one
 * WorkspaceEdit and save the documents (the daemon's next read sees the disk).
 *
 * Params: the task and step ids, a one-line summary, the changes (each `modify` and
 * `delete` carries the `baseHash` of the text it was computed from; refuse the whole
 * step when a file no longer has it). Result: `applied`, `rejected` (the user said no;
 * `reason` goes back to the model) or `failed` (a hash did not match, the edit could not
 * be applied; `reason` says which file). The daemon cancels the request when the task is
 * cancelled. Fallback without the capability: the write tools are not offered to the
 * model (the task is read-only and says so). Since 1.1.
 */
export namespace AgentApplyEditsRequest {
  export const method = 'tandem/agent/applyEdits' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export const params = z.object({
    taskId: zId,
    stepId: zId,
    summary: z.string(),
    changes: z.array(z.custom<FileChange>()),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    outcome: 'applied' | 'rejected' | 'failed';
    reason?: string;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** What the daemon asks the user to allow. */
export type AgentApproval =
  /** run_command / run_tests: exactly this command line, run with the workspace root as cwd. */
  | { kind: 'command'; callId: string; command: string; cwd: string; timeoutSec: number; tool: 'run_command' | 'run_tests' }
  /** A tool of an MCP server not marked trusted, with the arguments the model gave. */
  | { kind: 'mcpTool'; callId: string; server: string; tool: string; arguments: unknown }
  /** A project memory note the agent wants to store (the `remember` tool). */
  | { kind: 'memory'; callId: string; note: { kind: string; title: string; body: string; tags: string[] } };

/**
 * `tandem/agent/approve` — daemon → client, when the client declared
 * `capabilities.agent.approvals`. Ask the user to allow one action: a command
 * (Allow once / Allow for this task / Deny), an MCP tool call or a memory note.
 * Result: `once`, `task` (for the rest of the task: the same command line, the same
 * MCP tool, any memory note) or `deny` (with an optional reason the model is told).
 * Fallback without the capability: commands run only when allowlisted, MCP tools only
 * of trusted servers, memory notes are refused; the model is told why. Since 1.1.
 */
export namespace AgentApproveRequest {
  export const method = 'tandem/agent/approve' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export const params = z.object({ taskId: zId, approval: z.custom<AgentApproval>() });
  export type Params = z.input<typeof params>;
  export interface Result {
    decision: 'once' | 'task' | 'deny';
    reason?: string;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/agent/diagnostics` — daemon → client, when the client declared
 * `capabilities.agent.diagnostics` (the `get_diagnostics` tool). Params: the task id and
 * optionally absolute paths (none: every file with problems). Result: the problems the
 * editor shows, per file. Fallback without the capability: `get_diagnostics` is not
 * offered to the model. Since 1.1.
 */
export namespace AgentDiagnosticsRequest {
  export const method = 'tandem/agent/diagnostics' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export const params = z.object({ taskId: zId, paths: z.array(zPath).optional() });
  export type Params = z.input<typeof params>;
  export interface Result {
    files: Array<{ path: string; diagnostics: FixDiagnostic[] }>;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** The result schema of `tandem/agent/diagnostics`, for the daemon to validate what the client sent. */
export const zAgentDiagnosticsResult = z.object({
  files: z.array(z.object({ path: zPath, diagnostics: z.array(zFixDiagnostic).max(500) })).max(500),
});

/** One applied step of a task, as kept for undo. */
export interface AgentStepRecord {
  stepId: string;
  /** Epoch ms when the client reported it applied. */
  appliedAt: number;
  changes: FileChange[];
}

/**
 * `tandem/agent/changes` — client → daemon. A task's change set, for "Undo agent
 * changes": every applied step with its changes (with `baseHash`), every file as before
 * and after the task, and `undo`: the changes that restore every file to its state
 * before the task, as one WorkspaceEdit (each relative to the task's final text, so
 * `baseHash` = the file's `afterHash`; creations become deletions, deletions
 * re-creations with the original text, renames are renamed back). `conflicts` names the
 * files whose current content (disk, or the open document given in `documents`) is not
 * what the task left: apply `undo` only without conflicts, or after the user agreed to
 * lose those later changes (the client then refuses per file by hash as always).
 * Kept in the user database, so undo works after a daemon restart. Errors: `NotFound`
 * (unknown task), `InvalidParams` (already undone). Since 1.1.
 */
export namespace AgentChangesRequest {
  export const method = 'tandem/agent/changes' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ taskId: zId, documents: z.array(zOpenDocument).max(50).default([]) });
  export type Params = z.input<typeof params>;
  export interface Result {
    taskId: string;
    steps: AgentStepRecord[];
    files: AgentFileChange[];
    undo: FileChange[];
    conflicts: Array<{ path: string; reason: string }>;
    undone: boolean;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/agent/undone` — client → daemon. The client applied a task's `undo`; the
 * daemon marks the task undone (a second undo is refused). Result: `{ marked }`. Since 1.1.
 */
export namespace AgentUndoneRequest {
  export const method = 'tandem/agent/undone' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ taskId: zId });
  export type Params = z.input<typeof params>;
  export interface Result {
    marked: boolean;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/agent/list` — client → daemon. Recent tasks of a workspace (key: a root path;
 * '' for every workspace), newest first. Since 1.1.
 */
export namespace AgentListRequest {
  export const method = 'tandem/agent/list' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ workspace: z.string().max(4096).default(''), limit: z.number().int().min(1).max(500).default(50) });
  export type Params = z.input<typeof params>;
  export interface Result {
    tasks: AgentTaskSummary[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** Agent figures of a period, for the stats dashboard. */
export interface AgentStats {
  tasks: number;
  byStatus: Record<AgentTaskStatus, number>;
  toolCalls: number;
  tokensIn: number;
  tokensOut: number;
  /** Wall time per task, ms. */
  wallMs: { count: number; p50: number | null; p95: number | null };
  /** Tool calls per tool (built-in names; MCP tools as `mcp:<server>`), with how many did not end `ok`. */
  byTool: Array<{ tool: string; calls: number; failed: number }>;
}

/**
 * `tandem/agent/stats` — client → daemon. Tasks, tokens in/out, wall time and tool
 * calls over a period (`sinceMs`, `untilMs`, epoch ms). The same figures are on
 * /metrics as `tandem_agent_*`. Since 1.1.
 */
export namespace AgentStatsRequest {
  export const method = 'tandem/agent/stats' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = zPeriod.default({});
  export type Params = z.input<typeof params>;
  export type Result = AgentStats;
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** A tool the agent can offer the model. */
export interface AgentToolInfo {
  /** The name the model sees (MCP tools: `mcp_<server>_<tool>`, sanitised). */
  name: string;
  source: 'builtin' | 'mcp';
  server?: string;
  description: string;
  /** Switched on (MCP tools can be switched off with `tandem/mcp/setToolEnabled`). */
  enabled: boolean;
  /** Whether calling it asks the user first (commands; MCP tools of untrusted servers; memory notes). */
  needsApproval: boolean;
  /** Whether it changes the workspace (collected into steps, needs `applyEdits`). */
  writes: boolean;
}

/**
 * `tandem/agent/tools` — client → daemon. The tools a task in `root` would be offered:
 * the built-in ones and those of the MCP servers configured for it (servers are started
 * to list them; one that fails is listed by `tandem/mcp/list` with its error). Since 1.1.
 */
export namespace AgentToolsRequest {
  export const method = 'tandem/agent/tools' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ root: zPath.optional() }).default({});
  export type Params = z.input<typeof params>;
  export interface Result {
    tools: AgentToolInfo[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** `initialize`'s `capabilities.agent`: the daemon → client requests of agent mode this client answers. */
export const zAgentCapabilities = z.object({
  /** The client handles `tandem/agent/applyEdits` (diff preview, WorkspaceEdit, save). */
  applyEdits: z.boolean().optional(),
  /** The client handles `tandem/agent/approve`. */
  approvals: z.boolean().optional(),
  /** The client handles `tandem/agent/diagnostics`. */
  diagnostics: z.boolean().optional(),
});
export type AgentClientCapabilities = z.infer<typeof zAgentCapabilities>;
