/**
 * The daemon as composition root, in process with fake parts: a feature that breaks its
 * declaration or throws in register fails start cleanly (parts and storage closed, lock
 * released, the home usable again); features are disposed in reverse order on stop; and
 * with the real feature list a client sees the same capabilities as ever and a
 * completion's deltas numbered from 0 per stream.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DoctorRequest, InlineCompletionRequest, StatusRequest, StreamDeltaNotification } from '../../../protocol';
import { connectToDaemon, type DaemonConnection } from '../../../protocol/client';
import { loadConfig } from '../../../daemon/config';
import { Daemon } from '../../../daemon/daemon';
import type { DaemonFeature } from '../../../daemon/host/types';
import { lockPath, readLock } from '../../../protocol/lockfile';
import { DaemonLogger } from '../../../daemon/log';
import { ANNOUNCED_FEATURES, fakeParts, feature } from './host/helpers';

describe('daemon: features at start and stop', () => {
  let home: string;
  let daemon: Daemon | undefined;
  let client: DaemonConnection | undefined;

  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'tandem-daemon-'))));
  afterEach(async () => {
    client?.close();
    client = undefined;
    await daemon?.stop('test over');
    daemon = undefined;
    rmSync(home, { recursive: true, force: true });
  });

  function makeDaemon(features?: readonly DaemonFeature[], parts = fakeParts()): { daemon: Daemon; parts: ReturnType<typeof fakeParts> } {
    const config = loadConfig({ TANDEM_HOME: home });
    const d = new Daemon({ config, logger: new DaemonLogger('error'), port: 0, createParts: () => parts, features });
    return { daemon: d, parts };
  }

  it('a feature whose register throws fails start cleanly: earlier features, parts and storage closed, lock released', async () => {
    const disposed: string[] = [];
    const { daemon: d, parts } = makeDaemon([
      feature('fine', {}, () => ({ dispose: () => void disposed.push('fine') })),
      feature('broken', {}, () => {
        throw new Error('cannot open its store');
      }),
    ]);
    await assert.rejects(d.start(), /Feature "broken" failed to start: cannot open its store/);
    assert.deepEqual(disposed, ['fine']);
    assert.equal(parts.router.disposed, true);
    assert.equal(parts.fake.disposed, true);
    assert.equal(existsSync(lockPath(home)), false, 'lock released');
    assert.equal(d.status().reasons.includes('Storage is not open.'), true);
    // The home is free for the next daemon.
    daemon = makeDaemon([feature('fine', {})]).daemon;
    const info = await daemon.start();
    assert.equal(readLock(home)?.port, info.port);
  });

  it('a feature registering an undeclared request fails start and releases the lock', async () => {
    const { daemon: d } = makeDaemon([
      feature('status', { requests: [StatusRequest] }, (host) => {
        host.handle(StatusRequest, () => host.daemon.status());
        host.handle(DoctorRequest, () => ({ completionsWork: true, checks: [] }));
      }),
    ]);
    await assert.rejects(
      d.start(),
      /Feature "status" registers a handler for tandem\/doctor\/run, which is not among the requests it declares/,
    );
    assert.equal(existsSync(lockPath(home)), false);
  });

  it('disposes the features in reverse order on stop, before the parts', async () => {
    const order: string[] = [];
    const parts = fakeParts();
    const router = parts.router;
    const dispose = router.dispose.bind(router);
    router.dispose = () => {
      order.push('router');
      dispose();
    };
    const { daemon: d } = makeDaemon(
      ['one', 'two', 'three'].map((name) => feature(name, {}, () => ({ dispose: () => void order.push(name) }))),
      parts,
    );
    await d.start();
    await d.stop('test');
    assert.deepEqual(order, ['three', 'two', 'one', 'router']);
    assert.equal(existsSync(lockPath(home)), false);
  });

  it('with the real feature list: the initialize result names the same features as before, and completion deltas stream from seq 0', async () => {
    daemon = makeDaemon().daemon;
    const lock = await daemon.start();
    client = await connectToDaemon({ port: lock.port, token: lock.token, client: { name: 'test', version: '0' } });
    assert.deepEqual([...client.init.capabilities.features].sort(), ANNOUNCED_FEATURES);
    const deltas: Array<{ streamId: string; seq: number; delta: string }> = [];
    client.connection.onNotification(StreamDeltaNotification.type, (p) => deltas.push(p));
    const document = { path: '/w/a.ts', languageId: 'typescript', prefix: 'let ', suffix: '', line: 0, character: 4 };
    const [a, b] = await Promise.all([
      client.connection.sendRequest(InlineCompletionRequest.type, { streamId: 'a', document }),
      client.connection.sendRequest(InlineCompletionRequest.type, { streamId: 'b', document }),
    ]);
    assert.equal(a.text, 'const x = 1;');
    assert.equal(b.text, 'const x = 1;');
    for (const id of ['a', 'b']) {
      assert.deepEqual(
        deltas.filter((d) => d.streamId === id).map((d) => [d.seq, d.delta]),
        [
          [0, 'const '],
          [1, 'x = '],
          [2, '1;'],
        ],
      );
    }
  });
});
