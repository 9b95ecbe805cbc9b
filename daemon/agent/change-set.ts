/**
 * A task's change set (pure): the applied steps, each with the text of every file it
 * touched as it was before the step, replayed into one record per file — its text
 * before the task's first change and after its last, following renames — and the
 * undo: the changes restoring every file as one WorkspaceEdit, each relative to the
 * task's final text (`baseHash`), so nothing changed since is overwritten unnoticed.
 */
import type { AgentFileChange, AgentStepRecord, FileChange, TextEdit } from '../../protocol';
import { contentHash } from '../../shared/hash';
import { applyTextEdits } from '../edit/apply';

export interface AppliedStep extends AgentStepRecord {
  /** Each touched path's text before this step (null: did not exist). */
  before: Record<string, string | null>;
}

interface FileRecord {
  originalPath: string;
  originalText: string | null;
  currentPath: string | null;
  currentText: string | null;
}

/** Whole-text replacement of `oldText` by `newText` (one edit over the full range). */
export function replaceAll(oldText: string, newText: string): TextEdit[] {
  const lines = oldText.split('\n');
  const last = lines[lines.length - 1]!;
  return [{ range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: last.length } }, newText }];
}

export class ChangeSet {
  private readonly byCurrent = new Map<string, FileRecord>();
  private readonly records: FileRecord[] = [];
  readonly steps: AppliedStep[] = [];

  constructor(
    steps: readonly AppliedStep[] = [],
    private readonly relative: (path: string) => string = (p) => p,
  ) {
    for (const s of steps) this.add(s);
  }

  /** Record an applied step (its changes in order, with the before-texts). */
  add(step: AppliedStep): void {
    this.steps.push(step);
    for (const change of step.changes) this.apply(change, step.before);
  }

  private record(path: string, before: Record<string, string | null>): FileRecord {
    let rec = this.byCurrent.get(path);
    if (!rec) {
      const text = path in before ? before[path]! : null;
      rec = { originalPath: path, originalText: text, currentPath: path, currentText: text };
      this.records.push(rec);
      this.byCurrent.set(path, rec);
    }
    return rec;
  }

  private apply(change: FileChange, before: Record<string, string | null>): void {
    const rec = this.record(change.path, before);
    switch (change.kind) {
      case 'modify':
        rec.currentText = applyTextEdits(rec.currentText ?? '', change.edits);
        break;
      case 'create':
        rec.currentText = change.text;
        break;
      case 'delete':
        rec.currentText = null;
        rec.currentPath = null;
        this.byCurrent.delete(change.path);
        break;
      case 'rename': {
        this.byCurrent.delete(change.path);
        // The target may have a record of its own (deleted earlier in the task): the moved file takes its place.
        const target = this.byCurrent.get(change.newPath);
        if (target) target.currentPath = null;
        rec.currentPath = change.newPath;
        this.byCurrent.set(change.newPath, rec);
        break;
      }
    }
  }

  /** Every file as before and after the task (files whose text and place ended where they started are left out). */
  files(): AgentFileChange[] {
    const out: AgentFileChange[] = [];
    for (const r of this.records) {
      const same = r.currentPath === r.originalPath && r.currentText === r.originalText;
      if (same || (r.originalText === null && r.currentPath === null)) continue;
      const path = r.currentPath ?? r.originalPath;
      out.push({
        path,
        relativePath: this.relative(path),
        beforeHash: r.originalText === null ? null : contentHash(r.originalText),
        afterHash: r.currentText === null || r.currentPath === null ? null : contentHash(r.currentText),
        ...(r.currentPath !== null && r.currentPath !== r.originalPath && r.originalText !== null ? { renamedFrom: r.originalPath } : {}),
      });
    }
    return out;
  }

  /** The changes that put every file back as before the task. */
  undo(): FileChange[] {
    const out: FileChange[] = [];
    for (const r of this.records) {
      const { originalPath, originalText, currentPath, currentText } = r;
      if (currentPath === null || currentText === null) {
        if (originalText !== null && !out.some((c) => c.kind === 'rename' && c.newPath === originalPath)) {
          out.push({ kind: 'create', path: originalPath, text: originalText, description: 'Restore the file the agent deleted' });
        }
        continue;
      }
      const baseHash = contentHash(currentText);
      if (originalText === null) {
        out.push({ kind: 'delete', path: currentPath, baseHash, description: 'Delete the file the agent created' });
        continue;
      }
      let at = currentPath;
      if (currentPath !== originalPath) {
        out.push({ kind: 'rename', path: currentPath, newPath: originalPath, baseHash, description: 'Rename back' });
        at = originalPath;
      }
      if (currentText !== originalText) {
        out.push({
          kind: 'modify',
          path: at,
          baseHash,
          edits: replaceAll(currentText, originalText),
          description: 'Restore the text before the agent',
        });
      }
    }
    return out;
  }

  /** Files whose current text is not what the task left (`read`: the text now, undefined when absent). */
  conflicts(read: (path: string) => string | undefined): Array<{ path: string; reason: string }> {
    const out: Array<{ path: string; reason: string }> = [];
    for (const r of this.records) {
      if (r.currentPath === null) {
        if (r.originalText !== null && read(r.originalPath) !== undefined) {
          out.push({ path: r.originalPath, reason: 'The agent deleted or moved this file, and a file exists there again.' });
        }
        continue;
      }
      const now = read(r.currentPath);
      if (now === undefined) out.push({ path: r.currentPath, reason: 'The file the agent left here is gone.' });
      else if (r.currentText !== null && contentHash(now) !== contentHash(r.currentText)) {
        out.push({ path: r.currentPath, reason: 'The file changed after the agent edited it; undoing would lose those changes.' });
      }
    }
    return out;
  }
}
