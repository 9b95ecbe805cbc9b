/**
 * Router usage events (`onUsage`): every completed generation reports its task, model,
 * backend, token counts and timings; failed and cancelled calls report nothing.
 */
import assert from 'node:assert/strict';
import { FakeOllama, tandemDefaultModels } from '../../../fake-ollama';
import type { ModelUsage } from '../../../../daemon/router/types';
import { makeConfig, makeRouter } from './helpers';

describe('ops: router usage events', function () {
  this.timeout(10_000);
  let fake: FakeOllama;

  beforeEach(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['a', 'b', 'c'], promptEvalCount: 42, evalCount: 3 } });
    await fake.start();
  });
  afterEach(async () => fake.stop());

  it('reports completions and chats with tokens and timings, not failures', async () => {
    const { router } = makeRouter(makeConfig([{ name: 'local', url: fake.url }]));
    const seen: ModelUsage[] = [];
    const off = router.onUsage((u) => seen.push(u));
    try {
      await router.complete({ prefix: 'let x = ', suffix: '' });
      await router.chat({ task: 'fix', messages: [{ role: 'user', content: 'fix it' }] });
      fake.addRule({ path: '/api/chat', status: 500, error: 'boom' });
      await assert.rejects(router.chat({ task: 'chat', messages: [{ role: 'user', content: 'hi' }] }));
      assert.deepEqual(
        seen.map((u) => [u.task, u.model, u.backend, u.promptTokens, u.outputTokens]),
        [
          ['complete', 'qwen2.5-coder:1.5b-base', 'local', 42, 3],
          ['fix', 'qwen2.5-coder:7b-instruct', 'local', 42, 3],
        ],
      );
      for (const u of seen) {
        assert.ok(u.totalMs >= u.firstTokenMs && u.firstTokenMs >= 0, `timings ${u.firstTokenMs}/${u.totalMs}`);
        assert.ok(Math.abs(u.at - Date.now()) < 60_000);
      }
      off();
      await router.complete({ prefix: 'x', suffix: '' });
      assert.equal(seen.length, 2, 'an unsubscribed listener hears nothing');
    } finally {
      router.dispose();
    }
  });

  it('a throwing listener never fails the call', async () => {
    const { router, logger } = makeRouter(makeConfig([{ name: 'local', url: fake.url }]));
    router.onUsage(() => {
      throw new Error('listener broke');
    });
    try {
      const r = await router.complete({ prefix: 'x', suffix: '' });
      assert.equal(r.text, 'abc');
      assert.ok(logger.lines.some((l) => l.includes('listener broke')));
    } finally {
      router.dispose();
    }
  });
});
