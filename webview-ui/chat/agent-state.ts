/**
 * How the agent messages change the task the panel shows, and what each UI mode shows
 * of it. Pure; the webview applies it to its state, and the extension applies the same
 * function to its copy so a reloaded panel gets the task back exactly as it was.
 */
import type { AgentStepView, AgentTaskView, PlanItemView } from './agent-types';
import type { ChatUiMode, HostToWebview } from './messages';

type AgentMessage = Extract<HostToWebview, { type: 'agentTask' | 'agentStep' | 'agentText' | 'agentTaskPatch' }>;

export function isAgentMessage(msg: HostToWebview): msg is AgentMessage {
  return msg.type === 'agentTask' || msg.type === 'agentStep' || msg.type === 'agentText' || msg.type === 'agentTaskPatch';
}

function upsert(steps: AgentStepView[], step: AgentStepView): AgentStepView[] {
  const at = steps.findIndex((s) => s.id === step.id);
  if (at < 0) return [...steps, step];
  const next = steps.slice();
  next[at] = step;
  return next;
}

/** The task after one agent message; a message about another task changes nothing. */
export function reduceAgentTask(task: AgentTaskView | null, msg: AgentMessage): AgentTaskView | null {
  if (msg.type === 'agentTask') return msg.task;
  if (!task || task.id !== msg.taskId) return task;
  switch (msg.type) {
    case 'agentStep':
      return { ...task, steps: upsert(task.steps, msg.step) };
    case 'agentText': {
      const existing = task.steps.find((s) => s.id === msg.stepId);
      const text = existing?.kind === 'text' ? existing.text + msg.text : msg.text;
      return { ...task, steps: upsert(task.steps, { kind: 'text', id: msg.stepId, text }) };
    }
    case 'agentTaskPatch':
      return { ...task, ...msg.patch };
  }
}

/** The latest plan of the task (shown above the steps in advanced and expert). */
export function latestPlan(task: AgentTaskView): PlanItemView[] | undefined {
  for (let i = task.steps.length - 1; i >= 0; i--) {
    const s = task.steps[i]!;
    if (s.kind === 'plan') return s.items;
  }
  return undefined;
}

/** Approvals still waiting for the user. */
export function pendingApprovals(task: AgentTaskView | null): Array<Extract<AgentStepView, { kind: 'approval' }>> {
  return (task?.steps ?? []).filter((s): s is Extract<AgentStepView, { kind: 'approval' }> => s.kind === 'approval' && !s.outcome);
}

/**
 * The steps a mode shows. Simple: the conversation (the model's words, problems) and the
 * approvals. Advanced and expert: every step (expert renders more of each).
 */
export function visibleSteps(task: AgentTaskView, mode: ChatUiMode): AgentStepView[] {
  if (mode !== 'simple') return task.steps;
  return task.steps.filter((s) => s.kind === 'text' || s.kind === 'approval' || (s.kind === 'notice' && s.level !== 'info'));
}

export function isRunning(task: AgentTaskView | null | undefined): boolean {
  return task?.status === 'running';
}

/** "1m 05s", "12s", "850 ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** "950", "12.3k", "1.2M". */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** The budget line: "4/30 tool calls · 12.3k/200k tokens · 1m 05s/10m 00s". */
export function budgetLine(task: AgentTaskView): string | undefined {
  const b = task.budget;
  if (!b) return undefined;
  const of = (used: string, max: string | undefined) => (max === undefined ? used : `${used}/${max}`);
  return [
    `${of(String(b.toolCalls.used), b.toolCalls.max?.toString())} tool calls`,
    `${of(formatCount(b.tokens.used), b.tokens.max !== undefined ? formatCount(b.tokens.max) : undefined)} tokens`,
    of(formatDuration(b.timeMs.used), b.timeMs.max !== undefined ? formatDuration(b.timeMs.max) : undefined),
  ].join(' · ');
}
