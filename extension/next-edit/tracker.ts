/**
 * What happened to each next-edit suggestion, as the acceptance pipeline's events (with
 * `suggestionKind: 'nextEdit'`): `shown` once, then `accepted` (Tab), rejected
 * (`dismissed`, reason `escaped`: Escape) or ignored (`dismissed`: typed over, cursor
 * moved away, replaced by another, document closed). Each outcome also feeds the cadence.
 * Pure.
 */
import type { SuggestionEvent } from '../../protocol';
import type { Clock } from '../clock';
import type { NextEditOutcome } from './cadence';

export interface ShownNextEdit {
  suggestionId: string;
  model: string;
  backend: string;
  languageId: string;
  /** Daemon timings. */
  firstTokenMs: number;
  totalMs: number;
  /** Extension-side time from the answer arriving to the suggestion shown, ms. */
  overheadMs: number;
  /** The text the suggestion inserts (all its replacements). */
  inserted: string;
}

export type IgnoreReason = 'typed_over' | 'cursor_moved' | 'replaced' | 'closed';

export interface NextEditTrackerDeps {
  clock: Clock;
  /** Epoch ms for event timestamps. */
  now(): number;
  emit(event: SuggestionEvent): void;
  onOutcome(outcome: NextEditOutcome): void;
}

function countLines(text: string): number {
  return text === '' ? 0 : text.split('\n').length;
}

export class NextEditTracker {
  private live: { info: ShownNextEdit; shownAt: number } | undefined;
  private readonly reported = new Set<string>();

  constructor(private readonly deps: NextEditTrackerDeps) {}

  get current(): ShownNextEdit | undefined {
    return this.live?.info;
  }

  shown(info: ShownNextEdit): void {
    if (this.live?.info.suggestionId === info.suggestionId) return;
    if (this.live) this.ignored('replaced');
    this.live = { info, shownAt: this.deps.clock.now() };
    if (this.reported.has(info.suggestionId)) return;
    this.reported.add(info.suggestionId);
    if (this.reported.size > 500) this.reported.delete(this.reported.values().next().value as string);
    this.deps.emit({
      kind: 'shown',
      ...this.meta(info),
      firstTokenMs: info.firstTokenMs,
      totalMs: info.totalMs,
      overheadMs: info.overheadMs,
      lines: countLines(info.inserted),
      chars: info.inserted.length,
      multiline: info.inserted.includes('\n'),
    });
  }

  accepted(suggestionId: string): void {
    const live = this.live;
    if (!live || live.info.suggestionId !== suggestionId) return;
    this.live = undefined;
    this.deps.emit({ kind: 'accepted', ...this.meta(live.info), lines: countLines(live.info.inserted), chars: live.info.inserted.length });
    this.deps.onOutcome('accepted');
  }

  /** The user typed the whole suggestion by hand: its life ends without an outcome. */
  typedThrough(): void {
    this.live = undefined;
  }

  /** Escape. */
  rejected(): void {
    this.end('escaped');
  }

  ignored(reason: IgnoreReason): void {
    this.end(reason);
  }

  private end(reason: 'escaped' | IgnoreReason): void {
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    this.deps.emit({
      kind: 'dismissed',
      ...this.meta(live.info),
      reason,
      shownForMs: Math.max(0, Math.round(this.deps.clock.now() - live.shownAt)),
    });
    this.deps.onOutcome(reason === 'escaped' ? 'rejected' : 'ignored');
  }

  private meta(info: ShownNextEdit) {
    return {
      completionId: info.suggestionId,
      suggestionKind: 'nextEdit' as const,
      at: this.deps.now(),
      model: info.model,
      backend: info.backend,
      languageId: info.languageId,
    };
  }
}
