/**
 * VS Code glue of the chat panel: the `tandem.chat` webview view (activity bar
 * container `tandem`), its commands, and the editor operations behind the panel's
 * buttons (insert at cursor, apply with a diff preview as one undo step, copy, open a
 * context location). The logic is in ChatController; this file translates types.
 */
import * as vscode from 'vscode';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { ChatSelection } from '../../protocol';
import type { CodeAction, ContextPreview, FileSuggestion, HostToWebview, ChatUiMode } from '../../webview-ui/chat/messages';
import type { ExtensionContribution } from '../host';
import type { Logger } from '../log';
import type { TandemClient } from '../tandem-client';
import type { UiMode } from '../ui/ui-mode';
import { applyPlan, planApply } from './apply-plan';
import { ChatController, type ChatEditor } from './chat-controller';
import { ClientChatDaemon } from './chat-daemon';
import { rankPaths } from './file-match';
import type { ChatEntry, ChatPanelBridge } from './panel-bridge';
import { webviewPageHtml } from '../webview-page';

export const CHAT_VIEW_ID = 'tandem.chat';
const PROPOSAL_SCHEME = 'tandem-chat-proposal';
const FILE_LIST_TTL_MS = 30_000;

export interface ChatDeps {
  client: TandemClient;
  logger: Logger;
  mode(): UiMode;
  panel: ChatPanelBridge;
}

class ChatViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private pendingPrefill: HostToWebview | undefined;
  controller!: ChatController;

  constructor(private readonly extensionUri: vscode.Uri) {}

  visible(): boolean {
    return this.view?.visible ?? false;
  }

  setBadge(count: number, tooltip: string): void {
    // `badge = undefined` leaves the badge on the activity bar (VS Code's webview view pane never clears its
    // activity); a zero badge is not drawn and replaces it.
    if (this.view) this.view.badge = { value: Math.max(0, count), tooltip: count > 0 ? tooltip : '' };
  }

  post(msg: HostToWebview): void {
    const view = this.view;
    if (!view || !this.ready || !view.visible) {
      // Everything else is re-sent on `ready`; a prefill is the one thing to keep.
      if (msg.type === 'prefill') this.pendingPrefill = msg;
      return;
    }
    void view.webview.postMessage(msg);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const distWebview = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [distWebview] };
    view.webview.html = webviewPageHtml({
      title: 'Tandem Chat',
      cspSource: view.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(distWebview, 'chat.main.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(distWebview, 'chat.main.css')).toString(),
    });
    view.webview.onDidReceiveMessage(async (raw: unknown) => {
      const isReady = typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'ready';
      if (isReady) this.ready = true;
      await this.controller.handle(raw);
      if (isReady && this.pendingPrefill) {
        const prefill = this.pendingPrefill;
        this.pendingPrefill = undefined;
        this.post(prefill);
      }
    });
    // A hidden webview view loses its page; it loads again when shown and says `ready`.
    view.onDidChangeVisibility(() => {
      if (!view.visible) this.ready = false;
    });
    view.onDidDispose(() => {
      if (this.view === view) {
        this.view = undefined;
        this.ready = false;
      }
    });
  }
}

/** Proposed file contents shown on the right of the Apply diff. */
class ProposalProvider implements vscode.TextDocumentContentProvider {
  readonly proposals = new Map<string, string>();
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.proposals.get(uri.query) ?? '';
  }
}

function selectionOf(editor: vscode.TextEditor): ChatSelection | undefined {
  const sel = editor.selection;
  if (sel.isEmpty) return undefined;
  const doc = editor.document;
  const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1;
  return {
    path: doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString(),
    languageId: doc.languageId,
    startLine: sel.start.line + 1,
    endLine,
    text: doc.getText(sel),
  };
}

class VsCodeChatEditor implements ChatEditor {
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private files: { at: number; paths: string[] } | undefined;

  constructor(
    private readonly proposals: ProposalProvider,
    private readonly logger: Logger,
  ) {}

  trackEditor(editor: vscode.TextEditor | undefined): void {
    if (editor && editor.document.uri.scheme !== PROPOSAL_SCHEME) this.lastEditor = editor;
  }

  private editor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && active.document.uri.scheme !== PROPOSAL_SCHEME) return active;
    return this.lastEditor && !this.lastEditor.document.isClosed ? this.lastEditor : undefined;
  }

  context(): ReturnType<ChatEditor['context']> {
    const editor = this.editor();
    if (!editor) return {};
    const selection = selectionOf(editor);
    const doc = editor.document;
    return {
      ...(selection ? { selection } : {}),
      ...(doc.uri.scheme === 'file' ? { activeFile: { path: doc.uri.fsPath, languageId: doc.languageId } } : {}),
    };
  }

  preview(): ContextPreview {
    const { selection, activeFile } = this.context();
    if (selection)
      return {
        selection: {
          label: vscode.workspace.asRelativePath(selection.path, false),
          startLine: selection.startLine,
          endLine: selection.endLine,
        },
      };
    if (activeFile) return { activeFile: { label: vscode.workspace.asRelativePath(activeFile.path, false) } };
    return {};
  }

  resolveMention(label: string): string | undefined {
    const candidates = isAbsolute(label)
      ? [label]
      : (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => join(f.uri.fsPath, label));
    return candidates.find((p) => {
      try {
        return existsSync(p) && statSync(p).isFile();
      } catch {
        return false;
      }
    });
  }

  async findFiles(query: string): Promise<FileSuggestion[]> {
    if (!this.files || Date.now() - this.files.at > FILE_LIST_TTL_MS) {
      const uris = await vscode.workspace.findFiles('**/*', '**/{node_modules,.git,dist,out,.e2e-cache}/**', 20_000);
      this.files = { at: Date.now(), paths: uris.map((u) => vscode.workspace.asRelativePath(u, false)) };
    }
    return rankPaths(this.files.paths, query, 10).map((label) => ({ label }));
  }

  async codeAction(action: CodeAction, code: string): Promise<void> {
    if (action === 'copy') {
      await vscode.env.clipboard.writeText(code);
      vscode.window.setStatusBarMessage('Tandem: code copied', 2000);
      return;
    }
    const editor = this.editor();
    if (!editor) {
      void vscode.window.showWarningMessage(
        `Tandem: open a file to ${action === 'insert' ? 'insert the code into' : 'apply the code to'}.`,
      );
      return;
    }
    if (action === 'insert') {
      await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
      const ok = await editor.edit((b) => {
        for (const sel of editor.selections) b.replace(sel, code);
      });
      if (!ok) void vscode.window.showWarningMessage('Tandem: the code could not be inserted (the document changed or is read-only).');
      return;
    }
    await this.applyWithPreview(editor, code);
  }

  /** Show the change as a diff; apply it as one edit (one undo step) when the user accepts. */
  private async applyWithPreview(editor: vscode.TextEditor, code: string): Promise<void> {
    const doc = editor.document;
    const original = doc.getText();
    const version = doc.version;
    const sel = editor.selection;
    const plan = planApply(original, code, sel.isEmpty ? undefined : { start: doc.offsetAt(sel.start), end: doc.offsetAt(sel.end) });
    const key = randomUUID();
    this.proposals.proposals.set(key, applyPlan(original, plan));
    const proposalUri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: doc.uri.path, query: key });
    const name = basename(doc.uri.path);
    const where = plan.how === 'selection' ? 'selection' : plan.how === 'matched-block' ? 'matching block' : 'whole file';
    let applied = false;
    try {
      // Not a preview tab: it would replace the file's own preview tab.
      await vscode.commands.executeCommand('vscode.diff', doc.uri, proposalUri, `${name} ↔ Tandem's change (${where})`, { preview: false });
      const choice = await vscode.window.showInformationMessage(`Apply Tandem's change to ${name} (${where})?`, 'Apply', 'Discard');
      if (choice !== 'Apply') return;
      if (doc.version !== version) {
        void vscode.window.showWarningMessage(
          `Tandem: ${name} changed while the diff was open; click Apply again to see the change against the current text.`,
        );
        return;
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(plan.start), doc.positionAt(plan.end)), plan.replacement);
      const ok = await vscode.workspace.applyEdit(edit);
      if (!ok) void vscode.window.showWarningMessage(`Tandem: the change could not be applied to ${name}.`);
      applied = ok;
    } finally {
      this.proposals.proposals.delete(key);
      for (const group of vscode.window.tabGroups.all) {
        for (const tab of group.tabs) {
          if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposalUri.toString()) {
            await vscode.window.tabGroups
              .close(tab)
              .then(undefined, (err: unknown) => this.logger.debug(`closing the diff failed: ${String(err)}`));
          }
        }
      }
      // Back to the file, showing the result (or the untouched text after Discard).
      if (!doc.isClosed)
        await vscode.window.showTextDocument(doc, { viewColumn: editor.viewColumn, preview: false }).then(undefined, () => undefined);
    }
    if (applied) vscode.window.setStatusBarMessage(`Tandem: change applied to ${name} (undo with Ctrl+Z)`, 4000);
  }

  async openFile(path: string, line?: number): Promise<void> {
    const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
    await vscode.window.showTextDocument(vscode.Uri.file(path), {
      selection: new vscode.Range(pos, pos),
      preview: true,
      viewColumn: vscode.ViewColumn.One,
    });
  }

  async runDoctor(): Promise<void> {
    await vscode.commands.executeCommand('tandem.runDoctor');
  }
}

/** The `{ question, selection }` argument of `tandem.chat.askAboutSelection`, when it is one. */
export function parseAskArgument(arg: unknown): { question: string; selection: ChatSelection } | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const { question, selection } = arg as { question?: unknown; selection?: Partial<ChatSelection> };
  if (typeof question !== 'string' || question.trim() === '' || typeof selection !== 'object' || selection === null) return undefined;
  const { path, languageId, startLine, endLine, text } = selection;
  if (typeof path !== 'string' || typeof languageId !== 'string' || typeof text !== 'string') return undefined;
  if (!Number.isInteger(startLine) || !Number.isInteger(endLine)) return undefined;
  return { question, selection: { path, languageId, startLine: startLine!, endLine: endLine!, text } };
}

/** The chat view, its commands and listeners. */
export const chatContribution: ExtensionContribution = {
  name: 'chat',
  activate: (host) =>
    activateChat(host.context, { client: host.client, logger: host.logger, mode: () => host.mode(), panel: host.chatPanel }),
};

function activateChat(context: vscode.ExtensionContext, deps: ChatDeps): vscode.Disposable {
  const provider = new ChatViewProvider(context.extensionUri);
  const proposals = new ProposalProvider();
  const editor = new VsCodeChatEditor(proposals, deps.logger);
  const daemon = new ClientChatDaemon(deps.client);
  const mode = (): ChatUiMode => deps.mode();
  const controller = new ChatController({
    post: (msg) => deps.panel.post(msg),
    daemon,
    editor,
    memento: {
      get: (key) => context.workspaceState.get<string>(`tandem.chat.${key}`),
      set: (key, value) => void context.workspaceState.update(`tandem.chat.${key}`, value),
    },
    workspace: () => vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath ?? '',
    mode,
    newId: () => randomUUID(),
    log: deps.logger,
    panel: deps.panel,
  });
  provider.controller = controller;

  let contextTimer: NodeJS.Timeout | undefined;
  const contextChanged = () => {
    if (contextTimer) clearTimeout(contextTimer);
    contextTimer = setTimeout(() => controller.contextChanged(), 150);
  };

  const reveal = () => vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  /** Another feature opens the panel (e.g. Explain): mode, prefill, and optionally send. */
  const open = async (entry: ChatEntry) => {
    await reveal();
    if (entry.panelMode) provider.post({ type: 'panelMode', panelMode: entry.panelMode });
    if (entry.prefill && entry.send) await controller.send(entry.prefill, undefined, entry.panelMode);
    else if (entry.prefill)
      provider.post({ type: 'prefill', text: entry.prefill, ...(entry.panelMode ? { panelMode: entry.panelMode } : {}) });
  };
  return vscode.Disposable.from(
    deps.panel.attach({
      post: (msg) => provider.post(msg),
      visible: () => provider.visible(),
      setBadge: (count, tooltip) => provider.setBadge(count, tooltip),
      open,
    }),
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, proposals),
    vscode.commands.registerCommand('tandem.chat.new', async () => {
      controller.newChat();
      await reveal();
    }),
    // Without arguments: a prefilled question about the selection. With `{ question, selection }`
    // (Tandem: Explain): asked at once; resolves with how the turn ended.
    vscode.commands.registerCommand('tandem.chat.askAboutSelection', async (ask?: unknown) => {
      editor.trackEditor(vscode.window.activeTextEditor);
      const request = parseAskArgument(ask);
      if (request) {
        await reveal();
        return controller.ask(request.question, request.selection);
      }
      controller.askAboutSelection();
      await reveal();
      return undefined;
    }),
    vscode.window.onDidChangeActiveTextEditor((e) => {
      editor.trackEditor(e);
      contextChanged();
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      editor.trackEditor(e.textEditor);
      contextChanged();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tandem.uiMode')) controller.modeChanged();
    }),
    { dispose: () => (contextTimer ? clearTimeout(contextTimer) : undefined) },
    controller,
    daemon,
  );
}
