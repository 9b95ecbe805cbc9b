import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FakeOllama, cosine, fakeEmbedding, tandemDefaultModels, type FakeScript } from '../fake-ollama';

type Json = Record<string, unknown>;

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function ndjson(res: Response): Promise<Json[]> {
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);
}

function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice('data: '.length));
}

describe('FakeOllama', () => {
  let fake: FakeOllama;

  async function start(script: FakeScript = { models: tandemDefaultModels() }): Promise<string> {
    fake = new FakeOllama(script);
    return fake.start();
  }

  afterEach(async () => {
    await fake?.stop();
  });

  describe('native API shapes', () => {
    it('streams /api/generate as NDJSON with a final done chunk', async () => {
      const url = await start({ models: tandemDefaultModels(), defaultReply: { chunks: ['a', 'b'] } });
      const res = await post(`${url}/api/generate`, {
        model: 'qwen2.5-coder:1.5b-base',
        prompt: 'x',
        suffix: 'y',
        options: { temperature: 0 },
        keep_alive: '1m',
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
      const lines = await ndjson(res);
      assert.deepEqual(
        lines.map((l) => l.response),
        ['a', 'b', ''],
      );
      assert.deepEqual(
        lines.map((l) => l.done),
        [false, false, true],
      );
      const last = lines[2];
      assert.equal(last.done_reason, 'stop');
      for (const k of ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'])
        assert.equal(typeof last[k], 'number', k);
      assert.equal(last.eval_count, 2);
      assert.ok(Array.isArray(last.context));
      assert.equal(typeof lines[0].created_at, 'string');
      const logged = fake.requestsTo('/api/generate')[0];
      assert.deepEqual((logged.body as Json).options, { temperature: 0 });
      assert.equal(logged.outcome, 'completed');
    });

    it('answers non-streamed generate and omits context for raw prompts', async () => {
      const url = await start({ models: tandemDefaultModels(), defaultReply: { chunks: ['x', 'y'], doneReason: 'length' } });
      const res = await post(`${url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base', prompt: 'p', raw: true, stream: false });
      const body = (await res.json()) as Json;
      assert.equal(body.response, 'xy');
      assert.equal(body.done, true);
      assert.equal(body.done_reason, 'length');
      assert.equal(body.context, undefined);
    });

    it('answers errors the way Ollama does', async () => {
      const url = await start({ models: [...tandemDefaultModels(), { name: 'deepseek-coder:1.3b-base' }] });
      let res = await post(`${url}/api/generate`, { model: 'x', prompt: 'hi' });
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { error: 'model "x" not found, try pulling it first' });
      res = await post(`${url}/api/generate`, { prompt: 'hi' });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { error: 'model is required' });
      res = await post(`${url}/api/generate`, { model: 'deepseek-coder:1.3b-base', prompt: 'a', suffix: 'b' });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as Json).error as string, /does not support insert/);
      res = await post(`${url}/api/generate`, { model: 'nomic-embed-text', prompt: 'a' });
      assert.match(((await res.json()) as Json).error as string, /does not support generate/);
      res = await fetch(`${url}/api/nope`);
      assert.equal(res.status, 404);
      assert.equal(await res.text(), '404 page not found');
    });

    it('loads and unloads a model on an empty prompt', async () => {
      const url = await start();
      let body = (await (await post(`${url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base' })).json()) as Json;
      assert.equal(body.done_reason, 'load');
      assert.deepEqual(fake.loadedModels(), ['qwen2.5-coder:1.5b-base']);
      body = (await (await post(`${url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base', keep_alive: 0 })).json()) as Json;
      assert.equal(body.done_reason, 'unload');
      assert.deepEqual(fake.loadedModels(), []);
    });

    it('streams /api/chat with message deltas', async () => {
      const url = await start();
      fake.addRule({ path: '/api/chat', match: /refactor/i, chunks: ['Sure', '.'] });
      const lines = await ndjson(
        await post(`${url}/api/chat`, { model: 'qwen2.5-coder:7b-instruct', messages: [{ role: 'user', content: 'Refactor this' }] }),
      );
      assert.deepEqual(
        lines.map((l) => (l.message as Json).content),
        ['Sure', '.', ''],
      );
      assert.equal(lines.at(-1)!.done, true);
    });

    it('embeds deterministically, with similar texts close together', async () => {
      const url = await start();
      const input = ['getUserName()', 'get_user_name', 'draw circle on canvas'];
      const body = (await (await post(`${url}/api/embed`, { model: 'nomic-embed-text', input })).json()) as {
        embeddings: number[][];
        model: string;
      };
      assert.equal(body.embeddings.length, 3);
      assert.equal(body.embeddings[0].length, 768);
      assert.deepEqual(body.embeddings[0], fakeEmbedding('getUserName()', 768));
      assert.ok(cosine(body.embeddings[0], body.embeddings[1]) > 0.8);
      assert.ok(cosine(body.embeddings[0], body.embeddings[2]) < 0.3);
      const again = (await (await post(`${url}/api/embed`, { model: 'nomic-embed-text', input: 'getUserName()' })).json()) as {
        embeddings: number[][];
      };
      assert.deepEqual(again.embeddings[0], body.embeddings[0]);
      const norm = Math.sqrt(body.embeddings[2].reduce((s, x) => s + x * x, 0));
      assert.ok(Math.abs(norm - 1) < 1e-3);
    });

    it('describes models via /api/show, /api/tags and /api/ps', async () => {
      const url = await start({ models: tandemDefaultModels(), loaded: ['nomic-embed-text'], maxLoadedModels: 2 });
      const show = (await (await post(`${url}/api/show`, { model: 'qwen2.5-coder:1.5b-base' })).json()) as Json;
      assert.deepEqual(show.capabilities, ['completion', 'insert']);
      assert.match(show.template as string, /\.Suffix/);
      assert.equal((show.details as Json).family, 'qwen2');
      const missing = await post(`${url}/api/show`, { model: 'nope' });
      assert.equal(missing.status, 404);
      const tags = (await (await fetch(`${url}/api/tags`)).json()) as { models: Json[] };
      assert.deepEqual(
        tags.models.map((m) => m.name),
        ['qwen2.5-coder:1.5b-base', 'qwen2.5-coder:7b-instruct', 'nomic-embed-text:latest'],
      );
      assert.equal(typeof tags.models[0].digest, 'string');
      // Using two more models with room for two evicts the least recently used one.
      await post(`${url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base', prompt: 'a', stream: false });
      await post(`${url}/api/chat`, { model: 'qwen2.5-coder:7b-instruct', messages: [{ role: 'user', content: 'x' }], stream: false });
      const ps = (await (await fetch(`${url}/api/ps`)).json()) as { models: Json[] };
      assert.deepEqual(
        ps.models.map((m) => m.name),
        ['qwen2.5-coder:7b-instruct', 'qwen2.5-coder:1.5b-base'],
      );
      assert.equal(typeof ps.models[0].expires_at, 'string');
      assert.equal(typeof ps.models[0].size_vram, 'number');
      assert.deepEqual(await (await fetch(`${url}/api/version`)).json(), { version: '0.12.6' });
    });

    it('pulls a model with streamed progress', async () => {
      const url = await start({ models: [], pullable: [{ name: 'codegemma:2b' }] });
      const lines = await ndjson(await post(`${url}/api/pull`, { model: 'codegemma:2b' }));
      assert.equal(lines[0].status, 'pulling manifest');
      assert.ok(lines.some((l) => typeof l.completed === 'number' && l.completed === l.total));
      assert.equal(lines.at(-1)!.status, 'success');
      assert.deepEqual(fake.modelNames(), ['codegemma:2b']);
      const failed = await ndjson(await post(`${url}/api/pull`, { model: 'nonexistent:1b' }));
      assert.equal(failed.at(-1)!.error, 'pull model manifest: file does not exist');
    });
  });

  describe('OpenAI-compatible API', () => {
    it('lists models and streams /v1/chat/completions as SSE ending in [DONE]', async () => {
      const url = await start({ models: tandemDefaultModels(), defaultReply: { chunks: ['Hi', '!'] } });
      const models = (await (await fetch(`${url}/v1/models`)).json()) as { object: string; data: Json[] };
      assert.equal(models.object, 'list');
      assert.equal(models.data[0].object, 'model');
      const res = await post(`${url}/v1/chat/completions`, {
        model: 'qwen2.5-coder:7b-instruct',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.equal(res.headers.get('content-type'), 'text/event-stream');
      const events = sseData(await res.text());
      assert.equal(events.at(-1), '[DONE]');
      const chunks = events
        .slice(0, -1)
        .map((e) => JSON.parse(e) as { object: string; choices: Array<{ delta: { content: string }; finish_reason: string | null }> });
      assert.equal(chunks[0].object, 'chat.completion.chunk');
      assert.deepEqual(
        chunks.map((c) => c.choices[0].delta.content),
        ['Hi', '!', ''],
      );
      assert.equal(chunks.at(-1)!.choices[0].finish_reason, 'stop');
    });

    it('completes with suffix on /v1/completions, streamed and not', async () => {
      const url = await start({ models: tandemDefaultModels(), defaultReply: { chunks: ['a', 'b'] } });
      const whole = (await (
        await post(`${url}/v1/completions`, { model: 'qwen2.5-coder:1.5b-base', prompt: 'x', suffix: 'y', max_tokens: 5 })
      ).json()) as Json;
      assert.equal(whole.object, 'text_completion');
      assert.equal((whole.choices as Json[])[0].text, 'ab');
      assert.equal(typeof (whole.usage as Json).total_tokens, 'number');
      const events = sseData(
        await (await post(`${url}/v1/completions`, { model: 'qwen2.5-coder:1.5b-base', prompt: 'x', stream: true })).text(),
      );
      assert.equal(events.at(-1), '[DONE]');
      assert.deepEqual(
        events.slice(0, -1).map((e) => (JSON.parse(e) as { choices: Array<{ text: string }> }).choices[0].text),
        ['a', 'b', ''],
      );
      const missing = await post(`${url}/v1/completions`, { model: 'nope', prompt: 'x' });
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as { error: { type: string } }).error.type, 'not_found_error');
    });

    it('embeds on /v1/embeddings', async () => {
      const url = await start();
      const body = (await (await post(`${url}/v1/embeddings`, { model: 'nomic-embed-text', input: ['a', 'b'] })).json()) as {
        data: Array<{ embedding: number[]; index: number }>;
      };
      assert.deepEqual(
        body.data.map((d) => d.index),
        [0, 1],
      );
      assert.deepEqual(body.data[1].embedding, fakeEmbedding('b', 768));
    });
  });

  describe('scripted misbehaviour and observability', () => {
    it('applies rules by path, model, match and times, then falls back to the default', async () => {
      const url = await start({
        models: tandemDefaultModels(),
        rules: [
          { path: '/api/generate', match: 'boom', times: 1, status: 500, error: 'llama runner process has terminated' },
          { path: '/api/generate', matchRegex: '^special', chunks: ['S'] },
        ],
        defaultReply: { chunks: ['D'] },
      });
      const gen = (prompt: string) => post(`${url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base', prompt, stream: false });
      const first = await gen('boom');
      assert.equal(first.status, 500);
      assert.deepEqual(await first.json(), { error: 'llama runner process has terminated' });
      assert.equal(((await (await gen('boom')).json()) as Json).response, 'D', 'times: 1 is used up');
      assert.equal(((await (await gen('special case')).json()) as Json).response, 'S');
    });

    it('sends garbage lines and raw error bodies', async () => {
      const url = await start({
        models: tandemDefaultModels(),
        defaultReply: { chunks: ['a', 'b'], garbage: { afterChunks: 1, line: 'NOT JSON' } },
      });
      const text = await (await post(`${url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base', prompt: 'x' })).text();
      const lines = text.split('\n').filter((l) => l !== '');
      assert.equal(lines[1], 'NOT JSON');
      assert.equal(lines.length, 4);
      fake.setDefaultReply({ status: 502, errorBody: '<html>Bad Gateway</html>', errorContentType: 'text/html' });
      const res = await post(`${url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base', prompt: 'x' });
      assert.equal(res.status, 502);
      assert.equal(await res.text(), '<html>Bad Gateway</html>');
    });

    it('disconnects mid-stream after N chunks without counting it as a client abort', async () => {
      const url = await start({ models: tandemDefaultModels(), defaultReply: { chunks: ['a', 'b', 'c'], disconnectAfterChunks: 2 } });
      const res = await post(`${url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base', prompt: 'x' });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let received = '';
      let error: unknown;
      try {
        while (true) {
          const { done, value } = await reader.read();
          if (done) break;
          received += decoder.decode(value);
        }
      } catch (err) {
        error = err;
      }
      assert.ok(error, 'the body ends with an error, not a clean end');
      assert.deepEqual(
        received
          .split('\n')
          .filter((l) => l)
          .map((l) => (JSON.parse(l) as Json).response),
        ['a', 'b'],
      );
      await fake.waitFor(() => fake.openStreams === 0);
      assert.equal(fake.clientAborts, 0);
      assert.equal(fake.requests[0].outcome, 'server-dropped');
    });

    it('hangs until the client goes away, and counts that as a client abort', async () => {
      const url = await start({ models: tandemDefaultModels(), defaultReply: { hang: true } });
      const ac = new AbortController();
      // Left hanging on purpose: stop() below cuts it.
      void post(`${url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base', prompt: 'x' }).catch(() => undefined);
      const req = fetch(`${url}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ model: 'qwen2.5-coder:7b-instruct', messages: [{ role: 'user', content: 'x' }] }),
        signal: ac.signal,
      }).catch((err: unknown) => err);
      await fake.waitFor(() => fake.openStreams === 2, 5_000, 'two open streams');
      assert.ok(fake.openConnections >= 2);
      ac.abort();
      await req;
      await fake.waitFor(() => fake.clientAborts === 1, 5_000, 'client abort seen');
      assert.equal(fake.requestsTo('/api/chat')[0].outcome, 'client-closed');
      assert.equal(fake.openStreams, 1);
      await fake.stop();
      assert.equal(fake.openStreams, 0);
      assert.equal(fake.clientAborts, 1, 'streams cut by stop() are not client aborts');
    });

    it('delays the first token and each chunk', async () => {
      const url = await start({
        models: tandemDefaultModels(),
        defaultReply: { chunks: ['a', 'b', 'c'], firstTokenDelayMs: 30, chunkDelayMs: 10 },
      });
      await ndjson(await post(`${url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base', prompt: 'x' }));
      const entry = fake.requests[0];
      // Ordering of timestamps, not durations: the headers went out after the request arrived.
      assert.ok(entry.respondedAt! >= entry.time && entry.endedAt! >= entry.respondedAt!);
    });
  });

  it('runs as a CLI that prints its URL and serves the script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-ollama-'));
    const script = join(dir, 'script.json');
    writeFileSync(
      script,
      JSON.stringify({ version: '0.5.0', models: [{ name: 'starcoder2:3b' }], defaultReply: { chunks: ['cli'] } } satisfies FakeScript),
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '..', 'fake-ollama', 'cli.ts'), '--port', '0', '--script', script],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const logged = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('POST /api/generate starcoder2:3b 200 completed')) resolve();
      }),
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      const { url } = JSON.parse(line) as { url: string };
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(await (await fetch(`${url}/api/version`)).json(), { version: '0.5.0' });
      const body = (await (await post(`${url}/api/generate`, { model: 'starcoder2:3b', prompt: 'x', stream: false })).json()) as Json;
      assert.equal(body.response, 'cli');
      await logged;
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
