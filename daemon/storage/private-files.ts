/**
 * Everything under the Tandem home is private to its user: folders 0700, files 0600.
 * The home holds chat history, the daemon's token and the workspace indexes (the full
 * text of the code), and on a shared host (a team GPU server reached over Remote-SSH)
 * other users must read none of it.
 *
 * - `createPrivateFile` and `PRIVATE_DIR_MODE`: what the daemon creates itself (a SQLite
 *   database is created 0600 before SQLite opens it; its WAL and shared-memory files
 *   take the database's mode).
 * - `usePrivateUmask`: the daemon process creates everything else (LanceDB's files, logs)
 *   private too. tandemd writes nothing outside its home, so only `serve` sets it.
 * - `tightenHome`: an install made before this (or files copied in) is tightened at
 *   start; the daemon logs once what it changed. Symbolic links are neither followed
 *   nor changed. When TANDEM_HOME is not a folder of its own (the user's home directory
 *   or above it), only Tandem's own entries are touched, never the folder itself.
 */
import { chmodSync, closeSync, lstatSync, openSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_UMASK = 0o077;

/** Tandem's entries in its home, for a home that is not a folder of its own. */
const OWN_ENTRIES = /^(config\.json|daemon\.lock|tandem\.db|logs$|index$)/;

/** Create `file` (empty) with mode 0600 if it does not exist; an existing file is left as it is. */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
}

/** From now on this process creates folders 0700 and files 0600 at most. Returns the previous umask. */
export function usePrivateUmask(): number {
  return process.umask(PRIVATE_UMASK);
}

export interface TightenResult {
  /** Files and folders whose group or other permissions were removed, with their old mode. */
  changed: Array<{ path: string; mode: number; dir: boolean }>;
  /** What could not be changed (owned by someone else, gone meanwhile), with why. */
  failed: Array<{ path: string; error: string }>;
}

/**
 * Remove group and other permissions from the home and everything in it (folders keep
 * 0700, files their owner bits with read and write). Returns what changed.
 */
export function tightenHome(home: string, userHome = homedir()): TightenResult {
  const result: TightenResult = { changed: [], failed: [] };
  let real: string;
  try {
    real = realpathSync(home);
  } catch (err) {
    result.failed.push({ path: home, error: (err as Error).message });
    return result;
  }
  const own = dedicated(real, userHome);
  if (own) tighten(real, true, result);
  let entries: string[];
  try {
    entries = readdirSync(real);
  } catch (err) {
    result.failed.push({ path: real, error: (err as Error).message });
    return result;
  }
  for (const name of entries) if (own || OWN_ENTRIES.test(name)) walk(join(real, name), result);
  return result;
}

/** One sentence for the log about what `tightenHome` did, or undefined when nothing needed doing. */
export function describeTightening(home: string, r: TightenResult): string | undefined {
  const parts: string[] = [];
  if (r.changed.length > 0) {
    const files = r.changed.filter((c) => !c.dir).length;
    const dirs = r.changed.length - files;
    const example = r.changed.find((c) => !c.dir) ?? r.changed[0];
    parts.push(
      `Made ${files} file(s) and ${dirs} folder(s) under ${home} private to you (0600/0700): other users could read them ` +
        `(${relative(home, example.path) || example.path} was ${(example.mode & 0o777).toString(8).padStart(4, '0')}).`,
    );
  }
  if (r.failed.length > 0) {
    parts.push(
      `Could not make ${r.failed.length} path(s) private (${r.failed[0].path}: ${r.failed[0].error}); check who owns them and run chmod -R go-rwx ${home}.`,
    );
  }
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function walk(path: string, result: TightenResult): void {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    result.failed.push({ path, error: (err as Error).message });
    return;
  }
  if (st.isSymbolicLink()) return;
  tighten(path, st.isDirectory(), result, st.mode);
  if (!st.isDirectory()) return;
  let names: string[];
  try {
    names = readdirSync(path);
  } catch (err) {
    result.failed.push({ path, error: (err as Error).message });
    return;
  }
  for (const name of names) walk(join(path, name), result);
}

function tighten(path: string, dir: boolean, result: TightenResult, mode = lstatSync(path).mode): void {
  if ((mode & 0o077) === 0) return;
  const next = dir ? PRIVATE_DIR_MODE : (mode & 0o700) | PRIVATE_FILE_MODE;
  try {
    chmodSync(path, next);
    result.changed.push({ path, mode, dir });
  } catch (err) {
    result.failed.push({ path, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
  }
}

/** False for the file system root, the user's home directory and any folder above it. */
function dedicated(realHome: string, userHome: string): boolean {
  let user = userHome;
  try {
    user = realpathSync(userHome);
  } catch {
    // No such folder: nothing can contain it.
  }
  if (realHome === sep || /^[A-Za-z]:\\?$/.test(realHome)) return false;
  return !(user === realHome || user.startsWith(realHome.endsWith(sep) ? realHome : realHome + sep));
}
