import assert from 'node:assert/strict';
import type { ModelTool } from '../../../../daemon/router/types';
import { routerFixtures } from './helpers';

const readFile: ModelTool = {
  name: 'read_file',
  description: 'Read a file',
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

describe('Router tool calls', function () {
  const { startFake, router } = routerFixtures();

  it('Ollama: sends native tools, returns tool calls with object arguments, and replays tool turns with tool_name', async () => {
    const fake = await startFake();
    fake.addRule({ path: '/api/chat', chunks: ['Let me look.'], toolCalls: [{ name: 'read_file', arguments: { path: 'a.ts' } }] });
    const { router: r } = router([{ name: 'local', url: fake.url }]);
    const deltas: string[] = [];
    const result = await r.chat({
      task: 'agent',
      tools: [readFile],
      messages: [
        { role: 'user', content: 'read a.ts' },
        { role: 'assistant', content: '', toolCalls: [{ name: 'list_files', arguments: '{"path":"."}' }] },
        { role: 'tool', content: 'a.ts', toolName: 'list_files' },
      ],
      onDelta: (d) => deltas.push(d),
    });
    assert.deepEqual(result.toolCalls, [{ name: 'read_file', arguments: { path: 'a.ts' } }]);
    assert.equal(result.text, 'Let me look.');
    assert.deepEqual(deltas, ['Let me look.']);
    const body = fake.requestsTo('/api/chat')[0]!.body as Record<string, unknown>;
    assert.deepEqual(body.tools, [{ type: 'function', function: readFile }]);
    const messages = body.messages as Array<Record<string, unknown>>;
    assert.deepEqual(messages[1]!.tool_calls, [{ function: { name: 'list_files', arguments: { path: '.' } } }]);
    assert.equal(messages[2]!.role, 'tool');
    assert.equal(messages[2]!.tool_name, 'list_files');
    assert.equal((body.options as Record<string, unknown>).num_ctx, 32768);
  });

  it('Ollama: reasoning goes to onThinking, not into the answer', async () => {
    const fake = await startFake();
    fake.addRule({ path: '/api/chat', thinking: ['hmm, ', 'a file'], chunks: ['Done.'] });
    const { router: r } = router([{ name: 'local', url: fake.url }]);
    const thinking: string[] = [];
    const result = await r.chat({ task: 'agent', messages: [{ role: 'user', content: 'x' }], onThinking: (d) => thinking.push(d) });
    assert.equal(result.text, 'Done.');
    assert.deepEqual(thinking, ['hmm, ', 'a file']);
  });

  it('Ollama: a model without tools is refused by the server with a message naming it', async () => {
    const fake = await startFake([{ name: 'qwen2.5-coder:7b-instruct', capabilities: ['completion'] }]);
    const { router: r } = router([{ name: 'local', url: fake.url }]);
    await assert.rejects(
      r.chat({ task: 'agent', tools: [readFile], messages: [{ role: 'user', content: 'x' }] }),
      /does not support tools/,
    );
  });

  it('OpenAI-compatible: assembles streamed tool-call deltas and sends tool results with tool_call_id', async () => {
    const fake = await startFake();
    fake.addRule({ path: '/v1/chat/completions', toolCalls: [{ name: 'read_file', arguments: { path: 'src/x.ts' } }] });
    const { router: r } = router([{ name: 'vllm', url: fake.url, kind: 'openai-compatible' }]);
    const result = await r.chat({
      task: 'agent',
      tools: [readFile],
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_7', name: 'read_file', arguments: { path: 'a' } }] },
        { role: 'tool', content: 'text of a', toolName: 'read_file', toolCallId: 'call_7' },
      ],
    });
    assert.deepEqual(result.toolCalls, [{ id: 'call_0', name: 'read_file', arguments: '{"path":"src/x.ts"}' }]);
    const body = fake.requestsTo('/v1/chat/completions')[0]!.body as Record<string, unknown>;
    const messages = body.messages as Array<Record<string, unknown>>;
    assert.deepEqual(messages[1]!.tool_calls, [
      { id: 'call_7', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } },
    ]);
    assert.equal(messages[2]!.tool_call_id, 'call_7');
    assert.equal((body.tools as unknown[]).length, 1);
  });
});
