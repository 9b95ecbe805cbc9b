/**
 * VS Code glue of Agent mode: registers the Agent mode of the chat panel (host.chatPanel),
 * answers the daemon's requests through the AgentController (writes applied as one
 * WorkspaceEdit and saved, the diff editor for a proposed file, the editor's
 * diagnostics confined to the workspace), the Memory view, and the commands Undo Agent
 * Changes, Start Agent Task, Add Memory Note and Show Memory. The logic lives in the
 * pure modules next to this file.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { OpenDocument } from '../../protocol';
import { stripBom } from '../../shared/hash';
import { resolveWorkspacePath } from '../../shared/paths';
import type { ExtensionContribution, ExtensionHost } from '../host';
import { registerGuardedCommands, type CommandHandler } from '../vscode/commands';
import { toFixDiagnostic } from '../vscode/diagnostics';
import type { ChangeEnvironment, PreparedOperation, WorkspaceFolderPaths } from '../edit/workspace-changes';
import { AgentController, type AgentEditor } from './agent-controller';
import { ClientAgentDaemon } from './agent-daemon';
import { parseAllowlist, type Allowlist } from './allowlist';
import { confineDiagnostics } from './diagnostics';
import { registerMemory } from './memory-view';
import type { UndoConflict, UndoOperation } from './undo-set';
import { WorkspaceUndoStore } from './undo-store';

export type AgentCommand = 'tandem.agent.undo' | 'tandem.agent.start' | 'tandem.memory.add' | 'tandem.memory.show';

const PROPOSAL_SCHEME = 'tandem-agent-proposal';

function folderPaths(): WorkspaceFolderPaths[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => {
      let realPath = f.uri.fsPath;
      try {
        realPath = realpathSync.native(f.uri.fsPath);
      } catch {
        // A vanished folder keeps its path; the safety checks then refuse its files.
      }
      return { path: f.uri.fsPath, realPath };
    });
}

function openDocument(path: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
}

function readText(path: string): string | undefined {
  const doc = openDocument(path);
  if (doc) return doc.getText();
  try {
    return stripBom(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const toRange = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) =>
  new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/** The whole text's range, from the text itself (the document may not be open). */
function fullRange(text: string): vscode.Range {
  const lines = text.split('\n');
  return new vscode.Range(0, 0, lines.length - 1, lines.at(-1)!.length);
}

/** Apply a WorkspaceEdit and save what it touched, so the daemon's next read (and the tests it runs) see it. */
async function applyAndSave(edit: vscode.WorkspaceEdit, touched: string[]): Promise<{ ok: true } | { ok: false; reason: string }> {
  const ok = await vscode.workspace.applyEdit(edit);
  if (!ok) return { ok: false, reason: 'VS Code could not apply the edit (a file is read-only or changed meanwhile).' };
  for (const path of touched) {
    const doc = openDocument(path);
    if (doc?.isDirty && !(await doc.save())) return { ok: false, reason: `${vscode.workspace.asRelativePath(path)} could not be saved.` };
  }
  return { ok: true };
}

class Proposals implements vscode.TextDocumentContentProvider {
  readonly texts = new Map<string, string>();
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '';
  }
}

class VsCodeAgentEditor implements AgentEditor {
  constructor(
    private readonly proposals: Proposals,
    private readonly revealPanel: () => Promise<void>,
  ) {}

  root(): string | undefined {
    return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  }

  memoryWorkspace(): string {
    return folderPaths()[0]?.realPath ?? '';
  }

  activeFile(): string | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc?.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(doc.uri) ? doc.uri.fsPath : undefined;
  }

  documents(): OpenDocument[] {
    return vscode.workspace.textDocuments
      .filter((d) => d.uri.scheme === 'file' && d.isDirty && vscode.workspace.getWorkspaceFolder(d.uri) !== undefined)
      .map((d) => ({ path: d.uri.fsPath, text: d.getText() }))
      .filter((d) => d.text.length <= 2_000_000)
      .slice(0, 50);
  }

  changeEnvironment(): ChangeEnvironment {
    return { folders: folderPaths(), currentText: readText, exists: (p) => openDocument(p) !== undefined || existsSync(p) };
  }

  read(path: string): string | undefined {
    return readText(path);
  }

  label(path: string): string {
    return vscode.workspace.asRelativePath(path, false);
  }

  async apply(operations: readonly PreparedOperation[]): Promise<{ ok: true } | { ok: false; reason: string }> {
    const edit = new vscode.WorkspaceEdit();
    const touched: string[] = [];
    for (const op of operations) {
      const uri = vscode.Uri.file(op.path);
      if (op.kind === 'modify') {
        for (const e of op.edits) edit.replace(uri, toRange(e.range), e.newText);
        touched.push(op.path);
      } else if (op.kind === 'create') {
        edit.createFile(uri, { overwrite: false, ignoreIfExists: false, contents: Buffer.from(op.text, 'utf8') });
      } else if (op.kind === 'delete') {
        edit.deleteFile(uri, { recursive: false, ignoreIfNotExists: false });
      } else {
        edit.renameFile(uri, vscode.Uri.file(op.newPath), { overwrite: false });
        touched.push(op.newPath);
      }
    }
    return applyAndSave(edit, touched);
  }

  async applyUndo(operations: readonly UndoOperation[]): Promise<{ ok: true } | { ok: false; reason: string }> {
    const edit = new vscode.WorkspaceEdit();
    const touched: string[] = [];
    for (const op of operations) {
      const uri = vscode.Uri.file(op.path);
      if (op.kind === 'replace') {
        const doc = openDocument(op.path);
        edit.replace(uri, doc ? new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)) : fullRange(op.from), op.text);
        touched.push(op.path);
      } else if (op.kind === 'create') {
        edit.createFile(uri, { overwrite: false, ignoreIfExists: false, contents: Buffer.from(op.text, 'utf8') });
      } else if (op.kind === 'delete') {
        edit.deleteFile(uri, { recursive: false, ignoreIfNotExists: true });
      } else {
        edit.renameFile(uri, vscode.Uri.file(op.newPath), { overwrite: false });
      }
    }
    return applyAndSave(edit, touched);
  }

  private proposalUri(path: string, text: string): vscode.Uri {
    const key = randomUUID();
    this.proposals.texts.set(key, text);
    // Kept while the window lives (a diff tab may be reopened); bounded.
    if (this.proposals.texts.size > 50) this.proposals.texts.delete(this.proposals.texts.keys().next().value!);
    return vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: vscode.Uri.file(path).path, query: key });
  }

  async openDiff(title: string, path: string, before: string, after: string): Promise<void> {
    const left = existsSync(path) ? vscode.Uri.file(path) : this.proposalUri(path, before);
    await vscode.commands.executeCommand('vscode.diff', left, this.proposalUri(path, after), title, { preview: true });
  }

  async showUndoConflicts(conflicts: readonly UndoConflict[]): Promise<void> {
    const reasons = conflicts.map((c) => c.reason).join(' ');
    const withDiff = conflicts.filter((c) => c.expected !== undefined && c.actual !== undefined);
    const choice = await vscode.window.showWarningMessage(
      `Tandem did not undo the agent changes: ${reasons} Undoing would overwrite that work; revert your edits first or undo by hand.`,
      ...(withDiff.length > 0 ? ['Show Differences'] : []),
    );
    if (choice !== 'Show Differences') return;
    for (const c of withDiff.slice(0, 5)) {
      await vscode.commands.executeCommand(
        'vscode.diff',
        this.proposalUri(c.path, c.expected!),
        existsSync(c.path) ? vscode.Uri.file(c.path) : this.proposalUri(c.path, c.actual!),
        `${this.label(c.path)}: the agent's version ↔ now`,
        { preview: false },
      );
    }
  }

  diagnostics(paths: readonly string[] | undefined) {
    const folders = folderPaths();
    const roots = folders.map((f) => f.realPath);
    // Checked on the real path: a link out of the workspace, or into .git, is left out.
    const inWorkspace = (p: string) => resolveWorkspacePath(realOr(p), roots).ok;
    const entries = paths
      ? paths.map((p) => ({ path: p, diagnostics: vscode.languages.getDiagnostics(vscode.Uri.file(p)).map(toFixDiagnostic) }))
      : vscode.languages
          .getDiagnostics()
          .filter(([uri]) => uri.scheme === 'file')
          .map(([uri, d]) => ({ path: uri.fsPath, diagnostics: d.map(toFixDiagnostic) }));
    return confineDiagnostics(entries, inWorkspace, paths).files;
  }

  attention(pending: number): void {
    void vscode.window
      .showInformationMessage(
        pending === 1 ? 'Tandem: the agent is waiting for your approval.' : `Tandem: ${pending} agent approvals are waiting.`,
        'Show',
      )
      .then((choice) => (choice === 'Show' ? this.revealPanel() : undefined));
  }
}

function realOr(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return p;
  }
}

/** `tandem.agent`: `{ autoApply, allowedCommands }` (machine scope: a workspace cannot set them). */
function agentSettings(): { autoApply(): boolean; allowlist(): Allowlist } {
  let cached: { raw: string; list: Allowlist } | undefined;
  const raw = () => vscode.workspace.getConfiguration('tandem').get<{ autoApply?: unknown; allowedCommands?: unknown }>('agent') ?? {};
  return {
    autoApply: () => raw().autoApply === true,
    allowlist: () => {
      const value = raw().allowedCommands;
      const key = JSON.stringify(value ?? null);
      if (cached?.raw !== key) cached = { raw: key, list: parseAllowlist(value) };
      return cached.list;
    },
  };
}

export const agentContribution: ExtensionContribution = {
  name: 'agent',
  activate: (host) => activateAgent(host),
};

function activateAgent(host: ExtensionHost): vscode.Disposable {
  const daemon = new ClientAgentDaemon(host.client);
  const proposals = new Proposals();
  const revealPanel = async () => void (await vscode.commands.executeCommand('tandem.chat.focus'));
  const editor = new VsCodeAgentEditor(proposals, revealPanel);
  const settings = agentSettings();
  for (const bad of settings.allowlist().invalid)
    host.logger.warn(`tandem.agent.allowedCommands: "${bad.source}" allows nothing: ${bad.reason}`);
  const controller = new AgentController({
    daemon,
    memory: daemon,
    editor,
    settings,
    panel: {
      post: (msg) => host.chatPanel.post(msg),
      visible: () => host.chatPanel.visible(),
      setBadge: (count) => host.chatPanel.setBadge(count),
    },
    undo: new WorkspaceUndoStore({
      get: () => host.context.workspaceState.get('tandem.agent.undo'),
      set: (value) => void host.context.workspaceState.update('tandem.agent.undo', value),
    }),
    newId: () => randomUUID(),
    log: host.logger,
  });
  const memory = registerMemory(daemon, () => editor.memoryWorkspace(), host.logger);

  const handlers: Record<AgentCommand, CommandHandler> = {
    'tandem.agent.undo': () => controller.undo(),
    'tandem.agent.start': async () => {
      const text = await vscode.window.showInputBox({
        title: 'Tandem: Start Agent Task',
        prompt: 'Describe the task; the agent reads, edits and runs commands with your approval, step by step in the chat panel.',
        placeHolder: 'e.g. Make the failing test in test/math.test.ts pass',
        ignoreFocusOut: true,
      });
      if (text?.trim()) await host.chatPanel.open({ panelMode: 'agent', prefill: text.trim(), send: true });
    },
    'tandem.memory.add': () => memory.add(),
    'tandem.memory.show': () => memory.show(),
  };

  return vscode.Disposable.from(
    host.chatPanel.registerAgent({
      ready: () => controller.ready(),
      handle: (msg) => controller.handle(msg),
      start: (text, strategy) => controller.start(text, strategy),
      remember: (args) => controller.remember(args),
      busy: () => controller.busy(),
    }),
    vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, proposals),
    ...registerGuardedCommands(host.channel, handlers),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('tandem.agent')) return;
      for (const bad of settings.allowlist().invalid)
        host.logger.warn(`tandem.agent.allowedCommands: "${bad.source}" allows nothing: ${bad.reason}`);
    }),
    memory.disposable,
    controller,
    daemon,
  );
}
