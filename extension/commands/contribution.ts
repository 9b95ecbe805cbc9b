/**
 * VS Code glue of the everyday commands: `Tandem: Edit Selection…` (Ctrl+I / Cmd+I,
 * with Accept, Reject, Retry and Follow-up while its preview is shown),
 * `Tandem: Write Commit Message` (also the sparkle button in the Source Control title),
 * `Tandem: Generate Tests` and `Tandem: Explain`. The flows are the pure modules next to
 * this file; here they meet the editor, the Git extension and the chat panel.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { isCancellation } from '../../protocol';
import { applyOperations, changeEnvironment, dirtyDocuments, startProgress } from '../edit/vscode-edits';
import { documentPath } from '../completion/inline-provider';
import type { ExtensionContribution, ExtensionHost } from '../host';
import { registerGuardedCommands } from '../vscode/commands';
import { daemonCommandsBackend, type CommandsBackend } from './commands-backend';
import { CommitMessageWriter } from './commit-flow';
import { runExplain, type AskOutcome } from './explain-flow';
import { chooseRepository, commitRepo, gitApi, pickRepository } from './git-repo';
import { InlineDecorations, InlineEditLenses, VsCodeInlinePreview } from './inline-preview';
import { InlineEditSession } from './inline-session';
import { outcomeReporter, type OutcomeReporter } from './outcome-reporter';
import { commandTarget, type EditorState } from './target';
import { runGenerateTests } from './tests-flow';

/** The palette commands this feature handles (main.ts checks every palette command has a handler). */
export type CommandsCommand = 'tandem.inlineEdit.start' | 'tandem.commitMessage.generate' | 'tandem.tests.generate' | 'tandem.explain';

const ACTIVE_KEY = 'tandem.inlineEditActive';

function editorState(editor: vscode.TextEditor): EditorState {
  const sel = editor.selection;
  return {
    path: editor.document.uri.fsPath,
    languageId: editor.document.languageId,
    text: editor.document.getText(),
    cursor: { line: sel.active.line, character: sel.active.character },
    ...(sel.isEmpty
      ? {}
      : {
          selection: {
            start: { line: sel.start.line, character: sel.start.character },
            end: { line: sel.end.line, character: sel.end.character },
          },
        }),
  };
}

export const commandsContribution: ExtensionContribution = {
  name: 'commands',
  activate: (host) => new CommandsFeature(host).disposable(),
};

class CommandsFeature {
  private readonly backend: CommandsBackend;
  private readonly outcomes: OutcomeReporter;
  private readonly decorations = new InlineDecorations();
  private readonly lenses = new InlineEditLenses();
  private readonly commits: CommitMessageWriter;
  private inline: { session: InlineEditSession; preview: VsCodeInlinePreview } | undefined;
  private readonly commitRuns = new Map<string, AbortController>();

  constructor(private readonly host: ExtensionHost) {
    this.backend = daemonCommandsBackend(() => host.client.connection);
    this.outcomes = outcomeReporter(this.backend, () => Date.now(), host.logger);
    this.commits = new CommitMessageWriter({
      backend: this.backend,
      outcomes: this.outcomes,
      monotonic: () => performance.now(),
      info: (m) => void vscode.window.showInformationMessage(m),
      warn: (m) => void vscode.window.showWarningMessage(m),
    });
  }

  disposable(): vscode.Disposable {
    const handlers: Record<CommandsCommand, (...args: unknown[]) => unknown> = {
      'tandem.inlineEdit.start': () => this.startInlineEdit(),
      'tandem.commitMessage.generate': (arg) => this.writeCommitMessage(arg),
      'tandem.tests.generate': () => this.generateTests(),
      'tandem.explain': () => this.explain(),
    };
    return vscode.Disposable.from(
      this.decorations,
      this.lenses,
      vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this.lenses),
      ...registerGuardedCommands(this.host.channel, handlers),
      vscode.commands.registerCommand('tandem.inlineEdit.accept', () =>
        this.act(this.inline?.session, () => this.inline!.session.accept()),
      ),
      vscode.commands.registerCommand('tandem.inlineEdit.reject', () =>
        this.act(this.inline?.session, () => this.inline!.session.reject()),
      ),
      vscode.commands.registerCommand('tandem.inlineEdit.retry', () => this.act(this.inline?.session, () => this.inline!.session.retry())),
      vscode.commands.registerCommand('tandem.inlineEdit.followUp', () => this.followUp()),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const current = this.inline;
        if (current && d === current.preview.editor.document) void this.act(current.session, () => current.session.reject());
      }),
      {
        dispose: () => {
          this.commits.dispose();
          for (const run of this.commitRuns.values()) run.abort();
          void this.inline?.session.reject();
        },
      },
    );
  }

  private connected(): boolean {
    if (this.host.client.manager.session) return true;
    void vscode.window.showWarningMessage('Tandem is not connected to its daemon yet; try again in a moment.', 'Show Logs').then((a) => {
      if (a === 'Show Logs') void vscode.commands.executeCommand('tandem.showLogs');
    });
    return false;
  }

  private reportError(what: string, err: unknown): void {
    if (isCancellation(err)) return;
    const e = err as { message?: string; data?: { hint?: string } };
    this.host.logger.warn(`${what} failed: ${e.message ?? String(err)}`);
    void vscode.window.showErrorMessage(`Tandem: ${e.message ?? `${what} failed`}${e.data?.hint ? ` ${e.data.hint}` : ''}`);
  }

  /** The active editor on a workspace file, or a message saying what is needed. */
  private workspaceEditor(what: string): vscode.TextEditor | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage(`Tandem: open a file and put the cursor in the code to ${what}.`);
      return undefined;
    }
    if (editor.document.uri.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(editor.document.uri)) {
      void vscode.window.showWarningMessage(`Tandem can only ${what} in files inside the open workspace folders.`);
      return undefined;
    }
    return this.connected() ? editor : undefined;
  }

  // --- Inline edit -----------------------------------------------------------------

  private async startInlineEdit(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (this.inline && editor && this.inline.preview.editor.document === editor.document) return this.followUp();
    const target = this.workspaceEditor('edit code');
    if (!target) return;
    const previous = this.inline;
    if (previous) await this.act(previous.session, () => previous.session.reject());
    let region;
    try {
      region = await commandTarget(editorState(target), this.backend);
    } catch (err) {
      return this.reportError('Finding the code to edit', err);
    }
    target.setDecorations(this.decorations.target, [new vscode.Range(region.startLine, 0, region.endLine, 0)]);
    const where = region.name
      ? `\`${region.name}\` (lines ${region.startLine + 1}-${region.endLine + 1})`
      : `lines ${region.startLine + 1}-${region.endLine + 1}`;
    const instruction = await vscode.window.showInputBox({
      title: 'Tandem: Edit Selection',
      prompt: `How should Tandem change ${where}?`,
      placeHolder: 'e.g. add input validation, use async/await, rename x to count',
      ignoreFocusOut: true,
    });
    target.setDecorations(this.decorations.target, []);
    if (!instruction?.trim()) return;
    const text = target.document.getText();
    const original = text
      .split('\n')
      .slice(region.startLine, region.endLine + 1)
      .map((l) => l.replace(/\r$/, ''));
    const preview = new VsCodeInlinePreview(target, region.startLine, original, {
      decorations: this.decorations,
      lenses: this.lenses,
      warn: (m) => void vscode.window.showWarningMessage(m),
      onTouched: () => {
        const current = this.inline;
        if (current?.preview === preview) void this.act(current.session, () => current.session.reject());
      },
    });
    const session = new InlineEditSession(
      { backend: this.backend, port: preview, outcomes: this.outcomes, monotonic: () => performance.now() },
      {
        path: target.document.uri.fsPath,
        languageId: target.document.languageId,
        text,
        startLine: region.startLine,
        endLine: region.endLine,
        recentFiles: this.host.completions.recent.list(target.document.uri.fsPath),
      },
    );
    this.inline = { session, preview };
    this.host.suggestions.setEditPreview(documentPath(target.document));
    await vscode.commands.executeCommand('setContext', ACTIVE_KEY, true);
    await this.act(session, () => session.ask(instruction));
  }

  /** Run an action of the session; once it has ended (accepted, rejected, refused at first), forget it. */
  private async act(session: InlineEditSession | undefined, action: () => Promise<void>): Promise<void> {
    if (!session) return;
    await action();
    if (session.phase !== 'done' || this.inline?.session !== session) return;
    this.inline = undefined;
    this.host.suggestions.setEditPreview(undefined);
    await vscode.commands.executeCommand('setContext', ACTIVE_KEY, false);
  }

  private async followUp(): Promise<void> {
    const current = this.inline;
    if (!current || current.session.phase !== 'ready') return;
    const instruction = await vscode.window.showInputBox({
      title: 'Tandem: Edit Selection (follow-up)',
      prompt: 'What should change in the proposal?',
      placeHolder: 'e.g. also handle the empty case',
      ignoreFocusOut: true,
    });
    if (!instruction?.trim() || this.inline !== current) return;
    await this.act(current.session, () => current.session.ask(instruction));
  }

  // --- Commit message --------------------------------------------------------------

  private async writeCommitMessage(arg: unknown): Promise<void> {
    if (!this.connected()) return;
    const api = await gitApi();
    if (typeof api === 'string') {
      void vscode.window.showWarningMessage(`Tandem cannot write a commit message: ${api}`);
      return;
    }
    const picked = pickRepository(api, arg);
    this.host.logger.info(
      `commit message: ${api.repositories.length} repositor${api.repositories.length === 1 ? 'y' : 'ies'}, ${picked === 'choose' ? 'asking which' : picked ? `using ${picked.rootUri.fsPath}` : 'none found'}`,
    );
    const repo = picked === 'choose' ? await chooseRepository(api) : picked;
    if (!repo) {
      if (picked !== 'choose')
        void vscode.window.showInformationMessage('Tandem: open a folder with a Git repository to write a commit message.');
      return;
    }
    const key = repo.rootUri.toString();
    this.commitRuns.get(key)?.abort();
    const abort = new AbortController();
    this.commitRuns.set(key, abort);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.SourceControl, title: 'Tandem: writing the commit message…' },
        () => this.commits.write(commitRepo(repo), abort.signal),
      );
      this.host.logger.info(`commit message for ${repo.rootUri.fsPath}: ${result}`);
    } finally {
      if (this.commitRuns.get(key) === abort) this.commitRuns.delete(key);
    }
  }

  // --- Tests -----------------------------------------------------------------------

  private async generateTests(): Promise<void> {
    const editor = this.workspaceEditor('write tests');
    if (!editor) return;
    const progress = startProgress('Tandem: writing a test…');
    try {
      await runGenerateTests(
        {
          backend: this.backend,
          ui: {
            apply: (operations, title) => {
              progress.end();
              return applyOperations(operations, { preview: true, title });
            },
            warn: (m) => {
              progress.end();
              void vscode.window.showWarningMessage(m, 'Show Logs').then((a) => {
                if (a === 'Show Logs') void vscode.commands.executeCommand('tandem.showLogs');
              });
            },
            open: async (path) => {
              await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: false });
            },
          },
          env: changeEnvironment(),
          outcomes: this.outcomes,
          documents: dirtyDocuments,
          recentFiles: (p) => this.host.completions.recent.list(p),
          monotonic: () => performance.now(),
        },
        editorState(editor),
        progress.signal,
      );
    } catch (err) {
      this.reportError('Generating tests', err);
    } finally {
      progress.end();
    }
  }

  // --- Explain ---------------------------------------------------------------------

  private async explain(): Promise<void> {
    const editor = this.workspaceEditor('explain code');
    if (!editor) return;
    try {
      const outcome = await runExplain(
        {
          backend: this.backend,
          ask: async (question, selection) =>
            ((await vscode.commands.executeCommand('tandem.chat.askAboutSelection', { question, selection })) as
              AskOutcome | undefined) ?? {
              state: 'failed',
              message: 'the chat panel did not take the question',
            },
          outcomes: this.outcomes,
          monotonic: () => performance.now(),
          newId: () => randomUUID(),
        },
        editorState(editor),
      );
      if (outcome.state === 'busy')
        void vscode.window.showInformationMessage('Tandem: the chat is still answering; stop it or wait, then try again.');
    } catch (err) {
      this.reportError('Explaining', err);
    }
  }
}
