/**
 * The agent task as the panel keeps it: snapshots, steps added and replaced by id,
 * streamed text, patches, messages about another task ignored; what each mode shows;
 * the budget line; and a saved task restored after a reload.
 */
import assert from 'node:assert/strict';
import { budgetLine, latestPlan, pendingApprovals, reduceAgentTask, visibleSteps } from '../../../../webview-ui/chat/agent-state';
import type { AgentTaskView } from '../../../../webview-ui/chat/agent-types';
import { initialState, persistable, reduce, restore } from '../../../../webview-ui/chat/state';

const task = (extra: Partial<AgentTaskView> = {}): AgentTaskView => ({
  id: 't1',
  task: 'make the tests pass',
  status: 'running',
  steps: [],
  ...extra,
});

describe('agent task state', () => {
  it('adds, replaces and streams steps of the shown task only', () => {
    let t = reduceAgentTask(null, { type: 'agentTask', task: task() });
    t = reduceAgentTask(t, { type: 'agentText', taskId: 't1', stepId: 's1', text: 'Let me ' });
    t = reduceAgentTask(t, { type: 'agentText', taskId: 't1', stepId: 's1', text: 'look.' });
    t = reduceAgentTask(t, {
      type: 'agentStep',
      taskId: 't1',
      step: { kind: 'tool', id: 's2', tool: 'read_file', summary: 'a.ts', argsJson: '{"path":"a.ts"}', status: 'running' },
    });
    t = reduceAgentTask(t, {
      type: 'agentStep',
      taskId: 't1',
      step: { kind: 'tool', id: 's2', tool: 'read_file', summary: 'a.ts', argsJson: '{"path":"a.ts"}', status: 'done', result: 'x' },
    });
    t = reduceAgentTask(t, { type: 'agentText', taskId: 'other', stepId: 's9', text: 'ignored' });
    t = reduceAgentTask(t, { type: 'agentTaskPatch', taskId: 't1', patch: { status: 'done', summary: 'Fixed.' } });
    assert.ok(t);
    assert.deepEqual(
      t.steps.map((s) => [s.id, s.kind]),
      [
        ['s1', 'text'],
        ['s2', 'tool'],
      ],
    );
    assert.equal((t.steps[0] as { text: string }).text, 'Let me look.');
    assert.equal((t.steps[1] as { status: string }).status, 'done');
    assert.equal(t.status, 'done');
    assert.equal(t.summary, 'Fixed.');
    assert.equal(reduceAgentTask(t, { type: 'agentTask', task: null }), null);
  });

  it('simple mode shows the words and the approvals; the others every step', () => {
    const t = task({
      steps: [
        { kind: 'text', id: 'a', text: 'hi' },
        { kind: 'plan', id: 'b', items: [{ text: 'read', status: 'done' }] },
        { kind: 'tool', id: 'c', tool: 'grep', summary: 'x', argsJson: '{}', status: 'done' },
        { kind: 'approval', id: 'd', approvalId: 'ap', ask: { type: 'command', command: 'npm test' } },
        { kind: 'notice', id: 'e', level: 'info', text: 'compacted' },
        { kind: 'notice', id: 'f', level: 'error', text: 'model failed' },
        { kind: 'plan', id: 'g', items: [{ text: 'edit', status: 'in_progress' }] },
      ],
    });
    assert.deepEqual(
      visibleSteps(t, 'simple').map((s) => s.id),
      ['a', 'd', 'f'],
    );
    assert.equal(visibleSteps(t, 'advanced').length, 7);
    assert.deepEqual(latestPlan(t), [{ text: 'edit', status: 'in_progress' }]);
    assert.deepEqual(
      pendingApprovals(t).map((s) => s.approvalId),
      ['ap'],
    );
  });

  it('says the budget used against its limits', () => {
    const t = task({
      budget: { toolCalls: { used: 4, max: 30 }, tokens: { used: 12_345, max: 200_000 }, timeMs: { used: 65_000, max: 600_000 } },
    });
    assert.equal(budgetLine(t), '4/30 tool calls · 12k/200k tokens · 1m 05s/10m 00s');
    assert.equal(
      budgetLine(task({ budget: { toolCalls: { used: 1 }, tokens: { used: 950 }, timeMs: { used: 800 } } })),
      '1 tool calls · 950 tokens · 800 ms',
    );
  });

  it('the panel state keeps the mode and the task across a reload; the tool list is transient', () => {
    let s = reduce(initialState(), { type: 'panelMode', panelMode: 'agent' });
    s = reduce(s, { type: 'agentTask', task: task() });
    s = reduce(s, { type: 'agentTools', tools: { tools: [], servers: [] } });
    const back = restore(JSON.parse(JSON.stringify(persistable(s))));
    assert.equal(back.panelMode, 'agent');
    assert.equal(back.agent?.id, 't1');
    assert.equal(back.tools, undefined);
    assert.equal(restore({ panelMode: 'bogus', agent: { id: 1 } }).panelMode, 'ask');
    assert.equal(restore({ agent: { id: 1 } }).agent, null);
    const pre = reduce(initialState(), { type: 'prefill', text: 'Explain', panelMode: 'agent' });
    assert.equal(pre.panelMode, 'agent');
    assert.equal(pre.draft, 'Explain');
  });
});
