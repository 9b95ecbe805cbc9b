/**
 * Session stickiness: the backend that last served a session's task, so the next call
 * of that session goes back to it while it is healthy and its prompt cache stays warm.
 * Bounded: the least recently used sessions are forgotten first.
 */
import type { TaskType } from '../../protocol';

const STICKY_LIMIT = 10_000;

export class StickySessions {
  private readonly sticky = new Map<string, string>();

  constructor(private readonly limit = STICKY_LIMIT) {}

  /** The backend this session's task last succeeded on, if any. */
  get(task: TaskType, sessionKey: string): string | undefined {
    return this.sticky.get(key(task, sessionKey));
  }

  /** Remember a success (and make the session the most recently used). */
  stick(task: TaskType, sessionKey: string, backend: string): void {
    const k = key(task, sessionKey);
    this.sticky.delete(k);
    this.sticky.set(k, backend);
    if (this.sticky.size > this.limit) this.sticky.delete(this.sticky.keys().next().value as string);
  }

  /** Forget sessions stuck to backends that are no longer configured. */
  retain(exists: (backend: string) => boolean): void {
    for (const [k, name] of this.sticky) if (!exists(name)) this.sticky.delete(k);
  }
}

const key = (task: TaskType, sessionKey: string) => `${task}\u0000${sessionKey}`;
