/**
 * Next-edit suggestions without VS Code: after an edit and a pause (the cadence's) it
 * asks the daemon for the next edit near the cursor — never while an inline completion
 * is visible or the user keeps typing, one suggestion at a time, a new edit cancelling
 * the request in flight — then shows the answer where it belongs (`placement.ts`) and
 * follows it to its end: Tab jumps to a marked edit, then Tab (or the editor, for an
 * inline one) accepts it, Escape rejects it, typing or moving away ignores it.
 *
 * The VS Code side (`contribution.ts`) feeds it editor events and draws what it asks
 * through `NextEditView`; tests and the benchmark drive it directly.
 */
import {
  ErrorCodes,
  isCancellation,
  type NextEditDiagnostic,
  type NextEditPosition,
  type NextEditReplacement,
  type NextEditRequest,
  type RecentFile,
} from '../../protocol';
import type { Clock, TimerHandle } from '../clock';
import type { Logger } from '../log';
import type { Cadence } from './cadence';
import type { EditHistory } from './edit-history';
import { hintOf, place, type LineSpan, type Placement } from './placement';
import type { NextEditTracker } from './tracker';

/** The active editor's document as a request needs it. */
export interface DocumentSnapshot {
  path: string;
  languageId: string;
  version: number;
  lineCount: number;
  cursor: NextEditPosition;
  /** Lines `startLine`… around the cursor, joined with `\n`. */
  text: string;
  startLine: number;
  visible: LineSpan[];
  workspaceRoot?: string;
  diagnostics: NextEditDiagnostic[];
  /** A line of the document now. */
  lineText(line: number): string;
}

export type InlinePlacement = Extract<Placement, { kind: 'inline' }>;

/** What the editor shows, as the core asks (the VS Code side draws it). */
export interface NextEditView {
  /** An inline item at the cursor: ghost text of `text` replacing `startCharacter…endCharacter` of `line`. */
  inline(path: string, suggestionId: string, item: InlinePlacement): void;
  /** The edits in place: removed text struck through, new text beside it. */
  preview(path: string, edits: readonly NextEditReplacement[]): void;
  /** A mark at `line` (gutter and a short hint) saying Tab goes there. */
  jump(path: string, line: number, hint: string): void;
  hide(): void;
  moveCursor(path: string, to: NextEditPosition): void;
  /** Apply the edits if the document is still at `version`; false when it could not. */
  apply(path: string, version: number, edits: readonly NextEditReplacement[]): Promise<boolean>;
}

export interface NextEditBackend {
  suggest(params: NextEditRequest.Params, signal: AbortSignal): Promise<NextEditRequest.Result>;
}

export interface NextEditCoreDeps {
  clock: Clock;
  /** Epoch ms (history timestamps). */
  now(): number;
  backend: NextEditBackend;
  history: EditHistory;
  cadence: Cadence;
  tracker: NextEditTracker;
  view: NextEditView;
  log: Logger;
  /** The active editor's document, or undefined. */
  snapshot(): DocumentSnapshot | undefined;
  completionVisible(): boolean;
  enabled(languageId: string): boolean;
  recentFiles(path: string): RecentFile[];
  includePrompt(): boolean;
  /** Sees every answer (the expert view of the last prompt and answer). */
  onExchange?(params: NextEditRequest.Params, result: NextEditRequest.Result): void;
  /** A request failed (not a cancellation); requests pause for a while after it. */
  onError?(err: unknown): void;
}

/** One change of a document-change event when it is a single one on one line. */
export interface LineChange {
  line: number;
  character: number;
  /** Characters replaced on that line. */
  removed: number;
  text: string;
}

interface Showing {
  path: string;
  version: number;
  result: NextEditRequest.Result;
  placement: Exclude<Placement, { kind: 'hidden' }>;
  /** The cursor line when it was shown (a mark goes when the cursor leaves it). */
  cursorLine: number;
}

/** How long requests pause after a failure: the model missing, or anything else. */
const BACKOFF_MS = { missing: 10 * 60_000, other: 30_000 };

export class NextEditCore {
  private timer: TimerHandle | undefined;
  private inflight: AbortController | undefined;
  private showing: Showing | undefined;
  private lastPath: string | undefined;
  private waitingForCompletion = false;
  private movingCursor = false;
  private backoffUntil = 0;

  constructor(private readonly deps: NextEditCoreDeps) {}

  /** The suggestion on screen (tests, the glue's context keys). */
  get current(): { placement: Placement['kind']; result: NextEditRequest.Result } | undefined {
    return this.showing && { placement: this.showing.placement.kind, result: this.showing.result };
  }

  /** The inline item for this position, if the suggestion on screen is one there. */
  inlineAt(path: string, position: NextEditPosition): (InlinePlacement & { suggestionId: string }) | undefined {
    const s = this.showing;
    if (!s || s.path !== path || s.placement.kind !== 'inline') return undefined;
    if (s.placement.line !== position.line || s.placement.startCharacter !== position.character) return undefined;
    return { ...s.placement, suggestionId: s.result.suggestionId };
  }

  // ------------------------------------------------------------ editor events

  /** A document changed (the history has it already); `change` when it was one change on one line. */
  documentChanged(path: string, change: LineChange | undefined): void {
    const s = this.showing;
    if (s && s.path === path) {
      if (s.placement.kind === 'inline' && change && this.inlineFollows(s, s.placement, change)) return;
      this.end('typed_over');
    }
    this.schedule(path);
  }

  cursorMoved(path: string, at: NextEditPosition): void {
    const s = this.showing;
    if (!s || this.movingCursor) return;
    if (path !== s.path) return this.end('cursor_moved');
    const p = s.placement;
    const edits = s.result.edits;
    const away =
      p.kind === 'jump'
        ? at.line !== s.cursorLine
        : p.kind === 'preview'
          ? at.line < edits[0].start.line - 1 || at.line > edits[edits.length - 1].end.line + 1
          : at.line !== p.line || at.character !== p.startCharacter;
    if (away) this.end('cursor_moved');
  }

  activeEditorChanged(path: string | undefined): void {
    if (this.showing && this.showing.path !== path) this.end('cursor_moved');
    if (this.lastPath !== path) this.cancel();
  }

  closed(path: string): void {
    if (this.showing?.path === path) this.end('closed');
    if (this.lastPath === path) this.cancel();
  }

  /** An inline completion became visible: it has the floor. */
  completionShown(): void {
    if (this.showing && this.showing.placement.kind !== 'inline') this.end('replaced');
  }

  /** An inline edit's preview took this document: what is on screen there goes, nothing is asked for it meanwhile. */
  editPreviewStarted(path: string): void {
    if (this.showing?.path === path) this.end('replaced');
    if (this.lastPath === path) this.cancel();
  }

  /** The inline completion went away without an edit: ask now if an edit was waiting for it. */
  completionHidden(): void {
    if (this.waitingForCompletion && !this.showing && this.lastPath) {
      this.waitingForCompletion = false;
      this.schedule(this.lastPath);
    }
  }

  // ------------------------------------------------------------ keys and commands

  /** Tab while a mark or a preview is shown: jump to the marked edit, or accept the previewed one. */
  async tab(): Promise<boolean> {
    const s = this.showing;
    if (!s) return false;
    if (s.placement.kind === 'jump') {
      const target = s.placement.target;
      this.movingCursor = true;
      try {
        this.deps.view.moveCursor(s.path, target);
      } finally {
        this.movingCursor = false;
      }
      const snap = this.deps.snapshot();
      const next = snap && place({ edits: s.result.edits, cursor: target, lineText: snap.lineText, visible: snap.visible });
      s.placement = next && next.kind !== 'hidden' && next.kind !== 'jump' ? next : { kind: 'preview' };
      s.cursorLine = target.line;
      this.render(s);
      return true;
    }
    if (s.placement.kind === 'preview') {
      this.showing = undefined;
      this.deps.view.hide();
      if (await this.deps.view.apply(s.path, s.version, s.result.edits)) this.deps.tracker.accepted(s.result.suggestionId);
      else this.deps.tracker.ignored('typed_over');
      return true;
    }
    return false;
  }

  /** The editor inserted the inline item (its command ran). */
  inlineAccepted(suggestionId: string): void {
    if (this.showing?.result.suggestionId !== suggestionId) return;
    this.showing = undefined;
    this.deps.tracker.accepted(suggestionId);
    this.deps.view.hide();
  }

  /** Escape. */
  reject(): void {
    if (!this.showing) return;
    this.showing = undefined;
    this.deps.tracker.rejected();
    this.deps.view.hide();
  }

  dispose(): void {
    this.cancel();
    if (this.showing) this.end('closed');
  }

  // ------------------------------------------------------------ asking

  private cancel(): void {
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.inflight?.abort();
    this.inflight = undefined;
  }

  private schedule(path: string): void {
    this.cancel();
    this.lastPath = path;
    this.waitingForCompletion = false;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.fire(path);
    }, this.deps.cadence.pauseMs);
  }

  /** The pause is over: ask, unless something else has the floor. */
  async fire(path: string): Promise<void> {
    if (this.showing || this.deps.clock.now() < this.backoffUntil) return;
    if (this.deps.completionVisible()) {
      this.waitingForCompletion = true;
      return;
    }
    const snap = this.deps.snapshot();
    if (!snap || snap.path !== path || !this.deps.enabled(snap.languageId)) return;
    const params: NextEditRequest.Params = {
      document: {
        path: snap.path,
        languageId: snap.languageId,
        text: snap.text,
        startLine: snap.startLine,
        lineCount: snap.lineCount,
        line: snap.cursor.line,
        character: snap.cursor.character,
        version: snap.version,
      },
      ...(snap.workspaceRoot ? { workspaceRoot: snap.workspaceRoot } : {}),
      history: this.deps.history.recent(this.deps.now()),
      diagnostics: snap.diagnostics,
      recentFiles: this.deps.recentFiles(snap.path),
      strictness: this.deps.cadence.strictness,
      includePrompt: this.deps.includePrompt(),
    };
    const ac = new AbortController();
    this.inflight = ac;
    let result: NextEditRequest.Result;
    try {
      result = await this.deps.backend.suggest(params, ac.signal);
    } catch (err) {
      if (ac.signal.aborted || isCancellation(err)) return;
      const code = (err as { code?: number }).code;
      this.backoffUntil = this.deps.clock.now() + (code === ErrorCodes.ModelNotFound ? BACKOFF_MS.missing : BACKOFF_MS.other);
      this.deps.onError?.(err);
      return;
    } finally {
      if (this.inflight === ac) this.inflight = undefined;
    }
    if (ac.signal.aborted) return;
    const arrivedAt = this.deps.clock.now();
    this.deps.onExchange?.(params, result);
    this.present(path, snap.version, result, arrivedAt);
  }

  /** Show an answer that arrived at `arrivedAt` (clock ms), if the document is still the one asked about. */
  present(path: string, version: number, result: NextEditRequest.Result, arrivedAt: number): void {
    if (result.outcome !== 'suggested' || result.edits.length === 0) return;
    const now = this.deps.snapshot();
    if (!now || now.path !== path || now.version !== version || this.showing || this.deps.completionVisible()) return;
    const placement = place({ edits: result.edits, cursor: now.cursor, lineText: now.lineText, visible: now.visible });
    if (placement.kind === 'hidden') return;
    const s: Showing = { path, version, result, placement, cursorLine: now.cursor.line };
    this.showing = s;
    this.render(s);
    const inserted = result.edits.map((e) => e.text).join('');
    this.deps.tracker.shown({
      suggestionId: result.suggestionId,
      model: result.model,
      backend: result.backend,
      languageId: now.languageId,
      firstTokenMs: result.timings.firstTokenMs,
      totalMs: result.timings.totalMs,
      overheadMs: Math.max(0, this.deps.clock.now() - arrivedAt),
      inserted,
    });
  }

  private render(s: Showing): void {
    const p = s.placement;
    if (p.kind === 'inline') this.deps.view.inline(s.path, s.result.suggestionId, p);
    else if (p.kind === 'preview') this.deps.view.preview(s.path, s.result.edits);
    else {
      const snap = this.deps.snapshot();
      const old = (e: NextEditReplacement) =>
        e.start.line === e.end.line && snap ? snap.lineText(e.start.line).slice(e.start.character, e.end.character) : '…';
      this.deps.view.jump(s.path, p.target.line, hintOf(s.result.edits, old));
    }
  }

  /**
   * A change while an inline item shows: the editor inserting it (accepted), or the user
   * typing its next characters (it follows, shorter). False for anything else.
   */
  private inlineFollows(s: Showing, p: InlinePlacement, c: LineChange): boolean {
    if (c.line !== p.line) return false;
    const whole = c.character === p.startCharacter && c.removed === p.endCharacter - p.startCharacter && c.text === p.text;
    const tail = c.removed === 0 && c.character === p.endCharacter && c.text === p.text.slice(p.endCharacter - p.startCharacter);
    if (whole || tail) {
      this.inlineAccepted(s.result.suggestionId);
      return true;
    }
    const typing = p.startCharacter === p.endCharacter && c.removed === 0 && c.character === p.startCharacter && c.text !== '';
    if (!typing || !p.text.startsWith(c.text)) return false;
    const rest = p.text.slice(c.text.length);
    if (rest === '') {
      // Typed in full by hand: neither accepted nor ignored.
      this.showing = undefined;
      this.deps.tracker.typedThrough();
      this.deps.view.hide();
      return true;
    }
    const at = p.startCharacter + c.text.length;
    s.placement = { ...p, startCharacter: at, endCharacter: at, text: rest };
    this.render(s);
    return true;
  }

  private end(reason: 'typed_over' | 'cursor_moved' | 'replaced' | 'closed'): void {
    if (!this.showing) return;
    this.showing = undefined;
    this.deps.tracker.ignored(reason);
    this.deps.view.hide();
  }
}
