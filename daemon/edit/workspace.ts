/**
 * The files an edit works on: paths confined to the session's workspace roots
 * (`paths.ts`, symlinks of the existing part resolved), the text of open documents
 * before the disk's, and the workspace listing the planner sees.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ErrorCodes, TandemError, type OpenDocument } from '../../protocol';
import { IgnoreRules } from '../context/ignore-rules';
import { walk } from '../context/walker';
import type { Session } from '../server/rpc';
import { stripBom } from '../../shared/hash';
import { readInsideRoots, resolveWorkspacePath, type SafePath } from '../../shared/paths';

/** Largest file read from disk for a prompt. */
const MAX_FILE_BYTES = 1024 * 1024;
const LISTING_MAX_FILES = 300;

/** Canonical form of a client path: symlinks of its existing part resolved. */
export function canonicalPath(p: string): string {
  let existing = p;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpathSync.native(existing);
      return rest.length > 0 ? join(real, ...rest) : real;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return p;
      rest.unshift(basename(existing));
      existing = parent;
    }
  }
}

/**
 * The text of a file from disk (BOM stripped, so offsets match the editor's), or
 * undefined; read only when its realpath is inside `roots` at that moment (`readInsideRoots`).
 */
export function readDiskText(path: string, roots: readonly string[]): string | undefined {
  const read = readInsideRoots(path, roots, { maxBytes: MAX_FILE_BYTES });
  if (!read.ok) return undefined;
  const text = read.bytes.toString('utf8');
  if (text.includes('\u0000')) return undefined;
  return stripBom(text);
}

/** The client's open documents by canonical path (BOM stripped). */
export function documentsMap(docs: readonly OpenDocument[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const d of docs) map.set(canonicalPath(d.path), stripBom(d.text));
  return map;
}

/** The text of a path: the open document's, else the disk's (inside the session's roots only). */
export function textReader(docs: Map<string, string>, roots: readonly string[]): (path: string) => string | undefined {
  return (p) => docs.get(p) ?? readDiskText(p, roots);
}

/** The roots the session registered; none means nothing can be edited. */
export function sessionRoots(session: Session): string[] {
  const roots = [...session.roots];
  if (roots.length === 0) {
    throw new TandemError(
      ErrorCodes.WorkspaceNotRegistered,
      'No workspace folder is registered on this connection, so nothing can be edited.',
      {
        hint: 'Open a folder in VS Code (Tandem registers it with tandem/workspace/register).',
      },
    );
  }
  return roots;
}

/** `path` resolved inside `roots`, or a `PathOutsideWorkspace` error saying what could not be done (`what`). */
export function requireSafe(path: string, roots: string[], what: string): SafePath {
  const check = resolveWorkspacePath(canonicalPath(path), roots);
  if (!check.ok) {
    throw new TandemError(ErrorCodes.PathOutsideWorkspace, `Cannot ${what}: ${check.reason}`, {
      hint: 'Tandem only edits files inside the open workspace folders.',
    });
  }
  return check;
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (clipped)`;
}

/** Workspace-relative paths for the planner, honouring .gitignore; at most LISTING_MAX_FILES. */
export async function workspaceListing(root: string): Promise<{ files: string[]; truncated: boolean }> {
  try {
    const rules = new IgnoreRules(root, {
      excludeDirs: ['.git', 'node_modules', 'dist', 'out', 'build', '.venv', 'venv', 'target', '__pycache__'],
      excludeGlobs: [],
    });
    const result = await walk(root, { rules, maxFileBytes: MAX_FILE_BYTES, maxFiles: LISTING_MAX_FILES + 1 });
    const files = result.files.map((f) => f.rel).sort();
    return {
      files: files.slice(0, LISTING_MAX_FILES),
      truncated: files.length > LISTING_MAX_FILES || (result.skipped['over-file-limit'] ?? 0) > 0,
    };
  } catch {
    return { files: [], truncated: false };
  }
}
