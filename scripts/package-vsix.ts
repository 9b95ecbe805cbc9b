/**
 * `npm run package`: the platform VSIX for this machine, carrying the runtime tandemd
 * runs on.
 *
 * 1. The production build (esbuild.config.mjs --production).
 * 2. The pinned Node.js release for the target from the npm registry's per-platform
 *    package (scripts/runtime/node-release.ts), and better-sqlite3 compiled against its
 *    headers (scripts/runtime/sqlite-addon.ts), both cached in `.runtime-cache/`
 *    (`TANDEM_RUNTIME_CACHE` elsewhere). The runtime must run here and load the addon.
 * 3. `vsce package --target <target>` packs what .vscodeignore allows: the bundles and the
 *    daemon's externals, without the developer's better-sqlite3 addon.
 * 4. The VSIX is rewritten with `extension/runtime/` (node, its LICENSE, runtime.json)
 *    and the runtime's better-sqlite3 addon added, then its size is checked: at most
 *    120 MB, or the build fails. On Linux the two largest binaries, the node executable
 *    and LanceDB's addon, go in without their static symbol tables (`strip`; ~8 MB less
 *    compressed, code and dynamic symbols untouched) when binutils' strip is installed.
 *
 * The target is the host's; `TANDEM_VSIX_TARGET` may name it but not another platform,
 * since the addon compiles for the machine that builds it (docs/packaging.md).
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, createWriteStream, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { RUNTIME_DIR, type RuntimeManifest } from '../protocol/runtime';
import { bundledNodeVersion, fetchNodePackage, hostTarget, nodeBinaryIn, nodePackageName } from './runtime/node-release';
import { buildSqliteAddon } from './runtime/sqlite-addon';

const root = resolve(__dirname, '..');
/** The most a VSIX may weigh (decimal megabytes, the stricter reading of "120 MB"). */
export const MAX_VSIX_BYTES = 120_000_000;
/** The entry vsce leaves out (.vscodeignore) and this script adds, built for the bundled runtime. */
export const SQLITE_ADDON_ENTRY = 'extension/node_modules/better-sqlite3/build/Release/better_sqlite3.node';

const say = (line: string) => void process.stdout.write(`[package] ${line}\n`);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function run(cmd: string, args: string[], opts: { cwd?: string; inherit?: boolean } = {}): Promise<string> {
  return new Promise((done, fail) => {
    if (opts.inherit) {
      const child = spawn(cmd, args, { cwd: opts.cwd ?? root, stdio: 'inherit' });
      child.once('error', fail);
      child.once('exit', (code) => (code === 0 ? done('') : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
      return;
    }
    execFile(cmd, args, { cwd: opts.cwd ?? root, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`)) : done(stdout),
    );
  });
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Linux: the newest GLIBC_x.y symbol version the given ELF files import, i.e. the oldest
 * glibc they load on (from `objdump -T`; undefined without binutils or off Linux).
 */
async function glibcFloor(files: string[]): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  let newest: string | undefined;
  for (const file of files) {
    let dump: string;
    try {
      dump = await run('objdump', ['-T', file]);
    } catch {
      return undefined;
    }
    for (const m of dump.matchAll(/\(GLIBC_(\d+(?:\.\d+)*)\)/g)) {
      if (!newest || compareVersions(m[1]!, newest) > 0) newest = m[1]!;
    }
  }
  return newest;
}

/**
 * A copy of `file` in `dir` without the symbols nothing links against (`strip
 * --strip-unneeded`: the static symbol table and debug sections go, the dynamic symbols that
 * N-API addons and the loader resolve stay), or undefined where
 * binutils' strip is not installed (the file then goes in as it is) or not on Linux.
 */
async function strippedCopy(file: string, dir: string): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  const out = join(dir, `stripped-${basename(file)}`);
  try {
    await run('strip', ['--strip-unneeded', '-o', out, file]);
    chmodSync(out, statSync(file).mode & 0o777);
    return out;
  } catch (err) {
    say(`not stripping ${basename(file)}: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** The LanceDB platform addons npm installed (e.g. @lancedb/lancedb-linux-x64-gnu/*.node). */
function lancedbAddons(): string[] {
  // LanceDB's exports map hides package.json; its main file sits in <scope>/lancedb/dist/.
  const scope = resolve(dirname(require.resolve('@lancedb/lancedb')), '..', '..');
  return readdirSync(scope)
    .filter((d) => d.startsWith('lancedb-'))
    .flatMap((d) =>
      readdirSync(join(scope, d))
        .filter((f) => f.endsWith('.node'))
        .map((f) => join(scope, d, f)),
    );
}

interface AddedEntry {
  path: string;
  mode: number;
  file?: string;
  buffer?: Buffer;
}

/**
 * Copies every entry of the zip `from` into `to` (same names, modes, times and
 * compression) and appends `added`. Refuses if an added path is already there.
 */
function rewriteVsix(from: string, to: string, added: AddedEntry[], replaced = new Map<string, string>()): Promise<void> {
  return new Promise((done, fail) => {
    yauzl.open(from, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err) return fail(err);
      const out = new yazl.ZipFile();
      const sink = createWriteStream(to);
      sink.once('error', fail);
      sink.once('finish', () => done());
      out.outputStream.once('error', fail);
      out.outputStream.pipe(sink);
      const wanted = new Set(added.map((a) => a.path));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (wanted.has(entry.fileName)) {
          zip.close();
          return fail(new Error(`${entry.fileName} is already in the vsce output; .vscodeignore must leave it out`));
        }
        if (entry.fileName.endsWith('/')) {
          zip.readEntry();
          return;
        }
        const mode = entry.externalFileAttributes >>> 16;
        const replacement = replaced.get(entry.fileName);
        if (replacement) {
          out.addFile(replacement, entry.fileName, { mtime: entry.getLastModDate(), ...(mode ? { mode } : {}) });
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e) return fail(e);
          out.addReadStream(stream, entry.fileName, {
            mtime: entry.getLastModDate(),
            compress: entry.compressionMethod !== 0,
            ...(mode ? { mode } : {}),
          });
          zip.readEntry();
        });
      });
      zip.once('end', () => {
        for (const a of added) {
          if (a.file) out.addFile(a.file, a.path, { mode: 0o100000 | a.mode });
          else out.addBuffer(a.buffer ?? Buffer.alloc(0), a.path, { mode: 0o100000 | a.mode });
        }
        out.end();
      });
      zip.once('error', fail);
      zip.readEntry();
    });
  });
}

async function main(): Promise<void> {
  const host = hostTarget();
  const target = process.env.TANDEM_VSIX_TARGET?.trim() || host;
  if (target !== host) {
    throw new Error(
      `TANDEM_VSIX_TARGET=${target}, but this machine is ${host}: the VSIX's native addon compiles for the machine that builds it. Build the ${target} VSIX on a ${target} machine (docs/packaging.md).`,
    );
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const cacheDir = process.env.TANDEM_RUNTIME_CACHE ?? join(root, '.runtime-cache');

  say('production build');
  await run(process.execPath, ['esbuild.config.mjs', '--production'], { inherit: true });

  const version = bundledNodeVersion();
  const name = nodePackageName(target);
  say(`runtime: ${name}@${version} from the npm registry (cache ${cacheDir})`);
  const node = await fetchNodePackage({ name, version, cacheDir });
  const nodeBin = nodeBinaryIn(node.dir);
  say(`better-sqlite3 against Node ${version}'s headers (cached after the first build, ~80 s)`);
  const addon = await buildSqliteAddon({ nodeDir: node.dir, nodeVersion: version, arch: process.arch, cacheDir });

  // The runtime must run on this machine, be the pinned release, and load the addon.
  const probe = JSON.parse(
    await run(nodeBin, [
      '-e',
      `const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(addon.file)}); console.log(JSON.stringify({ node: process.versions.node, modules: process.versions.modules, sqlite: typeof m.exports.Database }))`,
    ]),
  ) as { node: string; modules: string; sqlite: string };
  if (probe.node !== version) throw new Error(`${nodeBin} is Node ${probe.node}, expected ${version}`);
  if (probe.sqlite !== 'function') throw new Error(`${addon.file} loaded in Node ${version} but exports no Database class`);

  const glibc = await glibcFloor([nodeBin, addon.file, ...lancedbAddons()]);

  const manifest: RuntimeManifest = {
    node: version,
    modules: probe.modules,
    package: `${name}@${version}`,
    integrity: node.integrity,
    target,
    betterSqlite3: addon.version,
    ...(glibc ? { glibc } : {}),
  };

  const work = mkdtempSync(join(tmpdir(), 'tandem-package-'));
  try {
    const packed = join(work, 'vsce.vsix');
    say(`vsce package --target ${target}`);
    const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
    await run(
      process.execPath,
      [vsce, 'package', '--target', target, '--out', packed, '--allow-missing-repository', '--no-rewrite-relative-links'],
      {
        inherit: true,
      },
    );
    const before = statSync(packed).size;
    const out = join(root, `tandem-${pkg.version}-${target}.vsix`);
    const binary = process.platform === 'win32' ? 'node.exe' : 'node';
    say(
      `adding ${RUNTIME_DIR}/bin/${binary} (Node ${version}, NODE_MODULE_VERSION ${probe.modules}) and its better-sqlite3 ${addon.version} addon`,
    );
    const shippedNode = (await strippedCopy(nodeBin, work)) ?? nodeBin;
    if (shippedNode !== nodeBin) {
      const stripped = JSON.parse(
        await run(shippedNode, [
          '-e',
          `const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(addon.file)}); console.log(JSON.stringify(process.versions.node))`,
        ]),
      ) as string;
      if (stripped !== version) throw new Error(`the stripped ${binary} reports Node ${stripped}, expected ${version}`);
    }
    const replaced = new Map<string, string>();
    for (const lance of lancedbAddons()) {
      const copy = await strippedCopy(lance, work);
      if (copy) replaced.set(`extension/${relative(root, lance).split('\\').join('/')}`, copy);
    }
    await rewriteVsix(
      packed,
      `${out}.tmp`,
      [
        { path: `extension/${RUNTIME_DIR}/bin/${binary}`, file: shippedNode, mode: 0o755 },
        { path: `extension/${RUNTIME_DIR}/LICENSE`, file: join(node.dir, 'LICENSE'), mode: 0o644 },
        { path: `extension/${RUNTIME_DIR}/runtime.json`, buffer: Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), mode: 0o644 },
        { path: SQLITE_ADDON_ENTRY, file: addon.file, mode: 0o755 },
      ],
      replaced,
    );
    renameSync(`${out}.tmp`, out);
    const size = statSync(out).size;
    say(`${out}: ${mb(size)} (without the runtime ${mb(before)}; limit ${mb(MAX_VSIX_BYTES)})${glibc ? `; needs glibc ${glibc}+` : ''}`);
    if (size > MAX_VSIX_BYTES) {
      rmSync(out, { force: true });
      throw new Error(`the VSIX is ${mb(size)}, over the ${mb(MAX_VSIX_BYTES)} limit; see docs/packaging.md`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`[package] failed: ${(err as Error).message ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
