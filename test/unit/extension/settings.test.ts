import { strict as assert } from 'node:assert';
import { readSettings, settingsUpdateParams, validateUrlSetting } from '../../../extension/settings';
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
