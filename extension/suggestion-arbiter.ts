/**
 * Who has the floor at the cursor: an inline completion, or a next-edit suggestion. The
 * completion feature says when its ghost text is visible; the next-edit feature does not
 * ask while it is, and claims a cursor position for its own inline item, where the
 * completion provider then yields. An inline edit's preview (Edit Selection) owns its
 * document while it is on screen: the next-edit feature neither records the preview's
 * lines as the user's edits nor suggests there until it ends. Pure; one per window, in
 * the host.
 */
export interface CursorClaim {
  path: string;
  line: number;
  character: number;
}

export class SuggestionArbiter {
  private visible = false;
  private claim: CursorClaim | undefined;
  private readonly listeners = new Set<(visible: boolean) => void>();
  private preview: string | undefined;
  private readonly previewListeners = new Set<(path: string | undefined, previous: string | undefined) => void>();

  /** An inline completion is visible. */
  get completionVisible(): boolean {
    return this.visible;
  }

  setCompletionVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    for (const l of [...this.listeners]) l(visible);
  }

  onCompletionVisibility(listener: (visible: boolean) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** The next-edit feature shows an inline item at this position (undefined: none). */
  claimCursor(claim: CursorClaim | undefined): void {
    this.claim = claim;
  }

  /** A next-edit inline item is at this position: completions yield there. */
  claimed(path: string, line: number, character: number): boolean {
    const c = this.claim;
    return c !== undefined && c.path === path && c.line === line && c.character === character;
  }

  /** The document an inline edit preview is showing in (undefined: none). */
  get editPreview(): string | undefined {
    return this.preview;
  }

  setEditPreview(path: string | undefined): void {
    if (path === this.preview) return;
    const previous = this.preview;
    this.preview = path;
    for (const l of [...this.previewListeners]) l(path, previous);
  }

  /** Told the preview's document when one starts (`path`), and the one that ended (`previous`). */
  onEditPreview(listener: (path: string | undefined, previous: string | undefined) => void): { dispose(): void } {
    this.previewListeners.add(listener);
    return { dispose: () => void this.previewListeners.delete(listener) };
  }
}
