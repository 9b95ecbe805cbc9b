import { strict as assert } from 'node:assert';
import { chooseNodeRuntime, explainDaemonExit, NodeRuntimeError, parseNodeMajor } from '../../../extension/connection/node-runtime';

const base = { execPath: '/vscode/electron', execNodeVersion: '20.18.0' };

describe('node runtime for the daemon', () => {
  it('parses versions', () => {
    assert.equal(parseNodeMajor('v20.11.1\n'), 20);
    assert.equal(parseNodeMajor('garbage'), undefined);
  });
  it('prefers the setting', async () => {
    const rt = await chooseNodeRuntime({ ...base, settingPath: '/opt/node22/bin/node', probeVersion: async () => 'v22.1.0' });
    assert.deepEqual(rt, { command: '/opt/node22/bin/node', env: {}, source: 'setting', version: 'v22.1.0' });
  });
  it('rejects a setting that is not Node 20+', async () => {
    await assert.rejects(chooseNodeRuntime({ ...base, settingPath: '/old/node', probeVersion: async () => 'v18.0.0' }), NodeRuntimeError);
    await assert.rejects(chooseNodeRuntime({ ...base, settingPath: '/nope', probeVersion: async () => undefined }), /does not run as Node/);
  });
  it('uses node on PATH when it is 20+', async () => {
    const rt = await chooseNodeRuntime({ ...base, settingPath: '', probeVersion: async (c) => (c === 'node' ? 'v20.19.0' : undefined) });
    assert.equal(rt.command, 'node');
    assert.equal(rt.source, 'path');
  });
  it("falls back to VS Code's runtime in Node mode", async () => {
    const rt = await chooseNodeRuntime({ ...base, settingPath: '', probeVersion: async () => 'v16.0.0' });
    assert.deepEqual(rt, { command: '/vscode/electron', env: { ELECTRON_RUN_AS_NODE: '1' }, source: 'vscode', version: 'v20.18.0' });
  });
  it('explains a native module failure under VS Code runtime with what to do', () => {
    const msg = explainDaemonExit(
      { code: 1, signal: null },
      'Error: The module better_sqlite3.node was compiled against a different Node.js version using NODE_MODULE_VERSION 115.',
      { command: '/vscode/electron', env: { ELECTRON_RUN_AS_NODE: '1' }, source: 'vscode' },
      '/h/logs/daemon.log',
    );
    assert.match(msg, /Install Node\.js 20 or later/);
    assert.match(msg, /tandem\.daemon\.nodePath/);
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
  });
});
