/**
 * The extension side of Agent mode, without vscode: runs a task against the daemon and
 * shows each step in the panel as it happens, answers the daemon's questions (a step's
 * writes as a diff to apply, a command, an MCP call, a memory note) through inline
 * approvals, applies approved writes as one WorkspaceEdit each and records them in the
 * task's undo set, and undoes a task in one step. The task the panel shows is kept here
 * (the same reducer as the webview's), so a hidden or reloaded panel gets it back with
 * its pending approvals; cancelling the task denies what is still pending.
 */
import { isCancellation, type AgentApplyEditsRequest, type AgentApproveRequest, type AgentDiagnosticsRequest } from '../../protocol';
import type { AgentApproval, AgentStrategy, AgentToolInfo, McpServerInfo, OpenDocument } from '../../protocol';
import { reduceAgentTask } from '../../webview-ui/chat/agent-state';
import type { AgentTaskView, AgentToolsView, ApprovalAsk, ApprovalOutcome, FileDiffView } from '../../webview-ui/chat/agent-types';
import type { HostToWebview, WebviewToHost } from '../../webview-ui/chat/messages';
import { parseRememberArgs } from '../../webview-ui/chat/slash-commands';
import { errorView } from '../chat/chat-controller';
import { prepareChanges, summarizeRefusals, type ChangeEnvironment, type PreparedOperation } from '../edit/workspace-changes';
import type { Logger } from '../log';
import type { AgentDaemon, MemoryDaemon } from './agent-daemon';
import { allowedBy, type Allowlist } from './allowlist';
import { ApprovalBook, type ApprovalChoice, type ApprovalDecision } from './approvals';
import { StepTranslator } from './step-events';
import { UndoSet, type AppliedChange, type UndoConflict, type UndoOperation } from './undo-set';
import { diffView, expectedChanges } from './write-preview';

/** The editor as the agent sees it. */
export interface AgentEditor {
  /** The workspace root a task works in (the first folder on disk); undefined without one. */
  root(): string | undefined;
  /** The memory notes' workspace key (the root's real path). */
  memoryWorkspace(): string;
  activeFile(): string | undefined;
  /** Unsaved open documents (the daemon reads them instead of the disk). */
  documents(): OpenDocument[];
  changeEnvironment(): ChangeEnvironment;
  /** Current text (open document, else disk); undefined when absent. */
  read(path: string): string | undefined;
  label(path: string): string;
  /** Apply as one WorkspaceEdit and save the touched documents. */
  apply(operations: readonly PreparedOperation[]): Promise<{ ok: true } | { ok: false; reason: string }>;
  applyUndo(operations: readonly UndoOperation[]): Promise<{ ok: true } | { ok: false; reason: string }>;
  openDiff(title: string, path: string, before: string, after: string): Promise<void>;
  /** Refuse an undo, naming the files, with a way to see each difference. */
  showUndoConflicts(conflicts: readonly UndoConflict[]): Promise<void>;
  /** The editor's problems, confined to the workspace (all files with problems, or those of `paths`). */
  diagnostics(paths: readonly string[] | undefined): AgentDiagnosticsRequest.Result['files'];
  /** An approval is waiting and the panel is not visible. */
  attention(pending: number): void;
}

export interface AgentSettings {
  /** `tandem.agent.autoApply`: apply writes without asking (never those under a dot folder such as `.vscode/`). */
  autoApply(): boolean;
  allowlist(): Allowlist;
}

/** The chat panel as the agent posts to it. */
export interface AgentPanel {
  post(msg: HostToWebview): void;
  visible(): boolean;
  /** The number shown on the panel's icon (pending approvals). */
  setBadge(count: number): void;
}

/** Undo sets by task, kept across window reloads. */
export interface UndoStore {
  load(taskId: string): { set: UndoSet; undone: boolean } | undefined;
  save(taskId: string, title: string, set: UndoSet): void;
  markUndone(taskId: string): void;
  /** The newest task with changes not undone. */
  latest(): string | undefined;
}

export interface AgentControllerDeps {
  daemon: AgentDaemon;
  memory: Pick<MemoryDaemon, 'add'>;
  editor: AgentEditor;
  settings: AgentSettings;
  panel: AgentPanel;
  undo: UndoStore;
  newId(): string;
  log: Logger;
}

type Pending = { kind: 'writes'; changes: AppliedChange[] } | { kind: 'ask' };

interface Running {
  taskId: string;
  title: string;
  abort: AbortController;
  translator: StepTranslator;
}

type AgentMessage = Extract<
  WebviewToHost,
  { type: 'approve' | 'openDiff' | 'cancelAgent' | 'undoAgent' | 'showTools' | 'toggleTool' | 'newAgentTask' }
>;

const decisionText: Record<ApprovalChoice, string> = {
  allowOnce: 'Allowed once.',
  allowTask: 'Allowed for the rest of this task.',
  deny: 'Denied.',
};

/** A write the user must see even with auto-apply: anything under a dot folder or a dot file (`.vscode/`, `.github/`, `.env`). */
function touchesDotPath(op: PreparedOperation, label: (p: string) => string): boolean {
  const paths = op.kind === 'rename' ? [op.path, op.newPath] : [op.path];
  return paths.some((p) =>
    label(p)
      .split(/[\\/]/)
      .some((seg) => seg.startsWith('.')),
  );
}

export class AgentController {
  private view: AgentTaskView | null = null;
  private running: Running | undefined;
  private readonly approvals = new ApprovalBook<Pending>();
  private readonly sets = new Map<string, UndoSet>();
  private lastTools: AgentToolInfo[] = [];
  private lastServers: McpServerInfo[] = [];

  constructor(private readonly deps: AgentControllerDeps) {
    deps.daemon.setHandlers({
      applyEdits: (p, signal) => this.applyEdits(p, signal),
      approve: (p, signal) => this.approve(p, signal),
      diagnostics: (p) => Promise.resolve({ files: this.deps.editor.diagnostics(p.paths) }),
    });
    this.approvals.onDidChange(() => this.deps.panel.setBadge(this.approvals.size));
  }

  /** The task the panel shows (tests, and the reload of a hidden panel). */
  get task(): AgentTaskView | null {
    return this.view;
  }

  busy(): boolean {
    return this.running !== undefined;
  }

  private emit(msg: Extract<HostToWebview, { type: 'agentTask' | 'agentStep' | 'agentText' | 'agentTaskPatch' }>): void {
    this.view = reduceAgentTask(this.view, msg);
    this.deps.panel.post(msg);
  }

  private notice(level: 'info' | 'error', text: string): void {
    this.deps.panel.post({ type: 'notice', level, text });
  }

  /** The panel (re)loaded: the task as it stands, pending approvals included. */
  ready(): void {
    this.deps.panel.post({ type: 'agentTask', task: this.view });
  }

  async handle(msg: AgentMessage): Promise<void> {
    switch (msg.type) {
      case 'approve':
        if (!this.approvals.answer(msg.approvalId, msg.choice))
          this.deps.log.debug(`agent: approval ${msg.approvalId} is no longer pending`);
        return;
      case 'openDiff':
        return this.openDiff(msg.approvalId, msg.path);
      case 'cancelAgent':
        return this.cancel();
      case 'undoAgent':
        return this.undo(msg.taskId);
      case 'showTools':
        return this.showTools();
      case 'toggleTool':
        return this.toggleTool(msg.tool, msg.enabled);
      case 'newAgentTask':
        if (this.running) {
          this.notice('info', 'The agent is still working; stop it first.');
          return;
        }
        this.emit({ type: 'agentTask', task: null });
        return;
    }
  }

  /** Start a task (Agent mode, or a slash command that names a strategy). */
  async start(text: string, strategy?: AgentStrategy): Promise<void> {
    if (this.running) {
      this.notice('info', 'The agent is still working on a task; stop it or wait for it to finish.');
      return;
    }
    const root = this.deps.editor.root();
    if (!root) {
      this.notice('error', 'Open a folder first: the agent works inside a workspace folder.');
      return;
    }
    if (!this.deps.daemon.connected()) {
      this.notice('error', 'Not connected to tandemd; it is starting or reconnecting. Try again in a moment.');
      return;
    }
    const taskId = `task-${this.deps.newId()}`;
    const running: Running = { taskId, title: text, abort: new AbortController(), translator: new StepTranslator(taskId) };
    this.running = running;
    this.deps.panel.post({ type: 'panelMode', panelMode: 'agent' });
    this.emit({ type: 'agentTask', task: { id: taskId, task: text, status: 'running', steps: [], undo: { files: 0, state: 'none' } } });
    const activeFile = this.deps.editor.activeFile();
    const allowCommands = this.deps.settings.allowlist().entries.map((e) => e.regex);
    try {
      const result = await this.deps.daemon.run(
        {
          taskId,
          text,
          ...(strategy ? { strategy } : {}),
          root,
          ...(activeFile ? { activeFile } : {}),
          documents: this.deps.editor.documents(),
          allowCommands,
        },
        (p) => {
          if (this.running?.taskId !== p.taskId) return;
          for (const msg of running.translator.translate(p.event)) this.emit(msg);
        },
        running.abort.signal,
      );
      this.emit({ type: 'agentTaskPatch', taskId, patch: { ...running.translator.finish(result), undo: this.undoState(taskId) } });
    } catch (err) {
      const cancelled = running.abort.signal.aborted || isCancellation(err);
      const view = cancelled ? undefined : errorView(err);
      if (view) this.deps.log.warn(`agent task failed: ${view.message}`);
      this.emit({
        type: 'agentTaskPatch',
        taskId,
        patch: {
          status: cancelled ? 'cancelled' : 'failed',
          ...(view ? { reason: view.hint ? `${view.message} ${view.hint}` : view.message } : {}),
          undo: this.undoState(taskId),
        },
      });
    } finally {
      this.approvals.endTask(taskId, 'The task ended before you answered.');
      this.running = undefined;
    }
  }

  /** Stop the running task: the daemon aborts the model and any command; pending approvals are denied. */
  cancel(): void {
    const r = this.running;
    if (!r) return;
    this.approvals.endTask(r.taskId);
    r.abort.abort();
  }

  private undoState(taskId: string): AgentTaskView['undo'] {
    const set = this.sets.get(taskId);
    const files = set?.tracked().length ?? 0;
    return files > 0 ? { files, state: 'available' } : { files: 0, state: 'none' };
  }

  // ------------------------------------------------------------------ approvals

  private isOurs(taskId: string): boolean {
    return this.running?.taskId === taskId;
  }

  /** Wait for the user (or cancellation) on one approval step. */
  private async ask(
    taskId: string,
    approvalId: string,
    ask: ApprovalAsk,
    pending: Pending,
    cancelled: AbortSignal,
  ): Promise<ApprovalDecision> {
    const stepId = `approval-${approvalId}`;
    this.emit({ type: 'agentStep', taskId, step: { kind: 'approval', id: stepId, approvalId, ask } });
    const { decision } = this.approvals.ask(taskId, pending, approvalId);
    const onAbort = () =>
      this.approvals.decide(approvalId, { choice: 'deny', by: 'cancelled', reason: 'The task was cancelled before you answered.' });
    if (cancelled.aborted) onAbort();
    else cancelled.addEventListener('abort', onAbort, { once: true });
    if (!this.deps.panel.visible()) this.deps.editor.attention(this.approvals.size);
    try {
      return await decision;
    } finally {
      cancelled.removeEventListener('abort', onAbort);
    }
  }

  private settle(taskId: string, approvalId: string, ask: ApprovalAsk, outcome: ApprovalOutcome): void {
    this.emit({ type: 'agentStep', taskId, step: { kind: 'approval', id: `approval-${approvalId}`, approvalId, ask, outcome } });
  }

  private outcomeOf(d: ApprovalDecision, allowText?: string): ApprovalOutcome {
    if (d.by === 'cancelled') return { choice: 'deny', by: 'cancelled', text: 'Not allowed: the task ended before an answer.' };
    return { choice: d.choice, by: d.by, text: d.choice === 'allowOnce' && allowText ? allowText : decisionText[d.choice] };
  }

  async approve(p: AgentApproveRequest.Params, cancelled: AbortSignal): Promise<AgentApproveRequest.Result> {
    const a = p.approval as AgentApproval;
    if (!this.isOurs(p.taskId)) return { decision: 'deny', reason: 'This window is not running that task.' };
    const approvalId = `${p.taskId}:${a.callId}`;
    let ask: ApprovalAsk;
    if (a.kind === 'command') {
      ask = {
        type: 'command',
        command: a.command,
        cwd: a.cwd,
        ...(a.tool === 'run_tests' ? { reason: "The project's test command." } : {}),
      };
      const entry = allowedBy(this.deps.settings.allowlist(), a.command);
      if (entry) {
        this.settle(p.taskId, approvalId, ask, {
          choice: 'allowOnce',
          by: 'allowlist',
          text: `Allowed by your allowlist entry ${entry.source}.`,
        });
        return { decision: 'once' };
      }
    } else if (a.kind === 'mcpTool') {
      ask = { type: 'mcp', server: a.server, tool: a.tool, argsJson: JSON.stringify(a.arguments ?? {}, null, 2) };
    } else if (a.kind === 'memory') {
      ask = { type: 'memory', note: { kind: a.note.kind, title: a.note.title, body: a.note.body, tags: a.note.tags } };
    } else {
      return { decision: 'deny', reason: `This editor does not know approvals of kind "${(a as { kind?: unknown }).kind}".` };
    }
    const d = await this.ask(p.taskId, approvalId, ask, { kind: 'ask' }, cancelled);
    this.settle(p.taskId, approvalId, ask, this.outcomeOf(d, ask.type === 'memory' ? 'Kept.' : undefined));
    if (d.choice === 'deny')
      return { decision: 'deny', reason: d.by === 'cancelled' ? 'The task was cancelled.' : 'The user denied this.' };
    return { decision: d.choice === 'allowTask' && ask.type !== 'memory' ? 'task' : 'once' };
  }

  async applyEdits(p: AgentApplyEditsRequest.Params, cancelled: AbortSignal): Promise<AgentApplyEditsRequest.Result> {
    if (!this.isOurs(p.taskId)) return { outcome: 'rejected', reason: 'This window is not running that task.' };
    const { editor } = this.deps;
    const label = (path: string) => editor.label(path);
    const prepared = prepareChanges(p.changes as Parameters<typeof prepareChanges>[0], editor.changeEnvironment());
    const approvalId = `${p.taskId}:${p.stepId}`;
    if (prepared.refused.length > 0) {
      const reason = summarizeRefusals(prepared.refused, 3);
      this.emit(this.running!.translator.notice('warn', `Did not apply the agent's step: ${reason}`));
      return { outcome: 'failed', reason };
    }
    if (prepared.operations.length === 0) return { outcome: 'failed', reason: 'The step has no change to apply.' };
    const changes = expectedChanges(prepared.operations, (path) => editor.read(path));
    const files: FileDiffView[] = changes.map((c) => diffView(c, label));
    const ask: ApprovalAsk = { type: 'writes', files, refused: [] };
    const auto = this.deps.settings.autoApply() && !prepared.operations.some((op) => touchesDotPath(op, label));
    if (!auto) {
      const d = await this.ask(p.taskId, approvalId, ask, { kind: 'writes', changes }, cancelled);
      if (d.choice === 'deny') {
        this.settle(p.taskId, approvalId, ask, {
          ...this.outcomeOf(d),
          text: d.by === 'cancelled' ? 'Not applied: the task ended first.' : 'Rejected.',
        });
        return { outcome: 'rejected', reason: d.by === 'cancelled' ? 'The task was cancelled.' : 'The user rejected these changes.' };
      }
    }
    const result = await this.applyStep(p);
    const by = auto ? 'autoApply' : 'user';
    if (!result.ok) {
      this.settle(p.taskId, approvalId, ask, { choice: 'allowOnce', by, text: 'Approved, but not applied.', failed: result.reason });
      return { outcome: 'failed', reason: result.reason };
    }
    this.settle(p.taskId, approvalId, ask, {
      choice: 'allowOnce',
      by,
      text: auto ? 'Applied automatically (tandem.agent.autoApply).' : 'Applied.',
    });
    this.emit({ type: 'agentTaskPatch', taskId: p.taskId, patch: { undo: this.undoState(p.taskId) } });
    return { outcome: 'applied' };
  }

  /** Apply a step against the files as they are now (the user may have typed while the diff was open). */
  private async applyStep(p: AgentApplyEditsRequest.Params): Promise<{ ok: true } | { ok: false; reason: string }> {
    const { editor } = this.deps;
    const prepared = prepareChanges(p.changes as Parameters<typeof prepareChanges>[0], editor.changeEnvironment());
    if (prepared.refused.length > 0) return { ok: false, reason: summarizeRefusals(prepared.refused, 3) };
    const expected = expectedChanges(prepared.operations, (path) => editor.read(path));
    const applied = await editor.apply(prepared.operations);
    if (!applied.ok) return applied;
    // What the files hold now is what undo must find again.
    const actual = expected.map((c): AppliedChange => {
      if (c.kind === 'modify' || c.kind === 'create') return { ...c, after: editor.read(c.path) ?? c.after };
      if (c.kind === 'rename') return { ...c, after: editor.read(c.newPath) ?? c.after };
      return c;
    });
    let set = this.sets.get(p.taskId);
    if (!set) this.sets.set(p.taskId, (set = new UndoSet()));
    set.record(actual);
    this.deps.undo.save(p.taskId, this.running?.title ?? p.summary, set);
    return { ok: true };
  }

  private async openDiff(approvalId: string, path: string): Promise<void> {
    const pending = this.approvals.pending().find((a) => a.id === approvalId);
    if (!pending || pending.payload.kind !== 'writes') return;
    const change = pending.payload.changes.find((c) => c.path === path || (c.kind === 'rename' && c.newPath === path));
    if (!change || change.kind === 'delete') return;
    const before = change.kind === 'create' ? '' : change.before;
    const name = this.deps.editor.label(change.kind === 'rename' ? change.newPath : change.path);
    await this.deps.editor.openDiff(`${name} ↔ the agent's change`, change.path, before, change.after);
  }

  // ------------------------------------------------------------------ undo

  /** "Undo agent changes" of a task (default: the newest with changes not undone), as one WorkspaceEdit. */
  async undo(taskId?: string): Promise<void> {
    const id = taskId ?? (this.sets.size > 0 ? [...this.sets.keys()].at(-1) : undefined) ?? this.deps.undo.latest();
    if (!id) {
      this.notice('info', 'No agent changes to undo.');
      return;
    }
    if (this.running?.taskId === id) {
      this.notice('info', 'The agent is still working on this task; stop it first, then undo its changes.');
      return;
    }
    const saved = this.deps.undo.load(id);
    if (saved?.undone) {
      this.notice('info', 'The changes of this task were undone already.');
      return;
    }
    const stored = this.sets.get(id) ?? saved?.set;
    if (!stored) return this.undoFromDaemon(id);
    const plan = stored.plan({ read: (p) => this.deps.editor.read(p), label: (p) => this.deps.editor.label(p) });
    if (!plan.ok) {
      await this.deps.editor.showUndoConflicts(plan.conflicts);
      return;
    }
    const applied = await this.deps.editor.applyUndo(plan.operations);
    if (!applied.ok) {
      this.notice('error', `The agent changes could not be undone: ${applied.reason}`);
      return;
    }
    this.deps.undo.markUndone(id);
    this.sets.delete(id);
    if (this.view?.id === id) this.emit({ type: 'agentTaskPatch', taskId: id, patch: { undo: { files: plan.files, state: 'undone' } } });
    this.notice('info', `Undid the agent changes to ${plan.files} ${plan.files === 1 ? 'file' : 'files'}.`);
    await this.deps.daemon.undone(id).catch((err: unknown) => this.deps.log.debug(`agent: marking ${id} undone failed: ${String(err)}`));
  }

  /**
   * Undo with the change set the daemon kept (a task of another window, or one whose
   * texts were too large to keep here): its `undo` changes carry the hash of the text the
   * task left, so a file the user changed since is refused by that hash.
   */
  private async undoFromDaemon(taskId: string): Promise<void> {
    let changes;
    try {
      changes = await this.deps.daemon.changes({ taskId, documents: this.deps.editor.documents() });
    } catch (err) {
      this.notice('error', `No changes of this task to undo: ${errorView(err).message}`);
      return;
    }
    if (changes.undone) {
      this.notice('info', 'The changes of this task were undone already.');
      return;
    }
    if (changes.conflicts.length > 0) {
      await this.deps.editor.showUndoConflicts(changes.conflicts.map((c) => ({ path: c.path, reason: c.reason })));
      return;
    }
    const prepared = prepareChanges(changes.undo, this.deps.editor.changeEnvironment());
    if (prepared.refused.length > 0) {
      await this.deps.editor.showUndoConflicts(prepared.refused.map((r) => ({ path: r.path ?? '', reason: r.reason })));
      return;
    }
    const applied = await this.deps.editor.apply(prepared.operations);
    if (!applied.ok) {
      this.notice('error', `The agent changes could not be undone: ${applied.reason}`);
      return;
    }
    this.deps.undo.markUndone(taskId);
    const files = new Set(prepared.operations.map((o) => o.path)).size;
    if (this.view?.id === taskId) this.emit({ type: 'agentTaskPatch', taskId, patch: { undo: { files, state: 'undone' } } });
    this.notice('info', `Undid the agent changes to ${files} ${files === 1 ? 'file' : 'files'}.`);
    await this.deps.daemon
      .undone(taskId)
      .catch((err: unknown) => this.deps.log.debug(`agent: marking ${taskId} undone failed: ${String(err)}`));
  }

  // ------------------------------------------------------------------ tools and memory

  private async showTools(): Promise<void> {
    const root = this.deps.editor.root();
    const [tools, mcp] = await Promise.all([this.deps.daemon.tools(root), this.deps.daemon.mcpList(root)]);
    this.lastTools = tools.tools;
    this.lastServers = mcp.servers;
    this.deps.panel.post({ type: 'agentTools', tools: this.toolsView(mcp.problems) });
  }

  private toolsView(problems: string[] = []): AgentToolsView {
    return {
      tools: this.lastTools.map((t) => ({
        name: t.name,
        description: t.description,
        source: t.source === 'mcp' ? (t.server ?? 'mcp') : 'builtin',
        enabled: t.enabled,
        ...(t.source === 'builtin' ? { locked: true } : {}),
      })),
      servers: [
        ...this.lastServers.map((s) => ({ name: s.name, trusted: s.trusted, state: s.state, ...(s.error ? { error: s.error } : {}) })),
        ...problems.map((p, i) => ({ name: `configuration problem ${i + 1}`, trusted: false, state: 'invalid', error: p })),
      ],
    };
  }

  private async toggleTool(name: string, enabled: boolean): Promise<void> {
    const info = this.lastTools.find((t) => t.name === name);
    if (!info || info.source !== 'mcp' || !info.server) {
      this.notice('info', `${name} is a built-in tool; it is always available.`);
      return;
    }
    const server = this.lastServers.find((s) => s.name === info.server);
    const tool = server?.tools.find((t) => t.name === name)?.tool ?? name;
    await this.deps.daemon.setToolEnabled({
      ...(this.deps.editor.root() ? { root: this.deps.editor.root() } : {}),
      server: info.server,
      tool,
      enabled,
    });
    await this.showTools();
  }

  /** `/remember [kind:] title` in the chat: store a note at once. */
  async remember(args: string): Promise<void> {
    const parsed = parseRememberArgs(args);
    if ('error' in parsed) {
      this.notice('error', parsed.error);
      return;
    }
    const { note } = await this.deps.memory.add({ workspace: this.deps.editor.memoryWorkspace(), ...parsed });
    this.notice(
      'info',
      `Kept the ${note.kind} note “${note.title}” in project memory (Tandem: Show Memory lists, edits and deletes notes).`,
    );
  }

  dispose(): void {
    this.cancel();
  }
}
