import assert from 'node:assert/strict';
import { DAEMON_MALLOC_ENV, DAEMON_V8_FLAGS, daemonArgs, daemonEnv } from '../../../../extension/connection/daemon-process';
import type { NodeRuntime } from '../../../../extension/connection/node-runtime';

describe('extension/connection/daemon-process: the daemon environment', () => {
  const bundled: NodeRuntime = { command: '/ext/runtime/bin/node', env: {}, source: 'bundled', unsetEnv: ['NODE_OPTIONS'] };

  it('sets glibc malloc arenas and mmap threshold unless the environment already sets them', () => {
    const env = daemonEnv(bundled, '/home/u/.tandem', { PATH: '/usr/bin', NODE_OPTIONS: '--inspect' });
    assert.equal(env.MALLOC_ARENA_MAX, '2');
    assert.equal(env.MALLOC_MMAP_THRESHOLD_, '1048576');
    assert.equal(env.TANDEM_HOME, '/home/u/.tandem');
    assert.equal(env.PATH, '/usr/bin');
    assert.equal('NODE_OPTIONS' in env, false, "the user's NODE_OPTIONS stay with their own Node");
    const own = daemonEnv(bundled, '/h', { MALLOC_ARENA_MAX: '8' });
    assert.equal(own.MALLOC_ARENA_MAX, '8', "the user's own setting wins");
    assert.equal(own.MALLOC_MMAP_THRESHOLD_, DAEMON_MALLOC_ENV.MALLOC_MMAP_THRESHOLD_, 'and only for that variable');
    assert.equal(daemonEnv(bundled, '/h', { MALLOC_MMAP_THRESHOLD_: '65536' }).MALLOC_MMAP_THRESHOLD_, '65536');
  });

  it("keeps the runtime's own variables (VS Code's Electron as Node)", () => {
    const electron: NodeRuntime = {
      command: '/code/electron',
      env: { ELECTRON_RUN_AS_NODE: '1' },
      source: 'vscode' as NodeRuntime['source'],
    };
    const env = daemonEnv(electron, '/h', {});
    assert.equal(env.ELECTRON_RUN_AS_NODE, '1');
    for (const [k, v] of Object.entries(DAEMON_MALLOC_ENV)) assert.equal(env[k], v, k);
  });

  it("gives a Node the V8 flags that size its heap for memory, and VS Code's Electron none", () => {
    assert.ok(DAEMON_V8_FLAGS.includes('--optimize-for-size'));
    for (const source of ['bundled', 'setting', 'path'] as const)
      assert.deepEqual(daemonArgs({ source }, '/ext/dist/daemon.js'), [...DAEMON_V8_FLAGS, '/ext/dist/daemon.js', 'serve'], source);
    assert.deepEqual(daemonArgs({ source: 'vscode' }, '/ext/dist/daemon.js'), ['/ext/dist/daemon.js', 'serve']);
  });
});
