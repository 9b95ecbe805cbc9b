/**
 * The VS Code side of applying proposed changes, shared by the features that propose
 * them (auto-fix and multi-file edits, generated tests): the workspace as the safety
 * checks of `workspace-changes.ts` see it, the unsaved documents the daemon reads
 * instead of the disk, and one WorkspaceEdit for all operations (previewed in the
 * refactor preview when every entry needs confirmation).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import type { OpenDocument, TextEdit } from '../../protocol';
import { stripBom } from '../../shared/hash';
import type { ChangeEnvironment, PreparedOperation, WorkspaceFolderPaths } from './workspace-changes';

const toRange = (r: TextEdit['range']) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

function folderPaths(): WorkspaceFolderPaths[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => {
      let realPath = f.uri.fsPath;
      try {
        realPath = realpathSync.native(f.uri.fsPath);
      } catch {
        // A folder that vanished keeps its path; the safety checks then refuse its files.
      }
      return { path: f.uri.fsPath, realPath };
    });
}

function openDocument(path: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
}

export const changeEnvironment = (): ChangeEnvironment => ({
  folders: folderPaths(),
  currentText: (path) => {
    const doc = openDocument(path);
    if (doc) return doc.getText();
    try {
      return stripBom(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  },
  exists: (path) => openDocument(path) !== undefined || existsSync(path),
});

/** Unsaved text of open workspace documents (the daemon reads the rest from disk). */
export function dirtyDocuments(): OpenDocument[] {
  return vscode.workspace.textDocuments
    .filter((d) => d.uri.scheme === 'file' && d.isDirty && vscode.workspace.getWorkspaceFolder(d.uri) !== undefined)
    .map((d) => ({ path: d.uri.fsPath, text: d.getText() }))
    .filter((d) => d.text.length <= 2_000_000)
    .slice(0, 50);
}

/** One WorkspaceEdit for all operations; with `preview` every entry needs confirmation. */
export async function applyOperations(operations: PreparedOperation[], opts: { preview: boolean; title: string }): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  for (const op of operations) {
    const meta: vscode.WorkspaceEditEntryMetadata = { needsConfirmation: opts.preview, label: op.label, description: opts.title };
    const uri = vscode.Uri.file(op.path);
    if (op.kind === 'modify') for (const e of op.edits) edit.replace(uri, toRange(e.range), e.newText, meta);
    else if (op.kind === 'create')
      edit.createFile(uri, { overwrite: false, ignoreIfExists: false, contents: Buffer.from(op.text, 'utf8') }, meta);
    else if (op.kind === 'delete') edit.deleteFile(uri, { recursive: false, ignoreIfNotExists: false }, meta);
    else edit.renameFile(uri, vscode.Uri.file(op.newPath), { overwrite: false }, meta);
  }
  return vscode.workspace.applyEdit(edit, { isRefactoring: opts.preview });
}

/**
 * A cancellable progress notification that lasts until `end()` (called when the
 * preview opens or a message is shown), with an AbortSignal for the daemon request.
 */
export function startProgress(title: string): { signal: AbortSignal; report(message: string, fraction?: number): void; end(): void } {
  const abort = new AbortController();
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  let reporter: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  let done = 0;
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    reporter = progress;
    token.onCancellationRequested(() => abort.abort());
    return ended;
  });
  return {
    signal: abort.signal,
    report: (message, fraction) => {
      const increment = fraction !== undefined ? Math.max(0, Math.round(fraction * 100) - done) : undefined;
      if (increment !== undefined) done += increment;
      reporter?.report({ message, ...(increment !== undefined ? { increment } : {}) });
    },
    end: () => end(),
  };
}
