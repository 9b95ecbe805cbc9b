import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { AgentMetrics } from '../../../../daemon/agent/metrics';

const usage = (tokensIn: number, tokensOut: number, elapsedMs: number) => ({
  modelCalls: 2,
  toolCalls: 3,
  tokensIn,
  tokensOut,
  elapsedMs,
  budgets: { maxToolCalls: 40, maxTokens: 600_000, maxWallSec: 900 },
});

describe('agent Prometheus metrics', () => {
  it('counts tasks by status, tokens in all and per task, wall time per task, and tool calls with bounded tool labels', async () => {
    const registry = new Registry();
    const m = new AgentMetrics(registry);
    m.task({ status: 'done', usage: usage(3000, 1000, 12_000) });
    m.task({ status: 'budget', usage: usage(40_000, 2000, 70_000) });
    m.toolCall('read_file', 'ok');
    m.toolCall('mcp:search/query', 'denied');
    m.toolCall('rm -rf /', 'invalid');
    const text = await registry.metrics();
    assert.match(text, /tandem_agent_tasks_total\{status="done"\} 1/);
    assert.match(text, /tandem_agent_tasks_total\{status="budget"\} 1/);
    assert.match(text, /tandem_agent_tokens_total\{direction="in"\} 43000/);
    assert.match(text, /tandem_agent_tokens_total\{direction="out"\} 3000/);
    // Per task: one task of 4000 tokens, one of 42000.
    assert.match(text, /tandem_agent_task_tokens_bucket\{le="5000"\} 1/);
    assert.match(text, /tandem_agent_task_tokens_bucket\{le="50000"\} 2/);
    assert.match(text, /tandem_agent_task_tokens_sum 46000/);
    assert.match(text, /tandem_agent_task_tokens_count 2/);
    assert.match(text, /tandem_agent_task_duration_seconds_bucket\{le="15"\} 1/);
    assert.match(text, /tandem_agent_task_duration_seconds_sum 82/);
    assert.match(text, /tandem_agent_tool_calls_total\{tool="read_file",status="ok"\} 1/);
    assert.match(text, /tandem_agent_tool_calls_total\{tool="mcp",status="denied"\} 1/);
    assert.match(text, /tandem_agent_tool_calls_total\{tool="unknown",status="invalid"\} 1/);
    m.dispose();
    assert.doesNotMatch(await registry.metrics(), /tandem_agent_/);
  });
});
