/**
 * Adaptive debounce: how long to wait after a keystroke before asking for a
 * completion. A fast backend gets a short wait (suggestions feel instant); a slow one a
 * longer wait, so fewer requests are started only to be cancelled by the next
 * keystroke. The delay follows an exponentially weighted moving average of observed
 * completion latencies: delay = clamp(min, max, latency × factor).
 */
export interface DebounceOptions {
  minMs: number;
  maxMs: number;
  /** Share of the observed latency to wait. */
  factor: number;
  /** Weight of a new observation in the moving average. */
  alpha: number;
  /** Delay before any latency was observed. */
  initialMs: number;
}

export const defaultDebounceOptions: DebounceOptions = { minMs: 25, maxMs: 350, factor: 0.3, alpha: 0.2, initialMs: 75 };

export class AdaptiveDebounce {
  private average: number | undefined;
  private readonly opts: DebounceOptions;

  constructor(opts: Partial<DebounceOptions> = {}) {
    this.opts = { ...defaultDebounceOptions, ...opts };
  }

  /** Record the latency of a completed request (ms). Ignores non-finite values. */
  observe(latencyMs: number): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
    this.average = this.average === undefined ? latencyMs : this.average + this.opts.alpha * (latencyMs - this.average);
  }

  get averageLatencyMs(): number | undefined {
    return this.average;
  }

  /** The wait before the next request, ms. */
  delayMs(): number {
    if (this.average === undefined) return this.opts.initialMs;
    return Math.round(Math.min(this.opts.maxMs, Math.max(this.opts.minMs, this.average * this.opts.factor)));
  }
}
