/**
 * better-sqlite3's native addon compiled against the bundled runtime's own headers
 * (`include/node` inside the npm Node package), so its NODE_MODULE_VERSION is exactly the
 * runtime's. The copy in node_modules stays built for the developer's Node (the tests
 * run on it); this one is a separate build from the same sources (better-sqlite3 ships
 * its C++ and SQLite's amalgamation), with node-gyp and `--nodedir`. Nothing is
 * downloaded: prebuilt binaries are never used. Needs python3, make and a C++ compiler
 * (the same as `npm install` does for the developer's copy).
 *
 * The result is cached under `cacheDir` by better-sqlite3 version, Node version and
 * platform; a build takes about 80 s on two cores.
 */
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface SqliteAddonBuild {
  /** The compiled `better_sqlite3.node`. */
  file: string;
  /** better-sqlite3's version (its JavaScript in node_modules must be the same). */
  version: string;
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

export async function buildSqliteAddon(opts: {
  /** The extracted Node package (holds include/node/common.gypi). */
  nodeDir: string;
  nodeVersion: string;
  arch: string;
  cacheDir: string;
}): Promise<SqliteAddonBuild> {
  const source = packageDir('better-sqlite3');
  const version = (JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string }).version;
  const key = `better-sqlite3-${version}-node-${opts.nodeVersion}-${process.platform}-${opts.arch}`;
  const file = join(opts.cacheDir, key, 'better_sqlite3.node');
  if (existsSync(file)) return { file, version };
  if (!existsSync(join(opts.nodeDir, 'include', 'node', 'node_api.h'))) {
    throw new Error(`${opts.nodeDir} has no include/node headers; cannot compile better-sqlite3 against it`);
  }
  mkdirSync(opts.cacheDir, { recursive: true });
  const work = mkdtempSync(join(opts.cacheDir, `.${key}-`));
  const logFile = join(opts.cacheDir, `${key}.build.log`);
  try {
    for (const entry of ['package.json', 'binding.gyp', 'src', 'deps']) cpSync(join(source, entry), join(work, entry), { recursive: true });
    const nodeGyp = join(packageDir('node-gyp'), 'bin', 'node-gyp.js');
    const log = openSync(logFile, 'w');
    const code = await new Promise<number | string>((done) => {
      const child = spawn(
        process.execPath,
        [nodeGyp, 'rebuild', '--release', `--nodedir=${opts.nodeDir}`, `--arch=${opts.arch}`, '--jobs=max'],
        { cwd: work, stdio: ['ignore', log, log], env: withoutNpmConfig(process.env) },
      );
      child.once('error', (err) => done(err.message));
      child.once('exit', (c, signal) => done(c ?? `killed by ${signal}`));
    });
    closeSync(log);
    const built = join(work, 'build', 'Release', 'better_sqlite3.node');
    if (code !== 0 || !existsSync(built)) {
      const tail = readFileSync(logFile, 'utf8').slice(-3000);
      throw new Error(`compiling better-sqlite3 ${version} for Node ${opts.nodeVersion} failed (${code}); see ${logFile}:\n${tail}`);
    }
    mkdirSync(dirname(file), { recursive: true });
    copyFileSync(built, `${file}.tmp`);
    renameSync(`${file}.tmp`, file);
    return { file, version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** node-gyp reads these from an outer `npm run`; any of them would build for another runtime than `--nodedir`. */
const redirecting = /^npm_config_(target|target_arch|arch|runtime|disturl|dist_url|nodedir|build_from_source)$/i;

function withoutNpmConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !redirecting.test(k)));
}
