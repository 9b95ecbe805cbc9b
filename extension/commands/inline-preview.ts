/**
 * VS Code glue of the inline edit preview: the proposal is applied tentatively, the
 * region's original lines and the proposed ones interleaved in the document (removed
 * lines struck through, added lines highlighted, lines the stream has not reached yet
 * dimmed), with Accept / Reject / Retry / Follow-up as code lenses above the region.
 *
 * Why tentatively, and how the undo stack stays right: the editor API cannot draw
 * multi-line text that is not in the document (injected text is one line), so the added
 * lines have to be in it. Every preview edit is made without an undo stop between them
 * (`undoStopBefore` only on the first), so they form one undo element. Accept replaces
 * the preview with the proposal as the last edit of that element and closes it: the
 * undo stack gains exactly one step, original → proposal. Reject runs Undo on that
 * element in its editor: the document and the undo stack are as before the command
 * (Redo could bring the preview back, as after any undo). When the user edits the
 * previewed lines themselves, Undo would take their typing too, so the preview is then
 * replaced by the original lines with an edit instead, and the user told why.
 */
import * as vscode from 'vscode';
import { displayTexts, lineEditBetween, toDocumentEdit, type DisplayLine } from './inline-diff';
import type { InlinePhase, InlinePreviewPort } from './inline-session';

const toRange = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) =>
  new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/** The decoration types of the inline diff (one set for the extension). */
export class InlineDecorations implements vscode.Disposable {
  readonly removed = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
    textDecoration: 'line-through',
    opacity: '0.75',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  readonly added = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  readonly pending = vscode.window.createTextEditorDecorationType({ isWholeLine: true, opacity: '0.5' });
  /** The region while the instruction is being typed. */
  readonly target = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
  });

  show(editor: vscode.TextEditor, start: number, display: readonly DisplayLine[]): void {
    const of = (kind: DisplayLine['kind']) =>
      display.flatMap((l, i) => (l.kind === kind ? [new vscode.Range(start + i, 0, start + i, 0)] : []));
    editor.setDecorations(this.removed, of('removed'));
    editor.setDecorations(this.added, of('added'));
    editor.setDecorations(this.pending, of('pending'));
  }

  clear(editor: vscode.TextEditor): void {
    for (const d of [this.removed, this.added, this.pending, this.target]) editor.setDecorations(d, []);
  }

  dispose(): void {
    for (const d of [this.removed, this.added, this.pending, this.target]) d.dispose();
  }
}

/** Code lenses above the region of the running inline edit. */
export class InlineEditLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private state: { uri: string; line: number; phase: InlinePhase } | undefined;

  set(uri: vscode.Uri, line: number, phase: InlinePhase): void {
    this.state = phase === 'done' ? undefined : { uri: uri.toString(), line, phase };
    this.changed.fire();
  }

  clear(): void {
    this.state = undefined;
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const s = this.state;
    if (!s || document.uri.toString() !== s.uri) return [];
    const at = new vscode.Range(s.line, 0, s.line, 0);
    const lens = (title: string, command: string, tooltip?: string) =>
      new vscode.CodeLens(at, { title, command, ...(tooltip ? { tooltip } : {}) });
    if (s.phase === 'streaming') {
      return [
        lens('$(sync~spin) Tandem is editing…', ''),
        lens('Cancel (Esc)', 'tandem.inlineEdit.reject', 'Stop and keep the code as it was'),
      ];
    }
    const mod = process.platform === 'darwin' ? 'Cmd' : 'Ctrl';
    return [
      lens(`$(check) Accept (${mod}+Enter)`, 'tandem.inlineEdit.accept', 'Replace the region with the proposal (one undo step)'),
      lens('$(close) Reject (Esc)', 'tandem.inlineEdit.reject', 'Keep the code as it was'),
      lens('$(refresh) Retry', 'tandem.inlineEdit.retry', 'Ask again with the same instruction'),
      lens(`$(comment) Follow-up (${mod}+I)`, 'tandem.inlineEdit.followUp', 'Refine the proposal with another instruction'),
    ];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The preview in one editor: the port an `InlineEditSession` drives. */
export class VsCodeInlinePreview implements InlinePreviewPort {
  private displayed: string[];
  private edited = false;
  private latest: DisplayLine[] | undefined;
  private queue: Promise<void> = Promise.resolve();
  private applying = 0;
  /** Set when the user edited the previewed lines (Undo would take their typing too). */
  private touched = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    readonly editor: vscode.TextEditor,
    private regionStart: number,
    private readonly original: string[],
    private readonly deps: {
      decorations: InlineDecorations;
      lenses: InlineEditLenses;
      warn(message: string): void;
      /** The user edited the preview: end the session (it calls `finish(undefined)`). */
      onTouched(): void;
    },
  ) {
    this.displayed = [...original];
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== editor.document || this.applying > 0 || e.contentChanges.length === 0) return;
      this.userChanged(e.contentChanges);
    });
  }

  private get eol(): string {
    return this.editor.document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  }

  /** A change the preview did not make: lines above shift the region; one inside it ends the preview. */
  private userChanged(changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    const last = this.regionStart + this.displayed.length - 1;
    for (const c of changes) {
      if (c.range.end.line < this.regionStart) {
        this.regionStart += (c.text.match(/\n/g)?.length ?? 0) - (c.range.end.line - c.range.start.line);
      } else if (c.range.start.line <= last) {
        this.touched = true;
      }
    }
    if (this.touched) this.deps.onTouched();
  }

  show(display: DisplayLine[]): void {
    this.latest = display;
    this.queue = this.queue.then(() => this.flush());
  }

  private async flush(): Promise<void> {
    const display = this.latest;
    if (!display) return;
    this.latest = undefined;
    if (await this.replaceWith(displayTexts(display), false)) this.deps.decorations.show(this.editor, this.regionStart, display);
  }

  /** Queued behind the display: Accept is offered only once the proposal is drawn (the edits can lag under load). */
  phase(phase: InlinePhase): void {
    this.queue = this.queue.then(() => this.deps.lenses.set(this.editor.document.uri, this.regionStart, phase));
  }

  warn(message: string): void {
    this.deps.warn(message);
  }

  /** Turn the region's current lines into `next` with the smallest edit; `last` closes the undo element. */
  private async replaceWith(next: string[], last: boolean): Promise<boolean> {
    if (this.editor.document.isClosed) return false;
    const change = lineEditBetween(this.displayed, next);
    if (!change) return true;
    const edit = toDocumentEdit(this.regionStart, this.displayed, change, this.eol);
    this.applying++;
    try {
      const ok = await this.editor.edit((b) => b.replace(toRange(edit.range), edit.text), {
        undoStopBefore: !this.edited,
        undoStopAfter: last,
      });
      if (ok) {
        this.displayed = next.length === 0 ? [''] : next;
        this.edited = true;
      }
      return ok;
    } finally {
      this.applying--;
    }
  }

  async finish(lines: string[] | undefined): Promise<void> {
    this.latest = undefined;
    await this.queue;
    this.subscription.dispose();
    this.deps.decorations.clear(this.editor);
    this.deps.lenses.clear();
    if (lines) {
      if (!(await this.replaceWith(lines, true)))
        this.deps.warn('Tandem: the proposal could not be applied (the document is read-only or was closed).');
      return;
    }
    if (!this.edited) return;
    if (this.touched) {
      await this.replaceWith(this.original, true);
      this.deps.warn('Tandem: the inline edit was discarded because its previewed lines were edited.');
      return;
    }
    await this.undoPreview();
  }

  /** Undo the preview's one undo element in its own editor; if that did not restore the region, restore it by an edit. */
  private async undoPreview(): Promise<void> {
    const doc = this.editor.document;
    const expectedLines = doc.lineCount - this.displayed.length + this.original.length;
    await vscode.window.showTextDocument(doc, { viewColumn: this.editor.viewColumn, preserveFocus: false });
    this.applying++;
    try {
      await vscode.commands.executeCommand('undo');
    } finally {
      this.applying--;
    }
    const restored = doc.lineCount === expectedLines && this.original.every((l, i) => doc.lineAt(this.regionStart + i).text === l);
    if (!restored) {
      // Something else was on top of the undo stack: put the original lines back by an edit.
      this.displayed = Array.from(
        { length: this.displayed.length },
        (_, i) => doc.lineAt(Math.min(doc.lineCount - 1, this.regionStart + i)).text,
      );
      await this.replaceWith(this.original, true);
    }
  }
}
