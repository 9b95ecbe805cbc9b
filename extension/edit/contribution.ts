/**
 * VS Code glue of auto-fix and multi-file edits: the commands `tandem.fix.atCursor`,
 * `tandem.fix.allInFile`, `tandem.fix.diagnostic` (the "Fix with Tandem" quick fix) and
 * `tandem.edit.files`, a cancellable progress notification while the daemon works, and
 * one WorkspaceEdit whose entries need confirmation (the refactor preview) or, for a
 * small fix in simple mode, apply directly with an Undo offer. The logic lives in the
 * pure modules next to this file.
 */
import * as vscode from 'vscode';
import { isCancellation, type FixDiagnostic, type RecentFile, type TextEdit } from '../../protocol';
import type { ExtensionContribution } from '../host';
import { toFixDiagnostic } from '../vscode/diagnostics';
import type { Logger } from '../log';
import type { TandemClient } from '../tandem-client';
import type { UiMode } from '../ui/ui-mode';
import { systemClock } from '../clock';
import { daemonEditBackend } from './edit-backend';
import { runEditFiles, type EditUi } from './edit-flow';
import { diagnosticsAtCursor, diagnosticsForFile } from './fix-targets';
import { runFix, type FixUi } from './fix-flow';
import { FixOutcomeWatch, type OutcomeVerdict } from './outcome-watch';
import { applyOperations, changeEnvironment, dirtyDocuments, startProgress } from './vscode-edits';

export interface EditDeps {
  client: TandemClient;
  logger: Logger;
  mode(): UiMode;
  recentFiles?(path: string): RecentFile[];
}

export { toFixDiagnostic };

function watchDiagnostics(path: string, targets: readonly FixDiagnostic[], edits: readonly TextEdit[]): Promise<OutcomeVerdict> {
  const uri = vscode.Uri.file(path);
  const watch = new FixOutcomeWatch({
    targets,
    edits,
    clock: systemClock,
    read: () => vscode.languages.getDiagnostics(uri).map(toFixDiagnostic),
  });
  const subs = [
    vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) watch.update();
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.toString() === uri.toString()) watch.finish();
    }),
  ];
  watch.update();
  return watch.done.finally(() => subs.forEach((s) => s.dispose()));
}

export const editContribution: ExtensionContribution = {
  name: 'edit',
  activate: (host) =>
    activateEdits({
      client: host.client,
      logger: host.logger,
      mode: () => host.mode(),
      recentFiles: (path) => host.completions.recent.list(path),
    }),
};

function activateEdits(deps: EditDeps): vscode.Disposable {
  const backend = daemonEditBackend(() => deps.client.connection);
  const { logger } = deps;

  const connected = (): boolean => {
    if (deps.client.manager.session) return true;
    void vscode.window.showWarningMessage('Tandem is not connected to its daemon yet; try again in a moment.', 'Show Logs').then((a) => {
      if (a === 'Show Logs') void vscode.commands.executeCommand('tandem.showLogs');
    });
    return false;
  };

  const reportError = (what: string, err: unknown) => {
    if (isCancellation(err)) return;
    const e = err as { message?: string; data?: { hint?: string } };
    logger.warn(`${what} failed: ${e.message ?? String(err)}`);
    void vscode.window.showErrorMessage(`Tandem: ${e.message ?? `${what} failed`}${e.data?.hint ? ` ${e.data.hint}` : ''}`);
  };

  const fix = async (document: vscode.TextDocument, targets: FixDiagnostic[]) => {
    if (targets.length === 0) {
      void vscode.window.showInformationMessage('Tandem: there is no problem to fix here.');
      return;
    }
    if (document.uri.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(document.uri)) {
      void vscode.window.showWarningMessage('Tandem only fixes files inside the open workspace folders.');
      return;
    }
    if (!connected()) return;
    const progress = startProgress(targets.length === 1 ? 'Tandem: fixing the problem…' : `Tandem: fixing ${targets.length} problems…`);
    const ui: FixUi = {
      apply: (operations, opts) => {
        progress.end();
        return applyOperations(operations, opts);
      },
      appliedDirectly: (message) => {
        void vscode.window.showInformationMessage(message, 'Undo').then(async (action) => {
          if (action !== 'Undo') return;
          await vscode.window.showTextDocument(document);
          await vscode.commands.executeCommand('undo');
        });
      },
      warn: (message) => {
        progress.end();
        void vscode.window.showWarningMessage(message);
      },
      watch: watchDiagnostics,
    };
    try {
      await runFix(
        { backend, ui, env: changeEnvironment(), mode: deps.mode, monotonic: () => performance.now(), now: () => Date.now(), log: logger },
        {
          path: document.uri.fsPath,
          languageId: document.languageId,
          text: document.getText(),
          diagnostics: targets,
          recentFiles: deps.recentFiles?.(document.uri.fsPath) ?? [],
        },
        progress.signal,
      );
    } catch (err) {
      reportError('The fix', err);
    } finally {
      progress.end();
    }
  };

  const diagnosticsOf = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).map(toFixDiagnostic);

  const editFiles = async (clicked?: vscode.Uri, selected?: vscode.Uri[]) => {
    if (!connected()) return;
    const instruction = await vscode.window.showInputBox({
      title: 'Tandem: Edit Files',
      prompt: 'Describe the change; Tandem plans it across files and shows every edit for review.',
      placeHolder: 'e.g. Move the retry logic into src/retry.ts and use it in both API clients',
      ignoreFocusOut: true,
    });
    if (!instruction?.trim()) return;
    const active = vscode.window.activeTextEditor?.document;
    let files = (selected && selected.length > 0 ? selected : clicked ? [clicked] : [])
      .filter((u) => u.scheme === 'file')
      .map((u) => u.fsPath);
    if (files.length === 0 && deps.mode() !== 'simple') {
      const open = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(d.uri));
      if (open.length > 1) {
        const picked = await vscode.window.showQuickPick(
          open.map((d) => ({ label: vscode.workspace.asRelativePath(d.uri), path: d.uri.fsPath, picked: d === active })),
          {
            canPickMany: true,
            title: 'Tandem: files to include (optional)',
            placeHolder: 'Pick files the change is about, or press Enter',
          },
        );
        if (picked === undefined) return;
        files = picked.map((p) => p.path);
      }
    }
    const anchor = files[0] ? vscode.Uri.file(files[0]) : active?.uri;
    const folder = anchor ? vscode.workspace.getWorkspaceFolder(anchor) : vscode.workspace.workspaceFolders?.[0];
    const progress = startProgress('Tandem: editing files');
    const ui: EditUi = {
      progress: (message, fraction) => progress.report(message, fraction),
      apply: (operations, opts) => {
        progress.end();
        return applyOperations(operations, opts);
      },
      warn: (message) => {
        progress.end();
        void vscode.window.showWarningMessage(message, 'Show Logs').then((a) => {
          if (a === 'Show Logs') void vscode.commands.executeCommand('tandem.showLogs');
        });
      },
    };
    try {
      await runEditFiles(
        {
          backend,
          ui,
          env: changeEnvironment(),
          documents: dirtyDocuments,
          monotonic: () => performance.now(),
          now: () => Date.now(),
          log: logger,
        },
        {
          instruction,
          files,
          ...(active?.uri.scheme === 'file' ? { activePath: active.uri.fsPath } : {}),
          ...(folder?.uri.scheme === 'file' ? { root: folder.uri.fsPath } : {}),
        },
        progress.signal,
      );
    } catch (err) {
      reportError('The edit', err);
    } finally {
      progress.end();
    }
  };

  return vscode.Disposable.from(
    vscode.commands.registerCommand('tandem.fix.atCursor', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('Tandem: open a file and put the cursor on a problem.');
        return;
      }
      const pos = editor.selection.active;
      await fix(editor.document, diagnosticsAtCursor(diagnosticsOf(editor.document.uri), { line: pos.line, character: pos.character }));
    }),
    vscode.commands.registerCommand('tandem.fix.allInFile', async (uri?: vscode.Uri | string) => {
      const target =
        typeof uri === 'string' ? vscode.Uri.parse(uri) : uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        void vscode.window.showInformationMessage('Tandem: open a file with problems to fix.');
        return;
      }
      const document = await vscode.workspace.openTextDocument(target);
      await fix(document, diagnosticsForFile(diagnosticsOf(document.uri)));
    }),
    vscode.commands.registerCommand('tandem.fix.diagnostic', async (uri: string, diagnostic: FixDiagnostic) => {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      await fix(document, [diagnostic]);
    }),
    vscode.commands.registerCommand('tandem.edit.files', editFiles),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new FixCodeActionProvider(), {
      providedCodeActionKinds: FixCodeActionProvider.kinds,
    }),
  );
}

/** "Fix with Tandem" on every diagnostic under the cursor (and "fix all" when a file has several). */
export class FixCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.diagnostics.length === 0 || !vscode.workspace.getWorkspaceFolder(document.uri)) return [];
    const shown = context.diagnostics.slice(0, 3);
    const actions = shown.map((d) => {
      const short = d.message.split('\n')[0]!.slice(0, 60);
      const action = new vscode.CodeAction(
        shown.length === 1 ? 'Fix with Tandem' : `Fix with Tandem: ${short}`,
        vscode.CodeActionKind.QuickFix,
      );
      action.diagnostics = [d];
      action.command = {
        command: 'tandem.fix.diagnostic',
        title: 'Fix with Tandem',
        arguments: [document.uri.toString(), toFixDiagnostic(d)],
      };
      return action;
    });
    if (vscode.languages.getDiagnostics(document.uri).length > 1) {
      const all = new vscode.CodeAction('Fix all problems in this file with Tandem', vscode.CodeActionKind.QuickFix);
      all.command = { command: 'tandem.fix.allInFile', title: 'Fix all problems with Tandem', arguments: [document.uri.toString()] };
      actions.push(all);
    }
    return actions;
  }
}
