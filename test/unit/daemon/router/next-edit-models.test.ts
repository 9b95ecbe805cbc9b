import assert from 'node:assert/strict';
import { nextEditFamily, nextEditFit, RECOMMENDED_NEXT_EDIT_MODEL } from '../../../../daemon/router/next-edit-models';

describe('next-edit models', () => {
  it('knows the next-edit families by name, as pulled from Ollama or Hugging Face', () => {
    assert.equal(nextEditFamily(RECOMMENDED_NEXT_EDIT_MODEL), 'sweep');
    assert.equal(nextEditFamily('hf.co/sweepai/sweep-next-edit-0.5B:Q8_0'), 'sweep');
    assert.equal(nextEditFamily('hf.co/bartowski/zed-industries_zeta-GGUF:Q4_K_M'), 'zeta');
    assert.equal(nextEditFamily('zeta:7b'), 'zeta');
    assert.equal(nextEditFamily('nate/instinct'), 'instinct');
    assert.equal(nextEditFamily('zetacode:1b'), undefined, 'not a word match');
    assert.equal(nextEditFamily('qwen2.5-coder:7b-instruct'), undefined);
  });

  it('tells a plain FIM or chat model from a next-edit one', () => {
    assert.deepEqual(nextEditFit('nate/instinct'), { kind: 'next-edit', family: 'instinct' });
    assert.deepEqual(nextEditFit('qwen2.5-coder:1.5b-base', { capabilities: ['completion', 'insert'] }), { kind: 'fim' });
    assert.deepEqual(nextEditFit('starcoder2:3b'), { kind: 'fim' });
    assert.deepEqual(nextEditFit('qwen2.5-coder:7b-instruct'), { kind: 'chat' });
    assert.deepEqual(nextEditFit('mymodel', { template: '{{- range .Messages }}{{ .Content }}{{ end }}' }), { kind: 'chat' });
    assert.deepEqual(nextEditFit('mymodel', { template: '{{ .Prompt }}' }), { kind: 'unknown' });
  });
});
