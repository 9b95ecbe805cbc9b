/**
 * The extension side of the chat panel, without vscode: handles the webview's messages,
 * runs turns against the daemon (streaming deltas to the webview, Stop through an
 * AbortSignal), keeps the current conversation across webview reloads, and turns
 * failures into errors the user can act on. The editor, the daemon and the memento
 * come in through narrow interfaces, so tests drive it with fakes.
 */
import { ErrorCodes, isCancellation, type ChatMessageInfo, type ChatSelection, type ChatTurnResult } from '../../protocol';
import type { ContextPreview, ErrorView, FileSuggestion, HostToWebview, ChatUiMode, CodeAction } from '../../webview-ui/chat/messages';
import { parseWebviewMessage, type PanelMode } from '../../webview-ui/chat/messages';
import { parseMentions } from '../../webview-ui/chat/mentions';
import { parseSlashCommand } from '../../webview-ui/chat/slash-commands';
import { taskText } from '../../shared/slash-commands';
import { PENDING_PREFIX } from '../../webview-ui/chat/state';
import type { Logger } from '../log';
import type { ChatDaemon } from './chat-daemon';
import { isAgentWebviewMessage, type AgentModeHandler, type ChatPanelBridge } from './panel-bridge';

/** The editor as the chat sees it. */
export interface ChatEditor {
  /** The selection (non-empty) and the active file of the last focused text editor. */
  context(): { selection?: ChatSelection; activeFile?: { path: string; languageId: string } };
  preview(): ContextPreview;
  /** Absolute path of a workspace-relative `@mention`, if such a file exists. */
  resolveMention(label: string): string | undefined;
  findFiles(query: string): Promise<FileSuggestion[]>;
  codeAction(action: CodeAction, code: string, language?: string): Promise<void>;
  openFile(path: string, line?: number): Promise<void>;
  runDoctor(): Promise<void>;
}

/** Per-workspace memory of the panel (VS Code's workspaceState). */
export interface ChatMemento {
  get(key: 'conversationId' | 'model'): string | undefined;
  set(key: 'conversationId' | 'model', value: string | undefined): void;
}

export interface ChatControllerDeps {
  post(msg: HostToWebview): void;
  daemon: ChatDaemon;
  editor: ChatEditor;
  memento: ChatMemento;
  /** The workspace key conversations are stored under (first folder path, '' without one). */
  workspace(): string;
  mode(): ChatUiMode;
  newId(): string;
  log: Logger;
  /** The panel's Ask/Agent mode and the Agent mode's handler (the agent feature registers it). */
  panel?: Pick<ChatPanelBridge, 'agent' | 'panelMode' | 'setPanelMode'>;
}

interface RunningTurn {
  conversationId: string;
  assistantId: string;
  user: ChatMessageInfo;
  replaceFromUserId?: string;
  text: string;
  abort: AbortController;
}

/** How a turn ended, for callers of `ask` (Tandem: Explain tracks its uses with it). */
export type ChatAskOutcome =
  { state: 'done'; id: string; model: string; backend?: string } | { state: 'failed' | 'cancelled'; message?: string } | { state: 'busy' };

/** What the panel shows for an error from the daemon or the connection. */
export function errorView(err: unknown): ErrorView {
  const e = err as { message?: unknown; code?: unknown; data?: { kind?: unknown; hint?: unknown } };
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  const kind = typeof e?.data?.kind === 'string' ? e.data.kind : typeof e?.code === 'number' ? `code ${e.code}` : 'disconnected';
  const view: ErrorView = { message, kind };
  if (typeof e?.data?.hint === 'string') view.hint = e.data.hint;
  return view;
}

export class ChatController {
  private conversationId: string | undefined;
  private messages: ChatMessageInfo[] = [];
  private turn: RunningTurn | undefined;
  private readonly disposables: Array<{ dispose(): void }> = [];

  constructor(private readonly deps: ChatControllerDeps) {
    this.conversationId = deps.memento.get('conversationId');
    this.disposables.push(
      deps.daemon.onConnectionChange((connected, message) => {
        this.deps.post({ type: 'connection', connected, ...(message ? { message } : {}) });
        if (connected) void this.reload();
      }),
      deps.daemon.onModelsChange(() => this.postModels()),
    );
  }

  /** A message from the webview (validated here: the webview renders model output). */
  async handle(raw: unknown): Promise<void> {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.deps.log.warn(`chat: ignored a malformed message from the webview`);
      return;
    }
    try {
      if (isAgentWebviewMessage(msg)) {
        const agent = this.deps.panel?.agent;
        if (agent) return await agent.handle(msg);
        return this.deps.post({ type: 'notice', level: 'error', text: 'Agent mode is not available in this window.' });
      }
      switch (msg.type) {
        case 'ready':
          return await this.onReady();
        case 'send':
          await this.send(msg.text, msg.model, msg.panelMode);
          return;
        case 'setPanelMode':
          this.deps.panel?.setPanelMode(msg.panelMode);
          return;
        case 'retry':
          return await this.retry();
        case 'stop':
          this.turn?.abort.abort();
          return;
        case 'newChat':
          return this.newChat();
        case 'showHistory':
          return this.deps.post({ type: 'history', conversations: await this.deps.daemon.list(this.deps.workspace()) });
        case 'openConversation':
          return await this.open(msg.id);
        case 'deleteConversation':
          return await this.remove(msg.id);
        case 'codeAction':
          return await this.deps.editor.codeAction(msg.action, msg.code, msg.language);
        case 'openContext':
          return await this.deps.editor.openFile(msg.path, msg.line);
        case 'fileQuery':
          return this.deps.post({ type: 'fileSuggestions', requestId: msg.requestId, items: await this.deps.editor.findFiles(msg.query) });
        case 'runDoctor':
          return await this.deps.editor.runDoctor();
        case 'selectModel':
          this.deps.memento.set('model', msg.model === '' ? undefined : msg.model);
          return;
      }
    } catch (err) {
      this.deps.log.warn(`chat: ${msg.type} failed: ${(err as Error).message ?? String(err)}`);
      this.deps.post({ type: 'notice', level: 'error', text: errorView(err).message });
    }
  }

  /** The panel (re)loaded: send everything it shows. */
  private async onReady(): Promise<void> {
    const connected = this.deps.daemon.connected();
    this.deps.post({ type: 'init', mode: this.deps.mode(), models: this.deps.daemon.models(), model: this.selectedModel(), connected });
    if (this.deps.panel) this.deps.post({ type: 'panelMode', panelMode: this.deps.panel.panelMode() });
    this.deps.panel?.agent?.ready();
    this.contextChanged();
    // While disconnected the webview keeps showing its saved state; the reconnect reloads it.
    if (connected) await this.reload();
    this.replayTurn();
  }

  private selectedModel(): string | undefined {
    return this.deps.memento.get('model') ?? this.deps.daemon.defaultModel();
  }

  private postModels(): void {
    this.deps.post({ type: 'models', models: this.deps.daemon.models(), model: this.selectedModel() });
  }

  /** A running turn's question and text so far, for a webview that was hidden or reloaded. */
  private replayTurn(): void {
    const t = this.turn;
    if (!t || t.conversationId !== this.conversationId) return;
    this.deps.post({
      type: 'turnStarted',
      conversationId: t.conversationId,
      user: t.user,
      assistantId: t.assistantId,
      ...(t.replaceFromUserId ? { replaceFromUserId: t.replaceFromUserId } : {}),
    });
    if (t.text !== '') this.deps.post({ type: 'delta', assistantId: t.assistantId, text: t.text });
  }

  /** Show the current conversation as the daemon has it. */
  private async reload(): Promise<void> {
    const id = this.conversationId;
    if (!id) {
      this.messages = [];
      this.deps.post({ type: 'conversation', conversation: null, messages: [] });
      return;
    }
    try {
      const got = await this.deps.daemon.get(id);
      this.messages = got.messages;
      this.deps.post({ type: 'conversation', conversation: { id, title: got.conversation.title }, messages: got.messages });
    } catch (err) {
      if ((err as { code?: unknown }).code === ErrorCodes.NotFound) {
        // Deleted elsewhere (another window) or never stored: start afresh.
        this.setConversation(undefined);
        this.deps.post({ type: 'conversation', conversation: null, messages: [] });
        return;
      }
      throw err;
    }
  }

  private setConversation(id: string | undefined): void {
    this.conversationId = id;
    this.deps.memento.set('conversationId', id);
  }

  newChat(): void {
    this.setConversation(undefined);
    this.messages = [];
    this.deps.post({ type: 'conversation', conversation: null, messages: [] });
  }

  private async open(id: string): Promise<void> {
    this.setConversation(id);
    await this.reload();
    this.replayTurn();
  }

  private async remove(id: string): Promise<void> {
    await this.deps.daemon.delete(id);
    if (id === this.conversationId) this.newChat();
    this.deps.post({ type: 'history', conversations: await this.deps.daemon.list(this.deps.workspace()) });
  }

  /** The mode changed (setting): the webview shows more or less. */
  modeChanged(): void {
    this.deps.post({ type: 'mode', mode: this.deps.mode() });
  }

  /** The selection or active editor changed. */
  contextChanged(): void {
    this.deps.post({ type: 'contextPreview', preview: this.deps.editor.preview() });
  }

  /** `Tandem: Ask About Selection`: a fresh question about the selection. */
  askAboutSelection(): void {
    this.contextChanged();
    this.deps.post({ type: 'prefill', text: 'Explain this code: ' });
  }

  /**
   * A message from the input: a slash command goes to its strategy (`/explain` in Ask
   * mode is a chat turn; `/fix`, `/edit`, `/test`, `/agent` and everything in Agent mode
   * are agent tasks; `/remember` keeps a note), anything else is a chat question.
   */
  async send(text: string, model?: string, panelMode?: PanelMode): Promise<void> {
    const slash = parseSlashCommand(text);
    if (slash.kind === 'invalid') {
      this.deps.post({ type: 'notice', level: 'error', text: slash.message });
      this.deps.post({ type: 'prefill', text });
      return;
    }
    const agentMode = (panelMode ?? this.deps.panel?.panelMode()) === 'agent';
    if (slash.kind === 'command') {
      const { name, args } = slash;
      if (name === 'remember') return this.viaAgent(text, (a) => a.remember(args));
      if (name !== 'explain' || agentMode) return this.viaAgent(text, (a) => a.start(taskText({ strategy: name, rest: args }), name));
    }
    if (slash.kind === 'none' && agentMode) return this.viaAgent(text, (a) => a.start(text));
    const question = slash.kind === 'command' ? slash.args || 'Explain this code.' : text;
    await this.askQuestion(question, model);
  }

  private async viaAgent(text: string, run: (agent: AgentModeHandler) => Promise<void>): Promise<void> {
    const agent = this.deps.panel?.agent;
    if (!agent) {
      this.deps.post({ type: 'notice', level: 'error', text: 'Agent mode is not available in this window.' });
      this.deps.post({ type: 'prefill', text });
      return;
    }
    await run(agent);
  }

  /**
   * Ask `question` about `selection` right away, in the current conversation (the entry
   * point of commands such as Tandem: Explain); resolves when the answer is complete.
   */
  ask(question: string, selection: ChatSelection): Promise<ChatAskOutcome> {
    this.contextChanged();
    return this.askQuestion(question, undefined, selection);
  }

  /** A chat turn for `text` (Ask mode), about `selectionOverride` or else what the editor shows. */
  private async askQuestion(text: string, model?: string, selectionOverride?: ChatSelection): Promise<ChatAskOutcome> {
    if (this.turn) {
      this.deps.post({ type: 'notice', level: 'info', text: 'An answer is still being written; stop it first.' });
      return { state: 'busy' };
    }
    const conversationId = this.conversationId ?? this.deps.newId();
    const context = this.deps.editor.context();
    const selection = selectionOverride ?? context.selection;
    const activeFile = context.activeFile;
    const mentions = parseMentions(text);
    const files = mentions.files.map((m) => this.deps.editor.resolveMention(m)).filter((p): p is string => p !== undefined);
    const attachments: ChatMessageInfo['attachments'] = {};
    if (selection) attachments.selection = { path: selection.path, startLine: selection.startLine, endLine: selection.endLine };
    if (files.length > 0) attachments.files = files;
    if (mentions.codebase) attachments.codebase = true;
    const user: ChatMessageInfo = {
      id: `${PENDING_PREFIX}${this.deps.newId()}`,
      role: 'user',
      content: text,
      status: 'done',
      createdAt: Date.now(),
      attachments,
    };
    const mode = this.deps.mode();
    const chosen = mode === 'simple' ? undefined : (model ?? this.deps.memento.get('model'));
    return this.runTurn({ conversationId, user }, (onDelta, signal) =>
      this.deps.daemon.send(
        {
          conversationId,
          workspace: this.deps.workspace(),
          text,
          context: { ...(selection ? { selection } : activeFile ? { activeFile } : {}), files, codebase: mentions.codebase },
          ...(chosen ? { model: chosen } : {}),
          includePrompt: mode === 'expert',
        },
        onDelta,
        signal,
      ),
    );
  }

  async retry(): Promise<void> {
    const conversationId = this.conversationId;
    const lastUser = [...this.messages].reverse().find((m) => m.role === 'user');
    if (this.turn || !conversationId || !lastUser) return;
    const mode = this.deps.mode();
    const chosen = mode === 'simple' ? undefined : this.deps.memento.get('model');
    await this.runTurn({ conversationId, user: lastUser, replaceFromUserId: lastUser.id }, (onDelta, signal) =>
      this.deps.daemon.retry({ conversationId, ...(chosen ? { model: chosen } : {}), includePrompt: mode === 'expert' }, onDelta, signal),
    );
  }

  private async runTurn(
    start: { conversationId: string; user: ChatMessageInfo; replaceFromUserId?: string },
    call: (onDelta: (text: string) => void, signal: AbortSignal) => Promise<ChatTurnResult>,
  ): Promise<ChatAskOutcome> {
    const turn: RunningTurn = { ...start, assistantId: `${PENDING_PREFIX}${this.deps.newId()}`, text: '', abort: new AbortController() };
    this.turn = turn;
    this.setConversation(start.conversationId);
    this.replayTurn();
    const visible = () => this.conversationId === turn.conversationId;
    try {
      const result = await call((delta) => {
        turn.text += delta;
        if (visible()) this.deps.post({ type: 'delta', assistantId: turn.assistantId, text: delta });
      }, turn.abort.signal);
      this.turn = undefined;
      const done: ChatAskOutcome = {
        state: 'done',
        id: result.assistant.id,
        model: result.assistant.stats?.model ?? 'unknown',
        ...(result.assistant.stats?.backend ? { backend: result.assistant.stats.backend } : {}),
      };
      if (!visible()) return done;
      this.messages = [...this.messages, result.user, result.assistant];
      await this.reloadQuietly();
      this.deps.post({
        type: 'turnDone',
        conversation: { id: result.conversation.id, title: result.conversation.title },
        user: result.user,
        assistant: { ...result.assistant, id: turn.assistantId },
        ...(result.prompt ? { prompt: result.prompt } : {}),
      });
      return done;
    } catch (err) {
      this.turn = undefined;
      const cancelled = turn.abort.signal.aborted || isCancellation(err);
      if (!cancelled) this.deps.log.warn(`chat turn failed: ${errorView(err).message}`);
      const failed: ChatAskOutcome = cancelled ? { state: 'cancelled' } : { state: 'failed', message: errorView(err).message };
      if (!visible()) return failed;
      const view = cancelled ? undefined : errorView(err);
      this.deps.post({ type: 'turnFailed', assistantId: turn.assistantId, cancelled, ...(view ? { error: view } : {}) });
      await this.afterFailure(turn, view);
      return failed;
    }
  }

  /** The daemon's messages of the current conversation, without posting them. */
  private async reloadQuietly(): Promise<void> {
    if (!this.conversationId) return;
    try {
      this.messages = (await this.deps.daemon.get(this.conversationId)).messages;
    } catch {
      // Shown messages stay; the next reload refreshes them.
    }
  }

  /**
   * After a failed or stopped turn, show what the daemon stored (the question and the
   * failed answer with its backend URL). When the question never got stored (refused
   * before the turn began, or the daemon was unreachable), put it back in the input.
   */
  private async afterFailure(turn: RunningTurn, view: ErrorView | undefined): Promise<void> {
    let stored: ChatMessageInfo[] | undefined;
    let title = '';
    try {
      const got = await this.deps.daemon.get(turn.conversationId);
      stored = got.messages;
      title = got.conversation.title;
    } catch {
      stored = undefined;
    }
    const questionStored =
      turn.replaceFromUserId !== undefined || (stored?.some((m) => m.role === 'user' && m.content === turn.user.content) ?? false);
    if (stored) {
      this.messages = stored;
      this.deps.post({ type: 'conversation', conversation: { id: turn.conversationId, title }, messages: stored });
    } else if (this.messages.length === 0) {
      // A brand-new conversation the daemon never stored.
      this.setConversation(undefined);
      this.deps.post({ type: 'conversation', conversation: null, messages: [] });
    } else {
      this.deps.post({ type: 'conversation', conversation: { id: turn.conversationId, title: title || 'Chat' }, messages: this.messages });
    }
    if (questionStored) return;
    // The stored answer carries the error otherwise; here the question goes back to the input.
    this.deps.post({ type: 'prefill', text: turn.user.content });
    if (view) this.deps.post({ type: 'notice', level: 'error', text: view.hint ? `${view.message} ${view.hint}` : view.message });
  }

  dispose(): void {
    this.turn?.abort.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
