/**
 * Workspace-path safety, shared by the daemon and the extension.
 *
 * `readInsideRoots` is the one way the daemon reads a workspace file (index updates,
 * chat, fix, edit, context, project rules, ignore files): the file's realpath must be
 * inside a root *at the moment it is read*, not only when the tree was walked, so a
 * folder swapped for a symlink later (a `git checkout` of a hostile branch) reads
 * nothing outside. It opens with O_NOFOLLOW (a final symlink is never followed blindly)
 * and O_NONBLOCK (a FIFO cannot hang it), then checks the opened file descriptor: where
 * the kernel says that file is (Linux) — or, elsewhere, that the path's realpath names
 * the same file (device and inode) as the descriptor — must be inside a root, and it must
 * be a regular file. The check is on what was opened, so no check-then-use race lets a
 * swapped folder in.
 *
 * `resolveWorkspacePath` is path safety for proposed edits (the daemon refuses unsafe
 * plan steps and edit blocks; the extension checks again before building the
 * WorkspaceEdit). A path is safe when, resolved against the workspace roots, it:
 *
 * - is not empty and holds no NUL or control characters;
 * - stays inside a root lexically (`..` may move around inside a root, never out);
 * - stays inside that root after following symbolic links (the realpath of its deepest
 *   existing ancestor, plus the rest, is inside the root's realpath);
 * - has no `.git` segment (any case), before or after following links;
 * - on POSIX, is not a Windows path (`C:\…`, `\\server\…`); backslashes count as
 *   separators so `..\..\x` cannot hide a traversal;
 * - on Windows, is not a device, UNC or drive-relative path, uses no reserved device
 *   name (`CON`, `NUL`, `COM1`…), no alternate data stream (`a.ts:x`) and no segment
 *   ending in a dot or space (Windows strips those, aliasing another file);
 * - does not start with `~` (the shell's home, never meant literally).
 *
 * The file system is injected so tests can describe a Windows tree on any machine.
 */
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readlinkSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export type PathFlavor = 'posix' | 'win32';

export interface PathFs {
  /** Canonical path with every symlink resolved; throws when it does not exist. */
  realpath(p: string): string;
  /** True when something (file, directory or link, even a dangling one) is at `p`. */
  exists(p: string): boolean;
}

export const nodePathFs: PathFs = {
  realpath: (p) => realpathSync.native(p),
  exists: (p) => {
    try {
      lstatSync(p);
      return true;
    } catch {
      return false;
    }
  },
};

export type UnsafeRule = 'empty' | 'control' | 'windows' | 'home' | 'traversal' | 'outside' | 'symlink' | 'git' | 'root' | 'no_root';

export interface SafePath {
  ok: true;
  /** Absolute path as written (normalised), inside `root`. */
  path: string;
  /** The same with symlinks of its existing part resolved. */
  realPath: string;
  /** The root containing it. */
  root: string;
  /** Root-relative, `/`-separated. */
  relative: string;
}

export interface UnsafePath {
  ok: false;
  rule: UnsafeRule;
  /** A sentence naming the path and the rule it breaks. */
  reason: string;
}

export type PathCheck = SafePath | UnsafePath;

export interface ResolveOptions {
  /** Base for relative paths (default: the first root). Must itself be inside a root. */
  base?: string;
  flavor?: PathFlavor;
  fs?: PathFs;
}

const WIN_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

function unsafe(rule: UnsafeRule, reason: string): UnsafePath {
  return { ok: false, rule, reason };
}

function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c < 0x20 || c === 0x7f;
}

function hasControl(s: string): boolean {
  for (const ch of s) if (isControl(ch)) return true;
  return false;
}

function show(p: string): string {
  const clean = [...p].map((ch) => (isControl(ch) ? '?' : ch)).join('');
  return JSON.stringify(clean.length > 200 ? `${clean.slice(0, 200)}…` : clean);
}

/** Resolve `input` against the workspace roots and check every rule above. */
export function resolveWorkspacePath(input: string, roots: readonly string[], opts: ResolveOptions = {}): PathCheck {
  const flavor = opts.flavor ?? (process.platform === 'win32' ? 'win32' : 'posix');
  const fs = opts.fs ?? nodePathFs;
  const p = flavor === 'win32' ? path.win32 : path.posix;
  const shown = show(input);

  if (input.trim() === '') return unsafe('empty', 'The path is empty.');
  if (hasControl(input)) return unsafe('control', `The path ${shown} contains control characters.`);
  if (roots.length === 0) return unsafe('no_root', `No workspace folder is registered, so ${shown} cannot be edited.`);
  if (input.startsWith('~')) return unsafe('home', `The path ${shown} starts with "~"; only paths inside the workspace may be edited.`);
  if (/^file:/i.test(input)) return unsafe('windows', `The path ${shown} is a URI; give a workspace path.`);

  let candidate: string;
  if (flavor === 'posix') {
    if (/^[A-Za-z]:([\\/]|$)/.test(input) || input.startsWith('\\\\') || input.startsWith('//')) {
      return unsafe('windows', `The path ${shown} is a Windows absolute or network path; this workspace is on a POSIX file system.`);
    }
    candidate = input.replace(/\\/g, '/');
  } else {
    if (/^[\\/]{2}/.test(input)) {
      return unsafe('windows', `The path ${shown} is a UNC or device path; only paths inside the workspace may be edited.`);
    }
    if (/^[A-Za-z]:(?![\\/])/.test(input)) {
      return unsafe('windows', `The path ${shown} is relative to a drive's current directory; give a workspace-relative path.`);
    }
    candidate = input;
  }

  const segments = candidate.split(flavor === 'win32' ? /[\\/]/ : '/').filter((s) => s !== '');
  if (flavor === 'win32') {
    for (const [i, seg] of segments.entries()) {
      if (i === 0 && /^[A-Za-z]:$/.test(seg)) continue;
      if (seg === '.' || seg === '..') continue;
      if (WIN_RESERVED.test(seg)) return unsafe('windows', `The path ${shown} uses the reserved Windows device name "${seg}".`);
      if (seg.includes(':')) return unsafe('windows', `The path ${shown} names an alternate data stream ("${seg}").`);
      if (/[. ]$/.test(seg))
        return unsafe('windows', `The path ${shown} has a segment ending in a dot or space ("${seg}"), which Windows silently strips.`);
      if (/[<>"|?*]/.test(seg)) return unsafe('windows', `The path ${shown} contains a character Windows does not allow in file names.`);
    }
  }
  if (segments.some((s) => s.toLowerCase() === '.git')) {
    return unsafe('git', `The path ${shown} is inside a .git directory; Tandem never edits repository internals.`);
  }

  const normRoots = roots.map((r) => p.resolve(r));
  const baseDir = opts.base ? p.resolve(opts.base) : normRoots[0]!;
  const absolute = p.isAbsolute(candidate) ? p.resolve(candidate) : p.resolve(baseDir, candidate);
  const contains = (root: string, target: string) => {
    const rel = p.relative(root, target);
    return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
  };
  const rootIndex = pickRoot(normRoots, absolute, contains);
  if (rootIndex < 0) {
    const hasDotDot = segments.includes('..');
    if (hasDotDot && !p.isAbsolute(candidate)) {
      return unsafe('traversal', `The path ${shown} climbs out of the workspace with "..".`);
    }
    return unsafe('outside', `The path ${shown} is outside every workspace folder (${normRoots.join(', ')}).`);
  }
  const root = normRoots[rootIndex]!;
  if (!p.isAbsolute(candidate) && !contains(root, baseDir)) {
    return unsafe('outside', `The base folder for ${shown} is outside the workspace.`);
  }
  if (absolute === root || p.relative(root, absolute) === '') {
    return unsafe('root', `The path ${shown} is the workspace folder itself, not a file in it.`);
  }

  // Follow symlinks: realpath of the deepest existing ancestor, plus the rest.
  let realRoot: string;
  try {
    realRoot = fs.realpath(root);
  } catch {
    return unsafe('no_root', `The workspace folder ${root} does not exist any more.`);
  }
  let existing = absolute;
  const rest: string[] = [];
  while (!fs.exists(existing)) {
    const parent = p.dirname(existing);
    if (parent === existing) break;
    rest.unshift(p.basename(existing));
    existing = parent;
  }
  let realPath: string;
  try {
    realPath = rest.length > 0 ? p.join(fs.realpath(existing), ...rest) : fs.realpath(existing);
  } catch {
    // A dangling symlink: refuse, we cannot tell where a write would land.
    return unsafe('symlink', `The path ${shown} goes through a symbolic link that points nowhere; refusing to write through it.`);
  }
  if (!contains(realRoot, realPath) || realPath === realRoot) {
    return unsafe('symlink', `The path ${shown} resolves through a symbolic link to ${realPath}, outside the workspace.`);
  }
  const realRel = p.relative(realRoot, realPath);
  if (realRel.split(/[\\/]/).some((s) => s.toLowerCase() === '.git')) {
    return unsafe('git', `The path ${shown} resolves into a .git directory (${realPath}); Tandem never edits repository internals.`);
  }
  const relative = p.relative(root, absolute).split(p.sep).join('/');
  return { ok: true, path: absolute, realPath, root, relative };
}

/** The most specific root containing `target` (nested roots: the innermost wins). */
function pickRoot(roots: string[], target: string, contains: (root: string, target: string) => boolean): number {
  let best = -1;
  for (const [i, r] of roots.entries()) {
    if (contains(r, target) && (best < 0 || r.length > roots[best]!.length)) best = i;
  }
  return best;
}

// ---- Reading a workspace file

export type ReadRefusal = 'missing' | 'outside' | 'symlink' | 'git' | 'not_file' | 'too_large' | 'unreadable' | 'changed';

export interface InsideFile {
  ok: true;
  /** Where the opened file is (its realpath, inside `root`). */
  realPath: string;
  /** The root containing it. */
  root: string;
  /** Root-relative, `/`-separated, of the realpath. */
  relative: string;
  bytes: Buffer;
  size: number;
  mtimeMs: number;
}

export interface RefusedRead {
  ok: false;
  rule: ReadRefusal;
  /** A sentence naming the path and why it was not read. */
  reason: string;
}

export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  isFile(): boolean;
}

/** The file system calls `readInsideRoots` makes (node:fs by default; tests interpose on them). */
export interface ReadFs {
  realpath(p: string): string;
  open(p: string, flags: number): number;
  fstat(fd: number): FileIdentity;
  stat(p: string): FileIdentity;
  read(fd: number, buffer: Buffer, offset: number, length: number): number;
  close(fd: number): void;
  /** Where an open descriptor's file is, from the kernel (Linux: /proc/self/fd); undefined where unknown. */
  fdPath?(fd: number): string | undefined;
}

const procFd = process.platform === 'linux' && existsSync('/proc/self/fd');

export const nodeReadFs: ReadFs = {
  realpath: (p) => realpathSync.native(p),
  open: (p, flags) => openSync(p, flags),
  fstat: (fd) => fstatSync(fd),
  stat: (p) => statSync(p),
  read: (fd, buffer, offset, length) => readSync(fd, buffer, offset, length, null),
  close: (fd) => closeSync(fd),
  fdPath: procFd ? (fd) => readlinkSync(`/proc/self/fd/${fd}`) : undefined,
};

export interface ReadInsideOptions {
  /** Refuse files larger than this (default 2 MB). */
  maxBytes?: number;
  /**
   * Refuse a path that goes through any symbolic link, even one inside the root (the
   * index: the walk never follows links, so a path through one is not the tree it saw).
   */
  noSymlinks?: boolean;
  /** Read inside `.git` too (the daemon's own use of `.git/info/exclude`; never for context). */
  allowGit?: boolean;
  fs?: ReadFs;
}

const DEFAULT_MAX_READ = 2 * 1024 * 1024;
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function refused(rule: ReadRefusal, reason: string): RefusedRead {
  return { ok: false, rule, reason };
}

/**
 * Read a file whose realpath is inside one of `roots` (canonical, as registered), checked
 * on the opened descriptor (see the top of this file). A root swapped for a symlink
 * after it was registered reads nothing either: the opened file is not under it.
 */
export function readInsideRoots(input: string, roots: readonly string[], opts: ReadInsideOptions = {}): InsideFile | RefusedRead {
  const fs = opts.fs ?? nodeReadFs;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_READ;
  const canonical = roots.map((r) => path.resolve(r));
  if (canonical.length === 0) return refused('outside', `No workspace folder is registered, so ${show(input)} is not read.`);
  const absolute = path.isAbsolute(input) ? path.resolve(input) : path.resolve(canonical[0]!, input);
  const lexically = innermost(canonical, absolute) !== undefined;
  // A path outside every root may still name a file inside one through a link (an editor
  // opened under a symlinked folder): follow it once, then check where the file really is.
  let target = absolute;
  if (!lexically && !opts.noSymlinks) {
    try {
      target = fs.realpath(absolute);
    } catch {
      return refused('outside', `${show(input)} is outside the workspace folders; only files inside them are read.`);
    }
    if (innermost(canonical, target) === undefined) {
      return refused('outside', `${show(input)} is outside the workspace folders; only files inside them are read.`);
    }
  } else if (!lexically) {
    return refused('outside', `${show(input)} is outside the workspace folders; only files inside them are read.`);
  }

  let fd: number;
  try {
    fd = openNoFollow(fs, target, opts.noSymlinks === true);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      return refused('symlink', `${show(input)} is a symbolic link that leaves the workspace, or a link loop; it is not read.`);
    if (code === 'ENOENT' || code === 'ENOTDIR') return refused('missing', `${show(input)} does not exist.`);
    return refused('unreadable', `${show(input)} cannot be opened (${code ?? (err as Error).message}).`);
  }
  try {
    const opened = fs.fstat(fd);
    const where = openedPath(fs, fd, target, opened);
    if (where === undefined) {
      return refused('changed', `${show(input)} changed while it was being read (a folder on its path was replaced); it is not read.`);
    }
    const root = innermost(canonical, where);
    if (root === undefined) {
      return refused(
        'symlink',
        `${show(input)} resolves through a symbolic link to ${show(where)}, outside the workspace folders; it is not read.`,
      );
    }
    if (opts.noSymlinks && where !== absolute) {
      return refused('symlink', `${show(input)} goes through a symbolic link (to ${show(where)}); it is not read under this path.`);
    }
    const relative = path.relative(root, where).split(path.sep).join('/');
    if (!opts.allowGit && relative.split('/').some((seg) => seg.toLowerCase() === '.git')) {
      // Repository internals (a remote URL in .git/config may carry a token) are never context.
      return refused('git', `${show(input)} is inside a .git directory; Tandem does not read repository internals.`);
    }
    if (!opened.isFile()) return refused('not_file', `${show(input)} is not a regular file.`);
    if (opened.size > maxBytes) return refused('too_large', `${show(input)} is larger than ${maxBytes} bytes.`);
    const bytes = readAll(fs, fd, opened.size, maxBytes);
    if (bytes === undefined) return refused('too_large', `${show(input)} is larger than ${maxBytes} bytes.`);
    return { ok: true, realPath: where, root, relative, bytes, size: bytes.length, mtimeMs: opened.mtimeMs };
  } catch (err) {
    return refused('unreadable', `${show(input)} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  } finally {
    fs.close(fd);
  }
}

/**
 * Open without following a final symlink. A final symlink is followed once, by its
 * realpath, unless `strict` (the caller then refuses any link); `openedPath` checks
 * where the descriptor really is either way.
 */
function openNoFollow(fs: ReadFs, target: string, strict: boolean): number {
  try {
    return fs.open(target, READ_FLAGS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOOP' || strict) throw err;
    return fs.open(fs.realpath(target), READ_FLAGS);
  }
}

/**
 * Where the opened file is: the kernel's answer for the descriptor where it has one;
 * elsewhere the realpath of what was opened, accepted only when it names the same file
 * (device and inode) as the descriptor. Undefined when the file moved or was replaced.
 */
function openedPath(fs: ReadFs, fd: number, target: string, opened: FileIdentity): string | undefined {
  const fromKernel = fs.fdPath?.(fd);
  if (fromKernel !== undefined) return fromKernel.endsWith(' (deleted)') ? undefined : fromKernel;
  let real: string;
  let now: FileIdentity;
  try {
    real = fs.realpath(target);
    now = fs.stat(real);
  } catch {
    return undefined;
  }
  return now.dev === opened.dev && now.ino === opened.ino ? real : undefined;
}

/** The descriptor's content up to `maxBytes`; undefined when there is more (the file grew past it). */
function readAll(fs: ReadFs, fd: number, expected: number, maxBytes: number): Buffer | undefined {
  // One buffer of the size fstat reported (plus a byte to see the end), grown only if the file grew.
  let buffer = Buffer.allocUnsafe(Math.min(expected, maxBytes) + 1);
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      if (total > maxBytes) return undefined;
      const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
      buffer.copy(bigger, 0, 0, total);
      buffer = bigger;
    }
    const n = fs.read(fd, buffer, total, buffer.length - total);
    if (n === 0) break;
    total += n;
  }
  return total > maxBytes ? undefined : buffer.subarray(0, total);
}

/** The deepest of `roots` containing `target` (all absolute). */
function innermost(roots: readonly string[], target: string): string | undefined {
  let best: string | undefined;
  for (const r of roots) {
    const rel = path.relative(r, target);
    const inside = rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
    if (inside && (best === undefined || r.length > best.length)) best = r;
  }
  return best;
}
