/**
 * Watches the indexed folders of a root (one non-recursive `fs.watch` per folder, so
 * ignored trees such as node_modules cost nothing) and reports changed paths after a
 * quiet period. The receiver checks each path (content hash, existence, type), so
 * duplicate or spurious events are harmless.
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';

export class TreeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private closed = false;
  private warnedLimit = false;

  constructor(
    private readonly root: string,
    private readonly onChanges: (paths: string[]) => void,
    private readonly debounceMs: number,
    private readonly logger: Logger,
  ) {}

  /** Watch a folder (root-relative, '' for the root); idempotent. */
  watchDir(dirRel: string): void {
    if (this.closed || this.watchers.has(dirRel)) return;
    const abs = dirRel === '' ? this.root : join(this.root, dirRel);
    let w: FSWatcher;
    try {
      w = watch(abs, { persistent: false }, (_event, name) => {
        if (name === null) {
          // The platform did not say what changed: re-check the whole folder.
          this.changed(dirRel);
          return;
        }
        const file = String(name);
        this.changed(dirRel === '' ? file : `${dirRel}/${file}`);
      });
    } catch (err) {
      this.watchFailed(abs, err as NodeJS.ErrnoException);
      return;
    }
    w.on('error', (err: NodeJS.ErrnoException) => {
      // The folder went away (deleted or renamed): its parent reports that.
      this.unwatchDir(dirRel);
      if (err.code !== 'ENOENT' && err.code !== 'EPERM') this.logger.warn(`context: watching ${abs} failed: ${err.message}`);
    });
    this.watchers.set(dirRel, w);
  }

  /** Stop watching a folder and every folder below it. */
  unwatchDir(dirRel: string): void {
    for (const [rel, w] of this.watchers) {
      if (rel === dirRel || dirRel === '' || rel.startsWith(`${dirRel}/`)) {
        w.close();
        this.watchers.delete(rel);
      }
    }
  }

  get watchedDirs(): number {
    return this.watchers.size;
  }

  private watchFailed(abs: string, err: NodeJS.ErrnoException): void {
    if (err.code === 'ENOSPC' || err.code === 'EMFILE') {
      if (!this.warnedLimit) {
        this.warnedLimit = true;
        this.logger.warn(
          `context: the system's file watch limit is reached (${err.code}); changes under some folders of ${this.root} are not seen until the next restart. Raise fs.inotify.max_user_watches to fix this.`,
        );
      }
    } else if (err.code !== 'ENOENT') this.logger.warn(`context: cannot watch ${abs}: ${err.message}`);
  }

  private changed(rel: string): void {
    if (this.closed) return;
    this.pending.add(rel);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  /** Deliver pending changes now. */
  flush(): void {
    clearTimeout(this.timer);
    if (this.pending.size === 0) return;
    const paths = [...this.pending].sort();
    this.pending = new Set();
    this.onChanges(paths);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
