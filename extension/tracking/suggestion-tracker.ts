/**
 * The life of a shown suggestion, from the editor's signals to acceptance events:
 *
 * - `shown` once per completionId, when the provider hands it to the editor;
 * - typing its next characters keeps it alive (typing-through);
 * - `accepted` when the item's command runs (Tab), then its text goes to retention;
 * - `partially_accepted` after accept-next-word / accept-next-line (cumulative chars);
 * - `dismissed` with a reason: `escaped` (Escape), `replaced` (another suggestion
 *   shown), `typed_over` (the user typed something else), `cursor_moved`, `closed`.
 *
 * VS Code 1.100's stable API has no "shown"/"dismissed" hooks for inline completions
 * (those are proposed API), so the glue feeds this tracker with what it can observe:
 * provider results, document edits relative to the suggestion's anchor, selection
 * changes, and the Tandem commands bound to Tab / Escape / accept-word.
 */
import type { SuggestionEvent } from '../../protocol';
import type { Clock } from '../clock';
import type { AcceptedSuggestion } from './retention';

export interface ShownInfo {
  completionId: string;
  model: string;
  backend: string;
  languageId: string;
  path: string;
  /** Document offset where the suggestion's text starts (the cursor when first shown). */
  anchorOffset: number;
  /** The whole suggestion from the anchor. */
  text: string;
  firstTokenMs: number;
  totalMs: number;
  overheadMs?: number;
  multiline: boolean;
  /** Document text of the suggestion; sent for the daemon to store only if the user opted in there. */
  includeText?: boolean;
}

export interface SuggestionTrackerDeps {
  clock: Clock;
  /** Epoch ms for event timestamps. */
  now(): number;
  emit(event: SuggestionEvent): void;
  onAccepted(accepted: AcceptedSuggestion): void;
}

interface Live {
  info: ShownInfo;
  shownAt: number;
  /** Characters of the suggestion already in the document (typed through or partially accepted). */
  inserted: number;
  /** Highest count reported as partially accepted. */
  partial: number;
}

function countLines(text: string): number {
  return text === '' ? 0 : text.split('\n').length;
}

export class SuggestionTracker {
  private live: Live | undefined;
  /** completionIds whose `shown` was reported (bounded), so re-showing from cache is not counted twice. */
  private readonly reportedShown = new Set<string>();

  constructor(private readonly deps: SuggestionTrackerDeps) {}

  get current(): ShownInfo | undefined {
    return this.live?.info;
  }

  /** The provider returned a suggestion to the editor. */
  shown(info: ShownInfo): void {
    const live = this.live;
    if (live && live.info.completionId === info.completionId && live.info.path === info.path) {
      // The same suggestion again (typing-through or cache): still the same life.
      return;
    }
    if (live) this.end('replaced');
    this.live = { info, shownAt: this.deps.clock.now(), inserted: 0, partial: 0 };
    if (this.reportedShown.has(info.completionId)) return;
    this.reportedShown.add(info.completionId);
    if (this.reportedShown.size > 1000) this.reportedShown.delete(this.reportedShown.values().next().value as string);
    this.deps.emit({
      kind: 'shown',
      ...this.meta(info),
      firstTokenMs: info.firstTokenMs,
      totalMs: info.totalMs,
      ...(info.overheadMs !== undefined ? { overheadMs: info.overheadMs } : {}),
      lines: countLines(info.text),
      chars: info.text.length,
      multiline: info.multiline,
      ...(info.includeText ? { text: info.text } : {}),
    });
  }

  /**
   * The document changed. `typed` is the text between the anchor and the cursor now,
   * or undefined when the change was elsewhere or the cursor is before the anchor.
   */
  edited(path: string, typed: string | undefined): void {
    const live = this.live;
    if (!live || live.info.path !== path) return;
    if (typed !== undefined && live.info.text.startsWith(typed)) {
      live.inserted = typed.length;
      return;
    }
    this.end('typed_over');
  }

  /**
   * The cursor moved. `typed` is the text from the anchor to the cursor (undefined: in
   * another document or before the anchor). A cursor that still sits within or at the
   * end of text matching the suggestion (typing, or the order in which the editor
   * reports edits and moves) is not a dismissal.
   */
  cursorMoved(path: string | undefined, typed: string | undefined): void {
    const live = this.live;
    if (!live) return;
    if (path === live.info.path && typed !== undefined && live.info.text.startsWith(typed)) {
      if (typed.length > live.inserted) live.inserted = typed.length;
      return;
    }
    this.end('cursor_moved');
  }

  /** The item's command ran: the editor inserted the whole suggestion. */
  accepted(completionId: string): void {
    const live = this.live;
    if (!live || live.info.completionId !== completionId) return;
    this.live = undefined;
    const { info } = live;
    this.deps.emit({ kind: 'accepted', ...this.meta(info), lines: countLines(info.text), chars: info.text.length });
    this.deps.onAccepted({
      completionId: info.completionId,
      model: info.model,
      backend: info.backend,
      languageId: info.languageId,
      path: info.path,
      offset: info.anchorOffset,
      text: info.text,
    });
  }

  /** Accept-next-word / line finished; `typed` is the text from the anchor to the cursor now. */
  partiallyAccepted(unit: 'word' | 'line', typed: string | undefined): void {
    const live = this.live;
    if (!live || typed === undefined || !live.info.text.startsWith(typed)) return;
    live.inserted = typed.length;
    if (typed.length <= live.partial) return;
    live.partial = typed.length;
    if (typed.length === live.info.text.length) {
      // Word by word to the very end: the whole suggestion is in.
      this.accepted(live.info.completionId);
      return;
    }
    this.deps.emit({ kind: 'partially_accepted', ...this.meta(live.info), acceptedChars: typed.length, unit });
  }

  escaped(): void {
    if (this.live) this.end('escaped');
  }

  /** The suggestion's document was closed or the editor lost it. */
  closed(path: string): void {
    if (this.live?.info.path === path) this.end('closed');
  }

  /** A request produced nothing for a new position while a suggestion was live. */
  cleared(): void {
    if (this.live) this.end('replaced');
  }

  private end(reason: Extract<SuggestionEvent, { kind: 'dismissed' }>['reason']): void {
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    // Typed in full by hand (no accept command): neither accepted nor dismissed.
    if (live.inserted === live.info.text.length) return;
    // After a partial accept, moving on is the normal end of the suggestion, not a rejection.
    if (live.partial > 0 && reason !== 'escaped') return;
    this.deps.emit({
      kind: 'dismissed',
      ...this.meta(live.info),
      reason,
      shownForMs: Math.max(0, Math.round(this.deps.clock.now() - live.shownAt)),
    });
  }

  private meta(info: ShownInfo) {
    return { completionId: info.completionId, at: this.deps.now(), model: info.model, backend: info.backend, languageId: info.languageId };
  }
}
