/**
 * The extension's last line of defence before a WorkspaceEdit is built from the
 * daemon's proposed changes. Every path is checked again with the daemon's rules
 * (shared/paths.ts) against the workspace folders' real paths and mapped back to
 * the folder path the editor uses; every change to an existing file must still match
 * its `baseHash` (the user may have typed since), a created or renamed-to file must not
 * exist, and a file's edits must be in range and not overlap. What fails is refused
 * with a reason; the rest becomes plain operations the glue turns into one
 * WorkspaceEdit. Pure (file access is injected).
 */
import type { FileChange, RejectedEdit, TextEdit } from '../../protocol';
import { contentHash } from '../../shared/hash';
import { resolveWorkspacePath, type PathFlavor, type PathFs } from '../../shared/paths';
import type { UiMode } from '../ui/ui-mode';

export interface WorkspaceFolderPaths {
  /** The folder as the editor knows it. */
  path: string;
  /** Its realpath (what the daemon registered). */
  realPath: string;
}

export interface ChangeEnvironment {
  folders: readonly WorkspaceFolderPaths[];
  /** Current text as the editor sees it (open document, else disk); undefined when absent. */
  currentText(path: string): string | undefined;
  exists(path: string): boolean;
  flavor?: PathFlavor;
  fs?: PathFs;
}

export type PreparedOperation =
  | { kind: 'modify'; path: string; edits: TextEdit[]; label: string; stepId?: string }
  | { kind: 'create'; path: string; text: string; label: string; stepId?: string }
  | { kind: 'delete'; path: string; label: string; stepId?: string }
  | { kind: 'rename'; path: string; newPath: string; label: string; stepId?: string };

export interface PreparedChanges {
  operations: PreparedOperation[];
  refused: RejectedEdit[];
}

function sep(flavor: PathFlavor): string {
  return flavor === 'win32' ? '\\' : '/';
}

/** Map a daemon (real) path into the folder path the editor uses. */
export function toEditorPath(
  realPath: string,
  folders: readonly WorkspaceFolderPaths[],
  flavor: PathFlavor = process.platform === 'win32' ? 'win32' : 'posix',
): string {
  const s = sep(flavor);
  const norm = (p: string) => (flavor === 'win32' ? p.toLowerCase() : p);
  const best = [...folders]
    .sort((a, b) => b.realPath.length - a.realPath.length)
    .find(
      (f) => norm(realPath) === norm(f.realPath) || norm(realPath).startsWith(norm(f.realPath.endsWith(s) ? f.realPath : f.realPath + s)),
    );
  return best ? best.path + realPath.slice(best.realPath.length) : realPath;
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Edits sorted, inside the text, and not overlapping; or the reason they are not. */
export function checkEdits(text: string, edits: readonly TextEdit[]): { ok: true; edits: TextEdit[] } | { ok: false; reason: string } {
  const lines = text.split('\n');
  const sorted = [...edits].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  for (const [k, e] of sorted.entries()) {
    for (const p of [e.range.start, e.range.end]) {
      const line = lines[p.line];
      if (line === undefined || p.character > line.replace(/\r$/, '').length)
        return { ok: false, reason: `an edit points past the end of the file (line ${p.line + 1})` };
    }
    if (
      e.range.end.line < e.range.start.line ||
      (e.range.end.line === e.range.start.line && e.range.end.character < e.range.start.character)
    ) {
      return { ok: false, reason: `an edit has its end before its start (line ${e.range.start.line + 1})` };
    }
    const prev = sorted[k - 1];
    if (
      prev &&
      (prev.range.end.line > e.range.start.line ||
        (prev.range.end.line === e.range.start.line && prev.range.end.character > e.range.start.character))
    ) {
      return { ok: false, reason: `two edits overlap at line ${e.range.start.line + 1}` };
    }
  }
  return { ok: true, edits: sorted };
}

export function prepareChanges(
  changes: readonly FileChange[],
  env: ChangeEnvironment,
  labelOf: (c: FileChange) => string = defaultLabel,
): PreparedChanges {
  const flavor = env.flavor ?? (process.platform === 'win32' ? 'win32' : 'posix');
  const realRoots = env.folders.map((f) => f.realPath);
  const operations: PreparedOperation[] = [];
  const refused: RejectedEdit[] = [];
  const refuse = (c: FileChange, kind: RejectedEdit['kind'], reason: string, path = c.path) =>
    refused.push({ kind, reason, path, ...(c.stepId !== undefined ? { stepId: c.stepId } : {}) });
  const safe = (p: string) => resolveWorkspacePath(p, realRoots, { flavor, fs: env.fs });

  for (const c of changes) {
    const check = safe(c.path);
    if (!check.ok) {
      refuse(c, 'unsafe_path', `Refused a change: ${check.reason}`);
      continue;
    }
    const path = toEditorPath(check.path, env.folders, flavor);
    const label = labelOf(c);
    const step = c.stepId !== undefined ? { stepId: c.stepId } : {};
    if (c.kind === 'create') {
      if (env.exists(path)) {
        refuse(c, 'exists', `Refused to create ${check.relative}: it exists already (created after the edit was proposed).`, path);
        continue;
      }
      operations.push({ kind: 'create', path, text: c.text, label, ...step });
      continue;
    }
    const text = env.currentText(path);
    if (text === undefined) {
      refuse(c, 'missing', `Refused to change ${check.relative}: it no longer exists.`, path);
      continue;
    }
    if (contentHash(text) !== c.baseHash) {
      refuse(
        c,
        'changed_since_planning',
        `Refused to change ${check.relative}: it was edited after Tandem read it, and applying would overwrite that work. Run the command again.`,
        path,
      );
      continue;
    }
    if (c.kind === 'modify') {
      const ok = checkEdits(text, c.edits);
      if (!ok.ok) {
        refuse(c, 'overlap', `Refused the edits of ${check.relative}: ${ok.reason}.`, path);
        continue;
      }
      operations.push({ kind: 'modify', path, edits: ok.edits, label, ...step });
    } else if (c.kind === 'delete') {
      operations.push({ kind: 'delete', path, label, ...step });
    } else {
      const to = safe(c.newPath);
      if (!to.ok) {
        refuse(c, 'unsafe_path', `Refused a rename: ${to.reason}`, c.newPath);
        continue;
      }
      const newPath = toEditorPath(to.path, env.folders, flavor);
      if (env.exists(newPath)) {
        refuse(c, 'exists', `Refused to rename ${check.relative} to ${to.relative}: the target exists already.`, newPath);
        continue;
      }
      operations.push({ kind: 'rename', path, newPath, label, ...step });
    }
  }
  return { operations, refused };
}

function defaultLabel(c: FileChange): string {
  if (c.description) return c.description;
  return { modify: 'Edit', create: 'Create file', delete: 'Delete file', rename: 'Rename file' }[c.kind];
}

/** Lines an operation touches (removed + inserted), for the "small fix" decision. */
export function changedLines(op: PreparedOperation): number {
  if (op.kind !== 'modify') return Infinity;
  return op.edits.reduce((n, e) => n + (e.range.end.line - e.range.start.line + 1) + lineCount(e.newText), 0);
}

/** Largest fix applied without the preview in simple mode (lines removed + inserted). */
export const DIRECT_APPLY_MAX_LINES = 12;

/**
 * Simple mode applies a single obvious fix directly (undo reverts it): one file, only
 * edits, at most 3 of them, few lines, nothing refused. Every other case is previewed.
 */
export function shouldApplyDirectly(mode: UiMode, prepared: PreparedChanges): boolean {
  if (mode !== 'simple' || prepared.refused.length > 0 || prepared.operations.length !== 1) return false;
  const op = prepared.operations[0]!;
  return op.kind === 'modify' && op.edits.length <= 3 && changedLines(op) <= DIRECT_APPLY_MAX_LINES;
}

/** The reasons of refusals, for a message: the first few, then how many more. */
export function summarizeRefusals(refused: readonly RejectedEdit[], max = 2): string {
  if (refused.length === 0) return '';
  const shown = refused.slice(0, max).map((r) => r.reason);
  const more = refused.length - shown.length;
  return shown.join(' ') + (more > 0 ? ` (and ${more} more)` : '');
}
