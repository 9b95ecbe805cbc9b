/**
 * Which folders may be workspace roots, for the daemon (which refuses the others with
 * `WorkspaceRootRefused`) and the extension (which does not send them, and says why
 * once). A root is read in full, indexed and offered to models, so it must be a
 * project, not:
 *
 * - the file system root (`/`, `C:\`): the whole disk;
 * - the user's home directory, or a folder above it (`/home`): everyone's dotfiles, keys
 *   and mail;
 * - the Tandem home or a folder inside it: the daemon's token, chat history, indexes;
 * - a folder that contains the Tandem home (TANDEM_HOME set inside a project);
 * - a `.git` folder or one inside it: repository internals (remote URLs with tokens).
 *
 * Paths are compared by realpath, so a symlink to the home directory is the home directory.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';

export type RootRefusalRule = 'filesystem_root' | 'home' | 'above_home' | 'tandem_home' | 'contains_tandem_home' | 'git';

export interface RootRefusal {
  rule: RootRefusalRule;
  /** One sentence for the user: what is refused and what to open instead. */
  message: string;
}

export interface RootPolicyContext {
  /** The user's home directory (`os.homedir()`). */
  userHome: string;
  /** The Tandem home (`protocol/home.ts`). */
  tandemHome: string;
  realpath?: (p: string) => string;
}

/** Why `root` may not be a workspace root, or undefined when it may. */
export function workspaceRootRefusal(root: string, ctx: RootPolicyContext): RootRefusal | undefined {
  const real = canonical(root, ctx);
  const home = canonical(ctx.userHome, ctx);
  const tandem = canonical(ctx.tandemHome, ctx);
  const shown = JSON.stringify(root);
  if (isFilesystemRoot(real)) {
    return { rule: 'filesystem_root', message: `Tandem does not index the whole disk (${shown}): open a project folder.` };
  }
  if (real.split(/[\\/]/).some((seg) => seg.toLowerCase() === '.git')) {
    return { rule: 'git', message: `Tandem does not index a .git folder (${shown}): open the project folder that contains it.` };
  }
  if (inside(tandem, real)) {
    return {
      rule: 'tandem_home',
      message: `Tandem does not index its own data folder (${shown} holds the daemon's token and your chat history): open a project folder.`,
    };
  }
  if (real === home) return { rule: 'home', message: 'Tandem does not index your home directory: open a project folder.' };
  if (inside(real, home)) {
    return { rule: 'above_home', message: `Tandem does not index ${shown}, which holds home directories: open a project folder.` };
  }
  if (inside(real, tandem)) {
    return {
      rule: 'contains_tandem_home',
      message: `Tandem does not index ${shown}: it contains Tandem's data folder (${ctx.tandemHome}) with the daemon's token. Open a project folder without it, or set TANDEM_HOME elsewhere.`,
    };
  }
  return undefined;
}

function canonical(p: string, ctx: RootPolicyContext): string {
  const abs = path.resolve(p);
  try {
    return (ctx.realpath ?? realpathSync.native)(abs);
  } catch {
    return abs;
  }
}

function isFilesystemRoot(p: string): boolean {
  return path.dirname(p) === p;
}

/** Whether `target` is `dir` or below it. */
function inside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
