import assert from 'node:assert/strict';
import { recogniseToolCalls } from '../../../../daemon/agent/text-tool-calls';

describe('recogniseToolCalls', () => {
  it('reads Qwen/Hermes <tool_call> blocks, several and an unterminated last one, keeping the prose', () => {
    const r = recogniseToolCalls(
      'I will read both.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "a.ts"}}\n</tool_call>\n<tool_call>\n{"name": "read_file", "arguments": {"path": "b.ts"}}',
    );
    assert.deepEqual(
      r.calls.map((c) => [c.name, c.arguments]),
      [
        ['read_file', { path: 'a.ts' }],
        ['read_file', { path: 'b.ts' }],
      ],
    );
    assert.equal(r.text, 'I will read both.');
    assert.deepEqual(r.malformed, []);
  });

  it('parses arguments given as a JSON string', () => {
    const r = recogniseToolCalls('<tool_call>{"name": "grep", "arguments": "{\\"pattern\\": \\"TODO\\"}"}</tool_call>');
    assert.deepEqual(r.calls[0]!.arguments, { pattern: 'TODO' });
  });

  it('reads a JSON call in a code fence, and leaves other fenced JSON alone', () => {
    const r = recogniseToolCalls(
      'Here:\n```json\n{"name": "list_files", "parameters": {"path": "src"}}\n```\nand config:\n```json\n{"name": "pkg", "version": "1.0.0"}\n```',
    );
    assert.equal(r.calls.length, 1);
    assert.deepEqual(r.calls[0], { name: 'list_files', arguments: { path: 'src' }, raw: r.calls[0]!.raw });
    assert.match(r.text, /"version": "1.0.0"/);
  });

  it('reads Llama python_tag, a bare call object, Mistral [TOOL_CALLS] in both forms and gpt-oss harmony', () => {
    assert.equal(recogniseToolCalls('<|python_tag|>{"name": "git", "parameters": {"command": "status"}}<|eom_id|>').calls[0]!.name, 'git');
    assert.deepEqual(recogniseToolCalls('{"name": "todo", "parameters": {"items": []}}').calls[0]!.arguments, { items: [] });
    const mistral = recogniseToolCalls(
      '[TOOL_CALLS][{"name": "read_file", "arguments": {"path": "x"}}, {"name": "grep", "arguments": {"pattern": "y"}}]',
    );
    assert.deepEqual(
      mistral.calls.map((c) => c.name),
      ['read_file', 'grep'],
    );
    assert.deepEqual(recogniseToolCalls('[TOOL_CALLS]read_file[ARGS]{"path": "z.ts"}').calls[0]!.arguments, { path: 'z.ts' });
    const harmony = recogniseToolCalls('<|channel|>commentary to=functions.read_file <|constrain|>json<|message|>{"path":"q.ts"}<|call|>');
    assert.deepEqual([harmony.calls[0]!.name, harmony.calls[0]!.arguments], ['read_file', { path: 'q.ts' }]);
  });

  it('reports a broken <tool_call> as malformed with the reason instead of dropping it', () => {
    const r = recogniseToolCalls('<tool_call>{"name": "read_file", "arguments": {"path": </tool_call>');
    assert.equal(r.calls.length, 0);
    assert.equal(r.malformed.length, 1);
    assert.match(r.malformed[0]!.reason, /could not be read: its JSON does not parse/);
    const nameless = recogniseToolCalls('<tool_call>{"arguments": {}}</tool_call>');
    assert.match(nameless.malformed[0]!.reason, /no tool name/);
  });

  it('tolerates a trailing comma and finds nothing in plain prose or a bare JSON value that is not a call', () => {
    assert.equal(recogniseToolCalls('<tool_call>{"name": "todo", "arguments": {"items": [],},}</tool_call>').calls.length, 1);
    assert.deepEqual(recogniseToolCalls('The function returns {"a": 1}.').calls, []);
    assert.deepEqual(recogniseToolCalls('{"a": 1}').calls, []);
  });
});
