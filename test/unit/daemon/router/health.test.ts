import assert from 'node:assert/strict';
import { ErrorCodes, TandemError, type BackendStatus } from '../../../../protocol';
import { ManualClock, rejection, routerFixtures } from './helpers';

describe('Router', function () {
  const { startFake, router } = routerFixtures();

  describe('circuit breaker', () => {
    it('opens after N failures, half-opens after the cooldown and closes on a good trial', async () => {
      const clock = new ManualClock();
      const a = await startFake();
      a.setRules([{ path: '/api/generate', status: 500, error: 'boom' }]);
      const { router: r } = router([{ name: 'a', url: a.url }], {
        router: { failureThreshold: 2, circuitCooldownMs: 1_000 },
        now: clock.now,
      });
      const changes: BackendStatus[][] = [];
      r.onStatusChange((s) => changes.push(s));
      const circuitOf = () => r.status()[0].circuit;
      const calls = () => a.requestsTo('/api/generate').length;

      assert.equal(((await rejection(r.complete({ prefix: '1', suffix: '' }))) as TandemError).code, ErrorCodes.UpstreamError);
      assert.equal(circuitOf(), 'closed');
      await rejection(r.complete({ prefix: '2', suffix: '' }));
      assert.equal(circuitOf(), 'open');
      assert.ok(
        changes.some((s) => s[0].circuit === 'open'),
        'onStatusChange reported the open circuit',
      );
      assert.equal(r.canServe('complete'), false);

      const open = await rejection(r.complete({ prefix: '3', suffix: '' }));
      assert.equal((open as TandemError).code, ErrorCodes.NoBackendAvailable);
      assert.match((open as Error).message, /circuit open after 2 consecutive failures/);
      assert.equal(calls(), 2, 'an open circuit is skipped');

      clock.advance(999);
      assert.equal(circuitOf(), 'open');
      clock.advance(1);
      assert.equal(circuitOf(), 'half-open');
      await rejection(r.complete({ prefix: '4', suffix: '' }));
      assert.equal(calls(), 3, 'one trial call went through');
      assert.equal(circuitOf(), 'open', 'a failed trial opens the circuit again');

      a.setRules([]);
      clock.advance(1_000);
      const fifth = await r.complete({ prefix: '5', suffix: '' });
      assert.equal(fifth.backend, 'a');
      assert.equal(circuitOf(), 'closed');
      assert.equal(r.status()[0].consecutiveFailures, 0);
      assert.equal(changes.at(-1)?.[0].circuit, 'closed');
    });

    it('lets exactly one trial through a half-open circuit', async () => {
      const clock = new ManualClock();
      const a = await startFake();
      const b = await startFake();
      a.setRules([{ path: '/api/generate', times: 1, status: 500, error: 'boom' }]);
      const { router: r } = router(
        [
          { name: 'a', url: a.url, priority: 0 },
          { name: 'b', url: b.url, priority: 1 },
        ],
        { router: { failureThreshold: 1, circuitCooldownMs: 1_000 }, now: clock.now },
      );
      assert.equal((await r.complete({ prefix: '1', suffix: '' })).backend, 'b');
      assert.equal(r.status()[0].circuit, 'open');
      clock.advance(1_000);
      a.setDefaultReply({ firstTokenDelayMs: 100 });
      const [first, second] = await Promise.all([r.complete({ prefix: '2', suffix: '' }), r.complete({ prefix: '3', suffix: '' })]);
      assert.deepEqual([first.backend, second.backend].sort(), ['a', 'b'], 'the trial went to a, the concurrent call to b');
      assert.equal(r.status()[0].circuit, 'closed');
    });

    it('skips a backend with an open circuit in favour of the next one', async () => {
      const clock = new ManualClock();
      const a = await startFake();
      const b = await startFake();
      a.setRules([{ status: 503, error: 'overloaded' }]);
      const { router: r } = router(
        [
          { name: 'a', url: a.url, priority: 0 },
          { name: 'b', url: b.url, priority: 1 },
        ],
        { router: { failureThreshold: 1, circuitCooldownMs: 60_000 }, now: clock.now },
      );
      assert.equal((await r.complete({ prefix: 'x', suffix: '' })).backend, 'b');
      await r.probeAll();
      assert.equal(r.status()[0].health, 'up', 'an explicit probe sees a reachable');
      assert.equal(r.status()[0].circuit, 'open', 'but only a trial may close the circuit');
      assert.equal((await r.complete({ prefix: 'y', suffix: '' })).backend, 'b');
      assert.equal(a.requestsTo('/api/generate').length, 1);
    });
  });
});
