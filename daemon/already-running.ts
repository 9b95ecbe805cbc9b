/** `tandemd serve` found the lock held by a live tandemd (or one starting, or one not answering). */
import type { HolderState, LockInfo } from '../protocol/lockfile';

export class AlreadyRunningError extends Error {
  readonly holder: LockInfo;
  constructor(found: HolderState) {
    const { lock } = found;
    super(
      found.state === 'unresponsive'
        ? `tandemd (pid ${lock.pid}, port ${lock.port}) holds the lock but is not answering: ${found.reason}.`
        : found.state === 'starting'
          ? `tandemd (pid ${lock.pid}) is starting.`
          : `tandemd is already running (pid ${lock.pid}, port ${lock.port}).`,
    );
    this.name = 'AlreadyRunningError';
    this.holder = lock;
  }
}
