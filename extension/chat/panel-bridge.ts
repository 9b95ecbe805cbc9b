/**
 * The chat panel as other features reach it, held by the host (features never import
 * each other's contributions): the chat feature attaches the webview view, the agent
 * feature registers the Agent mode, and any feature opens the panel with a small typed
 * entry (`open({ panelMode: 'ask', prefill: 'Explain …', send: true })` — what the
 * explain command uses). Pure.
 */
import type { AgentStrategy } from '../../protocol';
import type { HostToWebview, PanelMode, WebviewToHost } from '../../webview-ui/chat/messages';

/** How another feature opens the chat panel. */
export interface ChatEntry {
  /** Ask or Agent; unset keeps the current mode. */
  panelMode?: PanelMode;
  /** Text for the input. */
  prefill?: string;
  /** Send the prefill at once (as a question in Ask mode, a task in Agent mode). */
  send?: boolean;
}

/** Webview messages that belong to Agent mode. */
export type AgentWebviewMessage = Extract<
  WebviewToHost,
  { type: 'approve' | 'openDiff' | 'cancelAgent' | 'undoAgent' | 'showTools' | 'toggleTool' | 'newAgentTask' }
>;

export const agentMessageTypes: ReadonlySet<WebviewToHost['type']> = new Set([
  'approve',
  'openDiff',
  'cancelAgent',
  'undoAgent',
  'showTools',
  'toggleTool',
  'newAgentTask',
]);

export function isAgentWebviewMessage(msg: WebviewToHost): msg is AgentWebviewMessage {
  return agentMessageTypes.has(msg.type);
}

/** What the agent feature offers the panel. */
export interface AgentModeHandler {
  /** The panel (re)loaded: post the task and its pending approvals again. */
  ready(): void;
  handle(msg: AgentWebviewMessage): Promise<void>;
  /** Run a task (Agent mode, or a slash command naming a strategy). */
  start(text: string, strategy?: AgentStrategy): Promise<void>;
  /** `/remember …` */
  remember(args: string): Promise<void>;
  /** A task is running. */
  busy(): boolean;
}

/** What the chat feature attaches: the webview view. */
export interface ChatPanelSink {
  post(msg: HostToWebview): void;
  visible(): boolean;
  setBadge(count: number, tooltip: string): void;
  /** Reveal the panel and apply the entry. */
  open(entry: ChatEntry): Promise<void>;
}

export class ChatPanelBridge {
  private sink: ChatPanelSink | undefined;
  private agentMode: AgentModeHandler | undefined;
  private mode: PanelMode;

  constructor(
    private readonly memento: { get(): PanelMode | undefined; set(mode: PanelMode): void } = { get: () => undefined, set: () => undefined },
  ) {
    this.mode = memento.get() ?? 'ask';
  }

  attach(sink: ChatPanelSink): { dispose(): void } {
    this.sink = sink;
    return { dispose: () => (this.sink === sink ? (this.sink = undefined) : undefined) };
  }

  registerAgent(handler: AgentModeHandler): { dispose(): void } {
    this.agentMode = handler;
    return { dispose: () => (this.agentMode === handler ? (this.agentMode = undefined) : undefined) };
  }

  get agent(): AgentModeHandler | undefined {
    return this.agentMode;
  }

  post(msg: HostToWebview): void {
    if (msg.type === 'panelMode') this.setPanelMode(msg.panelMode);
    this.sink?.post(msg);
  }

  visible(): boolean {
    return this.sink?.visible() ?? false;
  }

  setBadge(count: number): void {
    this.sink?.setBadge(count, count === 1 ? 'The agent waits for your approval' : `${count} approvals wait for you`);
  }

  /** The mode the panel is in (kept per workspace). */
  panelMode(): PanelMode {
    return this.mode;
  }

  setPanelMode(mode: PanelMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.memento.set(mode);
  }

  /** Open the chat panel for another feature: reveal it, pick the mode, prefill, and optionally send. */
  async open(entry: ChatEntry): Promise<void> {
    if (!this.sink) throw new Error('The chat panel is not available.');
    if (entry.panelMode) this.setPanelMode(entry.panelMode);
    await this.sink.open(entry);
  }
}
