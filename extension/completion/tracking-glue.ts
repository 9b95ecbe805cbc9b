/**
 * Feeds the suggestion tracker, the retention tracker and the recent-files list from
 * editor events, and provides the commands bound to accept / accept word / accept line
 * / Escape so partial accepts and dismissals are observed with the stable API.
 */
import * as vscode from 'vscode';
import type { RecentFiles } from './recent-files';
import type { RetentionTracker } from '../tracking/retention';
import type { SuggestionTracker } from '../tracking/suggestion-tracker';
import { documentPath, SUPPORTED_SCHEMES } from './inline-provider';

export const SUGGESTION_CONTEXT_KEY = 'tandem.suggestionVisible';

function supported(document: vscode.TextDocument): boolean {
  return (SUPPORTED_SCHEMES as readonly string[]).includes(document.uri.scheme);
}

/** The open document with this path (retention reads regions from it). */
export function findDocument(path: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => documentPath(d) === path);
}

/** Text from the live suggestion's anchor to `offset` in `document`, or undefined. */
function textFromAnchor(tracker: SuggestionTracker, document: vscode.TextDocument, offset: number): string | undefined {
  const live = tracker.current;
  if (!live || live.path !== documentPath(document) || offset < live.anchorOffset) return undefined;
  if (offset - live.anchorOffset > live.text.length) return undefined;
  return document.getText(new vscode.Range(document.positionAt(live.anchorOffset), document.positionAt(offset)));
}

/** The editor listeners and accept commands; the caller disposes them. */
export function registerTrackingGlue(deps: {
  tracker: SuggestionTracker;
  retention: RetentionTracker;
  recent: RecentFiles;
  forgetShown(): void;
  /** Told whenever the suggestion's visibility is set (the host's arbiter). */
  onVisibility?(visible: boolean): void;
}): vscode.Disposable[] {
  const { tracker, retention, recent } = deps;
  const setVisible = (visible: boolean) => {
    deps.onVisibility?.(visible);
    void vscode.commands.executeCommand('setContext', SUGGESTION_CONTEXT_KEY, visible);
  };

  const refreshOpen = () =>
    recent.setOpen(
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .map((t) => (t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'file' ? t.input.uri.fsPath : undefined))
        .filter((p): p is string => p !== undefined),
    );
  refreshOpen();

  const listeners = [
    vscode.window.tabGroups.onDidChangeTabs(refreshOpen),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!supported(e.document) || e.contentChanges.length === 0) return;
      const path = documentPath(e.document);
      if (e.document.uri.scheme === 'file') recent.markEdited(path, Date.now());
      retention.onDocumentChange(
        path,
        e.contentChanges.map((c) => ({ offset: c.rangeOffset, removedLength: c.rangeLength, insertedLength: c.text.length })),
      );
      const live = tracker.current;
      if (!live || live.path !== path) return;
      const change = e.contentChanges.length === 1 ? e.contentChanges[0] : undefined;
      const typed = change ? textFromAnchor(tracker, e.document, change.rangeOffset + change.text.length) : undefined;
      tracker.edited(path, change && change.rangeOffset >= live.anchorOffset ? typed : undefined);
      if (!tracker.current) setVisible(false);
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (!tracker.current) return;
      const document = e.textEditor.document;
      const typed =
        e.selections.length === 1 && e.selections[0].isEmpty
          ? textFromAnchor(tracker, document, document.offsetAt(e.selections[0].active))
          : undefined;
      tracker.cursorMoved(documentPath(document), typed);
      if (!tracker.current) {
        deps.forgetShown();
        setVisible(false);
      }
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      const live = tracker.current;
      if (live && (!editor || documentPath(editor.document) !== live.path)) {
        tracker.cursorMoved(editor ? documentPath(editor.document) : undefined, undefined);
        setVisible(false);
      }
    }),
    vscode.workspace.onDidCloseTextDocument((document) => tracker.closed(documentPath(document))),
    vscode.workspace.onDidRenameFiles((e) => {
      for (const f of e.files) retention.onRename(f.oldUri.fsPath, f.newUri.fsPath);
    }),
  ];

  const afterPartial = async (builtin: string, unit: 'word' | 'line') => {
    await vscode.commands.executeCommand(builtin);
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    tracker.partiallyAccepted(unit, textFromAnchor(tracker, editor.document, editor.document.offsetAt(editor.selection.active)));
    if (!tracker.current) setVisible(false);
  };

  return [
    ...listeners,
    vscode.commands.registerCommand('tandem.completion.accepted', (completionId: unknown) => {
      if (typeof completionId === 'string') tracker.accepted(completionId);
      deps.forgetShown();
      setVisible(false);
    }),
    vscode.commands.registerCommand('tandem.acceptNextWord', () => afterPartial('editor.action.inlineSuggest.acceptNextWord', 'word')),
    vscode.commands.registerCommand('tandem.acceptNextLine', () => afterPartial('editor.action.inlineSuggest.acceptNextLine', 'line')),
    vscode.commands.registerCommand('tandem.dismissSuggestion', async () => {
      tracker.escaped();
      deps.forgetShown();
      setVisible(false);
      await vscode.commands.executeCommand('editor.action.inlineSuggest.hide');
    }),
  ];
}
