import assert from 'node:assert/strict';
import { OTHER_LABEL, SuggestionLabels } from '../../../../daemon/telemetry/labels';

describe('suggestion metric labels', () => {
  it('keeps configured models (with or without the :latest tag), backends and known languages', () => {
    const labels = new SuggestionLabels({ models: () => ['qwen2.5-coder:1.5b-base', 'llama3'], backends: () => ['local', 'dgx'] });
    assert.deepEqual(labels.of('qwen2.5-coder:1.5b-base', 'dgx', 'typescript'), {
      model: 'qwen2.5-coder:1.5b-base',
      backend: 'dgx',
      language: 'typescript',
    });
    assert.deepEqual(labels.of('llama3:latest', 'local', 'python'), { model: 'llama3:latest', backend: 'local', language: 'python' });
    assert.deepEqual(labels.of('evil\nmodel', 'remote', 'brainfuck'), { model: OTHER_LABEL, backend: OTHER_LABEL, language: OTHER_LABEL });
    assert.equal(labels.of(undefined, undefined, 'plaintext').language, 'plaintext');
  });

  it('reads what is known on every call, so a settings update applies at once', () => {
    let models = ['a'];
    const labels = new SuggestionLabels({ models: () => models, backends: () => ['local'] });
    assert.equal(labels.of('b', 'local', 'go').model, OTHER_LABEL);
    models = ['a', 'b'];
    assert.equal(labels.of('b', 'local', 'go').model, 'b');
  });

  it('caps the label sets: past the bound every new set is all other', () => {
    const models = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const labels = new SuggestionLabels({ models: () => models, backends: () => ['local'] }, 4);
    for (let i = 0; i < 4; i++) assert.equal(labels.of(`m${i}`, 'local', 'go').model, `m${i}`);
    assert.deepEqual(labels.of('m7', 'local', 'go'), { model: OTHER_LABEL, backend: OTHER_LABEL, language: OTHER_LABEL });
    assert.equal(labels.of('m1', 'local', 'go').model, 'm1', 'a set already labelled keeps its labels');
    assert.equal(labels.size, 4);
  });
});
