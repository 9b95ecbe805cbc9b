/**
 * Batches suggestion events for `tandem/events/report`: flushed after `flushDelayMs`
 * or as soon as `maxBatch` are pending. While the daemon is unreachable events wait
 * (bounded: the oldest are dropped beyond `maxPending`) and go out with the next flush.
 */
import type { SuggestionEvent } from '../../protocol';
import type { Clock, TimerHandle } from '../clock';
import type { Logger } from '../log';

export interface EventQueueDeps {
  clock: Clock;
  send(events: SuggestionEvent[]): Promise<void>;
  log: Logger;
}

export interface EventQueueOptions {
  flushDelayMs: number;
  maxBatch: number;
  maxPending: number;
  /** Delay before retrying after a failed send. */
  retryDelayMs: number;
}

export const defaultEventQueueOptions: EventQueueOptions = { flushDelayMs: 1000, maxBatch: 50, maxPending: 2000, retryDelayMs: 5000 };

export class EventQueue {
  private pending: SuggestionEvent[] = [];
  private timer: TimerHandle | undefined;
  private sending: Promise<void> | undefined;
  private dropped = 0;
  private readonly opts: EventQueueOptions;

  constructor(
    private readonly deps: EventQueueDeps,
    opts: Partial<EventQueueOptions> = {},
  ) {
    this.opts = { ...defaultEventQueueOptions, ...opts };
  }

  get size(): number {
    return this.pending.length;
  }

  push(event: SuggestionEvent): void {
    this.pending.push(event);
    if (this.pending.length > this.opts.maxPending) {
      const excess = this.pending.length - this.opts.maxPending;
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    if (this.pending.length >= this.opts.maxBatch) void this.flush();
    else this.schedule(this.opts.flushDelayMs);
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  /** Send everything pending now (one batch at a time). Never throws. */
  async flush(): Promise<void> {
    if (this.timer) {
      this.deps.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.sending) await this.sending;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.opts.maxBatch);
    this.sending = this.deps
      .send(batch)
      .then(() => {
        if (this.dropped > 0) {
          this.deps.log.warn(`${this.dropped} acceptance event(s) were dropped while tandemd was unreachable`);
          this.dropped = 0;
        }
      })
      .catch((err: unknown) => {
        this.pending.unshift(...batch);
        this.deps.log.debug(`acceptance events not sent yet (${(err as Error).message}); will retry`);
        this.schedule(this.opts.retryDelayMs);
      })
      .finally(() => (this.sending = undefined));
    await this.sending;
    if (this.pending.length > 0 && !this.timer) this.schedule(0);
  }

  dispose(): void {
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
