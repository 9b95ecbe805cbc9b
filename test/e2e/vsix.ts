/**
 * The built VSIX, shared by the packaging test and the end-to-end harness: where
 * `npm run package` puts it, whether it is older than its inputs, building it, and
 * listing its entries (a VSIX is a zip; the extension's files are under `extension/`).
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import yauzl from 'yauzl';
import { fetchNodePackage, hostTarget, nodeBinaryIn, nodePackageName } from '../../scripts/runtime/node-release';

export const repoRoot = resolve(__dirname, '..', '..');

/**
 * The VS Code platform target to package for: `TANDEM_VSIX_TARGET`, else the host's
 * (`linux-x64`, `alpine-x64` on musl, `darwin-arm64`, `win32-x64`, ...), as
 * scripts/package-vsix.ts computes it.
 */
export function vsixTarget(env: NodeJS.ProcessEnv = process.env): string {
  return env.TANDEM_VSIX_TARGET?.trim() || hostTarget();
}

/**
 * A Node of another major than the runtime the VSIX carries, as users have first on PATH:
 * the packaging test and the end-to-end suite start Tandem with it around.
 */
export const OTHER_NODE_VERSION = '22.23.5';

/** That Node's executable, from the npm registry's Node package for this machine (cached in .runtime-cache/). */
export async function otherMajorNode(): Promise<string> {
  const pkg = await fetchNodePackage({
    name: nodePackageName(hostTarget()),
    version: OTHER_NODE_VERSION,
    cacheDir: process.env.TANDEM_RUNTIME_CACHE ?? join(repoRoot, '.runtime-cache'),
  });
  return nodeBinaryIn(pkg.dir);
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function vsixPath(target = vsixTarget()): string {
  return join(repoRoot, `tandem-${packageVersion()}-${target}.vsix`);
}

/** Everything whose change makes a built VSIX stale. */
const inputs = [
  'extension',
  'daemon',
  'protocol',
  'webview-ui',
  'package.json',
  'package-lock.json',
  '.vscodeignore',
  'esbuild.config.mjs',
  'scripts/package-vsix.ts',
  'scripts/runtime',
  'README.md',
  'LICENSE',
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True if the VSIX exists and is newer than every source it is built from. */
export function vsixIsFresh(file = vsixPath()): boolean {
  if (!existsSync(file)) return false;
  const built = statSync(file).mtimeMs;
  return inputs.every((p) => newestMtime(join(repoRoot, p)) <= built);
}

export interface BuildOptions {
  /** Where the output of `npm run package` goes (it is long). */
  logFile: string;
  /** Kill the build after this long. */
  timeoutMs: number;
}

/** Runs `npm run package` and resolves to the VSIX path; rejects with the log's tail on failure. */
export async function buildVsix(opts: BuildOptions): Promise<string> {
  mkdirSync(resolve(opts.logFile, '..'), { recursive: true });
  const fd = openSync(opts.logFile, 'w');
  try {
    const code = await new Promise<number | string>((done) => {
      const child = spawn('npm', ['run', 'package'], { cwd: repoRoot, stdio: ['ignore', fd, fd], env: process.env });
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
      child.once('error', (err) => done(err.message));
      child.once('exit', (c, signal) => {
        clearTimeout(timer);
        done(c ?? `killed by ${signal ?? 'a signal'} (timeout ${opts.timeoutMs} ms?)`);
      });
    });
    const file = vsixPath();
    if (code !== 0 || !existsSync(file)) {
      const log = readFileSync(opts.logFile, 'utf8');
      throw new Error(`npm run package failed (${code}); see ${opts.logFile}:\n${log.slice(-4000)}`);
    }
    return file;
  } finally {
    closeSync(fd);
  }
}

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding an exclusive lock (a directory, created atomically, with the
 * holder's pid inside), so that test processes sharing this checkout never build
 * dist/ and the VSIX at the same time. A lock whose holder died is taken over.
 */
async function withBuildLock<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const lock = join(repoRoot, '.e2e-cache', 'vsix-build.lock');
  mkdirSync(resolve(lock, '..'), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // Between the holder's mkdir and its pid write: wait.
      }
      if (Number.isInteger(holder) && !alive(holder)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`another process (pid ${holder}) has been building the VSIX for too long; remove ${lock} if it is gone`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The fresh VSIX, built if missing or stale (`TANDEM_E2E_VSIX=path` uses that file as is). */
export async function ensureVsix(opts: BuildOptions): Promise<string> {
  const given = process.env.TANDEM_E2E_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`TANDEM_E2E_VSIX=${given} does not exist`);
    return resolve(given);
  }
  // Under the lock even when fresh: a VSIX being written by another process looks fresh too.
  return withBuildLock(opts.timeoutMs * 2, async () => (vsixIsFresh() ? vsixPath() : buildVsix(opts)));
}

export interface VsixEntry {
  name: string;
  size: number;
  /** Compressed size in the zip. */
  compressedSize: number;
  /** Unix permission bits (0 when the zip does not say). */
  mode: number;
}

function modeOf(entry: yauzl.Entry): number {
  return (entry.externalFileAttributes >>> 16) & 0o777;
}

/** Every file entry of the zip (directories left out). */
export function listVsix(file: string): Promise<VsixEntry[]> {
  return new Promise((done, fail) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err) return fail(err);
      const entries: VsixEntry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/'))
          entries.push({ name: entry.fileName, size: entry.uncompressedSize, compressedSize: entry.compressedSize, mode: modeOf(entry) });
        zip.readEntry();
      });
      zip.once('end', () => done(entries));
      zip.once('error', fail);
      zip.readEntry();
    });
  });
}

/** Extracts every entry under `prefix` (e.g. `extension/`) into `dir`, keeping paths and modes, as VS Code does. */
export function extractVsix(file: string, dir: string, prefix = 'extension/'): Promise<void> {
  return new Promise((done, fail) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err) return fail(err);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/') || !entry.fileName.startsWith(prefix)) {
          zip.readEntry();
          return;
        }
        const dest = join(dir, entry.fileName.slice(prefix.length));
        if (!resolve(dest).startsWith(resolve(dir) + '/')) return fail(new Error(`unsafe zip entry ${entry.fileName}`));
        mkdirSync(resolve(dest, '..'), { recursive: true });
        zip.openReadStream(entry, (e, stream) => {
          if (e) return fail(e);
          const out = createWriteStream(dest, { mode: modeOf(entry) || 0o644 });
          out.once('error', fail);
          out.once('finish', () => zip.readEntry());
          stream.pipe(out);
        });
      });
      zip.once('end', () => done());
      zip.once('error', fail);
      zip.readEntry();
    });
  });
}

/** The text of one entry (e.g. `extension.vsixmanifest`). */
export function readVsixEntry(file: string, name: string): Promise<string> {
  return new Promise((done, fail) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err) return fail(err);
      let found = false;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) {
          zip.readEntry();
          return;
        }
        found = true;
        zip.openReadStream(entry, (e, stream) => {
          if (e) return fail(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.once('error', fail);
          stream.once('end', () => {
            zip.close();
            done(Buffer.concat(chunks).toString('utf8'));
          });
        });
      });
      zip.once('end', () => {
        if (!found) fail(new Error(`${name} is not in ${file}`));
      });
      zip.once('error', fail);
      zip.readEntry();
    });
  });
}
