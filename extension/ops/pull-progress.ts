/**
 * Turns `tandem/models/pullProgress` notifications into what a VS Code progress
 * notification wants: a message and increments that add up to at most 100. Bytes are
 * summed over the layers seen so far; the percentage never goes back. Pure.
 */
import type { ModelsPullProgressNotification } from '../../protocol';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export class PullProgressTracker {
  private readonly layers = new Map<string, { completed: number; total: number }>();
  private reported = 0;

  /** The next progress step, or undefined when nothing visible changed. */
  update(p: ModelsPullProgressNotification.Params): { message: string; increment: number } {
    if (p.digest && p.total !== undefined && p.total > 0) {
      this.layers.set(p.digest, { completed: Math.min(p.completed ?? 0, p.total), total: p.total });
    }
    let completed = 0;
    let total = 0;
    for (const l of this.layers.values()) {
      completed += l.completed;
      total += l.total;
    }
    const percent = p.status === 'success' ? 100 : total > 0 ? Math.floor((completed / total) * 100) : 0;
    const increment = Math.max(0, percent - this.reported);
    this.reported = Math.max(this.reported, percent);
    const bytes = p.digest && p.total ? ` ${formatBytes(p.completed ?? 0)} / ${formatBytes(p.total)}` : '';
    return { message: `${p.status}${bytes}`, increment };
  }
}
