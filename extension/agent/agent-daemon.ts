/**
 * Agent mode's view of tandemd: the typed requests (run with cancellation by
 * AbortSignal, cancel, tools, MCP servers, change sets, memory notes) and the daemon →
 * client side: `tandem/agent/event` routed to the task that asked for it, and the
 * `applyEdits`, `approve` and `diagnostics` requests answered by the handlers the
 * controller sets. Handlers are wired on every new session (a restarted daemon is a new
 * connection). No vscode import.
 */
import type { CancellationToken, MessageConnection } from 'vscode-jsonrpc/node';
import {
  AgentApplyEditsRequest,
  AgentApproveRequest,
  AgentCancelRequest,
  AgentChangesRequest,
  AgentDiagnosticsRequest,
  AgentEventNotification,
  AgentRunRequest,
  AgentToolsRequest,
  AgentUndoneRequest,
  McpListRequest,
  McpSetToolEnabledRequest,
  MemoryAddRequest,
  MemoryChangedNotification,
  MemoryDeleteRequest,
  MemoryListRequest,
  MemoryUpdateRequest,
  type AgentRunResult,
} from '../../protocol';
import { requestWithSignal } from '../connection/daemon-session';
import type { TandemClient } from '../tandem-client';

/** What the daemon asks of the editor; the controller answers. */
export interface AgentRequestHandlers {
  applyEdits(params: AgentApplyEditsRequest.Params, cancelled: AbortSignal): Promise<AgentApplyEditsRequest.Result>;
  approve(params: AgentApproveRequest.Params, cancelled: AbortSignal): Promise<AgentApproveRequest.Result>;
  diagnostics(params: AgentDiagnosticsRequest.Params): Promise<AgentDiagnosticsRequest.Result>;
}

export type RunParams = AgentRunRequest.Params;

/** What the agent feature needs from the daemon. */
export interface AgentDaemon {
  connected(): boolean;
  /** Run a task; `onEvent` gets its events in order. */
  run(params: RunParams, onEvent: (p: AgentEventNotification.Params) => void, signal: AbortSignal): Promise<AgentRunResult>;
  cancel(taskId: string): Promise<boolean>;
  tools(root?: string): Promise<AgentToolsRequest.Result>;
  mcpList(root?: string): Promise<McpListRequest.Result>;
  setToolEnabled(params: McpSetToolEnabledRequest.Params): Promise<McpSetToolEnabledRequest.Result>;
  changes(params: AgentChangesRequest.Params): Promise<AgentChangesRequest.Result>;
  undone(taskId: string): Promise<boolean>;
  setHandlers(handlers: AgentRequestHandlers): void;
}

/** What the Memory view needs from the daemon. */
export interface MemoryDaemon {
  connected(): boolean;
  list(params: MemoryListRequest.Params): Promise<MemoryListRequest.Result>;
  add(params: MemoryAddRequest.Params): Promise<MemoryAddRequest.Result>;
  update(params: MemoryUpdateRequest.Params): Promise<MemoryUpdateRequest.Result>;
  delete(id: string): Promise<boolean>;
  onChanged(listener: (p: MemoryChangedNotification.Params) => void): { dispose(): void };
  /** Fires when the connection comes (the view reloads). */
  onConnected(listener: () => void): { dispose(): void };
}

type Client = Pick<TandemClient, 'manager'>;

/** A daemon request's CancellationToken as an AbortSignal. */
function signalOf(token: CancellationToken): AbortSignal {
  const abort = new AbortController();
  if (token.isCancellationRequested) abort.abort();
  else token.onCancellationRequested(() => abort.abort());
  return abort.signal;
}

export class ClientAgentDaemon implements AgentDaemon, MemoryDaemon {
  private readonly tasks = new Map<string, (p: AgentEventNotification.Params) => void>();
  private readonly memoryListeners = new Set<(p: MemoryChangedNotification.Params) => void>();
  private readonly connectedListeners = new Set<() => void>();
  private readonly wired = new WeakSet<MessageConnection>();
  private readonly subscriptions: Array<{ dispose(): void }> = [];
  private handlers: AgentRequestHandlers | undefined;

  constructor(private readonly client: Client) {
    this.wire();
    this.subscriptions.push(this.client.manager.onDidChangeState(() => this.wire()));
  }

  private wire(): void {
    const session = this.client.manager.session;
    if (!session || this.wired.has(session.connection)) return;
    const c = session.connection;
    this.wired.add(c);
    c.onNotification(AgentEventNotification.type, (p) => this.tasks.get(p.taskId)?.(p));
    c.onNotification(MemoryChangedNotification.type, (p) => {
      for (const l of [...this.memoryListeners]) l(p);
    });
    c.onRequest(AgentApplyEditsRequest.type, (p, token) => this.need().applyEdits(p, signalOf(token)));
    c.onRequest(AgentApproveRequest.type, (p, token) => this.need().approve(p, signalOf(token)));
    c.onRequest(AgentDiagnosticsRequest.type, (p) => this.need().diagnostics(p));
    for (const l of [...this.connectedListeners]) l();
  }

  private need(): AgentRequestHandlers {
    if (!this.handlers) throw new Error('The agent feature of this window is not ready.');
    return this.handlers;
  }

  setHandlers(handlers: AgentRequestHandlers): void {
    this.handlers = handlers;
  }

  connected(): boolean {
    return this.client.manager.session !== undefined;
  }

  private connection(): MessageConnection {
    const session = this.client.manager.session;
    if (!session) throw new Error('Not connected to tandemd; it is starting or reconnecting. Try again in a moment.');
    return session.connection;
  }

  async run(params: RunParams, onEvent: (p: AgentEventNotification.Params) => void, signal: AbortSignal): Promise<AgentRunResult> {
    const connection = this.connection();
    this.tasks.set(params.taskId, onEvent);
    try {
      return await requestWithSignal(signal, (token) => connection.sendRequest(AgentRunRequest.type, params, token));
    } finally {
      this.tasks.delete(params.taskId);
    }
  }

  async cancel(taskId: string): Promise<boolean> {
    return (await this.connection().sendRequest(AgentCancelRequest.type, { taskId })).cancelled;
  }

  tools(root?: string): Promise<AgentToolsRequest.Result> {
    return this.connection().sendRequest(AgentToolsRequest.type, root ? { root } : {});
  }

  mcpList(root?: string): Promise<McpListRequest.Result> {
    return this.connection().sendRequest(McpListRequest.type, { ...(root ? { root } : {}), start: true });
  }

  setToolEnabled(params: McpSetToolEnabledRequest.Params): Promise<McpSetToolEnabledRequest.Result> {
    return this.connection().sendRequest(McpSetToolEnabledRequest.type, params);
  }

  changes(params: AgentChangesRequest.Params): Promise<AgentChangesRequest.Result> {
    return this.connection().sendRequest(AgentChangesRequest.type, params);
  }

  async undone(taskId: string): Promise<boolean> {
    return (await this.connection().sendRequest(AgentUndoneRequest.type, { taskId })).marked;
  }

  list(params: MemoryListRequest.Params): Promise<MemoryListRequest.Result> {
    return this.connection().sendRequest(MemoryListRequest.type, params);
  }

  add(params: MemoryAddRequest.Params): Promise<MemoryAddRequest.Result> {
    return this.connection().sendRequest(MemoryAddRequest.type, params);
  }

  update(params: MemoryUpdateRequest.Params): Promise<MemoryUpdateRequest.Result> {
    return this.connection().sendRequest(MemoryUpdateRequest.type, params);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.connection().sendRequest(MemoryDeleteRequest.type, { id })).deleted;
  }

  onChanged(listener: (p: MemoryChangedNotification.Params) => void): { dispose(): void } {
    this.memoryListeners.add(listener);
    return { dispose: () => this.memoryListeners.delete(listener) };
  }

  onConnected(listener: () => void): { dispose(): void } {
    this.connectedListeners.add(listener);
    return { dispose: () => this.connectedListeners.delete(listener) };
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.tasks.clear();
    this.memoryListeners.clear();
    this.connectedListeners.clear();
  }
}
