/**
 * Walking a folder of the workspace for list_files and grep: `.gitignore` (and
 * `.tandemignore`) honoured at every depth through the context engine's `IgnoreRules`,
 * `.git` and the usual dependency and build folders skipped, symbolic links never
 * followed (a link's target is outside the walk), at most `maxEntries` entries.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { IgnoreRules } from '../../context/ignore-rules';

export const SKIPPED_DIRS = ['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.tandem', '.next', '.cache'];

export interface Listed {
  /** Root-relative, `/`-separated; folders end with `/`. */
  rel: string;
  abs: string;
  dir: boolean;
  size: number;
}

export interface Listing {
  entries: Listed[];
  truncated: boolean;
  /** Entries left out by the ignore rules (ignored folders count once). */
  ignored: number;
}

export async function listTree(
  root: string,
  start: string,
  opts: { maxEntries: number; maxDepth: number; filesOnly?: boolean; signal?: AbortSignal },
): Promise<Listing> {
  const rules = new IgnoreRules(root, { excludeDirs: SKIPPED_DIRS, excludeGlobs: [] });
  const entries: Listed[] = [];
  let ignored = 0;
  let truncated = false;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (truncated || opts.signal?.aborted) return;
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (truncated) return;
      const abs = join(dir, name);
      const rel = relative(root, abs).split(sep).join(posix.sep);
      let st;
      try {
        st = await lstat(abs);
      } catch {
        continue;
      }
      if (st.isSymbolicLink()) continue;
      const isDir = st.isDirectory();
      if (!isDir && !st.isFile()) continue;
      if (rules.isIgnored(rel, isDir)) {
        ignored++;
        continue;
      }
      if (isDir) {
        if (!opts.filesOnly) entries.push({ rel: `${rel}/`, abs, dir: true, size: 0 });
        if (depth < opts.maxDepth) await walk(abs, depth + 1);
      } else entries.push({ rel, abs, dir: false, size: st.size });
      if (entries.length >= opts.maxEntries) truncated = true;
    }
  };
  await walk(start, 1);
  return { entries, truncated, ignored };
}
