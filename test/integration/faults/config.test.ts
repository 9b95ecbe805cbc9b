/**
 * Config values that overflow timers: Node holds a timer for at most 2^31-1 ms, and a
 * longer delay fires after 1 ms. `idleTimeoutSec: 3000000` made the daemon exit as soon
 * as it was idle and `healthIntervalMs: 3e9` probed the backend thousands of times a
 * second. Every duration in the schema is bounded: such a file is refused at start with
 * the key, the range and the value, and values at the bounds behave as configured.
 */
import assert from 'node:assert/strict';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { removeHome, spawnDaemon, startDaemon, tempHome, writeConfig, type HarnessConfig } from '../daemon-harness';
import { faultCase, tally } from './tally';

/** Start `tandemd serve` with this config and return its exit code and log when it refuses to start. */
async function refusedStart(home: string, cfg: HarnessConfig, args: string[] = []): Promise<{ code: number | null; log: string }> {
  writeConfig(home, cfg);
  const { proc, firstLine, log, exited } = spawnDaemon(home, {}, args);
  const outcome = await firstLine.then(
    (line) => ({ started: line }),
    () => undefined,
  );
  if (outcome) {
    proc.kill('SIGKILL');
    await exited;
    throw new Error(`the daemon started (${JSON.stringify(outcome.started)}) with ${JSON.stringify(cfg)}`);
  }
  return { code: await exited, log: log() };
}

describe('faults: config values that overflow timers (real daemon)', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let home: string;

  beforeEach(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels() });
    await fake.start();
    home = tempHome('tandem-fault-config-');
  });
  afterEach(async () => {
    await fake.stop();
    removeHome(home);
  });

  faultCase(
    'idleTimeoutSec: 3000000 is refused at start with the key, the range and the value (it used to exit 1 ms after idle)',
    async () => {
      const { code, log } = await refusedStart(home, { backends: [{ name: 'local', url: fake.url }], idleTimeoutSec: 3_000_000 });
      assert.equal(code, 2, 'a configuration error');
      assert.match(
        log,
        /daemon\.idleTimeoutSec: must be a whole number of seconds in 1\.\.604800 s \(7 days at most\), or 0 \(never\); got 3000000/,
      );
      const flag = await refusedStart(home, { backends: [{ name: 'local', url: fake.url }] }, ['--idle-timeout', '3000000']);
      assert.equal(flag.code, 2, 'the command-line override has the same bound');
      assert.match(flag.log, /--idle-timeout must be a whole number of seconds in 1\.\.604800 s/);
      tally.notes.push('config: idleTimeoutSec 3000000 (file or --idle-timeout) refused at start (exit 2, key and range named)');
    },
  );

  faultCase('healthIntervalMs: 3e9 is refused at start, and the bound itself probes no more than configured', async () => {
    const { code, log } = await refusedStart(home, { backends: [{ name: 'local', url: fake.url }], router: { healthIntervalMs: 3e9 } });
    assert.equal(code, 2);
    assert.match(log, /router\.healthIntervalMs: must be a whole number of milliseconds in 1000\.\.3600000 ms \(1 h at most\)/);
    assert.equal(fake.requestsTo('/api/version').length, 0, 'nothing was probed');

    const daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }], router: { healthIntervalMs: 3_600_000 } });
    try {
      await new Promise((r) => setTimeout(r, 3000));
      const probes = fake.requestsTo('/api/version').length;
      assert.ok(probes <= 2, `the start-up probe only, no background probes within 3 s (${probes})`);
      tally.notes.push(`config: healthIntervalMs 3e9 refused; at the 1 h bound ${probes} probe(s) in 3 s`);
    } finally {
      await daemon.stop();
    }
  });

  faultCase('idleTimeoutSec at its bound keeps the daemon running after the last client leaves', async () => {
    const daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }], idleTimeoutSec: 604_800 });
    try {
      const c = await daemon.connect();
      c.close();
      const exited = await Promise.race([daemon.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2000))]);
      assert.equal(exited, false, 'still serving 2 s after going idle');
      const again = await daemon.connect();
      again.close();
    } finally {
      await daemon.stop();
    }
  });
});
