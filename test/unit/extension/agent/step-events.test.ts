/**
 * The daemon's agent events as panel steps: words split by tool calls, a call's
 * one-line arguments, its token counts from the usage of its model call, command
 * output streaming into the result, plan, compaction and notices, and the end of the
 * task (an answer already streamed is not repeated).
 */
import assert from 'node:assert/strict';
import type { AgentEvent, AgentUsage } from '../../../../protocol';
import { StepTranslator, summarizeArguments } from '../../../../extension/agent/step-events';

const usage = (tokensIn: number, tokensOut: number, toolCalls = 0): AgentUsage => ({
  modelCalls: 1,
  toolCalls,
  tokensIn,
  tokensOut,
  elapsedMs: 10,
  budgets: { maxToolCalls: 40, maxTokens: 600_000, maxWallSec: 900 },
});

describe('agent step events', () => {
  it('summarises arguments per tool', () => {
    const s = (name: string, args: unknown, extra = {}) => summarizeArguments({ name, arguments: args, source: 'builtin', ...extra });
    assert.equal(s('read_file', { path: 'a.ts', start_line: 3, end_line: 9 }), 'a.ts:3-9');
    assert.equal(s('grep', { pattern: 'retry', glob: 'src/**' }), '"retry" in src/**');
    assert.equal(s('run_command', { command: 'npm test' }), 'npm test');
    assert.equal(s('rename_file', { path: 'a.ts', new_path: 'b.ts' }), 'a.ts → b.ts');
    assert.equal(s('edit_file', { path: 'a.ts' }), 'a.ts');
    assert.equal(s('forecast', {}, { source: 'mcp', server: 'weather' }), 'on weather');
    assert.equal(s('read_file', 'not an object'), '?');
  });

  it('turns a run of events into steps', () => {
    const t = new StepTranslator('t1');
    const events: AgentEvent[] = [
      { kind: 'turn', turn: 1 },
      { kind: 'text', turn: 1, delta: 'Let me ' },
      { kind: 'text', turn: 1, delta: 'run them.' },
      { kind: 'usage', usage: usage(800, 40) },
      { kind: 'toolCall', turn: 1, call: { callId: 'c1', name: 'run_tests', source: 'builtin', arguments: {}, origin: 'native' } },
      { kind: 'commandOutput', callId: 'c1', stream: 'stdout', text: 'FAIL add\n' },
      {
        kind: 'toolResult',
        turn: 1,
        result: { callId: 'c1', status: 'ok', summary: 'exit code 1', output: 'FAIL add\nexit code 1', durationMs: 50 },
      },
      { kind: 'turn', turn: 2 },
      { kind: 'text', turn: 2, delta: 'Fixing.' },
      { kind: 'todo', items: [{ id: '1', text: 'fix', status: 'done' }] },
      { kind: 'compaction', compactedResults: 2, tokensBefore: 30_000, tokensAfter: 12_000, numCtx: 32_768 },
      { kind: 'notice', level: 'warn', message: 'A tool call was recognised in the text.' },
      { kind: 'step', stepId: 's1', state: 'failed', changes: [], reason: 'math.ts changed meanwhile' },
      { kind: 'thinking', turn: 2, delta: 'hmm' },
    ];
    const msgs = events.flatMap((e) => t.translate(e));
    const texts = msgs.filter((m) => m.type === 'agentText').map((m) => (m as { stepId: string }).stepId);
    assert.deepEqual(texts, ['text-1', 'text-1', 'text-2'], 'a tool call ends a run of words');
    const tool = msgs
      .filter((m) => m.type === 'agentStep' && m.step.kind === 'tool')
      .map((m) => (m as { step: { result?: string; tokens?: unknown; status: string } }).step);
    assert.deepEqual(tool[0]!.tokens, { prompt: 800, output: 40 });
    assert.equal(tool[1]!.result, 'FAIL add\n', 'output streams into the result');
    assert.equal(tool[2]!.status, 'done');
    assert.equal(tool[2]!.result, 'FAIL add\nexit code 1');
    const notices = msgs
      .filter((m) => m.type === 'agentStep' && m.step.kind === 'notice')
      .map((m) => (m as { step: { text: string } }).step.text);
    assert.match(notices[0]!, /Shortened 2 older tool results .*30000 → 12000 tokens of 32768/);
    assert.equal(notices[1], 'A tool call was recognised in the text.');
    assert.equal(notices[2], 'math.ts changed meanwhile');
    assert.ok(msgs.some((m) => m.type === 'agentStep' && m.step.kind === 'plan'));
    assert.deepEqual(
      t.finish({
        taskId: 't1',
        status: 'done',
        stopReason: 'answered',
        answer: 'Fixing.',
        todo: [],
        usage: usage(900, 60, 1),
        files: [],
        model: 'm',
        backend: 'local',
      }),
      {
        status: 'done',
        budget: {
          toolCalls: { used: 1, max: 40 },
          tokens: { used: 960, max: 600_000, prompt: 900, output: 60 },
          timeMs: { used: 10, max: 900_000 },
        },
        model: 'm @ local',
      },
      'the streamed answer is not repeated as a summary',
    );
    const stopped = t.finish({
      taskId: 't1',
      status: 'budget',
      stopReason: 'max_tool_calls',
      answer: 'Done: A. Left: B.',
      reason: 'The tool-call budget (40) is used up.',
      todo: [],
      usage: usage(1, 1),
      files: [],
      model: 'm',
    });
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.summary, 'Done: A. Left: B.');
    assert.equal(stopped.reason, 'The tool-call budget (40) is used up.');
  });
});
