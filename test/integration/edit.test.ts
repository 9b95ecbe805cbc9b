/**
 * Auto-fix and multi-file edits through the real daemon process and the fake Ollama:
 * fix proposals from diagnostics, plan → propose with progress, hostile plans refused,
 * files changed since planning refused, cancellation, outcomes and stats. The daemon
 * only proposes: every test also checks that nothing on disk changed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancellationTokenSource, type ResponseError } from 'vscode-jsonrpc/node';
import {
  EditPlanRequest,
  EditProgressNotification,
  EditProposeRequest,
  ErrorCodes,
  FixOutcomeRequest,
  FixProposeRequest,
  FixStatsRequest,
  StreamDeltaNotification,
  WorkspaceRegisterRequest,
  type FileChange,
  type TandemErrorData,
} from '../../protocol';
import type { DaemonConnection } from '../../protocol/client';
import { applyTextEdits } from '../../daemon/edit/apply';
import { contentHash } from '../../shared/hash';
import { FakeOllama } from '../fake-ollama';
import { eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from './daemon-harness';

const EDIT_MODEL = 'qwen2.5-coder:7b-instruct';

const SUM = 'export function sum(a: number, b: number): number {\n  return a - b;\n}\n';
const A = "import { greet } from './b';\n\nexport function main(): void {\n  greet('world');\n}\n";
const B = "export function greet(name: string): void {\n  console.log('Hello ' + name);\n}\n";

interface ChatBody {
  model: string;
  format?: unknown;
  messages: Array<{ role: string; content: string }>;
}

describe('auto-fix and multi-file edits (integration, real daemon)', function () {
  this.timeout(40_000);
  let fake: FakeOllama;
  let home: string;
  const tandemHome = () => join(home, 'tandem');
  let ws: string;
  let daemon: RunningDaemon | undefined;
  let conn: DaemonConnection | undefined;

  const models = () => [
    { name: 'qwen2.5-coder:1.5b-base', capabilities: ['completion', 'insert'] },
    { name: EDIT_MODEL },
    { name: 'nomic-embed-text', capabilities: ['embedding'] },
  ];
  const snapshot = () => ({
    sum: readFileSync(join(ws, 'src', 'sum.ts'), 'utf8'),
    a: readFileSync(join(ws, 'src', 'a.ts'), 'utf8'),
    b: readFileSync(join(ws, 'src', 'b.ts'), 'utf8'),
    c: existsSync(join(ws, 'src', 'c.ts')),
    git: readFileSync(join(ws, '.git', 'config'), 'utf8'),
    outside: readFileSync(join(home, 'outside.ts'), 'utf8'),
  });
  const chatBodies = () => fake.requestsTo('/api/chat').map((r) => r.body as ChatBody);

  async function connect(): Promise<DaemonConnection> {
    daemon = await startDaemon(tandemHome(), { backends: [{ name: 'local', url: fake.url }] });
    conn = await daemon.connect();
    await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [ws] });
    return conn;
  }

  beforeEach(async () => {
    fake = new FakeOllama({ models: models(), defaultReply: { chunks: ['I have nothing to change.'] } });
    await fake.start();
    home = realpathSync(tempHome());
    ws = join(home, 'ws'); // the daemon's home is a sibling: a root inside it is refused
    mkdirSync(join(ws, 'src'), { recursive: true });
    mkdirSync(join(ws, '.git'));
    writeFileSync(join(ws, '.git', 'config'), '[core]\n');
    writeFileSync(join(ws, 'src', 'sum.ts'), SUM);
    writeFileSync(join(ws, 'src', 'a.ts'), A);
    writeFileSync(join(ws, 'src', 'b.ts'), B);
    writeFileSync(join(ws, 'AGENTS.md'), 'Prefer named exports.\n');
    writeFileSync(join(home, 'outside.ts'), 'export const secret = 1;\n');
  });

  afterEach(async () => {
    conn?.close();
    conn = undefined;
    await daemon?.stop();
    daemon = undefined;
    await fake.stop();
    removeHome(home);
  });

  it('proposes a fix for a diagnostic as hash-guarded edits, streams the answer, and stores the outcome', async () => {
    fake.addRule({
      path: '/api/chat',
      match: "Operator '-' is wrong here",
      chunks: [
        'The function subtracts instead of adding.\n\n',
        'src/sum.ts\n<<<<<<< SEARCH\n',
        '    return a - b;\n',
        '=======\n    return a + b;\n>>>>>>> REPLACE\n',
      ],
    });
    const c = await connect();
    const deltas: string[] = [];
    c.connection.onNotification(StreamDeltaNotification.type, (p) => {
      if (p.streamId === 'fix-1') deltas.push(p.delta);
    });
    const before = snapshot();
    const result = await c.connection.sendRequest(FixProposeRequest.type, {
      streamId: 'fix-1',
      document: { path: join(ws, 'src', 'sum.ts'), languageId: 'typescript', text: SUM },
      diagnostics: [
        {
          message: "Operator '-' is wrong here",
          severity: 'error',
          source: 'ts',
          code: 2362,
          range: { start: { line: 1, character: 9 }, end: { line: 1, character: 14 } },
        },
      ],
    });
    assert.deepEqual(result.rejected, []);
    assert.equal(result.changes.length, 1);
    const change = result.changes[0]!;
    assert.equal(change.kind, 'modify');
    if (change.kind !== 'modify') return;
    assert.equal(change.path, join(ws, 'src', 'sum.ts'));
    assert.equal(change.baseHash, contentHash(SUM));
    assert.equal(applyTextEdits(SUM, change.edits), SUM.replace('a - b', 'a + b'));
    assert.equal(result.explanation, 'The function subtracts instead of adding.');
    assert.equal(result.model, EDIT_MODEL);
    assert.equal(result.backend, 'local');
    assert.ok(result.fixId.length > 0);
    await eventually(() => deltas.join('').includes('>>>>>>> REPLACE'), 15_000, 'streamed deltas');

    const body = chatBodies().at(-1)!;
    assert.equal(body.model, EDIT_MODEL);
    assert.match(body.messages[0]!.content, /SEARCH\/REPLACE block/);
    const user = body.messages.at(-1)!.content;
    assert.match(user, /1\. error at line 2, column 10 \[ts 2362\]: Operator '-' is wrong here/);
    assert.match(user, /File src\/sum\.ts \(the whole file\)/);
    assert.deepEqual(snapshot(), before, 'the daemon wrote nothing');

    for (const [id, outcome] of [
      [result.fixId, 'resolved'],
      ['other-fix', 'unresolved'],
      ['third-fix', 'rejected'],
    ] as const) {
      const stored: FixOutcomeRequest.Result = await c.connection.sendRequest(FixOutcomeRequest.type, {
        id,
        kind: 'fix',
        at: Date.now(),
        outcome,
        model: result.model,
        backend: result.backend,
        languageId: 'typescript',
        appliedBy: 'preview',
        diagnostics: 1,
        resolvedDiagnostics: outcome === 'resolved' ? 1 : 0,
        files: 1,
        latencyMs: 120,
      });
      assert.deepEqual(stored, { stored: true });
    }
    // A second report for the same fix replaces the first.
    await c.connection.sendRequest(FixOutcomeRequest.type, {
      id: 'third-fix',
      kind: 'fix',
      at: Date.now(),
      outcome: 'failed',
      model: result.model,
      backend: 'local',
      latencyMs: 80,
    });
    const stats = await c.connection.sendRequest(FixStatsRequest.type, {});
    assert.equal(stats.total.length, 1);
    const fix = stats.total[0]!;
    assert.deepEqual(
      [fix.kind, fix.total, fix.resolved, fix.unresolved, fix.rejected, fix.failed, fix.successRate],
      ['fix', 3, 1, 1, 0, 1, 0.5],
    );
    assert.equal(stats.byModel[0]!.model, EDIT_MODEL);
    assert.deepEqual(fix.latencyMs, { count: 3, p50: 120, p95: 120 });

    const metrics = await (await fetch(daemon!.url('/metrics'))).text();
    assert.match(metrics, /tandem_edit_proposals_total\{kind="fix",result="changes"\} 1/);
    assert.match(metrics, /tandem_edit_outcomes_total\{kind="fix",outcome="resolved"\} 1/);
    assert.match(metrics, /tandem_edit_outcomes_total\{kind="fix",outcome="failed"\} 1/);
  });

  it('refuses to fix a file outside the workspace and reports an unusable answer', async () => {
    const c = await connect();
    await assert.rejects(
      c.connection.sendRequest(FixProposeRequest.type, {
        document: { path: join(home, 'outside.ts'), languageId: 'typescript', text: 'x' },
        diagnostics: [{ message: 'bad', severity: 'error', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }],
      }),
      (err: ResponseError<TandemErrorData>) =>
        err.code === ErrorCodes.PathOutsideWorkspace && /outside every workspace folder/.test(err.message),
    );
    const result = await c.connection.sendRequest(FixProposeRequest.type, {
      document: { path: join(ws, 'src', 'sum.ts'), languageId: 'typescript', text: SUM },
      diagnostics: [
        { message: 'something odd', severity: 'warning', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } } },
      ],
    });
    assert.deepEqual(result.changes, []);
    assert.equal(result.rejected[0]?.kind, 'model_error');
    assert.match(result.rejected[0]!.reason, /without any edit block/);
  });

  it('plans a multi-file edit, then proposes changes to two files and a new third, with progress', async () => {
    const plan = {
      summary: 'Greet through a shared formatter',
      steps: [
        { id: 'fmt', action: 'create', path: 'src/c.ts', description: 'Create formatGreeting(name) returning the greeting text.' },
        { id: 'b', action: 'modify', path: 'src/b.ts', description: 'Use formatGreeting in greet.', dependsOn: ['fmt'] },
        { id: 'a', action: 'modify', path: 'src/a.ts', description: 'Greet Tandem instead of the world.' },
      ],
    };
    fake.addRule({ path: '/api/chat', match: 'Answer with the JSON plan only', chunks: ['```json\n', JSON.stringify(plan), '\n```'] });
    fake.addRule({
      path: '/api/chat',
      match: 'Your step: create src/c.ts',
      chunks: ['```ts\nexport function formatGreeting(name: string): string {\n  return `Hello ${name}`;\n}\n```\n'],
    });
    fake.addRule({
      path: '/api/chat',
      match: 'Your step: Use formatGreeting in greet.',
      chunks: [
        "src/b.ts\n<<<<<<< SEARCH\nexport function greet(name: string): void {\n=======\nimport { formatGreeting } from './c';\n\nexport function greet(name: string): void {\n>>>>>>> REPLACE\n",
        "<<<<<<< SEARCH\n  console.log('Hello ' + name);\n=======\n  console.log(formatGreeting(name));\n>>>>>>> REPLACE\n",
      ],
    });
    fake.addRule({
      path: '/api/chat',
      match: 'Your step: Greet Tandem',
      chunks: ["<<<<<<< SEARCH\n  greet('world');\n=======\n  greet('Tandem');\n>>>>>>> REPLACE\n"],
    });
    const c = await connect();
    const progress: EditProgressNotification.Params[] = [];
    c.connection.onNotification(EditProgressNotification.type, (p) => progress.push(p));
    const before = snapshot();

    const planned = await c.connection.sendRequest(EditPlanRequest.type, {
      instruction: 'Move the greeting text into a formatter module',
      files: [join(ws, 'src', 'b.ts')],
    });
    assert.deepEqual(planned.rejected, []);
    assert.equal(planned.summary, 'Greet through a shared formatter');
    assert.deepEqual(
      planned.steps.map((s) => [s.id, s.action, s.relativePath]),
      [
        ['fmt', 'create', 'src/c.ts'],
        ['b', 'modify', 'src/b.ts'],
        ['a', 'modify', 'src/a.ts'],
      ],
    );
    assert.equal(planned.steps[1]!.baseHash, contentHash(B));
    const planBody = chatBodies().at(-1)!;
    assert.equal(planBody.format, 'json');
    assert.match(planBody.messages.at(-1)!.content, /Files in the workspace:\n(.*\n)*src\/a\.ts/);
    assert.match(planBody.messages.at(-1)!.content, /File src\/b\.ts:/);

    const proposed = await c.connection.sendRequest(EditProposeRequest.type, { planId: planned.planId });
    assert.deepEqual(proposed.rejected, []);
    assert.deepEqual(
      proposed.steps.map((s) => [s.id, s.state]),
      [
        ['fmt', 'done'],
        ['b', 'done'],
        ['a', 'done'],
      ],
    );
    const byPath = new Map(proposed.changes.map((ch: FileChange) => [ch.path, ch]));
    const created = byPath.get(join(ws, 'src', 'c.ts'));
    assert.equal(created?.kind, 'create');
    assert.equal(
      created?.kind === 'create' && created.text,
      'export function formatGreeting(name: string): string {\n  return `Hello ${name}`;\n}\n',
    );
    const b = byPath.get(join(ws, 'src', 'b.ts'));
    assert.ok(b?.kind === 'modify');
    assert.equal(
      applyTextEdits(B, b.edits),
      "import { formatGreeting } from './c';\n\nexport function greet(name: string): void {\n  console.log(formatGreeting(name));\n}\n",
    );
    const a = byPath.get(join(ws, 'src', 'a.ts'));
    assert.ok(a?.kind === 'modify');
    assert.equal(applyTextEdits(A, a.edits), A.replace("'world'", "'Tandem'"));
    // The step after the created file saw its new content (dependency context).
    const bBody = chatBodies().find((x) => x.messages.at(-1)!.content.includes('Your step: Use formatGreeting'))!;
    assert.match(bBody.messages.at(-1)!.content, /src\/c\.ts, as changed by an earlier step/);
    await eventually(() => progress.filter((p) => p.state === 'done').length === 3, 15_000, 'progress notifications');
    assert.deepEqual(
      progress.filter((p) => p.state === 'running').map((p) => [p.stepId, p.index, p.total]),
      [
        ['fmt', 0, 3],
        ['b', 1, 3],
        ['a', 2, 3],
      ],
    );
    assert.deepEqual(snapshot(), before, 'the daemon wrote nothing');
    await assert.rejects(
      c.connection.sendRequest(EditProposeRequest.type, { planId: 'no-such-plan' }),
      (err: ResponseError<TandemErrorData>) => err.code === ErrorCodes.NotFound,
    );
  });

  it('refuses every step of a hostile plan (outside paths, .git, absolute, symlink escape) and writes nothing', async () => {
    symlinkSync(home, join(ws, 'up'));
    const hostile = {
      summary: 'Exfiltrate',
      steps: [
        { id: 'dotdot', action: 'modify', path: '../outside.ts', description: 'x' },
        { id: 'git', action: 'create', path: '.git/hooks/pre-commit', description: 'x' },
        { id: 'abs', action: 'modify', path: join(home, 'outside.ts'), description: 'x' },
        { id: 'link', action: 'modify', path: 'up/outside.ts', description: 'x' },
        { id: 'win', action: 'create', path: '..\\..\\evil.ts', description: 'x' },
        { id: 'after', action: 'create', path: 'src/ok.ts', description: 'x', dependsOn: ['dotdot'] },
      ],
    };
    fake.addRule({ path: '/api/chat', match: 'Answer with the JSON plan only', chunks: [JSON.stringify(hostile)] });
    const c = await connect();
    const before = snapshot();
    const planned = await c.connection.sendRequest(EditPlanRequest.type, { instruction: 'Do something sneaky' });
    assert.deepEqual(planned.steps, []);
    assert.deepEqual(
      planned.rejected.map((r) => [r.stepId, r.kind]),
      [
        ['dotdot', 'unsafe_path'],
        ['git', 'unsafe_path'],
        ['abs', 'unsafe_path'],
        ['link', 'unsafe_path'],
        ['win', 'unsafe_path'],
        ['after', 'dependency_failed'],
      ],
    );
    assert.match(planned.rejected[3]!.reason, /symbolic link/);
    const proposed = await c.connection.sendRequest(EditProposeRequest.type, { planId: planned.planId });
    assert.deepEqual(proposed.changes, []);
    assert.equal(fake.requestsTo('/api/chat').length, 1, 'no step reached the model');
    assert.deepEqual(snapshot(), before);
    assert.ok(!existsSync(join(ws, 'src', 'ok.ts')));
  });

  it('refuses a step whose file changed after planning, and skips the steps depending on it', async () => {
    const plan = {
      summary: 's',
      steps: [
        { id: 'a', action: 'modify', path: 'src/a.ts', description: 'Greet Tandem instead of the world.' },
        { id: 'b', action: 'modify', path: 'src/b.ts', description: 'Use a template string.', dependsOn: ['a'] },
      ],
    };
    fake.addRule({ path: '/api/chat', match: 'Answer with the JSON plan only', chunks: [JSON.stringify(plan)] });
    const c = await connect();
    const planned = await c.connection.sendRequest(EditPlanRequest.type, { instruction: 'Greet Tandem' });
    assert.equal(planned.steps.length, 2);
    const edited = A.replace('main', 'start');
    writeFileSync(join(ws, 'src', 'a.ts'), edited);
    const calls = fake.requestsTo('/api/chat').length;
    const proposed = await c.connection.sendRequest(EditProposeRequest.type, { planId: planned.planId });
    assert.deepEqual(proposed.changes, []);
    assert.deepEqual(
      proposed.rejected.map((r) => [r.stepId, r.kind]),
      [
        ['a', 'changed_since_planning'],
        ['b', 'dependency_failed'],
      ],
    );
    assert.match(proposed.rejected[0]!.reason, /changed after the plan was made/);
    assert.equal(fake.requestsTo('/api/chat').length, calls, 'no model call for refused steps');
    assert.equal(readFileSync(join(ws, 'src', 'a.ts'), 'utf8'), edited);

    // Unsaved editor text counts as the file's current text.
    const again = await c.connection.sendRequest(EditPlanRequest.type, {
      instruction: 'Greet Tandem',
      documents: [{ path: join(ws, 'src', 'a.ts'), text: A }],
    });
    assert.equal(again.steps[0]!.baseHash, contentHash(A));
  });

  it('cancels a running edit at once, closing the upstream model stream', async () => {
    const plan = { summary: 's', steps: [{ id: 'a', action: 'modify', path: 'src/a.ts', description: 'Take your time.' }] };
    fake.addRule({ path: '/api/chat', match: 'Answer with the JSON plan only', chunks: [JSON.stringify(plan)] });
    fake.addRule({ path: '/api/chat', match: 'Your step: Take your time.', chunks: ['<<<<<<< SEARCH\n'], hangAfterChunks: 1 });
    const c = await connect();
    const planned = await c.connection.sendRequest(EditPlanRequest.type, { instruction: 'Slow' });
    const progress: EditProgressNotification.Params[] = [];
    c.connection.onNotification(EditProgressNotification.type, (p) => progress.push(p));
    const source = new CancellationTokenSource();
    const pending = c.connection.sendRequest(EditProposeRequest.type, { planId: planned.planId }, source.token);
    // The step's own request, not any open one (the daemon's probes and model preload also reach the fake).
    await fake.waitFor(
      () =>
        fake.requestsTo('/api/chat').some((r) => JSON.stringify(r.body).includes('Your step: Take your time.') && r.endedAt === undefined),
      10_000,
      'the step to reach the model',
    );
    const abortsBefore = fake.clientAborts;
    source.cancel();
    await assert.rejects(pending, (err: ResponseError<TandemErrorData>) => err.code === ErrorCodes.RequestCancelled);
    await fake.waitFor(() => fake.clientAborts > abortsBefore, 10_000, 'the upstream stream to be closed');
    assert.equal(readFileSync(join(ws, 'src', 'a.ts'), 'utf8'), A);
  });
});
