import assert from 'node:assert/strict';
import { routerFixtures } from './helpers';

describe('Router', function () {
  const { startFake, router } = routerFixtures();

  describe('sticky sessions', () => {
    it('keeps a session on its backend while it is healthy, and moves it when it dies', async () => {
      const a = await startFake();
      const b = await startFake();
      a.addRule({ path: '/api/generate', times: 1, status: 500, error: 'transient' });
      b.setDefaultReply({ firstTokenDelayMs: 300 });
      const { router: r } = router([
        { name: 'a', url: a.url, priority: 0 },
        { name: 'b', url: b.url, priority: 0 },
      ]);
      assert.equal((await r.complete({ prefix: '1', suffix: '', sessionKey: 's1' })).backend, 'b', 'failed over to b');
      await r.probeAll();
      assert.equal((await r.complete({ prefix: '2', suffix: '' })).backend, 'a', 'without a session the faster a wins');
      assert.equal((await r.complete({ prefix: '3', suffix: '', sessionKey: 's1' })).backend, 'b', 's1 sticks to b');
      assert.equal((await r.complete({ prefix: '4', suffix: '', sessionKey: 's2' })).backend, 'a');
      assert.equal((await r.complete({ prefix: '5', suffix: '', sessionKey: 's1' })).backend, 'b', 'still b');
      await b.stop();
      assert.equal((await r.complete({ prefix: '6', suffix: '', sessionKey: 's1' })).backend, 'a', 's1 moves when b dies');
      assert.equal((await r.complete({ prefix: '7', suffix: '', sessionKey: 's1' })).backend, 'a');
    });

    it('returns a session to its preferred backend once that one takes calls again', async () => {
      const a = await startFake();
      const b = await startFake();
      a.addRule({ path: '/api/generate', times: 1, status: 500, error: 'transient' });
      const { router: r } = router([
        { name: 'a', url: a.url, priority: 0 },
        { name: 'b', url: b.url, priority: 1 },
      ]);
      assert.equal((await r.complete({ prefix: '1', suffix: '', sessionKey: 's1' })).backend, 'b');
      assert.equal((await r.complete({ prefix: '2', suffix: '', sessionKey: 's1' })).backend, 'a', 'priority beats stickiness');
    });
  });
});
