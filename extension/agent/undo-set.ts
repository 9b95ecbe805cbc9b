/**
 * What an agent task changed in the workspace, kept so that "Undo Agent Changes" can
 * put every file back in one step, also after several steps that were approved one at
 * a time. Pure: the glue records each applied WorkspaceEdit (the text of each touched
 * file before and after, created, deleted and renamed paths) and, to undo, turns the
 * plan into one WorkspaceEdit.
 *
 * The set follows each file from the text it had before the task (`original`, absent for
 * a file the task created) to the text the agent left (`current`, absent for a file the
 * task deleted), whatever happened in between (modified twice, created then edited,
 * renamed then edited, created then deleted: nothing to undo). Undo refuses, naming the
 * files, when the user changed one of them since the agent's last write (its text is not
 * what the agent left, it is gone, or a file now sits where one must be restored):
 * undoing would overwrite that work.
 */

/** One file operation of an applied WorkspaceEdit, with the texts it saw. */
export type AppliedChange =
  | { kind: 'modify'; path: string; before: string; after: string }
  | { kind: 'create'; path: string; after: string }
  | { kind: 'delete'; path: string; before: string }
  | { kind: 'rename'; path: string; newPath: string; before: string; after: string };

export interface FileState {
  path: string;
  text: string;
}

/** One file as the task found it and as it left it. */
export interface TrackedFile {
  /** Before the task; null when the task created it. */
  original: FileState | null;
  /** After the agent's last write; null when the task deleted it. */
  current: FileState | null;
}

/** An operation of the undo WorkspaceEdit, applied in this order. */
export type UndoOperation =
  /** Replace the whole text (`from` is the text there now, for the range). */
  | { kind: 'replace'; path: string; from: string; text: string }
  | { kind: 'create'; path: string; text: string }
  | { kind: 'delete'; path: string }
  | { kind: 'rename'; path: string; newPath: string };

export interface UndoConflict {
  path: string;
  /** A sentence saying what changed. */
  reason: string;
  /** The agent's version, for a diff against the current one (absent when nothing to compare). */
  expected?: string;
  actual?: string;
}

export type UndoPlan = { ok: true; operations: UndoOperation[]; files: number } | { ok: false; conflicts: UndoConflict[] };

/** How undo sees the workspace now. */
export interface UndoEnvironment {
  /** The file's text as the editor sees it (open document, else disk); undefined when absent. */
  read(path: string): string | undefined;
  /** Workspace-relative label for messages. */
  label?(path: string): string;
}

/** The changes of one task, in the order they were applied. */
export class UndoSet {
  private readonly files: TrackedFile[] = [];
  /** How many WorkspaceEdits were recorded (approved steps). */
  steps = 0;

  constructor(files: TrackedFile[] = [], steps = 0) {
    this.files = files.map((f) => ({ original: f.original && { ...f.original }, current: f.current && { ...f.current } }));
    this.steps = steps;
  }

  /** Record one applied WorkspaceEdit (its operations in the order they ran). */
  record(changes: readonly AppliedChange[]): void {
    if (changes.length === 0) return;
    this.steps++;
    for (const c of changes) this.recordOne(c);
  }

  private atCurrent(path: string): TrackedFile | undefined {
    return this.files.find((f) => f.current?.path === path);
  }

  private recordOne(c: AppliedChange): void {
    switch (c.kind) {
      case 'modify': {
        const t = this.atCurrent(c.path);
        if (t) t.current = { path: c.path, text: c.after };
        else this.files.push({ original: { path: c.path, text: c.before }, current: { path: c.path, text: c.after } });
        return;
      }
      case 'create': {
        // Deleted earlier in this task and created again: the same file, back with new text.
        const t = this.files.find((f) => f.current === null && f.original?.path === c.path);
        if (t) t.current = { path: c.path, text: c.after };
        else this.files.push({ original: null, current: { path: c.path, text: c.after } });
        return;
      }
      case 'delete': {
        const t = this.atCurrent(c.path);
        if (!t) this.files.push({ original: { path: c.path, text: c.before }, current: null });
        else if (t.original === null) this.files.splice(this.files.indexOf(t), 1);
        else t.current = null;
        return;
      }
      case 'rename': {
        const t = this.atCurrent(c.path);
        if (t) t.current = { path: c.newPath, text: c.after };
        else this.files.push({ original: { path: c.path, text: c.before }, current: { path: c.newPath, text: c.after } });
        return;
      }
    }
  }

  /** Files the task changed (a file it created and deleted again is not one). */
  tracked(): readonly TrackedFile[] {
    return this.files.filter((f) => !sameState(f.original, f.current));
  }

  isEmpty(): boolean {
    return this.tracked().length === 0;
  }

  /**
   * The operations that put every file back, or the conflicts that forbid it. Order:
   * deletions first (they free the paths others are restored to), then renames back,
   * then creations and text restores.
   */
  plan(env: UndoEnvironment): UndoPlan {
    const label = env.label ?? ((p: string) => p);
    const conflicts: UndoConflict[] = [];
    // A file the task created that is gone already needs nothing.
    const gone = (f: TrackedFile) => f.original === null && f.current !== null && env.read(f.current.path) === undefined;
    const files = this.tracked().filter((f) => !gone(f));
    // Paths that undo empties (deleted or renamed away) before restoring others.
    const freed = new Set<string>();
    for (const f of files) if (f.current && f.current.path !== f.original?.path) freed.add(f.current.path);

    for (const f of files) {
      if (f.current) {
        const actual = env.read(f.current.path);
        if (actual === undefined)
          conflicts.push({ path: f.current.path, reason: `${label(f.current.path)} was deleted after the agent wrote it.` });
        else if (actual !== f.current.text)
          conflicts.push({
            path: f.current.path,
            reason: `${label(f.current.path)} was edited after the agent wrote it.`,
            expected: f.current.text,
            actual,
          });
      }
      if (f.original && f.original.path !== f.current?.path && !freed.has(f.original.path)) {
        const there = env.read(f.original.path);
        if (there !== undefined)
          conflicts.push({
            path: f.original.path,
            reason: `${label(f.original.path)} exists again (created after the agent removed or moved it).`,
            actual: there,
            expected: f.original.text,
          });
      }
    }
    if (conflicts.length > 0) return { ok: false, conflicts };

    const first: UndoOperation[] = [];
    const moves: UndoOperation[] = [];
    const then: UndoOperation[] = [];
    for (const f of files) {
      const { original, current } = f;
      if (!original && current) first.push({ kind: 'delete', path: current.path });
      else if (original && !current) then.push({ kind: 'create', path: original.path, text: original.text });
      else if (original && current && original.path === current.path)
        then.push({ kind: 'replace', path: original.path, from: current.text, text: original.text });
      else if (original && current) {
        if (original.text === current.text) moves.push({ kind: 'rename', path: current.path, newPath: original.path });
        else {
          // Moved and edited: the old file back with its old text (delete, then create).
          first.push({ kind: 'delete', path: current.path });
          then.push({ kind: 'create', path: original.path, text: original.text });
        }
      }
    }
    return { ok: true, operations: [...first, ...moves, ...then], files: files.length };
  }

  /** For persistence (workspace state): the tracked files and the step count. */
  toJSON(): { files: TrackedFile[]; steps: number } {
    return { files: this.files.map((f) => ({ original: f.original, current: f.current })), steps: this.steps };
  }

  /** Total characters kept (the caller caps what it persists). */
  size(): number {
    return this.files.reduce((n, f) => n + (f.original?.text.length ?? 0) + (f.current?.text.length ?? 0), 0);
  }

  static fromJSON(raw: unknown): UndoSet | undefined {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const r = raw as { files?: unknown; steps?: unknown };
    if (!Array.isArray(r.files)) return undefined;
    const state = (v: unknown): FileState | null | undefined => {
      if (v === null) return null;
      const s = v as Partial<FileState> | undefined;
      return typeof s?.path === 'string' && typeof s.text === 'string' ? { path: s.path, text: s.text } : undefined;
    };
    const files: TrackedFile[] = [];
    for (const f of r.files as Array<{ original?: unknown; current?: unknown }>) {
      const original = state(f?.original);
      const current = state(f?.current);
      if (original === undefined || current === undefined) return undefined;
      files.push({ original, current });
    }
    return new UndoSet(files, typeof r.steps === 'number' ? r.steps : 0);
  }
}

function sameState(a: FileState | null, b: FileState | null): boolean {
  if (a === null || b === null) return a === b;
  return a.path === b.path && a.text === b.text;
}
