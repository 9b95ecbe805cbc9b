import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { DoctorCheck, DoctorReport } from '../../../../protocol';
import { compareVersions, diagnose, type DoctorBackendInput } from '../../../../daemon/router/doctor';
import type { Router } from '../../../../daemon/router/router';
import { FakeOllama, tandemDefaultModels, tandemNextEditModel, type FakeModel, type FakeScript } from '../../../fake-ollama';
import { closedPort, makeConfig, makeRouter, type BackendSpec } from './helpers';

function find(report: DoctorReport, id: string, backend?: string): DoctorCheck {
  const check = report.checks.find((c) => c.id === id && (backend === undefined || c.backend === backend));
  assert.ok(
    check,
    `no check ${id}${backend ? ` for ${backend}` : ''} in ${JSON.stringify(report.checks.map((c) => `${c.id}:${c.status}`))}`,
  );
  return check;
}

describe('doctor', () => {
  const fakes: FakeOllama[] = [];
  const routers: Router[] = [];
  const servers: Server[] = [];

  async function fake(script: FakeScript = { models: tandemDefaultModels() }): Promise<FakeOllama> {
    const f = new FakeOllama(script);
    await f.start();
    fakes.push(f);
    return f;
  }

  function doctorOf(backends: BackendSpec[], tasks: Parameters<typeof makeConfig>[1] = {}) {
    const { router } = makeRouter(makeConfig(backends, tasks));
    routers.push(router);
    return router;
  }

  afterEach(async () => {
    for (const r of routers.splice(0)) r.dispose();
    await Promise.all(fakes.splice(0).map((f) => f.stop()));
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it('reports a healthy setup: reachable, version, models pulled, native FIM, loaded models', async () => {
    const f = await fake({
      models: [...tandemDefaultModels(), tandemNextEditModel()],
      loaded: ['qwen2.5-coder:1.5b-base'],
      version: '0.12.6',
    });
    const report = await doctorOf([{ name: 'local', url: f.url }]).doctor();
    assert.equal(report.completionsWork, true);
    assert.match(find(report, 'backend.reachable').title, /Ollama 0\.12\.6/);
    assert.equal(find(report, 'model.complete.pulled').status, 'ok');
    // The agent shares the chat model by default, so one finding covers the four tasks.
    assert.equal(find(report, 'model.chat+fix+edit+agent.pulled').status, 'ok');
    assert.equal(find(report, 'model.agent.tools').status, 'ok');
    assert.equal(find(report, 'model.embed.pulled').status, 'ok');
    assert.equal(find(report, 'model.nextEdit.pulled').status, 'ok');
    assert.match(find(report, 'model.nextEdit.format').title, /is a next-edit model \(Sweep Next-Edit format\)/);
    const fim = find(report, 'model.complete.fim');
    assert.equal(fim.status, 'ok');
    assert.match(fim.title, /natively/);
    assert.match(find(report, 'backend.loaded').title, /qwen2\.5-coder:1\.5b-base/);
    assert.deepEqual(
      report.checks.filter((c) => c.status !== 'ok'),
      [],
    );
  });

  it('warns when the agent model cannot call tools and names a pulled model that can', async () => {
    const models: FakeModel[] = [
      ...tandemDefaultModels(),
      { name: 'llama2:7b', capabilities: ['completion'] },
      { name: 'qwen3:8b', capabilities: ['completion', 'tools', 'thinking'] },
    ];
    const f = await fake({ models });
    const report = await doctorOf([{ name: 'local', url: f.url }], { tasks: { agent: { model: 'llama2:7b' } } }).doctor();
    const c = find(report, 'model.agent.tools');
    assert.equal(c.status, 'warn');
    assert.match(c.title, /llama2:7b cannot call tools/);
    assert.match(c.fix ?? '', /qwen2\.5-coder:7b-instruct|qwen3:8b/);
    assert.match(c.fix ?? '', /has the "tools" capability/);

    const only = await fake({
      models: [...tandemDefaultModels().filter((m) => !m.name.includes('instruct')), { name: 'llama2:7b', capabilities: ['completion'] }],
    });
    const alone = await doctorOf([{ name: 'local', url: only.url }], { tasks: { agent: { model: 'llama2:7b' } } }).doctor();
    assert.match(find(alone, 'model.agent.tools').fix ?? '', /ollama pull qwen3:8b/);
  });

  it('reports connection refused with the Remote-SSH hint, and that completions cannot work', async () => {
    const port = await closedPort();
    const report = await doctorOf([{ name: 'local', url: `http://127.0.0.1:${port}` }]).doctor();
    assert.equal(report.completionsWork, false);
    const c = find(report, 'backend.reachable');
    assert.equal(c.status, 'error');
    assert.match(c.detail ?? '', /connection refused/);
    assert.match(c.fix ?? '', /ollama serve/);
    assert.match(c.fix ?? '', /Remote-SSH/);
    assert.equal(find(report, 'completions.work').status, 'error');
  });

  it('reports a host name that does not resolve', async () => {
    const report = await doctorOf([{ name: 'dgx', url: 'http://tandem-doctor-test.invalid:11434' }]).doctor();
    const c = find(report, 'backend.reachable', 'dgx');
    assert.equal(c.status, 'error');
    assert.match(c.detail ?? '', /not resolved/);
    assert.match(c.fix ?? '', /does not resolve/);
    assert.equal(find(report, 'backend.insecure-http', 'dgx').status, 'warn');
  });

  it('reports a TLS problem', async () => {
    const f = await fake();
    const report = await doctorOf([{ name: 'tls', url: f.url.replace('http://', 'https://') }]).doctor();
    const c = find(report, 'backend.reachable');
    assert.equal(c.status, 'error');
    assert.match(c.detail ?? '', /TLS error/);
    assert.match(c.fix ?? '', /certificate|NODE_EXTRA_CA_CERTS/);
  });

  it('reports HTTP errors: 401 points at the Authorization header, 404 at the backend kind', async () => {
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/api/version' && req.headers.authorization !== 'Bearer ok' ? 401 : 404, { 'Content-Type': 'text/plain' });
      res.end('nope');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const report = await doctorOf([
      { name: 'noauth', url },
      { name: 'wrongkind', url, headers: { Authorization: 'Bearer ok' }, priority: 1 },
    ]).doctor();
    const auth = find(report, 'backend.reachable', 'noauth');
    assert.match(auth.detail ?? '', /HTTP 401/);
    assert.match(auth.fix ?? '', /Authorization header/);
    const kind = find(report, 'backend.reachable', 'wrongkind');
    assert.match(kind.detail ?? '', /HTTP 404/);
    assert.match(kind.fix ?? '', /openai-compatible/);
  });

  it('reports a completion model that is not pulled with the pull command', async () => {
    const f = await fake({ models: tandemDefaultModels().filter((m) => !m.name.includes('1.5b-base')) });
    const report = await doctorOf([{ name: 'local', url: f.url }]).doctor();
    assert.equal(report.completionsWork, false);
    const c = find(report, 'model.complete.pulled');
    assert.equal(c.status, 'error');
    assert.match(c.fix ?? '', /`ollama pull qwen2\.5-coder:1\.5b-base` on 127\.0\.0\.1/);
  });

  it('warns that retrieval is BM25-only without the embed model', async () => {
    const f = await fake({ models: tandemDefaultModels().filter((m) => !m.name.includes('embed')) });
    const report = await doctorOf([{ name: 'local', url: f.url }]).doctor();
    assert.equal(report.completionsWork, true);
    const c = find(report, 'model.embed.pulled');
    assert.equal(c.status, 'warn');
    assert.match(c.detail ?? '', /BM25-only/);
    assert.match(c.fix ?? '', /ollama pull nomic-embed-text/);
  });

  it('warns about an instruct model and a model without FIM for completions', async () => {
    const models: FakeModel[] = [
      ...tandemDefaultModels(),
      { name: 'llama3.2:3b', capabilities: ['completion'], template: '{{ .Prompt }}' },
    ];
    const f = await fake({ models });
    const instruct = await doctorOf([{ name: 'local', url: f.url }], {
      tasks: { complete: { model: 'qwen2.5-coder:7b-instruct' } },
    }).doctor();
    const c1 = find(instruct, 'model.complete.fim');
    assert.equal(c1.status, 'warn');
    assert.match(c1.title, /instruct/);
    assert.match(c1.fix ?? '', /qwen2\.5-coder:1\.5b-base/);
    const plain = await doctorOf([{ name: 'local', url: f.url }], { tasks: { complete: { model: 'llama3.2:3b' } } }).doctor();
    const c2 = find(plain, 'model.complete.fim');
    assert.equal(c2.status, 'warn');
    assert.match(c2.title, /does not support fill-in-the-middle/);
    assert.match(c2.fix ?? '', /base code model/);
  });

  it('reports raw-token FIM for a base model without template support', async () => {
    const f = await fake({
      models: [...tandemDefaultModels(), { name: 'deepseek-coder:1.3b-base', capabilities: ['completion'], template: '{{ .Prompt }}' }],
    });
    const report = await doctorOf([{ name: 'local', url: f.url }], { tasks: { complete: { model: 'deepseek-coder:1.3b-base' } } }).doctor();
    const c = find(report, 'model.complete.fim');
    assert.equal(c.status, 'ok');
    assert.match(c.title, /DeepSeek-Coder/);
  });

  it('warns when an embed model is not an embedding model', async () => {
    const f = await fake();
    const report = await doctorOf([{ name: 'local', url: f.url }], { tasks: { embed: { model: 'qwen2.5-coder:7b-instruct' } } }).doctor();
    assert.equal(find(report, 'model.embed.capability').status, 'warn');
  });

  it('notices chat and completion models evicting each other, and models spilling to the CPU', async () => {
    const models = tandemDefaultModels().map((m) =>
      m.name.includes('7b') ? { ...m, sizeBytes: 5_000_000_000, sizeVramBytes: 4_000_000_000 } : m,
    );
    const f = await fake({ models, maxLoadedModels: 1 });
    const { router } = makeRouter(makeConfig([{ name: 'gpu', url: f.url }]));
    routers.push(router);
    await router.complete({ prefix: 'a', suffix: 'b' });
    await router.chat({ task: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    const report = await router.doctor();
    const evict = find(report, 'backend.loaded.evicting');
    assert.equal(evict.status, 'warn');
    assert.match(evict.fix ?? '', /OLLAMA_MAX_LOADED_MODELS/);
    const cpu = find(report, 'backend.loaded.cpu');
    assert.match(cpu.title, /20% on the CPU/);
  });

  it('warns, without failing completions, when the next-edit model is not pulled, with its pull line', async () => {
    const f = await fake({ models: tandemDefaultModels() });
    const report = await doctorOf([{ name: 'local', url: f.url }]).doctor();
    assert.equal(report.completionsWork, true);
    const c = find(report, 'model.nextEdit.pulled');
    assert.equal(c.status, 'warn');
    assert.match(c.detail ?? '', /Next-edit suggestions are off/);
    assert.match(c.fix ?? '', /`ollama pull hf\.co\/sweepai\/sweep-next-edit-1\.5B` on 127\.0\.0\.1/);
  });

  it('recognises the next-edit families and warns about a plain FIM or chat model as the next-edit model', async () => {
    const models: FakeModel[] = [
      ...tandemDefaultModels(),
      { name: 'nate/instinct:latest', capabilities: ['completion', 'tools'] },
      { name: 'hf.co/bartowski/zed-industries_zeta-GGUF:Q4_K_M', capabilities: ['completion'] },
    ];
    const f = await fake({ models });
    const verdict = async (model: string) =>
      find(await doctorOf([{ name: 'local', url: f.url }], { tasks: { nextEdit: { model } } }).doctor(), 'model.nextEdit.format');
    assert.match((await verdict('nate/instinct')).title, /next-edit model \(Instinct \(Continue\) format\)/);
    assert.match((await verdict('hf.co/bartowski/zed-industries_zeta-GGUF:Q4_K_M')).title, /Zeta \(Zed\) format/);
    const fim = await verdict('qwen2.5-coder:1.5b-base');
    assert.equal(fim.status, 'warn');
    assert.match(fim.title, /fill-in-the-middle model, not a next-edit model/);
    assert.match(fim.fix ?? '', /ollama pull hf\.co\/sweepai\/sweep-next-edit-1\.5B/);
    const chat = await verdict('qwen2.5-coder:7b-instruct');
    assert.equal(chat.status, 'warn');
    assert.match(chat.title, /chat model: next edits use Tandem's generic format/);
    assert.match(chat.fix ?? '', /ollama pull hf\.co\/sweepai\/sweep-next-edit-1\.5B/);
  });

  it('notices the completion and next-edit models evicting each other', async () => {
    const f = await fake({ models: [...tandemDefaultModels(), tandemNextEditModel()], maxLoadedModels: 1 });
    const { router } = makeRouter(makeConfig([{ name: 'gpu', url: f.url }]));
    routers.push(router);
    await router.complete({ prefix: 'a', suffix: 'b' });
    await router.generate({ task: 'nextEdit', prompt: '<|file_sep|>updated/a.ts' });
    const evict = find(await router.doctor(), 'backend.loaded.next-edit');
    assert.equal(evict.status, 'warn');
    assert.match(evict.fix ?? '', /OLLAMA_MAX_LOADED_MODELS=3/);
  });

  it('checks an openai-compatible backend through /v1/models', async () => {
    const f = await fake();
    const report = await doctorOf([{ name: 'vllm', url: f.url, kind: 'openai-compatible' }]).doctor();
    assert.equal(report.completionsWork, true);
    assert.match(find(report, 'backend.reachable').title, /OpenAI-compatible/);
    assert.equal(find(report, 'model.complete.fim').status, 'ok');
    const missing = await doctorOf([{ name: 'vllm', url: f.url, kind: 'openai-compatible' }], {
      tasks: { complete: { model: 'nope:1b' } },
    }).doctor();
    assert.equal(missing.completionsWork, false);
    assert.match(find(missing, 'model.complete.pulled').fix ?? '', /one it lists/);
  });

  it('counts a backend as serving when another one lacks the model', async () => {
    const full = await fake();
    const empty = await fake({ models: [] });
    const report = await doctorOf([
      { name: 'full', url: full.url },
      { name: 'empty', url: empty.url, priority: 1 },
    ]).doctor();
    assert.equal(report.completionsWork, true);
    assert.equal(find(report, 'model.complete.pulled', 'empty').status, 'warn');
  });

  describe('diagnose (pure)', () => {
    const base: DoctorBackendInput = {
      name: 'dgx',
      url: 'http://10.0.0.5:11434',
      kind: 'ollama',
      enabled: true,
      reachable: true,
      version: '0.2.1',
      models: [],
      loaded: [],
      traits: {},
      usedAgoMs: {},
    };
    const tasks = makeConfig([]).tasks;

    it('warns about plain http to another host and an old Ollama', () => {
      const report = diagnose({ backends: [base], tasks });
      const http = find(report, 'backend.insecure-http');
      assert.match(http.fix ?? '', /ssh -N -L 11434:127\.0\.0\.1:11434 10\.0\.0\.5/);
      assert.match(find(report, 'backend.version').fix ?? '', /Update Ollama/);
    });

    it('reports no enabled backend', () => {
      const report = diagnose({ backends: [{ ...base, enabled: false }], tasks });
      assert.equal(report.completionsWork, false);
      assert.equal(find(report, 'backends.none').status, 'error');
    });

    it('compares versions', () => {
      assert.ok(compareVersions('0.12.6', '0.3.0') > 0);
      assert.ok(compareVersions('0.2.9', '0.3.0') < 0);
      assert.equal(compareVersions('v0.3.0', '0.3.0'), 0);
    });
  });
});
