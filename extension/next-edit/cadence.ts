/**
 * How eagerly next edits are asked for, from how the recent ones fared: the pause after
 * an edit before asking, and how large a region the model may rewrite. When the user
 * accepts few of them the pause grows and the region shrinks (as Copilot does with its
 * acceptance-based "happiness" score); accepting brings them back. Pure.
 */
export type NextEditOutcome = 'accepted' | 'rejected' | 'ignored';

export interface CadenceOptions {
  /** Pause after an edit before asking, ms, while suggestions are welcome. */
  basePauseMs: number;
  /** Pause when few are accepted / when almost none are. */
  lowPauseMs: number;
  veryLowPauseMs: number;
  /** Outcomes the rate is computed over (the most recent). */
  window: number;
  /** Fewer outcomes than this: not enough to judge, the base cadence. */
  minSamples: number;
  /** Acceptance rates below which suggestions get rarer. */
  lowRate: number;
  veryLowRate: number;
}

export const defaultCadenceOptions: CadenceOptions = {
  basePauseMs: 350,
  lowPauseMs: 900,
  veryLowPauseMs: 2_000,
  window: 20,
  minSamples: 6,
  lowRate: 0.25,
  veryLowRate: 0.1,
};

export class Cadence {
  private readonly opts: CadenceOptions;
  private outcomes: NextEditOutcome[] = [];

  constructor(opts: Partial<CadenceOptions> = {}) {
    this.opts = { ...defaultCadenceOptions, ...opts };
  }

  record(outcome: NextEditOutcome): void {
    this.outcomes.push(outcome);
    if (this.outcomes.length > this.opts.window) this.outcomes.splice(0, this.outcomes.length - this.opts.window);
  }

  /** Start from stored statistics (the daemon's, for the last day) when nothing was recorded in this window yet. */
  seed(shown: number, accepted: number): void {
    if (this.outcomes.length > 0 || shown <= 0) return;
    const n = Math.min(this.opts.window, shown);
    const a = Math.round((Math.min(accepted, shown) / shown) * n);
    this.outcomes = [...Array<NextEditOutcome>(a).fill('accepted'), ...Array<NextEditOutcome>(n - a).fill('ignored')];
  }

  /** Accepted / outcomes over the window; null while there are too few to judge. */
  get rate(): number | null {
    if (this.outcomes.length < this.opts.minSamples) return null;
    return this.outcomes.filter((o) => o === 'accepted').length / this.outcomes.length;
  }

  get pauseMs(): number {
    const r = this.rate;
    if (r === null || r >= this.opts.lowRate) return this.opts.basePauseMs;
    return r < this.opts.veryLowRate ? this.opts.veryLowPauseMs : this.opts.lowPauseMs;
  }

  get strictness(): 'normal' | 'strict' {
    const r = this.rate;
    return r !== null && r < this.opts.lowRate ? 'strict' : 'normal';
  }
}
