/**
 * Why a native addon (better-sqlite3's) did not load, as a cause and a fix a user can
 * act on: built for another Node ABI (and which runtime ran it), missing, built for
 * another platform, or needing a newer C library. A folder that is not writable is a
 * different failure with a different message; this never says so.
 *
 * What to do depends on how tandemd was installed: from a VSIX it has a bundled runtime
 * next to it (protocol/runtime.ts) and should run on it; from a clone the addon is the
 * one `npm install` built for the developer's Node.
 */
import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundledNodePath, readRuntimeManifest } from '../../protocol/runtime';

export interface RuntimeFacts {
  /** The executable running tandemd, its version (with the v) and NODE_MODULE_VERSION. */
  execPath: string;
  node: string;
  modules: string;
  platform: string;
  arch: string;
  /** The runtime a VSIX install carries next to tandemd; absent in a clone. */
  bundled?: { path: string; node?: string; modules?: string; glibc?: string };
}

/** NODE_MODULE_VERSION → Node.js major, for the releases users meet. */
const abiMajors: Record<string, number> = { '108': 18, '115': 20, '127': 22, '131': 23, '137': 24, '141': 25 };

function abiName(modules: string): string {
  const major = abiMajors[modules];
  return major ? `NODE_MODULE_VERSION ${modules}, i.e. Node ${major}` : `NODE_MODULE_VERSION ${modules}`;
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/**
 * The facts of this process. `entry` is the script that started it (dist/daemon.js or
 * bin/tandemd, both one level below the package root).
 */
export function currentRuntimeFacts(entry: string | undefined = process.argv[1]): RuntimeFacts {
  const facts: RuntimeFacts = {
    execPath: process.execPath,
    node: process.version,
    modules: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
  };
  if (!entry) return facts;
  let root: string;
  try {
    root = resolve(dirname(realpathSync(entry)), '..');
  } catch {
    return facts;
  }
  const manifest = readRuntimeManifest(root);
  if (!manifest) return facts;
  return { ...facts, bundled: { path: bundledNodePath(root), node: manifest.node, modules: manifest.modules, glibc: manifest.glibc } };
}

export interface NativeLoadDiagnosis {
  cause: string;
  fix: string;
}

function messageOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.join('\n');
}

/** The advice when the addon and the runtime do not match, by how tandemd was installed. */
function mismatchFix(rt: RuntimeFacts): string {
  const platform = `${rt.platform}-${rt.arch}`;
  if (rt.bundled && !samePath(rt.execPath, rt.bundled.path)) {
    const which = rt.bundled.node ? `Node ${rt.bundled.node}, ` : '';
    return `Run tandemd on the Node.js that comes with Tandem (${which}${rt.bundled.path}): clear the "tandem.daemon.nodePath" setting and run "Tandem: Restart Daemon".`;
  }
  if (rt.bundled)
    return `This Tandem installation does not match its own runtime: reinstall the Tandem extension (the VSIX for ${platform}).`;
  return `Rebuild it for the Node that runs tandemd: \`npm rebuild better-sqlite3\` in the Tandem checkout with ${rt.execPath} (${rt.node}) first on PATH, or run tandemd with the Node that ran \`npm install\`.`;
}

/** A diagnosis when `err` is a native addon that failed to load, else undefined. */
export function diagnoseNativeLoad(err: unknown, rt: RuntimeFacts): NativeLoadDiagnosis | undefined {
  const text = messageOf(err);
  const runtime = `${rt.execPath} (Node ${rt.node}, NODE_MODULE_VERSION ${rt.modules})`;

  const abi = /The module '([^']+)'\s+was compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)/.exec(text);
  if (abi) {
    return {
      cause: `better-sqlite3's native addon ${abi[1]} was built for another Node.js ABI (${abiName(abi[2]!)}), but tandemd runs on ${runtime}.`,
      fix: mismatchFix(rt),
    };
  }
  if (/Could not locate the bindings file/.test(text)) {
    return {
      cause: `better-sqlite3's native addon (better_sqlite3.node) is missing for ${runtime} on ${rt.platform}-${rt.arch}.`,
      fix: rt.bundled
        ? `Reinstall the Tandem extension (the VSIX for ${rt.platform}-${rt.arch}).`
        : '`npm rebuild better-sqlite3` in the Tandem checkout (it compiles with python3, make and a C++ compiler).',
    };
  }
  const libc = /version [`']((GLIBC|GLIBCXX|CXXABI)_[\d.]+)' not found/.exec(text);
  if (libc) {
    const floor = rt.bundled?.glibc ? ` This Tandem build needs glibc ${rt.bundled.glibc} or later.` : '';
    return {
      cause: `better-sqlite3's native addon needs ${libc[1]} from the system's C/C++ library, which this machine's is too old to provide.${floor}`,
      fix: rt.bundled
        ? 'Use a Tandem VSIX built on an older Linux (docs/packaging.md), or a newer Linux distribution on this machine.'
        : '`npm rebuild better-sqlite3` on this machine, so that it links against its own C library.',
    };
  }
  if (
    /invalid ELF header|wrong ELF class|ELFCLASS\d+|not a valid Win32 application|wrong architecture|incompatible architecture|Exec format error/i.test(
      text,
    )
  ) {
    return {
      cause: `better-sqlite3's native addon was built for another operating system or CPU than this ${rt.platform}-${rt.arch} machine.`,
      fix: rt.bundled
        ? `Install the Tandem VSIX built for ${rt.platform}-${rt.arch}.`
        : '`npm rebuild better-sqlite3` in the Tandem checkout on this machine.',
    };
  }
  if (/ERR_DLOPEN_FAILED|\.node: (?:cannot open shared object|undefined symbol)|better_sqlite3\.node/.test(text)) {
    const first = text.split('\n')[0]!.trim();
    return { cause: `better-sqlite3's native addon did not load in ${runtime}: ${first}`, fix: mismatchFix(rt) };
  }
  return undefined;
}
