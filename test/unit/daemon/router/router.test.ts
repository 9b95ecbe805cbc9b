import assert from 'node:assert/strict';
import { ErrorCodes, TandemError, type BackendStatus } from '../../../../protocol';
import { FakeOllama, fakeEmbedding, cosine, tandemDefaultModels, tandemNextEditModel } from '../../../fake-ollama';
import { makeConfig, metricValue, rejection, routerFixtures } from './helpers';

const generateBodies = (fake: FakeOllama) => fake.requestsTo('/api/generate').map((r) => r.body as Record<string, unknown>);

describe('Router', function () {
  const { startFake, adopt, router } = routerFixtures();

  describe('completion (Ollama)', () => {
    it('streams deltas and sends the task hyperparameters with a native suffix', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['return', ' a', ' + b'] });
      const { router: r } = router([{ name: 'local', url: fake.url }], {
        tasks: { complete: { temperature: 0.2, num_predict: 64, num_ctx: 2048, top_p: 0.8, keep_alive: '1h', stop: ['\n\n'] } },
      });
      const deltas: string[] = [];
      const result = await r.complete({ prefix: 'def add(a, b):\n    ', suffix: '\n', stop: ['\n'], onDelta: (d) => deltas.push(d) });
      assert.deepEqual(deltas, ['return', ' a', ' + b']);
      assert.equal(result.text, 'return a + b');
      assert.equal(result.backend, 'local');
      assert.equal(result.model, 'qwen2.5-coder:1.5b-base');
      assert.equal(result.doneReason, 'stop');
      assert.equal(result.outputTokens, 3);
      assert.ok(result.totalMs >= result.firstTokenMs);
      const [body] = generateBodies(fake);
      assert.equal(body.model, 'qwen2.5-coder:1.5b-base');
      assert.equal(body.prompt, 'def add(a, b):\n    ');
      assert.equal(body.suffix, '\n');
      assert.equal(body.raw, false);
      assert.equal(body.stream, true);
      assert.equal(body.keep_alive, '1h');
      const options = body.options as Record<string, unknown>;
      assert.equal(options.temperature, 0.2);
      assert.equal(options.num_predict, 64);
      assert.equal(options.num_ctx, 2048);
      assert.equal(options.top_p, 0.8);
      assert.ok((options.stop as string[]).includes('\n\n') && (options.stop as string[]).includes('\n'));
    });

    it('reads /api/show once per model and backend', async () => {
      const fake = await startFake();
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      await r.complete({ prefix: 'a', suffix: 'b' });
      await r.complete({ prefix: 'c', suffix: 'd' });
      assert.equal(fake.requestsTo('/api/show').length, 1);
      assert.equal(fake.requestsTo('/api/generate').length, 2);
    });

    const rawCases: Array<{ model: string; expected: string; stop: string }> = [
      { model: 'qwen2.5-coder:1.5b', expected: '<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>', stop: '<|fim_pad|>' },
      { model: 'deepseek-coder:1.3b-base', expected: '<｜fim▁begin｜>P<｜fim▁hole｜>S<｜fim▁end｜>', stop: '<｜end▁of▁sentence｜>' },
      { model: 'codellama:7b-code', expected: '<PRE> P <SUF>S <MID>', stop: '<EOT>' },
      { model: 'starcoder2:3b', expected: '<fim_prefix>P<fim_suffix>S<fim_middle>', stop: '<file_sep>' },
      { model: 'codestral:22b', expected: '[SUFFIX]S[PREFIX]P', stop: '[PREFIX]' },
      { model: 'codegemma:2b', expected: '<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>', stop: '<|file_separator|>' },
    ];
    for (const c of rawCases) {
      it(`sends a raw FIM prompt for ${c.model} without insert support`, async () => {
        const fake = await startFake([{ name: c.model, capabilities: ['completion'], template: '{{ .Prompt }}' }]);
        const { router: r, logger } = router([{ name: 'local', url: fake.url }], { tasks: { complete: { model: c.model } } });
        const result = await r.complete({ prefix: 'P', suffix: 'S' });
        assert.equal(result.text, 'Hello from the fake Ollama.');
        const [body] = generateBodies(fake);
        assert.equal(body.raw, true);
        assert.equal(body.prompt, c.expected);
        assert.equal(body.suffix, undefined);
        assert.ok((body.options as { stop: string[] }).stop.includes(c.stop));
        assert.ok(!logger.lines.some((l) => l.startsWith('warn')), 'a base FIM model gets no warning');
      });
    }

    it('warns once in the log when an instruct model serves completions', async () => {
      const fake = await startFake();
      const { router: r, logger } = router([{ name: 'local', url: fake.url }], {
        tasks: { complete: { model: 'qwen2.5-coder:7b-instruct' } },
      });
      await r.complete({ prefix: 'a', suffix: 'b' });
      await r.complete({ prefix: 'a', suffix: 'b' });
      assert.equal(logger.lines.filter((l) => l.includes('instruct')).length, 1);
    });

    it('reports a model that is not pulled as ModelNotFound with the pull command', async () => {
      const fake = await startFake([{ name: 'nomic-embed-text' }]);
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      const err = await rejection(r.complete({ prefix: 'a', suffix: 'b' }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.ModelNotFound);
      assert.match(err.hint ?? '', new RegExp(`ollama pull qwen2\\.5-coder:1\\.5b-base\` on ${fake.url.replace(/\./g, '\\.')}`));
      assert.equal(r.status()[0].consecutiveFailures, 0, 'a missing model is not a backend failure');
    });

    it('fails with a clear UpstreamError on garbage lines in the stream', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['a', 'b', 'c'], garbage: { afterChunks: 0, line: '<html>502 Bad Gateway</html>' } });
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      const err = await rejection(r.complete({ prefix: 'a', suffix: 'b' }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.UpstreamError);
      assert.match(err.message, /not JSON.*502 Bad Gateway/);
      assert.ok(err.hint);
    });

    it('fails with an UpstreamError carrying the server message on an in-stream error', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['a', 'b'], streamError: { afterChunks: 0, message: 'llama runner process has terminated' } });
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      const err = await rejection(r.complete({ prefix: 'a', suffix: 'b' }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.UpstreamError);
      assert.match(err.message, /llama runner process has terminated/);
    });
  });

  describe('chat and embed', () => {
    it('streams chat from Ollama with messages, options and JSON format', async () => {
      const fake = await startFake();
      fake.addRule({ path: '/api/chat', match: 'explain', chunks: ['It ', 'adds.'] });
      const { router: r } = router([{ name: 'local', url: fake.url }], { tasks: { fix: { num_predict: 99 } } });
      const deltas: string[] = [];
      const result = await r.chat({
        task: 'fix',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'explain add' },
        ],
        json: true,
        onDelta: (d) => deltas.push(d),
      });
      assert.equal(result.text, 'It adds.');
      assert.deepEqual(deltas, ['It ', 'adds.']);
      const body = fake.requestsTo('/api/chat')[0].body as Record<string, unknown>;
      assert.equal(body.model, 'qwen2.5-coder:7b-instruct');
      assert.equal(body.format, 'json');
      assert.equal((body.options as Record<string, unknown>).num_predict, 99);
      assert.equal((body.messages as unknown[]).length, 2);
    });

    it('embeds with deterministic vectors that keep similar texts close', async () => {
      const fake = await startFake();
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      const input = ['function parseConfig(file)', 'parse the config file', 'render a button'];
      const result = await r.embed({ input });
      assert.equal(result.embeddings.length, 3);
      assert.equal(result.backend, 'local');
      assert.equal(result.model, 'nomic-embed-text');
      assert.deepEqual(result.embeddings[0], fakeEmbedding(input[0], 768));
      assert.ok(cosine(result.embeddings[0], result.embeddings[1]) > cosine(result.embeddings[0], result.embeddings[2]));
      assert.equal((fake.requestsTo('/api/embed')[0].body as { keep_alive: string }).keep_alive, '30m');
    });
  });

  describe('raw prompts (next edit)', () => {
    it('sends the prompt as it is to the next-edit model, with its options, keep_alive and the stops, and reports its usage', async () => {
      const fake = await startFake([...tandemDefaultModels(), tandemNextEditModel()]);
      fake.addRule({ path: '/api/generate', match: '<|file_sep|>updated/', chunks: ['\nconst b', ' = 2;\n'] });
      const { router: r } = router([{ name: 'local', url: fake.url }], {
        tasks: { nextEdit: { num_predict: 300, keep_alive: '45m', stop: ['<|im_end|>'] } },
      });
      const usage: string[] = [];
      r.onUsage((u) => usage.push(`${u.task} ${u.model}`));
      const deltas: string[] = [];
      const prompt = '<|file_sep|>current/a.ts\nconst b = 1;\n<|file_sep|>updated/a.ts';
      const result = await r.generate({ task: 'nextEdit', prompt, stop: ['<|file_sep|>'], onDelta: (d) => deltas.push(d) });
      assert.equal(result.text, '\nconst b = 2;\n');
      assert.deepEqual(deltas, ['\nconst b', ' = 2;\n']);
      const body = generateBodies(fake)[0];
      assert.equal(body.model, 'hf.co/sweepai/sweep-next-edit-1.5B');
      assert.equal(body.prompt, prompt);
      assert.equal(body.raw, true);
      assert.equal(body.suffix, undefined);
      assert.equal(body.keep_alive, '45m');
      const options = body.options as { num_predict: number; temperature: number; stop: string[] };
      assert.equal(options.num_predict, 300);
      assert.equal(options.temperature, 0);
      assert.deepEqual(options.stop, ['<|im_end|>', '<|file_sep|>']);
      assert.deepEqual(usage, ['nextEdit hf.co/sweepai/sweep-next-edit-1.5B']);
    });

    it('preloads the next-edit model beside the completion model', async () => {
      const fake = await startFake([...tandemDefaultModels(), tandemNextEditModel()]);
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      await r.probeAll();
      assert.equal(await r.warm('complete'), 'local');
      assert.equal(await r.warm('nextEdit'), 'local');
      const loaded = await fetch(`${fake.url}/api/ps`).then((res) => res.json() as Promise<{ models: Array<{ name: string }> }>);
      assert.deepEqual(loaded.models.map((m) => m.name).sort(), ['hf.co/sweepai/sweep-next-edit-1.5B:latest', 'qwen2.5-coder:1.5b-base']);
    });
  });

  describe('openai-compatible backend', () => {
    it('completes through /v1/completions with suffix, streaming SSE', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['x', ' + ', 'y'] });
      const { router: r } = router([
        { name: 'vllm', url: fake.url, kind: 'openai-compatible', headers: { Authorization: 'Bearer s3cret-token' } },
      ]);
      const deltas: string[] = [];
      const result = await r.complete({ prefix: 'return ', suffix: ';', onDelta: (d) => deltas.push(d) });
      assert.equal(result.text, 'x + y');
      assert.deepEqual(deltas, ['x', ' + ', 'y']);
      const req = fake.requestsTo('/v1/completions')[0];
      const body = req.body as Record<string, unknown>;
      assert.equal(body.prompt, 'return ');
      assert.equal(body.suffix, ';');
      assert.equal(body.stream, true);
      assert.equal(body.max_tokens, 128);
      assert.equal(req.headers.authorization, 'Bearer s3cret-token');
    });

    it('streams chat and embeds', async () => {
      const fake = await startFake();
      fake.addRule({ path: '/v1/chat/completions', chunks: ['Hi', '!'] });
      const { router: r } = router([{ name: 'lm', url: `${fake.url}/v1`, kind: 'openai-compatible' }]);
      const result = await r.chat({ task: 'chat', messages: [{ role: 'user', content: 'hello' }] });
      assert.equal(result.text, 'Hi!');
      const emb = await r.embed({ input: ['a b', 'c'] });
      assert.deepEqual(emb.embeddings[1], fakeEmbedding('c', 768));
      const status = await r.probeAll();
      assert.equal(status[0].health, 'up');
      assert.ok(status[0].models?.includes('nomic-embed-text:latest'));
    });

    it('fails clearly on a garbage SSE stream and on an unknown model', async () => {
      const fake = await startFake();
      fake.setDefaultReply({ chunks: ['a'], garbage: { afterChunks: 1, line: 'data: {not json' } });
      const { router: r } = router([{ name: 'vllm', url: fake.url, kind: 'openai-compatible' }]);
      const err = await rejection(r.chat({ task: 'chat', messages: [{ role: 'user', content: 'x' }] }));
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, ErrorCodes.UpstreamError);
      assert.match(err.message, /not JSON/);
      const missing = await rejection(r.chat({ task: 'chat', model: 'nope:1b', messages: [{ role: 'user', content: 'x' }] }));
      assert.ok(missing instanceof TandemError);
      assert.equal(missing.code, ErrorCodes.ModelNotFound);
      assert.match(missing.hint ?? '', /v1\/models/);
    });
  });

  describe('health, status and configuration', () => {
    it('probes version, models and loaded models, and fires onStatusChange', async () => {
      const fake = new FakeOllama({ models: tandemDefaultModels(), loaded: ['qwen2.5-coder:1.5b-base'], version: '0.9.0' });
      await fake.start();
      adopt(fake);
      const { router: r, metrics } = router([{ name: 'local', url: fake.url }]);
      assert.equal(r.status()[0].health, 'unknown');
      const seen: BackendStatus[][] = [];
      r.onStatusChange((s) => seen.push(s));
      const [s] = await r.probeAll();
      assert.equal(s.health, 'up');
      assert.equal(s.version, '0.9.0');
      assert.deepEqual(s.loaded, ['qwen2.5-coder:1.5b-base']);
      assert.equal(s.models?.length, 3);
      assert.equal(seen.length, 1);
      assert.equal(await metricValue(metrics, 'tandem_backend_up', { backend: 'local' }), 1);
      for (const p of ['/api/version', '/api/tags', '/api/ps']) assert.equal(fake.requestsTo(p).length, 1, p);
    });

    it('runs background health checks on the configured interval', async () => {
      const fake = await startFake();
      const { router: r } = router([{ name: 'local', url: fake.url }], { router: { healthIntervalMs: 20 } });
      await fake.waitFor(() => fake.requestsTo('/api/version').length >= 2, 5_000, 'two background probes');
      r.dispose();
      assert.equal(r.status()[0].health, 'up');
    });

    it('canServe is false when the probe shows the task model is missing', async () => {
      const fake = await startFake([{ name: 'nomic-embed-text' }]);
      const { router: r } = router([{ name: 'local', url: fake.url }]);
      await r.probeAll();
      assert.equal(r.canServe('complete'), false);
      assert.equal(r.canServe('embed'), true);
    });

    it('treats a single-model OpenAI-compatible server as serving any model name', async () => {
      const single = await startFake([{ name: '/models/qwen2.5-coder-1.5b-q4_k_m.gguf' }]);
      const multi = await startFake([{ name: 'other-model:7b' }, { name: 'another:1b' }]);
      const { router: r1 } = router([{ name: 'llamacpp', url: single.url, kind: 'openai-compatible' }]);
      const { router: r2 } = router([{ name: 'vllm', url: multi.url, kind: 'openai-compatible' }]);
      await Promise.all([r1.probeAll(), r2.probeAll()]);
      assert.equal(r1.canServe('complete'), true);
      assert.equal(r2.canServe('complete'), false);
    });

    it('prefers a backend that has the model over one known not to have it', async () => {
      const without = await startFake([{ name: 'nomic-embed-text' }]);
      const withModel = await startFake();
      const { router: r } = router([
        { name: 'without', url: without.url, priority: 0 },
        { name: 'with', url: withModel.url, priority: 5 },
      ]);
      await r.probeAll();
      assert.equal((await r.complete({ prefix: 'a', suffix: '' })).backend, 'with');
      assert.equal(without.requestsTo('/api/generate').length, 0);
    });

    it('prefers the faster of two backends with the same priority', async () => {
      const slow = await startFake();
      const fast = await startFake();
      slow.setDefaultReply({ firstTokenDelayMs: 300 });
      const { router: r } = router([
        { name: 'slow', url: slow.url, priority: 3 },
        { name: 'fast', url: fast.url, priority: 3 },
      ]);
      // Both get tried once (no latency known yet), then the observed latency decides.
      const firstTwo = [(await r.complete({ prefix: '1', suffix: '' })).backend, (await r.complete({ prefix: '2', suffix: '' })).backend];
      assert.deepEqual(firstTwo.sort(), ['fast', 'slow']);
      for (let i = 0; i < 3; i++) assert.equal((await r.complete({ prefix: `${i}`, suffix: '' })).backend, 'fast');
      const slowStatus = r.status().find((s) => s.name === 'slow')!;
      const fastStatus = r.status().find((s) => s.name === 'fast')!;
      assert.ok(slowStatus.latencyMs! > fastStatus.latencyMs!);
    });

    it('preloads a task model with its keep_alive', async () => {
      const fake = await startFake();
      const { router: r } = router([{ name: 'local', url: fake.url }], { tasks: { complete: { keep_alive: '2h' } } });
      assert.equal(await r.warm('complete'), 'local');
      assert.equal(await r.warm('embed'), 'local');
      assert.deepEqual(fake.loadedModels().sort(), ['nomic-embed-text:latest', 'qwen2.5-coder:1.5b-base']);
      assert.equal((fake.requestsTo('/api/generate')[0].body as { keep_alive: string }).keep_alive, '2h');
      fake.removeModel('qwen2.5-coder:1.5b-base');
      assert.equal(await r.warm('complete'), undefined, 'a missing model resolves to undefined, never rejects');
    });

    it('takes new backends and models at run time', async () => {
      const a = await startFake();
      const b = await startFake();
      const { router: r } = router([{ name: 'a', url: a.url }]);
      assert.equal((await r.complete({ prefix: 'x', suffix: '' })).backend, 'a');
      const seen: BackendStatus[][] = [];
      r.onStatusChange((s) => seen.push(s));
      r.reconfigure(makeConfig([{ name: 'b', url: b.url }], { tasks: { complete: { model: 'qwen2.5-coder:7b-instruct' } } }));
      assert.equal(seen.length, 1);
      assert.deepEqual(
        r.status().map((s) => s.name),
        ['b'],
      );
      const result = await r.complete({ prefix: 'x', suffix: '' });
      assert.equal(result.backend, 'b');
      assert.equal(result.model, 'qwen2.5-coder:7b-instruct');
    });

    it('sends backend headers but never logs them, and hides URL credentials', async () => {
      const fake = await startFake();
      fake.setRules([{ path: '/api/generate', status: 500, error: 'boom' }]);
      const url = new URL(fake.url);
      url.username = 'user';
      url.password = 'pw-secret';
      const { router: r, logger } = router([{ name: 'dgx', url: url.toString(), headers: { Authorization: 'Bearer top-secret' } }]);
      const err = await rejection(r.complete({ prefix: 'a', suffix: 'b' }));
      await r.probeAll();
      assert.equal(fake.requestsTo('/api/show')[0].headers.authorization, 'Bearer top-secret');
      const everything = [
        ...logger.lines,
        String((err as Error).message),
        JSON.stringify(r.status()),
        JSON.stringify(await r.doctor()),
      ].join('\n');
      assert.ok(!everything.includes('top-secret'));
      assert.ok(!everything.includes('pw-secret'));
    });
  });
});
