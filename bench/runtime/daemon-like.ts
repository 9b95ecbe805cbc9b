/**
 * Run a benchmark the way tandemd runs: re-executes the calling script once in a child with
 * the daemon's V8 flags and malloc settings (extension/connection/daemon-process.ts), on
 * the developer's Node or, with `runtime: 'bundled'`, on the runtime the VSIX ships (fetched
 * and its better-sqlite3 addon built into `.runtime-cache/` as `npm run package` does; the
 * first time takes a minute or two). Returns false in the child, which then runs the benchmark.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { DAEMON_MALLOC_ENV, DAEMON_V8_FLAGS } from '../../extension/connection/daemon-process';
import { bundledNodeVersion, fetchNodePackage, hostTarget, nodeBinaryIn, nodePackageName } from '../../scripts/runtime/node-release';
import { buildSqliteAddon } from '../../scripts/runtime/sqlite-addon';

export type BenchRuntime = 'current' | 'bundled';

export interface RuntimeReport {
  runtime: BenchRuntime;
  node: string;
  v8Flags: string[];
  /** The glibc malloc settings of DAEMON_MALLOC_ENV as the child has them. */
  malloc: Record<string, string>;
}

const CHILD = 'TANDEM_BENCH_DAEMON_LIKE';

/** What the child runs with (for the benchmark's report). */
export function runtimeReport(): RuntimeReport {
  return {
    runtime: (process.env[CHILD] as BenchRuntime | undefined) ?? 'current',
    node: process.version,
    v8Flags: process.execArgv.filter((a) => a.startsWith('--') && !a.startsWith('--require') && !a.startsWith('--import')),
    malloc: Object.fromEntries(Object.keys(DAEMON_MALLOC_ENV).map((k) => [k, process.env[k] ?? 'glibc default'])),
  };
}

/**
 * In the parent: run this script again in a daemon-like child and exit with its status.
 * `v8Flags` undefined: the daemon's own.
 */
export async function reexecDaemonLike(opts: { runtime: BenchRuntime; v8Flags?: string[] }): Promise<boolean> {
  if (process.env[CHILD]) return false;
  let command = process.execPath;
  const env: NodeJS.ProcessEnv = { ...process.env, [CHILD]: opts.runtime };
  const preload: string[] = [];
  if (process.platform === 'linux') for (const [k, v] of Object.entries(DAEMON_MALLOC_ENV)) env[k] ??= v;
  if (opts.runtime === 'bundled') {
    const root = resolve(__dirname, '..', '..');
    const cacheDir = process.env.TANDEM_RUNTIME_CACHE ?? join(root, '.runtime-cache');
    const version = bundledNodeVersion();
    const node = await fetchNodePackage({ name: nodePackageName(hostTarget()), version, cacheDir });
    const addon = await buildSqliteAddon({ nodeDir: node.dir, nodeVersion: version, arch: process.arch, cacheDir });
    command = nodeBinaryIn(node.dir);
    env.TANDEM_BENCH_SQLITE_ADDON = addon.file;
    preload.push('--require', join(__dirname, 'sqlite-redirect.cjs'));
  }
  const flags = opts.v8Flags ?? [...DAEMON_V8_FLAGS];
  const r = spawnSync(command, [...process.execArgv, ...preload, ...flags, ...process.argv.slice(1)], { stdio: 'inherit', env });
  if (r.error) throw r.error;
  process.exit(r.status ?? 1);
}
