/**
 * How a next-edit suggestion looks in the editor (`NextEditView` for VS Code): a mark
 * for a jump (gutter icon, a short hint after the line, the overview ruler), the edits in
 * place for a preview (removed text struck through, new text after it), or an inline
 * item at the cursor (claimed on the host's arbiter, then VS Code asked to show inline
 * suggestions). Context keys tell the keybindings: `tandem.nextEditVisible` (Tab jumps
 * or accepts, Escape rejects) and `tandem.nextEditInline` (Escape rejects the inline one).
 */
import * as vscode from 'vscode';
import type { NextEditPosition, NextEditReplacement } from '../../protocol';
import type { SuggestionArbiter } from '../suggestion-arbiter';
import { documentPath } from '../completion/inline-provider';
import type { InlinePlacement, NextEditView } from './core';

export const NEXT_EDIT_VISIBLE_KEY = 'tandem.nextEditVisible';
export const NEXT_EDIT_INLINE_KEY = 'tandem.nextEditInline';

/** What one line of a decoration can show of inserted text: its first line and how many more. */
export function shownInsertion(text: string, max = 60): string {
  const [first, ...rest] = text.split('\n');
  const head = first.length > max ? `${first.slice(0, max - 1)}…` : first;
  return rest.length > 0 ? `${head}⏎ (+${rest.length} line${rest.length > 1 ? 's' : ''})` : head;
}

function range(e: NextEditReplacement): vscode.Range {
  return new vscode.Range(e.start.line, e.start.character, e.end.line, e.end.character);
}

export class EditorNextEditView implements NextEditView, vscode.Disposable {
  private readonly mark: vscode.TextEditorDecorationType;
  private readonly removed: vscode.TextEditorDecorationType;
  private readonly inserted: vscode.TextEditorDecorationType;
  private decorated: vscode.TextEditor | undefined;
  private inlineShown = false;

  constructor(
    extensionUri: vscode.Uri,
    private readonly arbiter: SuggestionArbiter,
  ) {
    const hint = new vscode.ThemeColor('editorGhostText.foreground');
    this.mark = vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'next-edit.svg'),
      gutterIconSize: 'contain',
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.modifiedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      after: { color: hint, fontStyle: 'italic', margin: '0 0 0 2em' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.removed = vscode.window.createTextEditorDecorationType({
      textDecoration: 'line-through',
      backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
    });
    this.inserted = vscode.window.createTextEditorDecorationType({
      after: { color: hint, fontStyle: 'italic', backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground') },
    });
  }

  private editorFor(path: string): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && documentPath(active.document) === path) return active;
    return vscode.window.visibleTextEditors.find((e) => documentPath(e.document) === path);
  }

  inline(path: string, _suggestionId: string, item: InlinePlacement): void {
    this.clearDecorations();
    this.arbiter.claimCursor({ path, line: item.line, character: item.startCharacter });
    this.inlineShown = true;
    void vscode.commands.executeCommand('setContext', NEXT_EDIT_VISIBLE_KEY, false);
    void vscode.commands.executeCommand('setContext', NEXT_EDIT_INLINE_KEY, true);
    void vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  }

  preview(path: string, edits: readonly NextEditReplacement[]): void {
    const editor = this.editorFor(path);
    if (!editor) return;
    this.reset();
    editor.setDecorations(
      this.removed,
      edits.filter((e) => !range(e).isEmpty).map((e) => ({ range: range(e) })),
    );
    editor.setDecorations(
      this.inserted,
      edits
        .filter((e) => e.text !== '')
        .map((e) => ({
          range: new vscode.Range(e.end.line, e.end.character, e.end.line, e.end.character),
          hoverMessage: new vscode.MarkdownString('Tandem next edit: **Tab** accepts, **Escape** rejects'),
          renderOptions: { after: { contentText: shownInsertion(e.text) } },
        })),
    );
    this.decorated = editor;
    void vscode.commands.executeCommand('setContext', NEXT_EDIT_VISIBLE_KEY, true);
  }

  jump(path: string, line: number, hint: string): void {
    const editor = this.editorFor(path);
    if (!editor) return;
    this.reset();
    const at = new vscode.Range(line, editor.document.lineAt(line).text.length, line, editor.document.lineAt(line).text.length);
    editor.setDecorations(this.mark, [
      {
        range: at,
        hoverMessage: new vscode.MarkdownString(
          `Tandem next edit here: \`${hint.replace(/`/g, "'")}\` — **Tab** goes there, **Escape** dismisses`,
        ),
        renderOptions: { after: { contentText: `⇥ Tab: ${hint}` } },
      },
    ]);
    this.decorated = editor;
    void vscode.commands.executeCommand('setContext', NEXT_EDIT_VISIBLE_KEY, true);
  }

  hide(): void {
    const wasInline = this.inlineShown;
    this.reset();
    if (wasInline) void vscode.commands.executeCommand('editor.action.inlineSuggest.hide');
  }

  moveCursor(path: string, to: NextEditPosition): void {
    const editor = this.editorFor(path);
    if (!editor) return;
    const at = new vscode.Position(to.line, to.character);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  async apply(path: string, version: number, edits: readonly NextEditReplacement[]): Promise<boolean> {
    const editor = this.editorFor(path);
    if (!editor || editor.document.version !== version) return false;
    // The cursor goes to the end of the last replacement, as after typing it (offsets taken before the edit).
    const doc = editor.document;
    const last = edits[edits.length - 1];
    const shift = edits.slice(0, -1).reduce((n, e) => n + e.text.length - (doc.offsetAt(range(e).end) - doc.offsetAt(range(e).start)), 0);
    const cursorOffset = doc.offsetAt(range(last).start) + shift + last.text.length;
    const ok = await editor.edit((b) => {
      for (const e of edits) b.replace(range(e), e.text);
    });
    if (!ok) return false;
    const end = editor.document.positionAt(cursorOffset);
    editor.selection = new vscode.Selection(end, end);
    return true;
  }

  private clearDecorations(): void {
    const editor = this.decorated;
    if (editor) for (const t of [this.mark, this.removed, this.inserted]) editor.setDecorations(t, []);
    this.decorated = undefined;
  }

  private reset(): void {
    this.clearDecorations();
    this.arbiter.claimCursor(undefined);
    this.inlineShown = false;
    void vscode.commands.executeCommand('setContext', NEXT_EDIT_VISIBLE_KEY, false);
    void vscode.commands.executeCommand('setContext', NEXT_EDIT_INLINE_KEY, false);
  }

  dispose(): void {
    this.reset();
    this.mark.dispose();
    this.removed.dispose();
    this.inserted.dispose();
  }
}
