/**
 * Retention of accepted suggestions, like Copilot's and Cody's: 30 s, 2 min and 10 min
 * after an accept, compare the accepted text with what the document now holds in the
 * region it was inserted into (followed through later edits). Retained characters =
 * accepted characters − edit distance, at least 0.
 *
 * Pure: time, the document reader and the event sink are injected.
 */
import type { RetentionCheckpoint, SuggestionEvent } from '../../protocol';
import type { Clock, TimerHandle } from '../clock';
import { editDistance } from './edit-distance';
import { applyChange, type Region, type TextChange } from './region';

export const RETENTION_CHECKPOINTS: readonly RetentionCheckpoint[] = [30, 120, 600];

export interface AcceptedSuggestion {
  completionId: string;
  model: string;
  backend: string;
  languageId: string;
  path: string;
  /** Document offset where the accepted text starts. */
  offset: number;
  text: string;
}

export interface RetentionDeps {
  clock: Clock;
  /** Epoch ms for event timestamps. */
  now(): number;
  /** The document's text in [start, end), or undefined when it is no longer available. */
  readRegion(path: string, start: number, end: number): string | undefined;
  emit(event: Extract<SuggestionEvent, { kind: 'retention' }>): void;
}

interface Tracked {
  accepted: AcceptedSuggestion;
  region: Region;
  timers: TimerHandle[];
  remaining: number;
}

/** Text of up to this many characters is compared; longer accepts are compared by their first part. */
const MAX_COMPARED_CHARS = 4000;

export class RetentionTracker {
  private readonly tracked = new Set<Tracked>();

  constructor(
    private readonly deps: RetentionDeps,
    private readonly checkpoints: readonly RetentionCheckpoint[] = RETENTION_CHECKPOINTS,
    /** At most this many accepts are followed at once; the oldest are dropped. */
    private readonly maxTracked = 200,
  ) {}

  get size(): number {
    return this.tracked.size;
  }

  track(accepted: AcceptedSuggestion): void {
    if (accepted.text.length === 0) return;
    const entry: Tracked = {
      accepted,
      region: { start: accepted.offset, end: accepted.offset + accepted.text.length },
      timers: [],
      remaining: this.checkpoints.length,
    };
    for (const checkpoint of this.checkpoints) {
      entry.timers.push(this.deps.clock.setTimeout(() => this.check(entry, checkpoint), checkpoint * 1000));
    }
    this.tracked.add(entry);
    while (this.tracked.size > this.maxTracked) {
      const oldest = this.tracked.values().next().value as Tracked;
      this.drop(oldest);
    }
  }

  /** Changes of one document, in the order they apply. */
  onDocumentChange(path: string, changes: readonly TextChange[]): void {
    for (const entry of this.tracked) {
      if (entry.accepted.path !== path) continue;
      for (const change of changes) entry.region = applyChange(entry.region, change);
    }
  }

  /** A document was renamed: follow it. */
  onRename(oldPath: string, newPath: string): void {
    for (const entry of this.tracked) {
      if (entry.accepted.path === oldPath) entry.accepted = { ...entry.accepted, path: newPath };
    }
  }

  dispose(): void {
    for (const entry of [...this.tracked]) this.drop(entry);
  }

  private drop(entry: Tracked): void {
    for (const t of entry.timers) this.deps.clock.clearTimeout(t);
    this.tracked.delete(entry);
  }

  private check(entry: Tracked, checkpointSec: RetentionCheckpoint): void {
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.tracked.delete(entry);
    const { accepted, region } = entry;
    const current = this.deps.readRegion(accepted.path, region.start, region.end);
    if (current === undefined) return;
    const a = accepted.text.slice(0, MAX_COMPARED_CHARS);
    const b = current.slice(0, Math.max(MAX_COMPARED_CHARS, a.length * 2));
    const distance = editDistance(a, b);
    this.deps.emit({
      kind: 'retention',
      completionId: accepted.completionId,
      at: this.deps.now(),
      model: accepted.model,
      backend: accepted.backend,
      languageId: accepted.languageId,
      checkpointSec,
      acceptedChars: accepted.text.length,
      // A long accept is judged by its compared part, scaled to its full length.
      retainedChars: Math.round((Math.max(0, a.length - distance) * accepted.text.length) / a.length),
      editDistance: distance,
    });
  }
}
