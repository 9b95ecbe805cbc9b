/**
 * The undo sets of the last agent tasks, kept in the workspace's state so "Undo Agent
 * Changes" works after a window reload. Pure over a small memento. Bounded: the last
 * `MAX_TASKS` tasks and `MAX_CHARS` characters of file text; a set over the limit stays
 * in memory only (the panel still offers its undo until the window closes).
 */
import type { UndoStore } from './agent-controller';
import { UndoSet } from './undo-set';

export interface UndoMemento {
  get(): unknown;
  set(value: unknown): void;
}

interface Saved {
  taskId: string;
  title: string;
  undone: boolean;
  set: ReturnType<UndoSet['toJSON']>;
}

export const MAX_TASKS = 10;
export const MAX_CHARS = 8_000_000;

export class WorkspaceUndoStore implements UndoStore {
  constructor(private readonly memento: UndoMemento) {}

  private entries(): Saved[] {
    const raw = this.memento.get();
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (e): e is Saved =>
        typeof e === 'object' && e !== null && typeof (e as Saved).taskId === 'string' && typeof (e as Saved).set === 'object',
    );
  }

  load(taskId: string): { set: UndoSet; undone: boolean } | undefined {
    const e = this.entries().find((x) => x.taskId === taskId);
    const set = e ? UndoSet.fromJSON(e.set) : undefined;
    return e && set ? { set, undone: e.undone === true } : undefined;
  }

  save(taskId: string, title: string, set: UndoSet): void {
    const rest = this.entries().filter((e) => e.taskId !== taskId);
    const next: Saved[] = [...rest, { taskId, title, undone: false, set: set.toJSON() }].slice(-MAX_TASKS);
    // Oldest first out until the texts fit.
    let chars = next.reduce((n, e) => n + (UndoSet.fromJSON(e.set)?.size() ?? 0), 0);
    while (next.length > 0 && chars > MAX_CHARS) {
      const dropped = next.shift()!;
      chars -= UndoSet.fromJSON(dropped.set)?.size() ?? 0;
    }
    this.memento.set(next);
  }

  markUndone(taskId: string): void {
    this.memento.set(this.entries().map((e) => (e.taskId === taskId ? { ...e, undone: true } : e)));
  }

  latest(): string | undefined {
    return this.entries()
      .filter((e) => !e.undone)
      .at(-1)?.taskId;
  }
}
