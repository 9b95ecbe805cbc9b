import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  MAX_TIMER_MS,
  applyOverlay,
  configPath,
  defaultConfigFile,
  duration,
  loadConfig,
  ollamaHostUrl,
} from '../../../daemon/config';
import { parseContextConfig } from '../../../daemon/context/config';

describe('config', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'tandem-config-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('creates config.json with documented defaults on first load (mode 0600)', () => {
    const cfg = loadConfig({ TANDEM_HOME: home });
    const written = JSON.parse(readFileSync(configPath(home), 'utf8')) as { tasks: Record<string, { model: string }> };
    assert.equal(statSync(configPath(home)).mode & 0o777, 0o600);
    assert.equal(written.tasks.complete!.model, 'qwen2.5-coder:1.5b-base');
    assert.equal(cfg.tasks.complete.model, 'qwen2.5-coder:1.5b-base');
    assert.equal(cfg.tasks.chat.model, 'qwen2.5-coder:7b-instruct');
    assert.equal(cfg.tasks.fix.model, 'qwen2.5-coder:7b-instruct');
    assert.equal(cfg.tasks.edit.model, 'qwen2.5-coder:7b-instruct');
    assert.equal(cfg.tasks.embed.model, 'nomic-embed-text');
    assert.deepEqual(
      cfg.backends.map((b) => [b.name, b.url, b.kind]),
      [['local', 'http://127.0.0.1:11434', 'ollama']],
    );
  });

  it('keeps task defaults for fields the file leaves out', () => {
    writeFileSync(configPath(home), JSON.stringify({ tasks: { complete: { model: 'deepseek-coder:1.3b-base' } } }));
    const cfg = loadConfig({ TANDEM_HOME: home });
    assert.equal(cfg.tasks.complete.model, 'deepseek-coder:1.3b-base');
    assert.equal(cfg.tasks.complete.num_predict, 128);
    assert.equal(cfg.tasks.chat.model, 'qwen2.5-coder:7b-instruct');
  });

  it('TANDEM_OLLAMA_URL re-points the local backend and TANDEM_DGX_URL adds a preferred remote one', () => {
    const cfg = loadConfig({ TANDEM_HOME: home, TANDEM_OLLAMA_URL: 'http://127.0.0.1:9999/', TANDEM_DGX_URL: 'https://dgx.example:11434' });
    const local = cfg.backends.find((b) => b.name === 'local')!;
    const dgx = cfg.backends.find((b) => b.name === 'dgx')!;
    assert.equal(local.url, 'http://127.0.0.1:9999');
    assert.equal(dgx.url, 'https://dgx.example:11434');
    assert.ok(dgx.priority < local.priority, 'the DGX is preferred, the laptop is the fallback');
  });

  it('OLLAMA_HOST in every form Ollama accepts becomes the URL a client uses', () => {
    const forms: Array<[string, string]> = [
      ['0.0.0.0', 'http://127.0.0.1:11434'],
      ['0.0.0.0:11500', 'http://127.0.0.1:11500'],
      [':11500', 'http://127.0.0.1:11500'],
      ['127.0.0.1', 'http://127.0.0.1:11434'],
      ['gpu.lan', 'http://gpu.lan:11434'],
      ['gpu.lan:8080', 'http://gpu.lan:8080'],
      ['http://10.0.0.5', 'http://10.0.0.5:80'],
      ['http://10.0.0.5:11434/', 'http://10.0.0.5:11434'],
      ['https://ollama.example.org', 'https://ollama.example.org:443'],
      ['https://example.org/ollama', 'https://example.org:443/ollama'],
      ['[::1]:1337', 'http://[::1]:1337'],
      ['::1', 'http://[::1]:11434'],
      ['[::]', 'http://127.0.0.1:11434'],
      [' "10.0.0.5" ', 'http://10.0.0.5:11434'],
      ["'10.0.0.5:9'", 'http://10.0.0.5:9'],
      [':66000', 'http://127.0.0.1:11434'],
    ];
    for (const [value, url] of forms) assert.equal(ollamaHostUrl(value), url, value);
    assert.throws(
      () => ollamaHostUrl('ftp://gpu.lan'),
      (err: Error) => err instanceof ConfigError && /OLLAMA_HOST="ftp:\/\/gpu\.lan"/.test(err.message),
    );
  });

  it('OLLAMA_HOST is the local URL only when nothing more specific is set', () => {
    const local = (env: NodeJS.ProcessEnv) => loadConfig({ TANDEM_HOME: home, ...env }).backends.find((b) => b.name === 'local')?.url;
    assert.equal(local({ OLLAMA_HOST: '0.0.0.0:11500' }), 'http://127.0.0.1:11500', 'over the built-in default');
    assert.equal(
      local({ OLLAMA_HOST: '0.0.0.0:11500', TANDEM_OLLAMA_URL: 'http://10.0.0.9:11434' }),
      'http://10.0.0.9:11434',
      'TANDEM_OLLAMA_URL wins',
    );
    assert.equal(local({ OLLAMA_HOST: '' }), 'http://127.0.0.1:11434');
    writeFileSync(configPath(home), JSON.stringify({ backends: [{ name: 'local', url: 'http://ollama.lan:11434', priority: 10 }] }));
    assert.equal(local({ OLLAMA_HOST: '0.0.0.0:11500' }), 'http://ollama.lan:11434', "config.json's own URL wins");
    writeFileSync(configPath(home), JSON.stringify({ backends: [{ name: 'dgx', url: 'https://dgx.lan', priority: 0 }] }));
    assert.equal(local({ OLLAMA_HOST: '0.0.0.0:11500' }), undefined, 'a config without a local backend gets none');
  });

  it('rejects a bad URL in the environment with the variable name', () => {
    assert.throws(
      () => loadConfig({ TANDEM_HOME: home, TANDEM_OLLAMA_URL: 'localhost:11434' }),
      (err: Error) => err instanceof ConfigError && /TANDEM_OLLAMA_URL/.test(err.message),
    );
  });

  it('reports invalid JSON and invalid settings with the file and the path of each problem', () => {
    writeFileSync(configPath(home), '{ not json');
    assert.throws(
      () => loadConfig({ TANDEM_HOME: home }),
      (err: Error) => err instanceof ConfigError && err.message.includes(configPath(home)),
    );
    writeFileSync(configPath(home), JSON.stringify({ backends: [{ name: 'x', url: 'ftp://nope' }], daemon: { idleTimeoutSec: -1 } }));
    assert.throws(
      () => loadConfig({ TANDEM_HOME: home }),
      (err: Error) => err instanceof ConfigError && /backends\.0\.url/.test(err.message) && /daemon\.idleTimeoutSec/.test(err.message),
    );
  });

  it('bounds every duration inside what a timer holds, naming the key, the range and the value', () => {
    // Each duration key with a value past its bound (all of these overflowed a Node timer or had no bound).
    const tooLong: Array<[string, object, RegExp]> = [
      [
        'daemon.idleTimeoutSec',
        { daemon: { idleTimeoutSec: 3_000_000 } },
        /seconds in 1\.\.604800 s \(7 days at most\), or 0 \(never\); got 3000000/,
      ],
      [
        'router.healthIntervalMs',
        { router: { healthIntervalMs: 3e9 } },
        /milliseconds in 1000\.\.3600000 ms \(1 h at most\), or 0 \(probe only on demand\)/,
      ],
      ['router.circuitCooldownMs', { router: { circuitCooldownMs: 1e12 } }, /100\.\.3600000 ms/],
      ['router.probeTimeoutMs', { router: { probeTimeoutMs: 1e9 } }, /50\.\.60000 ms \(1 min at most\)/],
      ['tasks.chat.timeoutMs', { tasks: { chat: { timeoutMs: 1e12 } } }, /100\.\.3600000 ms/],
      ['tasks.complete.firstTokenTimeoutMs', { tasks: { complete: { firstTokenTimeoutMs: 1e9 } } }, /50\.\.600000 ms \(10 min at most\)/],
    ];
    for (const [key, file, message] of tooLong) {
      writeFileSync(configPath(home), JSON.stringify(file));
      assert.throws(
        () => loadConfig({ TANDEM_HOME: home }),
        (err: Error) =>
          err instanceof ConfigError && err.message.includes(`${key}: must be a whole number of`) && message.test(err.message),
        key,
      );
    }
    // A probe every 5 ms is a flood, not a health check; 0 still means "only on demand".
    writeFileSync(configPath(home), JSON.stringify({ router: { healthIntervalMs: 5 } }));
    assert.throws(() => loadConfig({ TANDEM_HOME: home }), /router\.healthIntervalMs: .*got 5/);
    writeFileSync(configPath(home), JSON.stringify({ router: { healthIntervalMs: 0 }, daemon: { idleTimeoutSec: 0 } }));
    const zero = loadConfig({ TANDEM_HOME: home });
    assert.equal(zero.router.healthIntervalMs, 0);
    assert.equal(zero.daemon.idleTimeoutSec, 0);
    writeFileSync(configPath(home), JSON.stringify({ daemon: { idleTimeoutSec: 604_800 }, router: { healthIntervalMs: 3_600_000 } }));
    assert.equal(loadConfig({ TANDEM_HOME: home }).daemon.idleTimeoutSec, 604_800, 'the bound itself is allowed');

    for (const [key, raw] of [
      ['embeddings.retryMs', { embeddings: { retryMs: 1e10 } }],
      ['watch.debounceMs', { watch: { debounceMs: 1e7 } }],
      ['completion.deadlineMs', { completion: { deadlineMs: 1e7 } }],
    ] as const) {
      assert.throws(
        () => parseContextConfig(raw),
        new RegExp(`context\\.${key.replace('.', '\\.')}: must be a whole number of milliseconds`),
        key,
      );
    }
    // The defaults file parses, and no bound can be set past a timer's range.
    assert.doesNotThrow(() => defaultConfigFile());
    assert.throws(() => duration('s', 1, MAX_TIMER_MS), /overflows a timer/);
  });

  it('applies a client overlay without touching the file', () => {
    const cfg = loadConfig({ TANDEM_HOME: home });
    const before = readFileSync(configPath(home), 'utf8');
    const next = applyOverlay(cfg, {
      backends: [{ name: 'remote', url: 'http://10.0.0.5:11434', kind: 'ollama', priority: 0 }],
      models: { complete: 'starcoder2:3b' },
    });
    assert.equal(next.tasks.complete.model, 'starcoder2:3b');
    assert.equal(next.tasks.complete.num_ctx, cfg.tasks.complete.num_ctx);
    assert.deepEqual(
      next.backends.map((b) => b.name),
      ['local', 'remote'],
      'configured backends the client does not name stay',
    );
    const repointed = applyOverlay(cfg, { backends: [{ name: 'local', url: 'http://127.0.0.1:9', kind: 'ollama', priority: 10 }] });
    assert.deepEqual(
      repointed.backends.map((b) => [b.name, b.url]),
      [['local', 'http://127.0.0.1:9']],
      'a same-named backend is replaced, not duplicated',
    );
    assert.equal(readFileSync(configPath(home), 'utf8'), before);
    assert.equal(cfg.tasks.complete.model, 'qwen2.5-coder:1.5b-base', 'the base config is not mutated');
  });
});
