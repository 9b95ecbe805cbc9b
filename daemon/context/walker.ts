/**
 * Walks a workspace root and lists the files worth indexing, with the reason every
 * other entry was left out. The walk stops once `maxFiles` files are listed (folders not
 * reached by then are not read). Symbolic links are never followed: a target inside the
 * root is indexed under its real path anyway, and a target outside the root is outside
 * the workspace (this also makes symlink loops harmless).
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { IgnoreRules } from './ignore-rules';
import { languageOfPath } from './languages';

export interface WalkedFile {
  /** Path relative to the root, `/`-separated. */
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
  language: string;
}

export type SkipReason =
  | 'ignored'
  | 'unsupported-type'
  | 'too-large'
  | 'symlink'
  | 'symlink-outside-root'
  | 'over-file-limit'
  | 'unreadable'
  | 'binary'
  | 'not-utf8'
  | 'minified';

export interface WalkResult {
  files: WalkedFile[];
  /** Folders walked (root-relative, `''` for the root), for the watcher. */
  dirs: string[];
  /** Count of left-out entries by reason (ignored folders count once). */
  skipped: Partial<Record<SkipReason, number>>;
  /** The walk stopped at `maxFiles`: folders not yet reached were not read at all. */
  limitReached: boolean;
}

export interface WalkOptions {
  rules: IgnoreRules;
  maxFileBytes: number;
  maxFiles: number;
  /** Start below the root (a folder relative to it); default the whole root. */
  under?: string;
}

/** Whether `abs` is `root` or inside it (both already canonical). */
export function isInside(root: string, abs: string): boolean {
  return abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function toRel(root: string, abs: string): string {
  return abs
    .slice(root.length + 1)
    .split(sep)
    .join('/');
}

/** Classify a non-followed symlink for the skip report. */
export async function symlinkReason(root: string, abs: string): Promise<SkipReason> {
  try {
    return isInside(root, await realpath(abs)) ? 'symlink' : 'symlink-outside-root';
  } catch {
    return 'symlink';
  }
}

export async function walk(root: string, opts: WalkOptions): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  const dirs: string[] = [];
  const skipped: WalkResult['skipped'] = {};
  const skip = (r: SkipReason) => (skipped[r] = (skipped[r] ?? 0) + 1);
  const stack: string[] = [opts.under ?? ''];
  let limitReached = false;
  while (stack.length > 0) {
    // At the file limit the walk stops: a huge tree (a whole disk) costs no more than the limit.
    if (files.length >= opts.maxFiles) {
      limitReached = true;
      skip('over-file-limit');
      break;
    }
    const dirRel = stack.pop()!;
    const dirAbs = dirRel === '' ? root : join(root, dirRel);
    dirs.push(dirRel);
    let entries;
    try {
      entries = await readdir(dirAbs, { withFileTypes: true });
    } catch {
      skip('unreadable');
      continue;
    }
    entries.sort((x, y) => (x.name < y.name ? 1 : x.name > y.name ? -1 : 0));
    const subdirs: string[] = [];
    const candidates: Array<{ rel: string; abs: string; language: string }> = [];
    for (const entry of entries) {
      const rel = dirRel === '' ? entry.name : `${dirRel}/${entry.name}`;
      const abs = join(dirAbs, entry.name);
      if (entry.isSymbolicLink()) {
        skip(await symlinkReason(root, abs));
        continue;
      }
      if (entry.isDirectory()) {
        if (opts.rules.isIgnored(rel, true)) skip('ignored');
        else subdirs.push(rel);
        continue;
      }
      if (!entry.isFile()) continue;
      if (opts.rules.isIgnored(rel, false)) {
        skip('ignored');
        continue;
      }
      const language = languageOfPath(entry.name);
      if (!language) {
        skip('unsupported-type');
        continue;
      }
      candidates.push({ rel, abs, language });
    }
    // Stat a folder's files concurrently (the thread pool overlaps the disk waits).
    const stats = await Promise.all(candidates.map((c) => lstat(c.abs).catch(() => undefined)));
    // Entries were sorted descending for the stack; files are sorted at the end.
    candidates.forEach((c, i) => {
      const st = stats[i];
      if (!st) {
        skip('unreadable');
        return;
      }
      if (st.size > opts.maxFileBytes) {
        skip('too-large');
        return;
      }
      if (files.length >= opts.maxFiles) {
        limitReached = true;
        skip('over-file-limit');
        return;
      }
      files.push({ rel: c.rel, abs: c.abs, size: st.size, mtimeMs: Math.floor(st.mtimeMs), language: c.language });
    });
    // Depth-first in name order (the stack pops the last pushed first).
    for (let i = 0; i < subdirs.length; i++) stack.push(subdirs[i]);
  }
  files.sort((x, y) => (x.rel < y.rel ? -1 : x.rel > y.rel ? 1 : 0));
  return { files, dirs, skipped, limitReached };
}
