/**
 * Agent mode through the real daemon process and the fake Ollama: scripted multi-turn
 * tool-calling conversations (native calls), every built-in tool, steps applied by the
 * editor and undone in one go, approvals, and the task's record and stats.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AgentChangesRequest,
  AgentListRequest,
  AgentRunRequest,
  AgentStatsRequest,
  AgentUndoneRequest,
  MemoryListRequest,
  WorkspaceRegisterRequest,
} from '../../protocol';
import { applyChangesToDisk } from '../../daemon/agent/disk-apply';
import { FakeOllama, tandemDefaultModels } from '../fake-ollama';
import { connectEditor, type ScriptedEditor } from './agent-editor';
import { makeWorkspace, SUM } from './agent-workspace';
import { removeHome, startDaemon, tempHome, type RunningDaemon } from './daemon-harness';

describe('agent (integration, real daemon)', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let home: string;
  let ws: string;
  let daemon: RunningDaemon | undefined;
  let editor: ScriptedEditor | undefined;

  beforeEach(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels() });
    await fake.start();
    home = tempHome('tandem-agent-');
    ws = makeWorkspace(home);
  });

  afterEach(async () => {
    editor?.conn.close();
    editor = undefined;
    await daemon?.stop();
    daemon = undefined;
    await fake.stop();
    removeHome(home);
  });

  const start = async (agent: Record<string, unknown> = {}) => {
    daemon = await startDaemon(join(home, 'tandem'), {
      backends: [{ name: 'local', url: fake.url }],
      agent: { testCommand: 'node test.js', ...agent },
    });
  };

  it('runs every built-in tool over several turns, applies each step through the editor, and undoes them all as one', async () => {
    await start();
    const chat = '/api/chat' as const;
    fake.addRule({
      path: chat,
      times: 1,
      chunks: ['Let me look.'],
      toolCalls: [
        { name: 'todo', arguments: { items: [{ text: 'Fix sum', status: 'in_progress' }, { text: 'Run the tests' }] } },
        { name: 'list_files', arguments: {} },
        { name: 'read_file', arguments: { path: 'src/sum.ts', start_line: 1, end_line: 3 } },
      ],
    });
    fake.addRule({
      path: chat,
      times: 1,
      toolCalls: [
        { name: 'grep', arguments: { pattern: 'a\\s-\\sb' } },
        { name: 'search_code', arguments: { query: 'sum of two numbers' } },
        { name: 'git', arguments: { command: 'status' } },
        { name: 'git', arguments: { command: 'log', max_count: 5 } },
        { name: 'get_diagnostics', arguments: { paths: ['src/sum.ts'] } },
      ],
    });
    fake.addRule({
      path: chat,
      times: 1,
      toolCalls: [
        { name: 'edit_file', arguments: { path: 'src/sum.ts', search: '  return a - b;', replace: '  return a + b;' } },
        { name: 'create_file', arguments: { path: 'src/mul.ts', content: 'export const mul = (a: number, b: number) => a * b;\n' } },
      ],
    });
    fake.addRule({
      path: chat,
      times: 1,
      toolCalls: [
        { name: 'rename_file', arguments: { path: 'src/mul.ts', new_path: 'src/times.ts' } },
        { name: 'delete_file', arguments: { path: 'README.md' } },
      ],
    });
    fake.addRule({
      path: chat,
      times: 1,
      toolCalls: [
        { name: 'run_command', arguments: { command: 'echo hello from the agent' } },
        { name: 'run_tests', arguments: {} },
        { name: 'remember', arguments: { kind: 'decision', title: 'sum adds', body: 'sum() returns a + b', tags: ['math'] } },
      ],
    });
    fake.addRule({ path: chat, times: 1, chunks: ['Fixed sum ', 'and added times.ts.'] });

    editor = await connectEditor(daemon!, [ws], {
      approve: () => 'once',
      diagnostics: [
        {
          path: join(ws, 'src', 'sum.ts'),
          diagnostics: [
            { message: 'wrong operator', severity: 'error', range: { start: { line: 1, character: 2 }, end: { line: 1, character: 14 } } },
          ],
        },
      ],
    });
    await editor.conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [ws] });
    const result = await editor.conn.connection.sendRequest(AgentRunRequest.type, {
      taskId: 't-all',
      text: 'Fix sum and add a multiply helper',
    });

    assert.equal(result.status, 'done', result.reason);
    assert.equal(result.answer, 'Fixed sum and added times.ts.');
    assert.equal(result.usage.toolCalls, 15);
    assert.equal(result.usage.modelCalls, 6);
    assert.deepEqual(
      result.todo.map((t) => t.text),
      ['Fix sum', 'Run the tests'],
    );
    assert.equal(readFileSync(join(ws, 'src', 'sum.ts'), 'utf8'), SUM.replace('a - b', 'a + b'));
    assert.equal(readFileSync(join(ws, 'src', 'times.ts'), 'utf8'), 'export const mul = (a: number, b: number) => a * b;\n');
    assert.ok(!existsSync(join(ws, 'src', 'mul.ts')) && !existsSync(join(ws, 'README.md')));
    assert.deepEqual(result.files.map((f) => f.relativePath).sort(), ['README.md', 'src/sum.ts', 'src/times.ts']);

    const results = editor.of('toolResult').map((e) => e.result);
    assert.ok(
      results.every((r) => r.status === 'ok'),
      JSON.stringify(results.filter((r) => r.status !== 'ok')),
    );
    const out = (summary: RegExp) => results.find((r) => summary.test(r.summary))!.output;
    assert.match(out(/^read src\/sum.ts/), /2 {2}\s*return a - b;/);
    assert.match(out(/^listed/), /src\/sum\.ts/);
    assert.doesNotMatch(out(/^listed/), /secret\.txt|\.git\//);
    assert.match(out(/^grep/), /src\/sum\.ts:2:/);
    assert.doesNotMatch(out(/^grep/), /ignored/);
    assert.match(out(/^git status/), /## (master|main)/);
    assert.match(out(/^git log/), /first/);
    assert.match(out(/^diagnostics/), /src\/sum\.ts:2:3 error: wrong operator/);
    assert.match(out(/echo hello/), /Exit code 0[\s\S]*hello from the agent/);
    assert.match(out(/node test\.js/), /2 tests passed/);

    // Two write steps, each applied as one set of changes with base hashes.
    assert.equal(editor.steps.length, 2);
    assert.deepEqual(
      editor.steps[0]!.map((c) => c.kind),
      ['modify', 'create'],
    );
    assert.deepEqual(editor.steps[1]!.map((c) => c.kind).sort(), ['delete', 'rename']);
    assert.deepEqual(
      editor.of('step').map((s) => s.state),
      ['proposed', 'applied', 'proposed', 'applied'],
    );
    // The command asked first; the memory note too; the configured test command did not.
    assert.deepEqual(
      editor.approvals.map((a) => a.kind),
      ['command', 'memory'],
    );
    const notes = await editor.conn.connection.sendRequest(MemoryListRequest.type, { workspace: ws });
    assert.deepEqual(
      notes.notes.map((n) => [n.title, n.source]),
      [['sum adds', 'agent']],
    );

    // Events are numbered without gaps; the tools went to Ollama natively with their schemas.
    assert.deepEqual(
      editor.events.map((e) => e.seq),
      editor.events.map((_, i) => i),
    );
    const body = fake.requestsTo('/api/chat')[0]!.body as {
      tools: Array<{ function: { name: string; parameters: { properties: object } } }>;
      options: { num_ctx: number };
    };
    assert.deepEqual(
      body.tools.map((t) => t.function.name),
      [
        'read_file',
        'list_files',
        'search_code',
        'grep',
        'get_diagnostics',
        'edit_file',
        'create_file',
        'delete_file',
        'rename_file',
        'run_command',
        'git',
        'run_tests',
        'todo',
        'remember',
      ],
    );
    assert.ok('path' in body.tools[0]!.function.parameters.properties);
    assert.equal(body.options.num_ctx, 32768);
    const later = fake.requestsTo('/api/chat')[1]!.body as {
      messages: Array<{ role: string; tool_name?: string; tool_calls?: unknown[] }>;
    };
    assert.ok(later.messages.some((m) => m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length === 3));
    assert.deepEqual(
      later.messages.filter((m) => m.role === 'tool').map((m) => m.tool_name),
      ['todo', 'list_files', 'read_file'],
    );

    // Undo all of it as one step.
    const changes = await editor.conn.connection.sendRequest(AgentChangesRequest.type, { taskId: 't-all' });
    assert.equal(changes.steps.length, 2);
    assert.deepEqual(changes.conflicts, []);
    const undone = applyChangesToDisk(changes.undo, [ws]);
    assert.ok(undone.ok, JSON.stringify(undone));
    assert.equal(readFileSync(join(ws, 'src', 'sum.ts'), 'utf8'), SUM);
    assert.equal(readFileSync(join(ws, 'README.md'), 'utf8'), '# demo\n');
    assert.ok(!existsSync(join(ws, 'src', 'times.ts')) && !existsSync(join(ws, 'src', 'mul.ts')));
    assert.deepEqual(await editor.conn.connection.sendRequest(AgentUndoneRequest.type, { taskId: 't-all' }), { marked: true });
    const again = await editor.conn.connection.sendRequest(AgentChangesRequest.type, { taskId: 't-all' });
    assert.equal(again.undone, true);
    assert.deepEqual(again.undo, []);

    const list = await editor.conn.connection.sendRequest(AgentListRequest.type, { workspace: ws });
    assert.equal(list.tasks[0]!.taskId, 't-all');
    assert.equal(list.tasks[0]!.usage.toolCalls, 15);
    const stats = await editor.conn.connection.sendRequest(AgentStatsRequest.type, {});
    assert.equal(stats.tasks, 1);
    assert.equal(stats.byStatus.done, 1);
    assert.ok(stats.tokensIn > 0 && stats.tokensOut > 0);
    assert.equal(stats.byTool.find((t) => t.tool === 'git')!.calls, 2);
    const metrics = await (await fetch(daemon!.url('/metrics'))).text();
    assert.match(metrics, /tandem_agent_tasks_total\{status="done"\} 1/);
    assert.match(metrics, /tandem_agent_tool_calls_total\{tool="edit_file",status="ok"\} 1/);
    assert.match(metrics, /tandem_agent_tokens_total\{direction="in"\} [1-9]/);
    assert.match(metrics, /tandem_agent_task_tokens_count 1/);
    assert.match(metrics, /tandem_agent_task_duration_seconds_count 1/);
  });
});
