/**
 * quickstart's check of the checkout's better-sqlite3 addon (scripts/quickstart/sqlite-addon.cjs): tandemd runs on
 * the Node that runs quickstart, and npm's `nodedir` can make `npm install` build the addon against another Node's
 * headers. A "node" here is a shell script that fails the way Node does on an ABI mismatch until a rebuild has run.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { abiMismatch, ensureSqliteAddon, headersPrefix, headersVersion, probeAddon } from '../../scripts/quickstart/sqlite-addon.cjs';

const ABI_ERROR = `Error: The module '/x/node_modules/better-sqlite3/build/Release/better_sqlite3.node'
was compiled against a different Node.js version using
NODE_MODULE_VERSION 115. This version of Node.js requires
NODE_MODULE_VERSION 127. Please try re-compiling or re-installing`;

const root = resolve(__dirname, '..', '..');

describe('quickstart: the checkout addon for the Node that runs tandemd', function () {
  if (process.platform === 'win32') return;
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tandem-qs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A Node install prefix whose bin/node reports `version`, failing with `error` until `fixed` exists. */
  function fakeNode(opts: { headers: boolean; error?: string }) {
    const prefix = join(dir, 'node-22');
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    if (opts.headers) {
      mkdirSync(join(prefix, 'include', 'node'), { recursive: true });
      writeFileSync(join(prefix, 'include', 'node', 'node.h'), '');
    }
    const fixed = join(dir, 'fixed');
    const errFile = join(dir, 'error.txt');
    writeFileSync(errFile, opts.error ?? ABI_ERROR);
    const node = join(prefix, 'bin', 'node');
    writeFileSync(
      node,
      `#!/bin/sh\nif [ "$1" = "-p" ]; then echo 22.23.5; exit 0; fi\nif [ -f '${fixed}' ]; then exit 0; fi\ncat '${errFile}' >&2\nexit 1\n`,
    );
    chmodSync(node, 0o755);
    return { prefix, node, fixed };
  }

  /** A nodedir holding the headers of Node `version` ("20.19.2"). */
  function headersAt(nodedir: string, version: string): void {
    const [major, minor, patch] = version.split('.');
    mkdirSync(join(nodedir, 'include', 'node'), { recursive: true });
    writeFileSync(
      join(nodedir, 'include', 'node', 'node_version.h'),
      `#define NODE_MAJOR_VERSION ${major}\n#define NODE_MINOR_VERSION ${minor}\n#define NODE_PATCH_VERSION ${patch}\n`,
    );
  }

  /** ensureSqliteAddon with what it says collected. */
  function ensure(opts: Omit<Parameters<typeof ensureSqliteAddon>[0], 'say'>): { ok: boolean; said: string } {
    const lines: string[] = [];
    const ok = ensureSqliteAddon({ ...opts, say: (line: string) => lines.push(line) });
    return { ok, said: lines.join('\n') };
  }

  it('reads the ABIs out of the error Node gives for an addon built for another version', () => {
    assert.deepEqual(abiMismatch(ABI_ERROR), { built: 115, running: 127 });
    assert.equal(abiMismatch('Error: Cannot find module better-sqlite3'), undefined);
  });

  it('names the Node whose headers a nodedir holds, and finds a Node prefix that carries its own', () => {
    headersAt(dir, '20.19.2');
    assert.equal(headersVersion(dir), '20.19.2');
    assert.equal(headersVersion(join(dir, 'nothing')), undefined);
    const { prefix, node } = fakeNode({ headers: true });
    assert.equal(headersPrefix(node), prefix);
    rmSync(join(prefix, 'include'), { recursive: true });
    assert.equal(headersPrefix(node), undefined);
  });

  it('leaves an addon that loads alone (the Node running these tests, this checkout)', () => {
    assert.equal(probeAddon(process.execPath, root).ok, true);
    let rebuilt = false;
    const { ok, said } = ensure({ root, rebuild: () => ((rebuilt = true), 0) });
    assert.equal(ok, true);
    assert.equal(rebuilt, false);
    assert.equal(said, '');
  });

  it('rebuilds an addon built for another ABI against the running Node own headers, and says why', () => {
    const { prefix, node, fixed } = fakeNode({ headers: true });
    const hdrs = join(dir, 'usr');
    headersAt(hdrs, '20.20.2');
    const calls: { nodedir?: string; execPath: string }[] = [];
    const { ok, said: text } = ensure({
      root: dir,
      execPath: node,
      env: { npm_config_nodedir: hdrs },
      rebuild: (o: { nodedir?: string; execPath: string }) => {
        calls.push({ nodedir: o.nodedir, execPath: o.execPath });
        writeFileSync(fixed, '');
        return 0;
      },
    });
    assert.equal(ok, true);
    assert.deepEqual(calls, [{ nodedir: prefix, execPath: node }]);
    assert.match(text, /built for NODE_MODULE_VERSION 115, but this Node 22\.23\.5 .* is 127/);
    assert.match(text, new RegExp(`nodedir=${hdrs} names Node 20\\.20\\.2's headers`));
    assert.match(text, /Rebuilt: better-sqlite3 now loads in Node 22\.23\.5/);
  });

  it('stops with the fix when the rebuild does not make the addon load', () => {
    const { node } = fakeNode({ headers: false });
    const calls: (string | undefined)[] = [];
    const { ok, said } = ensure({ root: dir, execPath: node, env: {}, rebuild: (o) => (calls.push(o.nodedir), 1) });
    assert.equal(ok, false);
    assert.deepEqual(calls, [undefined], 'no headers of its own: npm rebuild without --nodedir');
    assert.match(said, /npm rebuild exited with 1/);
    assert.match(said, /Fix: run quickstart with the Node that built the addon first on PATH/);
  });

  it('does not rebuild for an error that is no ABI mismatch, and shows it', () => {
    const { node, fixed } = fakeNode({ headers: true, error: "Error: Cannot find module 'better-sqlite3'" });
    let rebuilt = false;
    const { ok, said } = ensure({ root: dir, execPath: node, env: {}, rebuild: () => ((rebuilt = true), 0) });
    assert.equal(ok, false);
    assert.equal(rebuilt, false);
    assert.equal(existsSync(fixed), false);
    assert.match(said, /Cannot find module 'better-sqlite3'/);
    assert.match(said, /Fix: `npm rebuild better-sqlite3`/);
  });
});
