/**
 * The agent controller with a fake daemon, editor and panel: a task's events as steps,
 * a step's writes approved inline and applied as one edit (or rejected, refused on a
 * stale hash, auto-applied except under dot folders), command approvals (allowlist,
 * once, for the task), cancellation denying what is pending, a reloaded panel getting
 * the task back, Undo Agent Changes after several steps and its refusal, /remember and
 * the tool switches.
 */
import assert from 'node:assert/strict';
import type {
  AgentApplyEditsRequest,
  AgentApproveRequest,
  AgentEventNotification,
  AgentRunResult,
  FileChange,
  McpServerInfo,
} from '../../../../protocol';
import { AgentController, type AgentEditor } from '../../../../extension/agent/agent-controller';
import type { AgentDaemon, AgentRequestHandlers, RunParams } from '../../../../extension/agent/agent-daemon';
import { parseAllowlist } from '../../../../extension/agent/allowlist';
import type { UndoConflict, UndoOperation } from '../../../../extension/agent/undo-set';
import { WorkspaceUndoStore } from '../../../../extension/agent/undo-store';
import { applyTextEdits } from '../../../../extension/agent/write-preview';
import type { PreparedOperation } from '../../../../extension/edit/workspace-changes';
import { nullLogger } from '../../../../extension/log';
import { contentHash } from '../../../../shared/hash';
import type { AgentStepView } from '../../../../webview-ui/chat/agent-types';
import type { HostToWebview } from '../../../../webview-ui/chat/messages';

const ROOT = '/w';

class Deferred<T> {
  promise: Promise<T>;
  resolve!: (v: T) => void;
  reject!: (e: unknown) => void;
  constructor() {
    this.promise = new Promise<T>((res, rej) => ((this.resolve = res), (this.reject = rej)));
  }
}

const usage = {
  modelCalls: 2,
  toolCalls: 3,
  tokensIn: 900,
  tokensOut: 100,
  elapsedMs: 4200,
  budgets: { maxToolCalls: 40, maxTokens: 600_000, maxWallSec: 900 },
};
const result = (extra: Partial<AgentRunResult> = {}): AgentRunResult => ({
  taskId: 'x',
  status: 'done',
  stopReason: 'answered',
  answer: 'All tests pass now.',
  todo: [],
  usage,
  files: [],
  model: 'qwen3:8b',
  ...extra,
});

class FakeDaemon implements AgentDaemon {
  handlers!: AgentRequestHandlers;
  runs: Array<{
    params: RunParams;
    onEvent: (p: AgentEventNotification.Params) => void;
    signal: AbortSignal;
    done: Deferred<AgentRunResult>;
  }> = [];
  toolsEnabled: unknown[] = [];
  undoneIds: string[] = [];
  seq = 0;
  connected() {
    return true;
  }
  setHandlers(h: AgentRequestHandlers) {
    this.handlers = h;
  }
  run(params: RunParams, onEvent: (p: AgentEventNotification.Params) => void, signal: AbortSignal) {
    const done = new Deferred<AgentRunResult>();
    signal.addEventListener('abort', () => done.reject(Object.assign(new Error('cancelled'), { code: -32800 })));
    this.runs.push({ params, onEvent, signal, done });
    return done.promise;
  }
  event(event: AgentEventNotification.Params['event']) {
    const r = this.runs.at(-1)!;
    r.onEvent({ taskId: r.params.taskId, seq: this.seq++, event });
  }
  async cancel() {
    return true;
  }
  async tools() {
    return {
      tools: [
        { name: 'read_file', source: 'builtin' as const, description: 'Read a file', enabled: true, needsApproval: false, writes: false },
        {
          name: 'mcp_weather_forecast',
          source: 'mcp' as const,
          server: 'weather',
          description: 'Forecast',
          enabled: true,
          needsApproval: true,
          writes: false,
        },
      ],
    };
  }
  async mcpList() {
    const server: McpServerInfo = {
      name: 'weather',
      source: 'workspace',
      transport: 'stdio',
      target: 'node weather.js',
      envNames: [],
      trusted: false,
      state: 'running',
      restarts: 0,
      tools: [{ tool: 'forecast', name: 'mcp_weather_forecast', description: 'Forecast', enabled: true }],
    };
    return { servers: [server], problems: [] };
  }
  async setToolEnabled(p: unknown) {
    this.toolsEnabled.push(p);
    return { server: (await this.mcpList()).servers[0]! };
  }
  changeSet: Awaited<ReturnType<AgentDaemon['changes']>> | undefined;
  async changes() {
    if (!this.changeSet) throw Object.assign(new Error('No agent task t-9.'), { code: -32004 });
    return this.changeSet;
  }
  async undone(taskId: string) {
    this.undoneIds.push(taskId);
    return true;
  }
}

class FakeEditor implements AgentEditor {
  files = new Map<string, string>([
    [`${ROOT}/src/math.ts`, 'export const add = (a: number, b: number) => a - b;\n'],
    [`${ROOT}/test/math.test.ts`, 'test\n'],
  ]);
  applied: PreparedOperation[][] = [];
  conflicts: UndoConflict[][] = [];
  attentions: number[] = [];
  diffs: Array<[string, string, string]> = [];
  root() {
    return ROOT;
  }
  memoryWorkspace() {
    return ROOT;
  }
  activeFile() {
    return `${ROOT}/src/math.ts`;
  }
  documents() {
    return [];
  }
  changeEnvironment() {
    return {
      folders: [{ path: ROOT, realPath: ROOT }],
      currentText: (p: string) => this.files.get(p),
      exists: (p: string) => this.files.has(p),
      fs: {
        realpath: (p: string) => p,
        exists: (p: string) => this.files.has(p) || p === ROOT || p === `${ROOT}/src` || p === `${ROOT}/.vscode`,
      },
    };
  }
  read(p: string) {
    return this.files.get(p);
  }
  label(p: string) {
    return p.slice(ROOT.length + 1);
  }
  async apply(ops: readonly PreparedOperation[]) {
    this.applied.push([...ops]);
    for (const op of ops) {
      if (op.kind === 'modify') this.files.set(op.path, applyTextEdits(this.files.get(op.path)!, op.edits));
      else if (op.kind === 'create') this.files.set(op.path, op.text);
      else if (op.kind === 'delete') this.files.delete(op.path);
      else {
        this.files.set(op.newPath, this.files.get(op.path)!);
        this.files.delete(op.path);
      }
    }
    return { ok: true as const };
  }
  async applyUndo(ops: readonly UndoOperation[]) {
    for (const op of ops) {
      if (op.kind === 'replace' || op.kind === 'create') this.files.set(op.path, op.text);
      else if (op.kind === 'delete') this.files.delete(op.path);
      else {
        this.files.set(op.newPath, this.files.get(op.path)!);
        this.files.delete(op.path);
      }
    }
    return { ok: true as const };
  }
  async openDiff(title: string, path: string, _before: string, after: string) {
    this.diffs.push([title, path, after]);
  }
  async showUndoConflicts(c: readonly UndoConflict[]) {
    this.conflicts.push([...c]);
  }
  diagnostics() {
    return [];
  }
  attention(n: number) {
    this.attentions.push(n);
  }
}

function setup(opts: { autoApply?: boolean; allow?: string[]; visible?: boolean } = {}) {
  const daemon = new FakeDaemon();
  const editor = new FakeEditor();
  const posted: HostToWebview[] = [];
  const badges: number[] = [];
  const notes: unknown[] = [];
  let saved: unknown;
  let n = 0;
  const controller = new AgentController({
    daemon,
    memory: {
      add: async (p) => {
        notes.push(p);
        const note = {
          id: 'n1',
          workspace: ROOT,
          kind: p.kind,
          title: p.title,
          body: p.body ?? '',
          tags: p.tags ?? [],
          source: 'user' as const,
          createdAt: 1,
          updatedAt: 1,
          archived: false,
        };
        return { note, archivedIds: [] };
      },
    },
    editor,
    settings: { autoApply: () => opts.autoApply ?? false, allowlist: () => parseAllowlist(opts.allow ?? []) },
    panel: { post: (m) => posted.push(m), visible: () => opts.visible ?? true, setBadge: (c) => badges.push(c) },
    undo: new WorkspaceUndoStore({ get: () => saved, set: (v) => (saved = JSON.parse(JSON.stringify(v))) }),
    newId: () => String(++n),
    log: nullLogger,
  });
  return { daemon, editor, controller, posted, badges, notes };
}

const tick = () => new Promise((r) => setImmediate(r));

function modifyMath(from: string, to: string, editor: FakeEditor): FileChange {
  const path = `${ROOT}/src/math.ts`;
  const text = editor.files.get(path)!;
  const col = text.indexOf(from);
  return {
    kind: 'modify',
    path,
    baseHash: contentHash(text),
    edits: [{ range: { start: { line: 0, character: col }, end: { line: 0, character: col + from.length } }, newText: to }],
  };
}

function approvalSteps(t: { controller: AgentController }): Array<Extract<AgentStepView, { kind: 'approval' }>> {
  return (t.controller.task?.steps ?? []).filter((s): s is Extract<AgentStepView, { kind: 'approval' }> => s.kind === 'approval');
}

describe('agent controller', () => {
  it('shows a task’s events as steps and ends with the budget and the answer', async () => {
    const t = setup();
    const run = t.controller.start('make the tests pass');
    assert.deepEqual(t.posted[0], { type: 'panelMode', panelMode: 'agent' });
    const params = t.daemon.runs[0]!.params;
    assert.equal(params.text, 'make the tests pass');
    assert.equal(params.root, ROOT);
    assert.equal(params.activeFile, `${ROOT}/src/math.ts`);
    t.daemon.event({ kind: 'text', turn: 1, delta: 'Reading ' });
    t.daemon.event({ kind: 'text', turn: 1, delta: 'the file.' });
    t.daemon.event({
      kind: 'toolCall',
      turn: 1,
      call: {
        callId: 'c1',
        name: 'read_file',
        source: 'builtin',
        arguments: { path: 'src/math.ts', start_line: 1, end_line: 40 },
        origin: 'native',
      },
    });
    t.daemon.event({
      kind: 'toolResult',
      turn: 1,
      result: { callId: 'c1', status: 'ok', summary: 'read 1 line', output: 'export const add', durationMs: 3 },
    });
    t.daemon.event({ kind: 'todo', items: [{ id: '1', text: 'Fix add', status: 'in_progress' }] });
    t.daemon.event({ kind: 'usage', usage });
    t.daemon.runs[0]!.done.resolve(result());
    await run;
    const task = t.controller.task!;
    assert.equal(task.status, 'done');
    assert.deepEqual(
      task.steps.map((s) => s.kind),
      ['text', 'tool', 'plan'],
    );
    assert.equal((task.steps[0] as { text: string }).text, 'Reading the file.');
    const tool = task.steps[1] as Extract<AgentStepView, { kind: 'tool' }>;
    assert.equal(tool.summary, 'src/math.ts:1-40');
    assert.equal(tool.status, 'done');
    assert.equal(tool.outcome, 'read 1 line');
    assert.equal(task.summary, 'All tests pass now.');
    assert.deepEqual(task.budget?.toolCalls, { used: 3, max: 40 });
    assert.equal(t.controller.busy(), false);
  });

  it('asks before applying a step’s writes, applies them as one edit when approved, and records them for undo', async () => {
    const t = setup({ visible: false });
    const run = t.controller.start('fix add');
    const change = modifyMath('a - b', 'a + b', t.editor);
    const answer = t.daemon.handlers.applyEdits(
      { taskId: t.daemon.runs[0]!.params.taskId, stepId: 's1', summary: 'edit math', changes: [change] },
      new AbortController().signal,
    );
    await tick();
    const [pending] = approvalSteps(t);
    assert.ok(pending && !pending.outcome);
    assert.equal(pending.ask.type, 'writes');
    const files = (pending.ask as Extract<typeof pending.ask, { type: 'writes' }>).files;
    assert.deepEqual(
      files[0]!.lines.filter((l) => /^[-+]/.test(l)),
      ['-export const add = (a: number, b: number) => a - b;', '+export const add = (a: number, b: number) => a + b;'],
    );
    assert.deepEqual(t.editor.attentions, [1], 'a hidden panel gets the user’s attention');
    assert.deepEqual(t.badges.at(-1), 1);
    assert.equal(t.editor.applied.length, 0, 'nothing is written before the approval');

    await t.controller.handle({ type: 'openDiff', approvalId: pending.approvalId, path: `${ROOT}/src/math.ts` });
    assert.equal(t.editor.diffs[0]![2], 'export const add = (a: number, b: number) => a + b;\n');

    await t.controller.handle({ type: 'approve', approvalId: pending.approvalId, choice: 'allowOnce' });
    assert.deepEqual(await answer, { outcome: 'applied' });
    assert.equal(t.editor.files.get(`${ROOT}/src/math.ts`), 'export const add = (a: number, b: number) => a + b;\n');
    assert.equal(approvalSteps(t)[0]!.outcome?.text, 'Applied.');
    assert.deepEqual(t.controller.task?.undo, { files: 1, state: 'available' });
    assert.deepEqual(t.badges.at(-1), 0);
    t.daemon.runs[0]!.done.resolve(result());
    await run;
  });

  it('a rejected step goes back to the model; a stale base hash is refused before asking', async () => {
    const t = setup();
    const run = t.controller.start('fix add');
    const taskId = t.daemon.runs[0]!.params.taskId;
    const stale: FileChange = { ...modifyMath('a - b', 'a + b', t.editor), baseHash: contentHash('old text') } as FileChange;
    const refused = await t.daemon.handlers.applyEdits(
      { taskId, stepId: 's0', summary: '', changes: [stale] },
      new AbortController().signal,
    );
    assert.equal(refused.outcome, 'failed');
    assert.match(refused.reason ?? '', /edited after Tandem read it/);
    assert.equal(approvalSteps(t).length, 0);

    const answer = t.daemon.handlers.applyEdits(
      { taskId, stepId: 's1', summary: '', changes: [modifyMath('a - b', 'a * b', t.editor)] },
      new AbortController().signal,
    );
    await tick();
    await t.controller.handle({ type: 'approve', approvalId: approvalSteps(t)[0]!.approvalId, choice: 'deny' });
    assert.deepEqual(await answer, { outcome: 'rejected', reason: 'The user rejected these changes.' });
    assert.equal(approvalSteps(t)[0]!.outcome?.text, 'Rejected.');
    assert.match(t.editor.files.get(`${ROOT}/src/math.ts`)!, /a - b/);
    t.daemon.runs[0]!.done.resolve(result());
    await run;
  });

  it('auto-apply writes without asking, but still asks for a file under a dot folder', async () => {
    const t = setup({ autoApply: true });
    const run = t.controller.start('fix add');
    const taskId = t.daemon.runs[0]!.params.taskId;
    assert.deepEqual(
      await t.daemon.handlers.applyEdits(
        { taskId, stepId: 's1', summary: '', changes: [modifyMath('a - b', 'a + b', t.editor)] },
        new AbortController().signal,
      ),
      {
        outcome: 'applied',
      },
    );
    assert.equal(approvalSteps(t)[0]!.outcome?.by, 'autoApply');
    const dot = t.daemon.handlers.applyEdits(
      { taskId, stepId: 's2', summary: '', changes: [{ kind: 'create', path: `${ROOT}/.vscode/settings.json`, text: '{}' }] },
      new AbortController().signal,
    );
    await tick();
    assert.equal(approvalSteps(t)[1]!.outcome, undefined, 'a write under .vscode/ waits for the user');
    await t.controller.handle({ type: 'approve', approvalId: approvalSteps(t)[1]!.approvalId, choice: 'deny' });
    assert.equal((await dot).outcome, 'rejected');
    t.daemon.runs[0]!.done.resolve(result());
    await run;
  });

  it('commands: the allowlist answers at once; otherwise once, for this task or deny', async () => {
    const t = setup({ allow: ['npm test'] });
    const run = t.controller.start('run the tests');
    const taskId = t.daemon.runs[0]!.params.taskId;
    assert.deepEqual(
      t.daemon.runs[0]!.params.allowCommands,
      [parseAllowlist(['npm test']).entries[0]!.regex],
      'the allowlist goes to the daemon',
    );
    const cmd = (callId: string, command: string): AgentApproveRequest.Params => ({
      taskId,
      approval: { kind: 'command', callId, command, cwd: ROOT, timeoutSec: 120, tool: 'run_command' },
    });
    assert.deepEqual(await t.daemon.handlers.approve(cmd('c1', 'npm test -- -g add'), new AbortController().signal), { decision: 'once' });
    assert.match(approvalSteps(t)[0]!.outcome?.text ?? '', /allowlist entry npm test/);

    const asked = t.daemon.handlers.approve(cmd('c2', 'npm test && curl x | sh'), new AbortController().signal);
    await tick();
    const pending = approvalSteps(t)[1]!;
    assert.equal(pending.outcome, undefined);
    await t.controller.handle({ type: 'approve', approvalId: pending.approvalId, choice: 'allowTask' });
    assert.deepEqual(await asked, { decision: 'task' });

    const denied = t.daemon.handlers.approve(cmd('c3', 'rm -rf build'), new AbortController().signal);
    await tick();
    await t.controller.handle({ type: 'approve', approvalId: approvalSteps(t)[2]!.approvalId, choice: 'deny' });
    assert.deepEqual(await denied, { decision: 'deny', reason: 'The user denied this.' });
    t.daemon.runs[0]!.done.resolve(result());
    await run;
  });

  it('a hidden panel gets the task back with its pending approval; cancelling denies it', async () => {
    const t = setup();
    const run = t.controller.start('run the tests');
    const taskId = t.daemon.runs[0]!.params.taskId;
    const asked = t.daemon.handlers.approve(
      { taskId, approval: { kind: 'command', callId: 'c1', command: 'npm test', cwd: ROOT, timeoutSec: 120, tool: 'run_tests' } },
      new AbortController().signal,
    );
    await tick();
    t.posted.length = 0;
    t.controller.ready();
    const replay = t.posted[0] as Extract<HostToWebview, { type: 'agentTask' }>;
    assert.equal(replay.type, 'agentTask');
    const step = replay.task!.steps.find((s) => s.kind === 'approval') as Extract<AgentStepView, { kind: 'approval' }>;
    assert.equal(step.outcome, undefined, 'still pending after the reload');
    assert.equal((step.ask as { reason?: string }).reason, "The project's test command.");

    await t.controller.handle({ type: 'cancelAgent' });
    assert.deepEqual(await asked, { decision: 'deny', reason: 'The task was cancelled.' });
    await run;
    assert.equal(t.controller.task?.status, 'cancelled');
    assert.equal(approvalSteps(t)[0]!.outcome?.by, 'cancelled');
    assert.ok(t.daemon.runs[0]!.signal.aborted, 'the run was cancelled at the daemon');
  });

  it('undoes every change of a task after several steps, and refuses when the user edited a file since', async () => {
    const t = setup({ autoApply: true });
    const run = t.controller.start('fix add');
    const taskId = t.daemon.runs[0]!.params.taskId;
    const signal = new AbortController().signal;
    await t.daemon.handlers.applyEdits({ taskId, stepId: 's1', summary: '', changes: [modifyMath('a - b', 'a + b', t.editor)] }, signal);
    await t.daemon.handlers.applyEdits(
      {
        taskId,
        stepId: 's2',
        summary: '',
        changes: [modifyMath('a + b', 'b + a', t.editor), { kind: 'create', path: `${ROOT}/src/new.ts`, text: 'new\n' }],
      },
      signal,
    );
    t.daemon.runs[0]!.done.resolve(result());
    await run;
    assert.deepEqual(t.controller.task?.undo, { files: 2, state: 'available' });

    // The user types in math.ts: undo would overwrite it.
    const mine = t.editor.files.get(`${ROOT}/src/math.ts`)! + '// mine\n';
    t.editor.files.set(`${ROOT}/src/math.ts`, mine);
    await t.controller.handle({ type: 'undoAgent', taskId });
    assert.equal(t.editor.conflicts.length, 1);
    assert.equal(t.editor.conflicts[0]![0]!.reason, 'src/math.ts was edited after the agent wrote it.');
    assert.equal(t.editor.files.get(`${ROOT}/src/math.ts`), mine, 'nothing was undone');
    assert.ok(t.editor.files.has(`${ROOT}/src/new.ts`));

    t.editor.files.set(`${ROOT}/src/math.ts`, mine.replace('// mine\n', ''));
    await t.controller.undo();
    assert.equal(t.editor.files.get(`${ROOT}/src/math.ts`), 'export const add = (a: number, b: number) => a - b;\n');
    assert.ok(!t.editor.files.has(`${ROOT}/src/new.ts`));
    assert.deepEqual(t.controller.task?.undo, { files: 2, state: 'undone' });
    assert.deepEqual(t.daemon.undoneIds, [taskId]);
    await t.controller.undo(taskId);
    assert.match((t.posted.at(-1) as { text: string }).text, /No changes of this task|undone already|No agent changes/);
  });

  it('undoes a task of another window with the daemon’s change set, refusing on its conflicts', async () => {
    const t = setup();
    const path = `${ROOT}/src/math.ts`;
    const now = t.editor.files.get(path)!;
    const base = { taskId: 't-9', steps: [], files: [], undone: false };
    t.daemon.changeSet = { ...base, undo: [], conflicts: [{ path, reason: 'src/math.ts changed after the task.' }] };
    await t.controller.undo('t-9');
    assert.equal(t.editor.conflicts[0]![0]!.reason, 'src/math.ts changed after the task.');
    t.daemon.changeSet = {
      ...base,
      conflicts: [],
      undo: [
        {
          kind: 'modify',
          path,
          baseHash: contentHash(now),
          edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: 'before\n' }],
        },
      ],
    };
    await t.controller.undo('t-9');
    assert.equal(t.editor.files.get(path), 'before\n');
    assert.deepEqual(t.daemon.undoneIds, ['t-9']);
    t.daemon.changeSet = undefined;
    await t.controller.undo('t-8');
    assert.match((t.posted.at(-1) as { text: string }).text, /No changes of this task to undo: No agent task/);
  });

  it('keeps a /remember note, and switches an MCP tool off; built-in tools stay on', async () => {
    const t = setup();
    await t.controller.remember('constraint: No network in tests #ci\nThe box is offline.');
    assert.deepEqual(t.notes[0], {
      workspace: ROOT,
      kind: 'constraint',
      title: 'No network in tests',
      body: 'The box is offline.',
      tags: ['ci'],
    });
    assert.match((t.posted.at(-1) as { text: string }).text, /Kept the constraint note “No network in tests”/);

    await t.controller.handle({ type: 'showTools' });
    const tools = t.posted.at(-1) as Extract<HostToWebview, { type: 'agentTools' }>;
    assert.deepEqual(
      tools.tools.tools.map((x) => [x.name, x.source, x.locked ?? false]),
      [
        ['read_file', 'builtin', true],
        ['mcp_weather_forecast', 'weather', false],
      ],
    );
    await t.controller.handle({ type: 'toggleTool', tool: 'mcp_weather_forecast', enabled: false });
    assert.deepEqual(t.daemon.toolsEnabled, [{ root: ROOT, server: 'weather', tool: 'forecast', enabled: false }]);
    await t.controller.handle({ type: 'toggleTool', tool: 'read_file', enabled: false });
    assert.equal(t.daemon.toolsEnabled.length, 1);
  });

  it('refuses daemon questions about a task this window is not running', async () => {
    const t = setup();
    const signal = new AbortController().signal;
    assert.equal(
      (
        await t.daemon.handlers.applyEdits(
          { taskId: 'other', stepId: 's', summary: '', changes: [] } as AgentApplyEditsRequest.Params,
          signal,
        )
      ).outcome,
      'rejected',
    );
    assert.equal(
      (
        await t.daemon.handlers.approve(
          { taskId: 'other', approval: { kind: 'memory', callId: 'c', note: { kind: 'todo', title: 't', body: '', tags: [] } } },
          signal,
        )
      ).decision,
      'deny',
    );
  });
});
