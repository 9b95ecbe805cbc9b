/**
 * Agent mode of the chat webview in jsdom: the Ask/Agent switch, a task's steps as they
 * arrive (words, plan, tool calls with collapsible results, raw JSON and tokens in
 * expert), inline approvals with a focusable button per choice, Stop cancelling the
 * task, the summary with Undo, slash commands, the tool list and its switches, and
 * model output kept as text.
 */
import assert from 'node:assert/strict';
import type { AgentStepView, AgentTaskView } from '../../../../webview-ui/chat/agent-types';
import type { ChatUiMode } from '../../../../webview-ui/chat/messages';
import { initialState } from '../../../../webview-ui/chat/state';
import { viewHarness } from './view-harness';

const task = (extra: Partial<AgentTaskView> = {}): AgentTaskView => ({
  id: 't1',
  task: 'make the tests pass',
  status: 'running',
  steps: [],
  ...extra,
});
const tool = (extra: Partial<Extract<AgentStepView, { kind: 'tool' }>> = {}): AgentStepView => ({
  kind: 'tool',
  id: 's-tool',
  tool: 'read_file',
  summary: 'src/math.ts',
  argsJson: '{"path":"src/math.ts"}',
  status: 'done',
  result: 'export const add = (a, b) => a - b;',
  tokens: { prompt: 812, output: 31 },
  ...extra,
});

function agentHarness(mode: ChatUiMode = 'advanced') {
  const h = viewHarness({ ...initialState(), mode, panelMode: 'agent' });
  return h;
}

describe('chat webview Agent mode', () => {
  it('switches between Ask and Agent, and starts a task with the input', () => {
    const h = viewHarness();
    assert.equal(h.$('[data-mode="ask"]')?.getAttribute('aria-pressed'), 'true');
    assert.equal(h.$('main.agent')?.hidden, true);
    h.click(h.$('[data-mode="agent"]'));
    assert.deepEqual(h.posted.at(-1), { type: 'setPanelMode', panelMode: 'agent' });
    assert.equal(h.$('[data-mode="agent"]')?.getAttribute('aria-pressed'), 'true');
    assert.equal(h.$('main.messages')?.hidden, true);
    assert.equal(h.$('main.agent')?.hidden, false);
    assert.match((h.$('textarea.input') as HTMLTextAreaElement).placeholder, /task for the agent/);
    assert.equal(h.saved.at(-1)?.panelMode, 'agent', 'the mode survives a reload');
    h.type('Make the failing test pass');
    h.key('Enter');
    assert.deepEqual(h.posted.at(-1), { type: 'send', text: 'Make the failing test pass', panelMode: 'agent' });
  });

  it('shows each step as it happens: words, plan, tool calls with a collapsible result', () => {
    const h = agentHarness('advanced');
    h.send({ type: 'agentTask', task: task() });
    assert.equal(h.$('.agent-request')?.textContent, 'make the tests pass');
    assert.equal(h.$('.stop')?.hidden, false, 'Stop while the task runs');
    h.send({ type: 'agentText', taskId: 't1', stepId: 'w1', text: 'I will **read** it.' });
    h.send({
      type: 'agentStep',
      taskId: 't1',
      step: {
        kind: 'plan',
        id: 'p1',
        items: [
          { text: 'Read math.ts', status: 'in_progress' },
          { text: 'Fix add', status: 'pending' },
        ],
      },
    });
    h.send({ type: 'agentStep', taskId: 't1', step: tool({ status: 'running', result: undefined }) });
    assert.equal(h.$('.agent-step.text strong')?.textContent, 'read');
    assert.deepEqual(
      h.$$('.agent-plan .plan-item').map((li) => li.className),
      ['plan-item in_progress', 'plan-item pending'],
    );
    const details = h.$('details.agent-step.tool')!;
    assert.match(details.querySelector('summary')!.textContent!, /read_file src\/math\.ts running…/);
    details.setAttribute('open', '');
    h.send({ type: 'agentStep', taskId: 't1', step: tool() });
    const done = h.$('details.agent-step.tool')!;
    assert.equal(done.querySelector('.tool-result')?.textContent, 'export const add = (a, b) => a - b;');
    assert.ok(done.hasAttribute('open'), 'an opened result stays open when its step updates');
    assert.equal(done.querySelector('.tool-json'), null, 'raw JSON is expert only');
  });

  it('simple mode shows the conversation and approvals only; expert adds raw JSON and tokens', () => {
    const steps: AgentStepView[] = [
      { kind: 'text', id: 'w1', text: 'Reading.' },
      tool(),
      { kind: 'approval', id: 'a1', approvalId: 'ap1', ask: { type: 'command', command: 'npm test' } },
    ];
    const budget = {
      toolCalls: { used: 2, max: 30 },
      tokens: { used: 1500, max: 100_000, prompt: 1400, output: 100 },
      timeMs: { used: 4000 },
    };
    const simple = agentHarness('simple');
    simple.send({ type: 'agentTask', task: task({ steps, budget }) });
    assert.equal(simple.$$('.agent-step').length, 2);
    assert.equal(simple.$('.agent-step.tool'), null);
    assert.equal(simple.$('.agent-budget'), null);

    const expert = agentHarness('expert');
    expert.send({ type: 'agentTask', task: task({ steps, budget, model: 'qwen3:8b' }) });
    assert.equal(expert.$('.agent-step.tool .tool-json')?.textContent, '{"path":"src/math.ts"}');
    assert.match(expert.$('.agent-step.tool .stats')?.textContent ?? '', /prompt 812 tok · output 31 tok/);
    assert.match(expert.$('.agent-budget')?.textContent ?? '', /2\/30 tool calls · 1\.5k\/100k tokens/);
    assert.match(expert.$('.agent-footer .stats')?.textContent ?? '', /qwen3:8b · prompt 1400 tok · output 100 tok/);
  });

  it('asks inline with a focusable button per choice and shows the answer once settled', () => {
    const h = agentHarness();
    h.send({ type: 'agentTask', task: task() });
    h.send({
      type: 'agentStep',
      taskId: 't1',
      step: { kind: 'approval', id: 'a1', approvalId: 'ap1', ask: { type: 'command', command: 'npm test', cwd: '/w' } },
    });
    const group = h.$('.agent-step.approval.pending')!;
    assert.equal(group.getAttribute('role'), 'group');
    assert.equal(group.querySelector('pre.command')?.textContent, 'npm test');
    const buttons = [...group.querySelectorAll('[data-action="approve"]')];
    assert.deepEqual(
      buttons.map((b) => [b.textContent, b.getAttribute('data-choice'), b.getAttribute('tabindex')]),
      [
        ['Allow once', 'allowOnce', '0'],
        ['Allow for this task', 'allowTask', '0'],
        ['Deny', 'deny', '0'],
      ],
    );
    h.click(buttons[1]!);
    assert.deepEqual(h.posted.at(-1), { type: 'approve', approvalId: 'ap1', choice: 'allowTask' });
    h.send({
      type: 'agentStep',
      taskId: 't1',
      step: {
        kind: 'approval',
        id: 'a1',
        approvalId: 'ap1',
        ask: { type: 'command', command: 'npm test' },
        outcome: { choice: 'allowTask', by: 'user', text: 'Allowed for this task.' },
      },
    });
    assert.equal(h.$('.agent-step.approval [data-action="approve"]'), null);
    assert.equal(h.$('.approval-outcome')?.textContent, 'Allowed for this task.');
  });

  it("shows a step's writes as a diff with Open diff, Apply and Reject", () => {
    const h = agentHarness('simple');
    h.send({ type: 'agentTask', task: task() });
    h.send({
      type: 'agentStep',
      taskId: 't1',
      step: {
        kind: 'approval',
        id: 'a2',
        approvalId: 'ap2',
        ask: {
          type: 'writes',
          files: [
            {
              kind: 'modify',
              label: 'src/math.ts',
              path: '/w/src/math.ts',
              added: 1,
              removed: 1,
              lines: ['@@ -1,1 +1,1 @@', '-a - b', '+a + b'],
              truncated: 0,
            },
          ],
          refused: ['Refused to change .git/config: inside .git'],
        },
      },
    });
    assert.equal(h.$('.approval-title')?.textContent, 'Apply changes to 1 file?');
    assert.deepEqual(
      h.$$('.diff .diff-line').map((l) => [l.className, l.textContent]),
      [
        ['diff-line hunk', '@@ -1,1 +1,1 @@'],
        ['diff-line del', '-a - b'],
        ['diff-line add', '+a + b'],
      ],
    );
    assert.match(h.$('.refused')?.textContent ?? '', /\.git\/config/);
    h.click(h.$('[data-action="open-diff"]'));
    assert.deepEqual(h.posted.at(-1), { type: 'openDiff', approvalId: 'ap2', path: '/w/src/math.ts' });
    h.click(h.$('[data-choice="allowOnce"]'));
    assert.deepEqual(h.posted.at(-1), { type: 'approve', approvalId: 'ap2', choice: 'allowOnce' });
    assert.equal(h.$('[data-choice="allowOnce"]')?.textContent, 'Apply');
    assert.equal(h.$('[data-choice="deny"]')?.textContent, 'Reject');
  });

  it('Stop cancels the task; a finished task shows its summary and Undo agent changes', () => {
    const h = agentHarness();
    h.send({ type: 'agentTask', task: task() });
    h.click(h.$('.stop'));
    assert.deepEqual(h.posted.at(-1), { type: 'cancelAgent' });
    h.send({
      type: 'agentTaskPatch',
      taskId: 't1',
      patch: { status: 'done', summary: 'Fixed `add`; the tests pass.', undo: { files: 1, state: 'available' } },
    });
    assert.equal(h.$('.stop')?.hidden, true);
    assert.equal(h.$('.agent-status strong')?.textContent, 'Finished.');
    assert.equal(h.$('.agent-summary code')?.textContent, 'add');
    h.click(h.$('[data-action="undo-agent"]'));
    assert.deepEqual(h.posted.at(-1), { type: 'undoAgent', taskId: 't1' });
    h.send({ type: 'agentTaskPatch', taskId: 't1', patch: { undo: { files: 1, state: 'undone' } } });
    assert.equal(h.$('[data-action="undo-agent"]'), null);
    assert.match(h.$('.agent-undone')?.textContent ?? '', /undone/);
    h.click(h.$('[data-action="new-chat"]'));
    assert.deepEqual(h.posted.at(-1), { type: 'newAgentTask' });
  });

  it('suggests slash commands, and keeps an unknown one in the input with a message', () => {
    const h = viewHarness();
    h.type('/a');
    assert.deepEqual(
      h.$$('.suggestions li').map((li) => li.getAttribute('data-label')),
      ['/agent'],
    );
    h.key('Enter');
    assert.equal((h.$('textarea.input') as HTMLTextAreaElement).value, '/agent ');
    h.type('/deploy now');
    h.key('Enter');
    assert.equal(h.posted.filter((m) => m.type === 'send').length, 0);
    assert.match(h.$('.banner')?.textContent ?? '', /Unknown command \/deploy/);
    assert.equal((h.$('textarea.input') as HTMLTextAreaElement).value, '/deploy now');
    h.type('/agent fix it');
    h.key('Enter');
    assert.deepEqual(h.posted.at(-1), { type: 'send', text: '/agent fix it' });
  });

  it('lists the tools with a switch each and the MCP servers with their trust', () => {
    const h = agentHarness();
    h.click(h.$('[data-action="tools"]'));
    assert.deepEqual(h.posted.at(-1), { type: 'showTools' });
    h.send({
      type: 'agentTools',
      tools: {
        tools: [
          { name: 'read_file', source: 'builtin', enabled: true },
          { name: 'weather__forecast', source: 'weather', enabled: true, description: 'Forecast' },
        ],
        servers: [{ name: 'weather', trusted: true, state: 'running' }],
      },
    });
    assert.deepEqual(
      h.$$('.tool-group-title').map((t) => t.textContent),
      ['Built-in tools', 'MCP server weather (running, trusted: calls without asking)'],
    );
    const box = h.$('[data-tool="weather__forecast"]') as HTMLInputElement;
    assert.equal(box.checked, true);
    h.click(box);
    assert.deepEqual(h.posted.at(-1), { type: 'toggleTool', tool: 'weather__forecast', enabled: false });
    h.click(h.$('[data-action="close-tools"]'));
    assert.equal(h.$('.tools-panel')?.hidden, true);
  });

  it('renders model-provided strings as text', () => {
    const h = agentHarness('expert');
    const evil = '<img src=x onerror="window.__pwned=1">';
    h.send({
      type: 'agentTask',
      task: task({
        steps: [
          tool({ summary: evil, result: evil, argsJson: evil }),
          { kind: 'approval', id: 'a', approvalId: 'ap', ask: { type: 'command', command: evil } },
          { kind: 'text', id: 'w', text: evil },
        ],
      }),
    });
    assert.equal(h.$('main.agent img[onerror]'), null);
    assert.equal(h.$('.tool-result')?.textContent, evil);
    assert.equal(h.$('pre.command')?.textContent, evil);
  });
});
