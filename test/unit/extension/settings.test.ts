import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUserSet, readSettings, settingsUpdateParams, validateUrlSetting } from '../../../extension/settings';
import { applyOverlay, configPath, loadConfig } from '../../../daemon/config';
import { SettingsUpdateRequest } from '../../../protocol';

function getter(values: Record<string, unknown>) {
  return <T>(key: string) => values[key] as T | undefined;
}

describe('settings', () => {
  it('reads defaults', () => {
    const s = readSettings(getter({}));
    assert.deepEqual(s, {
      enable: true,
      ollamaUrl: 'http://127.0.0.1:11434',
      ollamaUrlSet: false,
      remoteUrl: '',
      remoteKind: 'ollama',
      models: {},
      uiMode: 'simple',
      nodePath: '',
    });
  });
  it('ignores unknown modes and empty models', () => {
    const s = readSettings(getter({ uiMode: 'wizard', models: { complete: ' qwen ', chat: '', bogus: 'x' } }));
    assert.equal(s.uiMode, 'simple');
    assert.deepEqual(s.models, { complete: 'qwen' });
  });
  it('sends the local backend, and the remote one preferred when set, valid for the daemon schema', () => {
    const params = settingsUpdateParams(
      readSettings(getter({ ollamaUrl: 'http://127.0.0.1:11434/', remoteUrl: 'https://dgx.lan:11434', models: { complete: 'm' } })),
      {
        Authorization: 'Bearer t',
      },
    );
    assert.deepEqual(params.backends, [
      { name: 'local', url: 'http://127.0.0.1:11434', kind: 'ollama', priority: 10 },
      { name: 'remote', url: 'https://dgx.lan:11434', kind: 'ollama', priority: 0, headers: { Authorization: 'Bearer t' } },
    ]);
    assert.deepEqual(params.models, { complete: 'm' });
    assert.equal(SettingsUpdateRequest.params.safeParse(params).success, true);
  });
  it('sends an OpenAI-compatible remote (vLLM) with its kind', () => {
    const params = settingsUpdateParams(readSettings(getter({ remoteUrl: 'https://vllm.lan:8000', remoteKind: 'openai-compatible' })));
    assert.deepEqual(
      params.backends?.find((b) => b.name === 'remote'),
      { name: 'remote', url: 'https://vllm.lan:8000', kind: 'openai-compatible', priority: 0 },
    );
    assert.equal(readSettings(getter({ remoteKind: 'bogus' })).remoteKind, 'ollama');
  });
  it('validates URLs', () => {
    assert.equal(validateUrlSetting('ollamaUrl', 'http://x:1'), undefined);
    assert.match(validateUrlSetting('ollamaUrl', 'ftp://x') ?? '', /http/);
    assert.match(validateUrlSetting('remoteUrl', 'nope') ?? '', /not a valid URL/);
  });
});

describe('settings: malformed URLs', () => {
  it('leaves a malformed URL out instead of sending an overlay the daemon refuses', () => {
    const params = settingsUpdateParams(readSettings(getter({ ollamaUrl: 'localhost:11434', remoteUrl: 'http://gpu:11434' })));
    assert.deepEqual(
      params.backends?.map((b) => b.name),
      ['remote'],
    );
    const none = settingsUpdateParams(readSettings(getter({ ollamaUrl: 'nope' })));
    assert.equal(none.backends, undefined);
    assert.equal(SettingsUpdateRequest.params.safeParse(none).success, true);
  });
});

/**
 * Precedence of the local backend URL, end to end through the daemon's config: VS Code's
 * values as `get` returns them (the default for an unset key), who set them as
 * `inspect()` says, the overlay the extension sends, and the daemon's effective config.
 */
describe('settings: a VS Code setting wins only when the user set it', () => {
  const defaults = { ollamaUrl: 'http://127.0.0.1:11434', remoteUrl: '', remoteKind: 'ollama', models: {}, uiMode: 'simple', enable: true };
  /** VS Code's view: `get` answers the user's value or the default; `inspect` knows which keys the user set (at `where`). */
  function vscodeConfig(user: Record<string, unknown>, where: 'globalValue' | 'workspaceValue' | 'workspaceFolderValue' = 'globalValue') {
    const values: Record<string, unknown> = { ...defaults, ...user };
    return {
      get: <T>(key: string) => values[key] as T | undefined,
      isSet: (key: string) =>
        isUserSet({ defaultValue: (defaults as Record<string, unknown>)[key], ...(key in user ? { [where]: user[key] } : {}) }),
    };
  }
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'tandem-precedence-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  function effectiveLocalUrl(env: NodeJS.ProcessEnv, cfg: ReturnType<typeof vscodeConfig>): string | undefined {
    const base = loadConfig({ TANDEM_HOME: home, ...env });
    const overlay = settingsUpdateParams(readSettings(cfg.get, cfg.isSet));
    return applyOverlay(base, SettingsUpdateRequest.params.parse(overlay)).backends.find((b) => b.name === 'local')?.url;
  }

  it('isUserSet: a global, workspace or folder value is set; the default alone is not', () => {
    assert.equal(isUserSet(undefined), false);
    assert.equal(isUserSet({ defaultValue: 'x' }), false);
    assert.equal(isUserSet({ globalValue: 'x' }), true);
    assert.equal(isUserSet({ workspaceValue: 'x' }), true);
    assert.equal(isUserSet({ workspaceFolderValue: 'x' }), true);
  });

  it('default setting + TANDEM_OLLAMA_URL: the environment variable wins', () => {
    assert.equal(effectiveLocalUrl({ TANDEM_OLLAMA_URL: 'http://10.1.2.3:11434' }, vscodeConfig({})), 'http://10.1.2.3:11434');
    const s = readSettings(vscodeConfig({}).get, vscodeConfig({}).isSet);
    assert.equal(s.ollamaUrl, 'http://127.0.0.1:11434', 'VS Code still shows its default');
    assert.equal(settingsUpdateParams(s).backends, undefined, 'and the overlay names no backend');
  });

  it("default setting + config.json or OLLAMA_HOST: the daemon's own URL stays", () => {
    writeFileSync(configPath(home), JSON.stringify({ backends: [{ name: 'local', url: 'http://ollama.lan:11434', priority: 10 }] }));
    assert.equal(effectiveLocalUrl({}, vscodeConfig({})), 'http://ollama.lan:11434');
    rmSync(configPath(home));
    assert.equal(effectiveLocalUrl({ OLLAMA_HOST: '0.0.0.0:11500' }, vscodeConfig({})), 'http://127.0.0.1:11500');
  });

  it('user-set setting (user, workspace or folder settings): the setting wins over every daemon source', () => {
    for (const where of ['globalValue', 'workspaceValue', 'workspaceFolderValue'] as const) {
      const cfg = vscodeConfig({ ollamaUrl: 'http://127.0.0.1:7777/' }, where);
      assert.equal(
        effectiveLocalUrl({ TANDEM_OLLAMA_URL: 'http://10.1.2.3:11434', OLLAMA_HOST: 'x.lan' }, cfg),
        'http://127.0.0.1:7777',
        where,
      );
    }
    // Set explicitly to the default value: still the user's choice.
    assert.equal(
      effectiveLocalUrl({ TANDEM_OLLAMA_URL: 'http://10.1.2.3:11434' }, vscodeConfig({ ollamaUrl: 'http://127.0.0.1:11434' })),
      'http://127.0.0.1:11434',
    );
  });

  it('a DGX from TANDEM_DGX_URL stays next to a default or a set local URL', () => {
    for (const cfg of [vscodeConfig({}), vscodeConfig({ ollamaUrl: 'http://127.0.0.1:7777' })]) {
      const base = loadConfig({ TANDEM_HOME: home, TANDEM_DGX_URL: 'https://dgx.lan:11434' });
      const names = applyOverlay(
        base,
        SettingsUpdateRequest.params.parse(settingsUpdateParams(readSettings(cfg.get, cfg.isSet))),
      ).backends.map((b) => `${b.name} ${b.url}`);
      assert.ok(names.includes('dgx https://dgx.lan:11434'), names.join(', '));
    }
  });
});

describe('settings: the agent model', () => {
  it('tandem.models.agent reaches the daemon with the other task models', () => {
    const s = readSettings((key) => (key === 'models' ? { agent: ' qwen3:8b ', chat: 'qwen2.5-coder:7b-instruct' } : undefined) as never);
    assert.deepEqual(s.models, { agent: 'qwen3:8b', chat: 'qwen2.5-coder:7b-instruct' });
    assert.deepEqual(settingsUpdateParams(s).models, { agent: 'qwen3:8b', chat: 'qwen2.5-coder:7b-instruct' });
  });
});
