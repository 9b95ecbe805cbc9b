/**
 * Path safety for proposed edits, shared by the daemon (which refuses unsafe plan
 * steps and edit blocks) and the extension (which checks again before building the
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
import { realpathSync, lstatSync } from 'node:fs';
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
