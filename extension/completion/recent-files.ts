/**
 * Recently edited and open files, most recent first, for the context engine's ranking
 * (`recentFiles` of `tandem/completion/inline`). Bounded; the current file is excluded
 * when listing.
 */
import type { RecentFile } from '../../protocol';

export class RecentFiles {
  private readonly edited = new Map<string, number>();
  private readonly open = new Set<string>();

  constructor(private readonly maxEdited = 30) {}

  markEdited(path: string, at: number): void {
    this.edited.delete(path);
    this.edited.set(path, at);
    while (this.edited.size > this.maxEdited) this.edited.delete(this.edited.keys().next().value as string);
  }

  setOpen(paths: Iterable<string>): void {
    this.open.clear();
    for (const p of paths) this.open.add(p);
  }

  /** Edited files (newest first) then open-only files, without `exclude`, at most `limit`. */
  list(exclude: string | undefined, limit = 20): RecentFile[] {
    const out: RecentFile[] = [];
    const edited = [...this.edited.entries()].reverse();
    for (const [path, editedAt] of edited) {
      if (path === exclude) continue;
      out.push(this.open.has(path) ? { path, editedAt, open: true } : { path, editedAt });
      if (out.length >= limit) return out;
    }
    for (const path of this.open) {
      if (path === exclude || this.edited.has(path)) continue;
      out.push({ path, open: true });
      if (out.length >= limit) return out;
    }
    return out;
  }
}
