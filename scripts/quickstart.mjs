#!/usr/bin/env node
// `npm run quickstart`: after `npm install` and the build (done by the npm script),
// package the VSIX, install it into VS Code when a `code` CLI is on PATH, start tandemd
// in the background and run its doctor, then say what to do next.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureSqliteAddon } from './quickstart/sqlite-addon.cjs';

const root = resolve(import.meta.dirname, '..');
const home = process.env.TANDEM_HOME || join(homedir(), '.tandem');
const daemonJs = join(root, 'dist', 'daemon.js');
const say = (s) => process.stdout.write(`${s}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  return r.status ?? 1;
}

// tandemd below runs on this Node, so the checkout's better-sqlite3 must be built for its ABI (npm's nodedir may
// have pointed node-gyp at another Node's headers).
if (!ensureSqliteAddon({ root, say })) process.exit(1);

say('\n== Packaging the VS Code extension');
if (run('npm', ['run', '--silent', 'package']) !== 0) {
  say('Packaging failed; see the output above.');
  process.exit(1);
}
const vsix = readdirSync(root)
  .filter((f) => f.endsWith('.vsix'))
  .sort()
  .at(-1);
say(`Built ${vsix}`);

const codeCli = ['code', 'code-insiders', 'codium'].find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
if (codeCli && vsix) {
  say(`\n== Installing ${vsix} with \`${codeCli}\``);
  run(codeCli, ['--install-extension', join(root, vsix), '--force']);
} else {
  say(`\nNo \`code\` command on PATH: install the extension from VS Code with
  Extensions view → … menu → "Install from VSIX…" → ${join(root, vsix ?? 'tandem-*.vsix')}`);
}

say('\n== Starting tandemd');
mkdirSync(join(home, 'logs'), { recursive: true });
const log = openSync(join(home, 'logs', 'daemon.log'), 'a');
// As the extension starts it (extension/connection/daemon-process.ts): at most 2 glibc malloc arenas, ~50 MB less
// after indexing, a fixed mmap threshold (DAEMON_MALLOC_ENV: the heap gives back what the index workers freed), and V8's heap sized for memory (DAEMON_V8_FLAGS: on Node 24 about half the RSS after indexing).
const child = spawn(process.execPath, ['--optimize-for-size', daemonJs, 'serve'], {
  detached: true,
  stdio: ['ignore', 'pipe', log],
  env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '1048576', ...process.env },
});
const first = await new Promise((res) => {
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    if (buf.includes('\n')) res(JSON.parse(buf.slice(0, buf.indexOf('\n'))));
  });
  child.on('exit', (code) => res({ event: 'exited', code }));
});
child.stdout.destroy();
child.unref();
if (first.event === 'listening')
  say(`tandemd ${first.version} is running (pid ${first.pid}, port ${first.port}); logs in ${join(home, 'logs', 'daemon.log')}`);
else if (first.event === 'already-running') say(`tandemd is already running (pid ${first.pid}, port ${first.port}).`);
else {
  say(`tandemd did not start (exit ${first.code}); see ${join(home, 'logs', 'daemon.log')}:`);
  if (existsSync(join(home, 'logs', 'daemon.log')))
    say(
      readFileSync(join(home, 'logs', 'daemon.log'), 'utf8')
        .split('\n')
        .slice(-15)
        .join('\n'),
    );
  process.exit(1);
}

say('\n== Doctor');
const doctor = run(process.execPath, [daemonJs, 'doctor']);
say(
  doctor === 0
    ? '\nTandem is ready. Open a code file in VS Code and start typing; ghost text appears as you pause.'
    : '\nTandem is running, but completions need the fixes listed above (typically: start Ollama and pull the models).',
);
