// The checkout's better-sqlite3 addon, checked against the Node that runs quickstart (which is the Node that
// starts tandemd). `npm install` compiles it with node-gyp against the headers npm's `nodedir` names when that is
// set: Debian-style setups set `nodedir=/usr`, the system Node's headers, so with another Node first on PATH the
// addon is built for the wrong ABI and tandemd cannot open its database. Rebuilding with `--nodedir` set to the
// running Node's own headers (the official tarballs and the npm registry's node packages carry them) fixes it.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

/** Whether `node` (run in `cwd`) can load better-sqlite3 and open a database; stderr when it cannot. */
function probeAddon(node, cwd) {
  const r = spawnSync(node, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd, encoding: 'utf8' });
  if (r.error) return { ok: false, error: r.error.message };
  return r.status === 0 ? { ok: true } : { ok: false, error: (r.stderr || r.stdout || `exit ${r.status}`).trim() };
}

/** The install prefix of a Node executable when it carries its own C headers (`<prefix>/include/node/node.h`). */
function headersPrefix(execPath) {
  const prefix = dirname(dirname(execPath));
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

/** The Node version whose headers a `nodedir` holds ("20.19.2"), or undefined when it holds none. */
function headersVersion(nodedir) {
  for (const file of [join(nodedir, 'include', 'node', 'node_version.h'), join(nodedir, 'src', 'node_version.h')]) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const part = (name) => new RegExp(`#define\\s+NODE_${name}_VERSION\\s+(\\d+)`).exec(text)?.[1];
    const [major, minor, patch] = [part('MAJOR'), part('MINOR'), part('PATCH')];
    if (major !== undefined) return [major, minor ?? '0', patch ?? '0'].join('.');
  }
  return undefined;
}

/** The NODE_MODULE_VERSION an ABI error names for the addon and for the running Node, when it is one. */
function abiMismatch(error) {
  const m =
    /compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)\.[\s\S]*?requires\s+NODE_MODULE_VERSION (\d+)/.exec(
      error,
    );
  return m ? { built: Number(m[1]), running: Number(m[2]) } : undefined;
}

/**
 * Makes the checkout's addon load in the Node running this script, rebuilding it once if it was built for another
 * ABI. Tells the user what it finds and does through `say`; returns whether tandemd can start.
 */
function ensureSqliteAddon({ root, say, execPath = process.execPath, env = process.env, rebuild = defaultRebuild }) {
  const first = probeAddon(execPath, root);
  if (first.ok) return true;
  const version = nodeVersion(execPath);
  const abi = abiMismatch(first.error);
  if (!abi) {
    say(`better-sqlite3 does not load in ${execPath} (Node ${version}):\n${first.error}`);
    say('Fix: `npm rebuild better-sqlite3` with this Node first on PATH, then run quickstart again.');
    return false;
  }
  const configured = env.npm_config_nodedir;
  const from = configured ? headersVersion(configured) : undefined;
  say(
    `better-sqlite3's addon was built for NODE_MODULE_VERSION ${abi.built}, but this Node ${version} (${execPath}) is ${abi.running}` +
      (configured ? `: npm's nodedir=${configured} names ${from ? `Node ${from}'s` : 'other'} headers.` : '.'),
  );
  const own = headersPrefix(execPath);
  say(
    own
      ? `Rebuilding it against this Node's own headers (npm rebuild better-sqlite3 --nodedir=${own}).`
      : 'Rebuilding it for this Node (npm rebuild better-sqlite3; node-gyp fetches the headers).',
  );
  const status = rebuild({ root, execPath, env, nodedir: own });
  const second = status === 0 ? probeAddon(execPath, root) : { ok: false, error: `npm rebuild exited with ${status}` };
  if (second.ok) {
    say(`Rebuilt: better-sqlite3 now loads in Node ${version}.`);
    return true;
  }
  say(`The rebuild did not help: ${second.error}`);
  say(
    `Fix: run quickstart with the Node that built the addon first on PATH, or install Node ${version}'s headers` +
      ' and run `npm rebuild better-sqlite3 --nodedir=<its prefix>`.',
  );
  return false;
}

function nodeVersion(execPath) {
  if (execPath === process.execPath) return process.versions.node;
  const r = spawnSync(execPath, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'of unknown version';
}

function defaultRebuild({ root, execPath, env, nodedir }) {
  // npm's own CLI run by this Node, so node-gyp builds for it whatever `npm` on PATH would pick.
  const npmCli = env.npm_execpath && /npm-cli\.js$/.test(env.npm_execpath) ? env.npm_execpath : undefined;
  const args = ['rebuild', 'better-sqlite3', '--foreground-scripts', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
  const childEnv = { ...env };
  if (nodedir) childEnv.npm_config_nodedir = nodedir;
  const r = npmCli
    ? spawnSync(execPath, [npmCli, ...args], { cwd: root, stdio: 'inherit', env: childEnv })
    : spawnSync('npm', args, { cwd: root, stdio: 'inherit', env: childEnv, shell: process.platform === 'win32' });
  return r.status ?? 1;
}

module.exports = { abiMismatch, ensureSqliteAddon, headersPrefix, headersVersion, probeAddon };
