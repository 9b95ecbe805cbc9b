/**
 * Upstream capacity, shared fairly. Each backend takes at most `maxConcurrent` model
 * calls from this daemon at a time; `reservedInteractive` of those slots are kept for
 * the calls a user waits on keystroke by keystroke (`complete`, `nextEdit`), so a flood
 * of chat, edit or agent calls can never take the last slot from a completion. Calls
 * beyond the limit wait in a queue per backend: interactive calls first, and within
 * each lane the sessions take turns (round robin by owner, FIFO within an owner), so
 * one client's seventy chat turns do not hold another client's one behind them.
 *
 * A queue is bounded (`maxQueued` calls per backend): past it a call is refused at once
 * with `Overloaded`. A queued call leaves the queue when its caller cancels or when its
 * time runs out (`UpstreamTimeout`, naming the wait); neither counts against the
 * backend's health, which only a real answer can judge.
 */
import { ErrorCodes, TandemError } from '../../protocol';
import { cancelled } from './errors';

/** Tasks a user waits on at the cursor: they get the reserved slots and go first. */
export const INTERACTIVE_TASKS: ReadonlySet<string> = new Set(['complete', 'nextEdit']);

export interface SchedulerLimits {
  /** Model calls one backend runs at a time. */
  maxConcurrent: number;
  /** Of those, slots only interactive calls may take. */
  reservedInteractive: number;
  /** Calls waiting per backend before new ones are refused. */
  maxQueued: number;
}

export const DEFAULT_SCHEDULER_LIMITS: SchedulerLimits = { maxConcurrent: 8, reservedInteractive: 2, maxQueued: 256 };

export interface SlotRequest {
  backend: string;
  task: string;
  /** Who the call is for (a session id); sessions take turns for the queue. */
  owner: string;
  signal?: AbortSignal;
  /** Give up waiting after this many ms. */
  timeoutMs: number;
}

/** A slot held for one call: release it when the call ends (idempotent). */
export interface Slot {
  release(): void;
  /** Ms spent waiting in the queue (0 when a slot was free). */
  readonly waitedMs: number;
}

type Lane = 'interactive' | 'bulk';

interface Waiter {
  owner: string;
  lane: Lane;
  grant(): void;
}

/** FIFO per owner, owners served in turn. */
class FairQueue {
  private readonly byOwner = new Map<string, Waiter[]>();
  private readonly turns: string[] = [];
  size = 0;

  push(w: Waiter): void {
    let list = this.byOwner.get(w.owner);
    if (!list) {
      list = [];
      this.byOwner.set(w.owner, list);
      this.turns.push(w.owner);
    }
    list.push(w);
    this.size++;
  }

  shift(): Waiter | undefined {
    const owner = this.turns.shift();
    if (owner === undefined) return undefined;
    const list = this.byOwner.get(owner)!;
    const w = list.shift()!;
    if (list.length > 0) this.turns.push(owner);
    else this.byOwner.delete(owner);
    this.size--;
    return w;
  }

  remove(w: Waiter): void {
    const list = this.byOwner.get(w.owner);
    const i = list?.indexOf(w) ?? -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    this.size--;
    if (list.length === 0) {
      this.byOwner.delete(w.owner);
      this.turns.splice(this.turns.indexOf(w.owner), 1);
    }
  }
}

class BackendQueue {
  running = { interactive: 0, bulk: 0 };
  readonly waiting = { interactive: new FairQueue(), bulk: new FairQueue() };

  get queued(): number {
    return this.waiting.interactive.size + this.waiting.bulk.size;
  }
}

export class UpstreamScheduler {
  private readonly backends = new Map<string, BackendQueue>();

  constructor(private readonly limits: () => SchedulerLimits = () => DEFAULT_SCHEDULER_LIMITS) {}

  /** Wait for a slot on `backend` (at once when one is free). Rejects with a cancellation, `UpstreamTimeout` or `Overloaded`. */
  acquire(req: SlotRequest): Promise<Slot> {
    const lane: Lane = INTERACTIVE_TASKS.has(req.task) ? 'interactive' : 'bulk';
    const q = this.queueOf(req.backend);
    const started = performance.now();
    if (req.signal?.aborted) return Promise.reject(cancelled(req.signal.reason));
    // A free slot goes to a newcomer only when nobody of its lane is waiting for one.
    if (q.waiting[lane].size === 0 && this.admits(q, lane)) return Promise.resolve(this.take(q, lane, 0));
    const limits = this.limits();
    if (q.queued >= limits.maxQueued) {
      return Promise.reject(
        new TandemError(ErrorCodes.Overloaded, `Backend ${req.backend} is busy: ${this.describe(q)}, and no more calls can wait.`, {
          hint: 'Cancel running chats, edits or agent runs, or wait for them to finish.',
        }),
      );
    }
    return new Promise<Slot>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        q.waiting[lane].remove(waiter);
      };
      const waiter: Waiter = {
        owner: req.owner,
        lane,
        grant: () => {
          leave();
          resolve(this.take(q, lane, performance.now() - started));
        },
      };
      const onAbort = () => {
        leave();
        reject(cancelled(req.signal?.reason));
      };
      const timer = setTimeout(
        () => {
          leave();
          reject(
            new TandemError(
              ErrorCodes.UpstreamTimeout,
              `Waited ${Math.round(performance.now() - started)} ms for backend ${req.backend} without a free slot (${this.describe(q)}).`,
              { hint: 'The backend is busy with other calls from Tandem; cancel some or raise router.maxConcurrentPerBackend.' },
            ),
          );
        },
        Math.max(0, req.timeoutMs),
      );
      req.signal?.addEventListener('abort', onAbort, { once: true });
      q.waiting[lane].push(waiter);
    });
  }

  /** Running and queued calls on a backend (status and tests). */
  load(backend: string): { running: number; interactive: number; queued: number } {
    const q = this.backends.get(backend);
    if (!q) return { running: 0, interactive: 0, queued: 0 };
    return { running: q.running.interactive + q.running.bulk, interactive: q.running.interactive, queued: q.queued };
  }

  private queueOf(backend: string): BackendQueue {
    let q = this.backends.get(backend);
    if (!q) {
      q = new BackendQueue();
      this.backends.set(backend, q);
    }
    return q;
  }

  private admits(q: BackendQueue, lane: Lane): boolean {
    const { maxConcurrent, reservedInteractive } = this.limits();
    const total = q.running.interactive + q.running.bulk;
    if (total >= maxConcurrent) return false;
    // Interactive calls never wait behind a queued bulk call; bulk calls leave the reserve alone
    // and do not overtake interactive calls that are waiting.
    if (lane === 'interactive') return true;
    return q.waiting.interactive.size === 0 && q.running.bulk < Math.max(1, maxConcurrent - reservedInteractive);
  }

  private take(q: BackendQueue, lane: Lane, waitedMs: number): Slot {
    q.running[lane]++;
    let released = false;
    return {
      waitedMs,
      release: () => {
        if (released) return;
        released = true;
        q.running[lane]--;
        this.dispatch(q);
      },
    };
  }

  /** A slot was freed: hand it (and any other the limits allow) to the next waiters, interactive first. */
  private dispatch(q: BackendQueue): void {
    for (;;) {
      const lane: Lane | undefined =
        q.waiting.interactive.size > 0 && this.admits(q, 'interactive')
          ? 'interactive'
          : q.waiting.bulk.size > 0 && this.admits(q, 'bulk')
            ? 'bulk'
            : undefined;
      if (!lane) return;
      q.waiting[lane].shift()!.grant();
    }
  }

  private describe(q: BackendQueue): string {
    const running = q.running.interactive + q.running.bulk;
    return `${running} call${running === 1 ? '' : 's'} running, ${q.queued} waiting`;
  }
}
