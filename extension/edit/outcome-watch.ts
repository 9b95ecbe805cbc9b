/**
 * After a fix is applied, decide whether the problems it targeted disappeared.
 *
 * Each target's range is carried through the applied edits (lines shift below an
 * edit; a target inside an edit takes the edit's new extent). A target counts as still
 * present when a current diagnostic has the same source and code (or, without a code,
 * the same message) and overlaps its mapped lines, give or take one line.
 *
 * Language servers publish new diagnostics some time after an edit, and some clear
 * before they publish; so the watcher decides `resolved` only after a diagnostics update
 * has arrived and stayed unchanged for `settleMs`, and `unresolved` when `timeoutMs`
 * pass with a target still present. Pure: time through the injected Clock, the current
 * diagnostics through `read()`.
 */
import type { FixDiagnostic, Range, TextEdit } from '../../protocol';
import type { Clock, TimerHandle } from '../clock';

export interface OutcomeVerdict {
  outcome: 'resolved' | 'unresolved';
  /** Targets no longer present. */
  resolved: number;
  targets: number;
}

export interface OutcomeWatchOptions {
  targets: readonly FixDiagnostic[];
  /** The edits applied to the document (ranges in the text before the fix). */
  edits: readonly TextEdit[];
  read(): FixDiagnostic[];
  clock: Clock;
  /** Quiet time after an update before `resolved` is believed. Default 1500 ms. */
  settleMs?: number;
  /** Give up waiting and decide. Default 15 s. */
  timeoutMs?: number;
}

function lines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The line span of `range` after `edits` were applied (0-based, inclusive). */
export function mapLines(range: Range, edits: readonly TextEdit[]): [number, number] {
  let start = range.start.line;
  let end = range.end.line;
  // Later edits first, so each edit's coordinates are still those of the original text.
  const sorted = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
  for (const e of sorted) {
    const delta = lines(e.newText) - (e.range.end.line - e.range.start.line);
    if (e.range.start.line > end) continue;
    if (e.range.end.line < start) {
      start += delta;
      end += delta;
      continue;
    }
    // Overlap: the target now spans the union with the edit's new extent.
    const editEndAfter = e.range.start.line + lines(e.newText);
    start = Math.min(start, e.range.start.line);
    end = Math.max(editEndAfter, end + delta);
  }
  return [Math.max(0, start), Math.max(0, end)];
}

function sameProblem(a: FixDiagnostic, b: FixDiagnostic): boolean {
  if ((a.source ?? '') !== (b.source ?? '')) return false;
  if (a.code !== undefined || b.code !== undefined) return String(a.code) === String(b.code);
  return a.message.trim() === b.message.trim();
}

/** Targets still present among `current`. */
export function remainingTargets(
  targets: readonly FixDiagnostic[],
  edits: readonly TextEdit[],
  current: readonly FixDiagnostic[],
): FixDiagnostic[] {
  return targets.filter((t) => {
    const [from, to] = mapLines(t.range, edits);
    return current.some((d) => sameProblem(t, d) && d.range.end.line >= from - 1 && d.range.start.line <= to + 1);
  });
}

export class FixOutcomeWatch {
  readonly done: Promise<OutcomeVerdict>;
  private resolveDone!: (v: OutcomeVerdict) => void;
  private settleTimer?: TimerHandle;
  private readonly timeoutTimer: TimerHandle;
  private finished = false;

  constructor(private readonly opts: OutcomeWatchOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.timeoutTimer = opts.clock.setTimeout(() => this.finish(), opts.timeoutMs ?? 15_000);
  }

  /** The document's diagnostics changed. */
  update(): void {
    if (this.finished) return;
    if (this.settleTimer) this.opts.clock.clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    const remaining = remainingTargets(this.opts.targets, this.opts.edits, this.opts.read());
    if (remaining.length === 0) this.settleTimer = this.opts.clock.setTimeout(() => this.finish(), this.opts.settleMs ?? 1500);
  }

  /** Stop now (document closed, extension deactivating) with the current verdict. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.settleTimer) this.opts.clock.clearTimeout(this.settleTimer);
    this.opts.clock.clearTimeout(this.timeoutTimer);
    const remaining = remainingTargets(this.opts.targets, this.opts.edits, this.opts.read());
    const targets = this.opts.targets.length;
    this.resolveDone({ outcome: remaining.length === 0 ? 'resolved' : 'unresolved', resolved: targets - remaining.length, targets });
  }
}
