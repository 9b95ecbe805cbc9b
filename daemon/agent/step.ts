/**
 * One step: the consecutive writes of a model turn, collected against the step overlay
 * of `WorkspaceFiles` (a second edit of a file builds on the first) and turned into the
 * step's changes — at most one per file, each relative to the file's text before the
 * step (`baseHash`), renames first — plus the before-texts the change set keeps for undo.
 */
import type { FileChange, TextEdit } from '../../protocol';
import { contentHash } from '../../shared/hash';
import { positionAt } from '../edit/apply';
import type { ProposedWrite } from './tools/types';
import { ToolError, type WorkspaceFiles } from './workspace-files';

/** The smallest single edit turning `a` into `b`: the common prefix and suffix kept. */
export function minimalEdit(a: string, b: string): TextEdit {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  // Keep whole surrogate pairs and CRLF pairs together.
  if (start > 0 && /[\uDC00-\uDFFF\n]/.test(a[start] ?? '') && /[\uD800-\uDBFF\r]/.test(a[start - 1]!)) start--;
  return { range: { start: positionAt(a, start), end: positionAt(a, endA) }, newText: b.slice(start, endB) };
}

export class StepBuilder {
  /** Each touched path's text before the step (null: did not exist), in order of first touch. */
  private readonly before = new Map<string, string | null>();
  private readonly renames: Array<{ from: string; to: string }> = [];
  readonly callIds: string[] = [];

  constructor(
    readonly stepId: string,
    private readonly files: WorkspaceFiles,
  ) {}

  get empty(): boolean {
    return this.callIds.length === 0;
  }

  /** Add one tool call's write to the step (throws `ToolError` for a second rename of a path in one step). */
  add(callId: string, write: ProposedWrite): void {
    if (write.rename) {
      const involved = (p: string) => this.renames.some((r) => r.from === p || r.to === p) || this.before.has(p);
      if (involved(write.rename.from) || involved(write.rename.to)) {
        throw new ToolError(
          'This file was already changed in this step; rename it in a step of its own (after the other changes are applied).',
        );
      }
      this.renames.push(write.rename);
    }
    for (const { path } of write.stage) if (!this.before.has(path)) this.before.set(path, this.files.baseText(path) ?? null);
    for (const { path, text } of write.stage) this.files.stage(path, text);
    this.callIds.push(callId);
  }

  /** The step's changes, and the before-text of every path it touches. */
  changes(): { changes: FileChange[]; before: Record<string, string | null> } {
    const changes: FileChange[] = [];
    const renamed = new Map<string, string>(); // target → source
    for (const r of this.renames) {
      const text = this.before.get(r.from);
      if (text === null || text === undefined) continue;
      changes.push({ kind: 'rename', path: r.from, newPath: r.to, baseHash: contentHash(text), stepId: this.stepId });
      renamed.set(r.to, r.from);
    }
    for (const [path, beforeText] of this.before) {
      if (this.renames.some((r) => r.from === path)) continue;
      const source = renamed.get(path);
      const base = source !== undefined ? (this.before.get(source) ?? null) : beforeText;
      const after = this.files.text(path) ?? null;
      if (base === null && after !== null) changes.push({ kind: 'create', path, text: after, stepId: this.stepId });
      else if (base !== null && after === null) changes.push({ kind: 'delete', path, baseHash: contentHash(base), stepId: this.stepId });
      else if (base !== null && after !== null && base !== after) {
        changes.push({ kind: 'modify', path, baseHash: contentHash(base), edits: [minimalEdit(base, after)], stepId: this.stepId });
      }
    }
    return { changes, before: Object.fromEntries(this.before) };
  }

  /** Paths the step changes (for the overlay's settle). */
  paths(): string[] {
    return [...this.before.keys()];
  }
}
