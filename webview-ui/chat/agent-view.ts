/**
 * The Agent mode of the chat panel: the task, then each step as it happens — the
 * model's words, the plan, each tool call with its arguments and a collapsible result,
 * the approvals (a diff to apply, a command to run, an MCP call, a memory note) with a
 * focusable button per choice — the budget used and the closing summary with "Undo
 * agent changes". Simple mode shows the conversation and the approvals only; expert adds
 * the raw tool-call JSON and token counts. Steps are re-rendered only when they change,
 * so streaming stays cheap. Every model-provided string is set as text, never as HTML,
 * except the model's words, which go through the sanitising markdown renderer.
 */
import { budgetLine, latestPlan, visibleSteps } from './agent-state';
import type { AgentStepView, AgentTaskView, AgentToolsView, ApprovalAsk, FileDiffView, PlanItemView } from './agent-types';
import { BUTTON, type ElementFactory } from './dom';
import type { MarkdownRenderer } from './markdown';
import type { ChatUiMode } from './messages';

const statusText: Record<AgentTaskView['status'], string> = {
  running: 'Working…',
  done: 'Finished.',
  failed: 'Failed.',
  cancelled: 'Cancelled.',
  stopped: 'Stopped.',
};

export class AgentView {
  readonly el: HTMLElement;
  private readonly request: HTMLElement;
  private readonly plan: HTMLElement;
  private readonly steps: HTMLElement;
  private readonly footer: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly rendered = new Map<string, { key: string; el: HTMLElement }>();
  private taskId: string | undefined;

  constructor(
    private readonly h: ElementFactory,
    private readonly renderer: MarkdownRenderer,
  ) {
    this.empty = h('div', { class: 'empty' }, [
      h('p', {}, ['Give Tandem a task.']),
      h('p', { class: 'dim' }, [
        'The agent reads and searches the workspace, edits files and runs commands. Every write is shown as a diff and every command asks first, unless your settings allow it.',
      ]),
    ]);
    this.request = h('div', { class: 'agent-request user-text' });
    this.plan = h('section', { class: 'agent-plan', 'aria-label': 'Plan', hidden: true });
    this.steps = h('div', { class: 'agent-steps' });
    this.footer = h('footer', { class: 'agent-footer', role: 'status' });
    this.el = h('main', { class: 'agent', role: 'log', 'aria-live': 'polite', hidden: true }, [
      this.empty,
      this.request,
      this.plan,
      this.steps,
      this.footer,
    ]);
  }

  render(task: AgentTaskView | null, mode: ChatUiMode): void {
    this.empty.hidden = task !== null;
    this.request.hidden = task === null;
    if (task?.id !== this.taskId) {
      this.taskId = task?.id;
      this.rendered.clear();
      this.steps.replaceChildren();
    }
    if (!task) {
      this.plan.hidden = true;
      this.footer.replaceChildren();
      return;
    }
    this.request.textContent = task.task;
    this.renderPlan(mode === 'simple' ? undefined : latestPlan(task));
    this.renderSteps(task, mode);
    this.renderFooter(task, mode);
  }

  private renderPlan(items: PlanItemView[] | undefined): void {
    this.plan.hidden = !items || items.length === 0;
    if (!items) return;
    this.plan.replaceChildren(this.h('div', { class: 'plan-title' }, ['Plan']), planList(this.h, items));
  }

  private renderSteps(task: AgentTaskView, mode: ChatUiMode): void {
    const keep = new Set<string>();
    let previous: Element | null = null;
    for (const step of visibleSteps(task, mode)) {
      keep.add(step.id);
      const key = `${mode}\u0000${JSON.stringify(step)}`;
      let entry = this.rendered.get(step.id);
      if (!entry || entry.key !== key) {
        const el = this.renderStep(step, mode);
        // A result the user opened stays open when its step re-renders.
        if (entry?.el.tagName === 'DETAILS' && el.tagName === 'DETAILS' && entry.el.hasAttribute('open')) el.setAttribute('open', '');
        if (entry) entry.el.replaceWith(el);
        entry = { key, el };
        this.rendered.set(step.id, entry);
      }
      if (previous === null ? this.steps.firstChild !== entry.el : previous.nextSibling !== entry.el) {
        if (previous === null) this.steps.prepend(entry.el);
        else previous.after(entry.el);
      }
      previous = entry.el;
    }
    for (const [id, entry] of this.rendered) {
      if (!keep.has(id)) {
        entry.el.remove();
        this.rendered.delete(id);
      }
    }
  }

  private renderStep(step: AgentStepView, mode: ChatUiMode): HTMLElement {
    const h = this.h;
    switch (step.kind) {
      case 'text': {
        const el = h('div', { class: 'agent-step text markdown', 'data-step': step.id });
        el.innerHTML = this.renderer.render(step.text);
        return el;
      }
      case 'plan':
        return h('div', { class: 'agent-step plan', 'data-step': step.id }, [
          h('div', { class: 'dim' }, ['Plan updated']),
          planList(h, step.items),
        ]);
      case 'notice':
        return h(
          'div',
          { class: `agent-step notice ${step.level}`, 'data-step': step.id, role: step.level === 'error' ? 'alert' : undefined },
          [step.text],
        );
      case 'tool':
        return this.renderTool(step, mode);
      case 'approval':
        return this.renderApproval(step);
    }
  }

  private renderTool(step: Extract<AgentStepView, { kind: 'tool' }>, mode: ChatUiMode): HTMLElement {
    const h = this.h;
    const status = { running: 'running…', done: '', error: 'failed', denied: 'denied' }[step.status];
    const summary = h('summary', {}, [
      h('span', { class: 'tool-name' }, [step.tool]),
      ' ',
      h('span', { class: 'tool-args' }, [step.summary]),
      ...(status ? [' ', h('span', { class: `tool-status ${step.status}` }, [status])] : []),
      ...(step.outcome ? [' ', h('span', { class: 'dim tool-outcome' }, [`— ${step.outcome}`])] : []),
    ]);
    const body: HTMLElement[] = [];
    if (step.result !== undefined) body.push(h('pre', { class: 'tool-result' }, [step.result || '(empty)']));
    else if (step.status === 'running') body.push(h('div', { class: 'dim' }, ['No result yet.']));
    if (mode === 'expert') {
      body.push(h('div', { class: 'dim' }, ['Arguments (JSON)']), h('pre', { class: 'tool-json' }, [step.argsJson]));
      const t = step.tokens;
      if (t && (t.prompt !== undefined || t.output !== undefined))
        body.push(
          h('div', { class: 'stats' }, [
            [t.prompt !== undefined ? `prompt ${t.prompt} tok` : '', t.output !== undefined ? `output ${t.output} tok` : '']
              .filter(Boolean)
              .join(' · '),
          ]),
        );
    }
    return h('details', { class: `agent-step tool ${step.status}`, 'data-step': step.id }, [summary, ...body]);
  }

  private renderApproval(step: Extract<AgentStepView, { kind: 'approval' }>): HTMLElement {
    const h = this.h;
    const pending = !step.outcome;
    const el = h('div', {
      class: `agent-step approval ${step.ask.type} ${pending ? 'pending' : `settled ${step.outcome!.choice}`}`,
      'data-step': step.id,
      'data-approval': step.approvalId,
      role: 'group',
      'aria-label': approvalTitle(step.ask),
    });
    el.append(h('div', { class: 'approval-title' }, [approvalTitle(step.ask)]), ...this.approvalBody(step));
    if (pending) {
      el.append(
        h(
          'div',
          { class: 'actions approval-actions' },
          choicesFor(step.ask).map(([choice, label], i) =>
            h(
              BUTTON,
              { 'data-action': 'approve', 'data-approval': step.approvalId, 'data-choice': choice, secondary: i > 0, tabindex: 0 },
              [label],
            ),
          ),
        ),
      );
    } else {
      const o = step.outcome!;
      el.append(h('div', { class: `approval-outcome ${o.choice}` }, [o.text]));
      if (o.failed) el.append(h('div', { class: 'approval-failed', role: 'alert' }, [o.failed]));
    }
    return el;
  }

  private approvalBody(step: Extract<AgentStepView, { kind: 'approval' }>): HTMLElement[] {
    const h = this.h;
    const ask = step.ask;
    switch (ask.type) {
      case 'writes':
        return [
          ...ask.files.map((f) => fileDiff(h, f, step.approvalId, !step.outcome)),
          ...ask.refused.map((r) => h('div', { class: 'refused', role: 'note' }, [r])),
        ];
      case 'command':
        return [
          h('pre', { class: 'command' }, [ask.command]),
          ...(ask.cwd ? [h('div', { class: 'dim' }, [`in ${ask.cwd}`])] : []),
          ...(ask.reason ? [h('div', { class: 'dim' }, [ask.reason])] : []),
        ];
      case 'mcp':
        return [h('pre', { class: 'tool-json' }, [ask.argsJson])];
      case 'memory':
        return [
          h('div', { class: 'note' }, [
            h('strong', {}, [`${ask.note.kind}: ${ask.note.title}`]),
            ...(ask.note.tags.length > 0 ? [h('span', { class: 'dim' }, [` ${ask.note.tags.map((t) => `#${t}`).join(' ')}`])] : []),
            ...(ask.note.body ? [h('div', { class: 'note-body' }, [ask.note.body])] : []),
          ]),
        ];
    }
  }

  private renderFooter(task: AgentTaskView, mode: ChatUiMode): void {
    const h = this.h;
    const parts: HTMLElement[] = [];
    const head =
      task.status === 'running' ? h('span', { class: 'dim thinking' }, [statusText.running]) : h('strong', {}, [statusText[task.status]]);
    parts.push(h('div', { class: `agent-status ${task.status}` }, [head, ...(task.reason ? [' ', h('span', {}, [task.reason])] : [])]));
    const budget = mode === 'simple' ? undefined : budgetLine(task);
    if (budget) parts.push(h('div', { class: 'agent-budget dim' }, [`Budget used: ${budget}`]));
    if (mode === 'expert' && task.budget?.tokens && (task.budget.tokens.prompt !== undefined || task.budget.tokens.output !== undefined)) {
      const t = task.budget.tokens;
      parts.push(
        h('div', { class: 'stats' }, [
          [task.model, t.prompt !== undefined ? `prompt ${t.prompt} tok` : '', t.output !== undefined ? `output ${t.output} tok` : '']
            .filter(Boolean)
            .join(' · '),
        ]),
      );
    }
    if (task.summary) {
      const s = h('div', { class: 'agent-summary markdown' });
      s.innerHTML = this.renderer.render(task.summary);
      parts.push(s);
    }
    const undo = task.undo;
    if (undo && undo.state !== 'none' && task.status !== 'running') {
      parts.push(
        undo.state === 'available'
          ? h('div', { class: 'actions' }, [
              h(BUTTON, { secondary: true, 'data-action': 'undo-agent', 'data-task': task.id, tabindex: 0 }, [
                `Undo agent changes (${undo.files} ${undo.files === 1 ? 'file' : 'files'})`,
              ]),
            ])
          : h('div', { class: 'dim agent-undone' }, ['The agent changes were undone.']),
      );
    }
    this.footer.replaceChildren(...parts);
  }
}

function approvalTitle(ask: ApprovalAsk): string {
  switch (ask.type) {
    case 'writes': {
      const n = ask.files.length;
      return n === 0 ? 'Proposed change (nothing applicable)' : `Apply changes to ${n} ${n === 1 ? 'file' : 'files'}?`;
    }
    case 'command':
      return 'Run this command?';
    case 'mcp':
      return `Call ${ask.tool} on MCP server ${ask.server}?`;
    case 'memory':
      return 'Keep this project memory note?';
  }
}

function choicesFor(ask: ApprovalAsk): Array<[string, string]> {
  switch (ask.type) {
    case 'writes':
      return ask.files.length > 0
        ? [
            ['allowOnce', 'Apply'],
            ['deny', 'Reject'],
          ]
        : [['deny', 'Dismiss']];
    case 'memory':
      return [
        ['allowOnce', 'Keep note'],
        ['deny', 'Discard'],
      ];
    case 'command':
    case 'mcp':
      return [
        ['allowOnce', 'Allow once'],
        ['allowTask', 'Allow for this task'],
        ['deny', 'Deny'],
      ];
  }
}

function planList(h: ElementFactory, items: PlanItemView[]): HTMLElement {
  const mark = { pending: '○', in_progress: '◐', done: '●' };
  return h(
    'ol',
    { class: 'plan-items' },
    items.map((it) =>
      h('li', { class: `plan-item ${it.status}` }, [
        h('span', { class: 'plan-mark', 'aria-hidden': 'true' }, [mark[it.status]]),
        ` ${it.text}`,
      ]),
    ),
  );
}

function fileDiff(h: ElementFactory, f: FileDiffView, approvalId: string, canOpen: boolean): HTMLElement {
  const what = { modify: '', create: 'new file', delete: 'deleted', rename: 'renamed' }[f.kind];
  const head = h('div', { class: 'diff-head' }, [
    h('span', { class: 'diff-file-label' }, [f.label]),
    ...(what ? [' ', h('span', { class: 'dim' }, [what])] : []),
    ' ',
    h('span', { class: 'diff-counts' }, [
      h('span', { class: 'add' }, [`+${f.added}`]),
      ' ',
      h('span', { class: 'del' }, [`−${f.removed}`]),
    ]),
    ...(canOpen && f.kind !== 'delete'
      ? [
          ' ',
          h(BUTTON, { secondary: true, 'data-action': 'open-diff', 'data-approval': approvalId, 'data-path': f.path, tabindex: 0 }, [
            'Open diff',
          ]),
        ]
      : []),
  ]);
  const pre = h('pre', { class: 'diff' });
  for (const line of f.lines) {
    const cls = line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx';
    pre.append(h('span', { class: `diff-line ${cls}` }, [line]), '\n');
  }
  if (f.truncated > 0) pre.append(h('span', { class: 'dim' }, [`… ${f.truncated} more lines (Open diff shows all)`]));
  return h('div', { class: 'diff-file', 'data-path': f.path }, [head, ...(f.lines.length > 0 ? [pre] : [])]);
}

/** The tool list (Agent mode, "Tools"): built-in and MCP tools with their switches, the servers' state. */
export function renderToolsPanel(h: ElementFactory, root: HTMLElement, tools: AgentToolsView | undefined): void {
  root.hidden = tools === undefined;
  if (!tools) {
    root.replaceChildren();
    return;
  }
  const groups = new Map<string, AgentToolsView['tools']>();
  for (const t of tools.tools) groups.set(t.source, [...(groups.get(t.source) ?? []), t]);
  const sections: HTMLElement[] = [];
  for (const [source, list] of groups) {
    const server = tools.servers.find((s) => s.name === source);
    const title =
      source === 'builtin'
        ? 'Built-in tools'
        : `MCP server ${source}${server ? ` (${server.state}${server.trusted ? ', trusted: calls without asking' : ''})` : ''}`;
    sections.push(
      h('section', { class: 'tool-group', 'data-source': source }, [
        h('div', { class: 'tool-group-title' }, [title]),
        ...(server?.error ? [h('div', { class: 'refused' }, [server.error])] : []),
        h(
          'ul',
          {},
          list.map((t) =>
            h('li', {}, [
              h('label', { title: t.description ?? t.name }, [
                h('input', {
                  type: 'checkbox',
                  'data-action': 'toggle-tool',
                  'data-tool': t.name,
                  checked: t.enabled,
                  disabled: t.locked,
                }),
                ` ${t.name}`,
              ]),
              ...(t.description ? [h('span', { class: 'dim' }, [` ${t.description}`])] : []),
            ]),
          ),
        ),
      ]),
    );
  }
  for (const s of tools.servers) {
    if (groups.has(s.name)) continue;
    sections.push(
      h('section', { class: 'tool-group', 'data-source': s.name }, [
        h('div', { class: 'tool-group-title' }, [`MCP server ${s.name} (${s.state})`]),
        ...(s.error ? [h('div', { class: 'refused' }, [s.error])] : []),
      ]),
    );
  }
  root.replaceChildren(
    h('div', { class: 'history-header' }, [
      h('strong', {}, ['Tools the agent may use']),
      h(BUTTON, { secondary: true, 'data-action': 'close-tools' }, ['Close']),
    ]),
    ...sections,
  );
}
