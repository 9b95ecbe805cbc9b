/**
 * The chat answers being written, one per conversation at most, so that a second
 * question waits for the first, deleting a conversation stops its answer, and stopping
 * the daemon stops them all.
 */
import { ErrorCodes, TandemError } from '../../protocol';

export class RunningTurns {
  private readonly running = new Map<string, AbortController>();

  /** Start a turn in `conversationId`; its controller aborts with the request's `signal`. Refused while one runs. */
  claim(conversationId: string, signal: AbortSignal): AbortController {
    if (this.running.has(conversationId)) {
      throw new TandemError(ErrorCodes.InvalidParams, 'An answer is still being written in this conversation.', {
        hint: 'Stop it (or wait for it to finish) before asking again.',
      });
    }
    const controller = new AbortController();
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', () => controller.abort(), { once: true });
    this.running.set(conversationId, controller);
    return controller;
  }

  release(conversationId: string): void {
    this.running.delete(conversationId);
  }

  abort(conversationId: string): void {
    this.running.get(conversationId)?.abort();
  }

  abortAll(): void {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
  }
}
