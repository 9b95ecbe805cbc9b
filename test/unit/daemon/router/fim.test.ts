import assert from 'node:assert/strict';
import {
  detectFimFamily,
  looksInstruct,
  planFim,
  promptLayoutFor,
  supportsNativeInsert,
  type FimFamily,
} from '../../../../daemon/router/fim';

const prefix = 'def add(a, b):\n    ';
const suffix = '\n\nprint(add(1, 2))\n';

describe('fim', () => {
  describe('raw prompts per family (golden)', () => {
    const golden: Array<{ model: string; family: FimFamily; prompt: string; mustStop: string[] }> = [
      {
        model: 'qwen2.5-coder:1.5b',
        family: 'qwen',
        prompt: '<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>',
        mustStop: ['<|endoftext|>', '<|fim_pad|>', '<|file_sep|>', '<|fim_prefix|>'],
      },
      {
        model: 'deepseek-coder:1.3b-base',
        family: 'deepseek',
        prompt:
          '<\uff5cfim\u2581begin\uff5c>def add(a, b):\n    <\uff5cfim\u2581hole\uff5c>\n\nprint(add(1, 2))\n<\uff5cfim\u2581end\uff5c>',
        mustStop: ['<\uff5cend\u2581of\u2581sentence\uff5c>', '<\uff5cfim\u2581begin\uff5c>'],
      },
      {
        model: 'codellama:7b-code',
        family: 'codellama',
        prompt: '<PRE> def add(a, b):\n     <SUF>\n\nprint(add(1, 2))\n <MID>',
        mustStop: ['<EOT>'],
      },
      {
        model: 'starcoder2:3b',
        family: 'starcoder',
        prompt: '<fim_prefix>def add(a, b):\n    <fim_suffix>\n\nprint(add(1, 2))\n<fim_middle>',
        mustStop: ['<|endoftext|>', '<file_sep>'],
      },
      {
        model: 'codestral:22b',
        family: 'codestral',
        prompt: '[SUFFIX]\n\nprint(add(1, 2))\n[PREFIX]def add(a, b):\n    ',
        mustStop: ['[PREFIX]', '[SUFFIX]', '</s>'],
      },
      {
        model: 'codegemma:2b',
        family: 'codegemma',
        prompt: '<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>',
        mustStop: ['<|file_separator|>', '<|fim_prefix|>'],
      },
    ];
    for (const g of golden) {
      it(`${g.family}: ${g.model}`, () => {
        const plan = planFim(g.model, { capabilities: ['completion'] }, prefix, suffix, ['\n\n']);
        assert.equal(plan.mode, 'raw');
        assert.equal(plan.raw, true);
        assert.equal(plan.family, g.family);
        assert.equal(plan.prompt, g.prompt);
        assert.equal(plan.suffix, undefined);
        for (const s of g.mustStop) assert.ok(plan.stop.includes(s), `stop ${s} missing from ${JSON.stringify(plan.stop)}`);
        assert.ok(plan.stop.includes('\n\n'), 'caller stops are kept');
        assert.equal(plan.warning, undefined);
      });
    }
  });

  it('uses the native suffix when the model has the insert capability', () => {
    const plan = planFim('qwen2.5-coder:1.5b-base', { capabilities: ['completion', 'insert'] }, prefix, suffix, ['\n']);
    assert.equal(plan.mode, 'native');
    assert.equal(plan.raw, false);
    assert.equal(plan.prompt, prefix);
    assert.equal(plan.suffix, suffix);
    assert.ok(plan.stop.includes('\n'));
    assert.ok(plan.stop.includes('<|endoftext|>'), 'family stops survive a caller stop that overrides the model defaults');
  });

  it('treats a template referencing .Suffix as native insert support', () => {
    assert.equal(supportsNativeInsert({ template: '{{- if .Suffix }}<PRE> {{ .Prompt }} <SUF>{{ .Suffix }} <MID>{{ end }}' }), true);
    assert.equal(supportsNativeInsert({ template: '{{ .Prompt }}', capabilities: ['completion'] }), false);
  });

  it('detects the family from the template or details when the name says nothing', () => {
    assert.equal(detectFimFamily('my-model:latest', { template: 'x <｜fim▁begin｜>{{ .Prompt }}' }), 'deepseek');
    assert.equal(detectFimFamily('my-model:latest', { template: '<PRE> {{ .Prompt }} <SUF>' }), 'codellama');
    assert.equal(detectFimFamily('my-model:latest', { template: '[SUFFIX]{{ .Suffix }}[PREFIX]' }), 'codestral');
    assert.equal(detectFimFamily('my-model:latest', { template: '<|fim_prefix|>…<|file_separator|>' }), 'codegemma');
    assert.equal(detectFimFamily('my-model:latest', { family: 'starcoder2' }), 'starcoder');
    assert.equal(detectFimFamily('llama3.2:3b', { family: 'llama', template: '{{ .Prompt }}' }), undefined);
  });

  it('warns about instruct models and still uses their FIM support', () => {
    assert.equal(looksInstruct('qwen2.5-coder:7b-instruct'), true);
    assert.equal(looksInstruct('gemma2:9b-it'), true);
    assert.equal(looksInstruct('deepseek-coder:6.7b-chat'), true);
    assert.equal(looksInstruct('codegemma:2b-code'), false);
    assert.equal(looksInstruct('qwen2.5-coder:1.5b-base'), false);
    const plan = planFim('qwen2.5-coder:7b-instruct', { capabilities: ['completion', 'insert'] }, prefix, suffix);
    assert.equal(plan.mode, 'native');
    assert.match(plan.warning ?? '', /instruct/);
  });

  it('falls back to continuing the prefix when the model has no FIM at all', () => {
    const plan = planFim('llama3.2:3b', { family: 'llama', template: '{{ .Prompt }}', capabilities: ['completion'] }, prefix, suffix, [
      '\n',
    ]);
    assert.equal(plan.mode, 'prefix-only');
    assert.equal(plan.prompt, prefix);
    assert.equal(plan.raw, true);
    assert.deepEqual(plan.stop, ['\n']);
    assert.match(plan.warning ?? '', /no fill-in-the-middle/);
  });

  it('puts repository-level context before the FIM prefix token, raw even when the template could fill in', () => {
    const qwenRepo = '<|repo_name|>shop\n<|file_sep|>src/cart.py\nclass Cart:\n    pass\n<|file_sep|>src/app.py\n';
    const qwen = planFim('qwen2.5-coder:1.5b-base', { capabilities: ['completion', 'insert'] }, prefix, suffix, ['\n'], qwenRepo);
    assert.equal(qwen.mode, 'raw');
    assert.equal(qwen.raw, true);
    assert.equal(qwen.suffix, undefined);
    assert.equal(qwen.prompt, `${qwenRepo}<|fim_prefix|>${prefix}<|fim_suffix|>${suffix}<|fim_middle|>`);
    assert.ok(qwen.stop.includes('<|file_sep|>') && qwen.stop.includes('\n'));
    // StarCoder2: the current file's path opens the prefix (the engine puts it there).
    const scRepo = '<repo_name>shop<file_sep>src/cart.py\nclass Cart:\n    pass\n<file_sep>';
    const sc = planFim('starcoder2:3b', {}, `src/app.py\n${prefix}`, suffix, [], scRepo);
    assert.equal(sc.prompt, `${scRepo}<fim_prefix>src/app.py\n${prefix}<fim_suffix>${suffix}<fim_middle>`);
    assert.ok(sc.stop.includes('<file_sep>'));
    // A family without such a layout never sees it.
    const ds = planFim('deepseek-coder:1.3b-base', {}, prefix, suffix, [], qwenRepo);
    assert.equal(ds.prompt, `<｜fim▁begin｜>${prefix}<｜fim▁hole｜>${suffix}<｜fim▁end｜>`);
  });

  it('chooses the context layout from the model name: repository-level for Qwen2.5-Coder and StarCoder2, else comments', () => {
    assert.equal(promptLayoutFor('qwen2.5-coder:1.5b-base'), 'qwen-repo');
    assert.equal(promptLayoutFor('starcoder2:3b'), 'starcoder-repo');
    assert.equal(promptLayoutFor('deepseek-coder:1.3b-base'), 'comments');
    assert.equal(promptLayoutFor('codellama:7b-code'), 'comments');
    assert.equal(promptLayoutFor('llama3.2:3b'), 'comments');
  });
});
