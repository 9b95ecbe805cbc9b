/**
 * Which paths of a workspace are indexed: `.gitignore` files at any depth (each
 * relative to its own folder, later and deeper rules win, `!` re-includes), the root's
 * `.git/info/exclude`, `.tandemignore` files (same syntax, applied after git's), the
 * configured folder names and generated-file patterns. Rule files are read lazily and
 * cached per folder (through the checked read: inside the root, never a FIFO);
 * `invalidate()` forgets them when one changes.
 */
import { join, posix } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readInsideRoots } from '../../shared/paths';

/** Larger rule files are not read (no real .gitignore comes near it). */
const MAX_RULE_FILE_BYTES = 1024 * 1024;

export const IGNORE_FILES = ['.gitignore', '.tandemignore'] as const;

export class IgnoreRules {
  private readonly perDir = new Map<string, Ignore | null>();
  private readonly excludeDirs: Set<string>;
  private readonly globs: Ignore;
  private readonly gitExclude: Ignore | null;

  constructor(
    private readonly root: string,
    opts: { excludeDirs: string[]; excludeGlobs: string[] },
  ) {
    this.excludeDirs = new Set(opts.excludeDirs);
    this.globs = ignore().add(opts.excludeGlobs);
    this.gitExclude = this.readRules([join(root, '.git', 'info', 'exclude')]);
  }

  /** Forget cached rule files (all, or those of one folder). */
  invalidate(dirRel?: string): void {
    if (dirRel === undefined) this.perDir.clear();
    else this.perDir.delete(dirRel);
  }

  /**
   * Whether a path (relative to the root, `/`-separated) is excluded. Only the path's
   * own name is checked against parents' rules; callers walk top-down and never descend
   * into excluded folders (as git does: a file in an ignored folder cannot be re-included).
   */
  isIgnored(rel: string, isDir: boolean): boolean {
    const name = posix.basename(rel);
    if (isDir && this.excludeDirs.has(name)) return true;
    if (!isDir && this.globs.ignores(rel)) return true;
    const probe = isDir ? `${rel}/` : rel;
    let ignored = false;
    if (this.gitExclude) ignored = this.apply(this.gitExclude, probe, ignored);
    // Rules from the root down to the path's own folder.
    const parts = rel.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const dirRel = parts.slice(0, depth).join('/');
      const rules = this.rulesOf(dirRel);
      if (!rules) continue;
      const sub = parts.slice(depth).join('/') + (isDir ? '/' : '');
      ignored = this.apply(rules, sub, ignored);
    }
    return ignored;
  }

  /** Whether any configured rule would exclude a folder name anywhere (for the watcher). */
  isExcludedDirName(name: string): boolean {
    return this.excludeDirs.has(name);
  }

  private apply(rules: Ignore, path: string, current: boolean): boolean {
    const r = rules.test(path);
    if (r.ignored) return true;
    if (r.unignored) return false;
    return current;
  }

  private rulesOf(dirRel: string): Ignore | null {
    const cached = this.perDir.get(dirRel);
    if (cached !== undefined) return cached;
    const dir = dirRel === '' ? this.root : join(this.root, dirRel);
    const rules = this.readRules(IGNORE_FILES.map((f) => join(dir, f)));
    this.perDir.set(dirRel, rules);
    return rules;
  }

  private readRules(files: string[]): Ignore | null {
    let ig: Ignore | null = null;
    for (const file of files) {
      // The checked read: inside the root, and a FIFO named .gitignore cannot hang the daemon.
      const read = readInsideRoots(file, [this.root], { maxBytes: MAX_RULE_FILE_BYTES, allowGit: true });
      if (!read.ok) continue;
      ig ??= ignore();
      ig.add(read.bytes.toString('utf8'));
    }
    return ig;
  }
}
