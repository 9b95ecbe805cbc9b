/**
 * The everyday commands through the real daemon process and the fake Ollama: an inline
 * edit streams its code lines and proposes the region's new text (and refuses an answer
 * changing lines outside it), a commit message from a staged diff follows the recent
 * subjects' style, a test is proposed where the project keeps its tests, and outcomes
 * show in `tandem/commands/stats` and on /metrics. Nothing on disk changes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeEnclosingRequest,
  CommandOutcomeRequest,
  CommandStatsRequest,
  CommitMessageRequest,
  InlineEditProposeRequest,
  StreamDeltaNotification,
  TestsGenerateRequest,
  WorkspaceRegisterRequest,
} from '../../protocol';
import type { DaemonConnection } from '../../protocol/client';
import { FakeOllama } from '../fake-ollama';
import { removeHome, startDaemon, tempHome, type RunningDaemon } from './daemon-harness';

const CART = [
  'export function total(items: number[]): number {',
  '  let sum = 0;',
  '  for (const i of items) sum += i;',
  '  return sum;',
  '}',
  '',
  'export const n = 1;',
  '',
].join('\n');

interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
}

describe('everyday commands (integration, real daemon)', function () {
  this.timeout(40_000);
  let fake: FakeOllama;
  let home: string;
  let ws: string;
  let daemon: RunningDaemon | undefined;
  let conn: DaemonConnection | undefined;

  const chatBodies = () => fake.requestsTo('/api/chat').map((r) => r.body as ChatBody);

  beforeEach(async () => {
    fake = new FakeOllama({
      models: [{ name: 'qwen2.5-coder:1.5b-base', capabilities: ['completion', 'insert'] }, { name: 'qwen2.5-coder:7b-instruct' }],
      defaultReply: { chunks: ['Nothing.'] },
    });
    await fake.start();
    home = realpathSync(tempHome());
    ws = join(home, 'ws');
    mkdirSync(join(ws, 'src'), { recursive: true });
    mkdirSync(join(ws, 'test'), { recursive: true });
    writeFileSync(join(ws, 'src', 'cart.ts'), CART);
    writeFileSync(join(ws, 'src', 'sub.ts'), 'export const sub = (a: number, b: number) => a - b;\n');
    writeFileSync(join(ws, 'test', 'sub.test.ts'), "import { sub } from '../src/sub';\n");
    writeFileSync(join(ws, 'package.json'), JSON.stringify({ devDependencies: { mocha: '^10' } }));
    writeFileSync(join(ws, 'AGENTS.md'), 'Prefer reduce over loops.\n');
    daemon = await startDaemon(join(home, 'tandem'), { backends: [{ name: 'local', url: fake.url }] });
    conn = await daemon.connect();
    await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [ws] });
  });

  afterEach(async () => {
    conn?.close();
    await daemon?.stop();
    daemon = undefined;
    await fake.stop();
    removeHome(home);
  });

  it('finds the function, streams the inline edit’s code lines, and refuses an answer outside the region', async () => {
    const c = conn!.connection;
    const doc = { path: join(ws, 'src', 'cart.ts'), languageId: 'typescript', text: CART };
    const found = await c.sendRequest(CodeEnclosingRequest.type, { document: doc, position: { line: 2, character: 3 } });
    assert.deepEqual([found.range.start.line, found.range.end.line, found.kind, found.name], [0, 4, 'function', 'total']);
    fake.addRule({
      path: '/api/chat',
      match: 'Instruction: Use reduce',
      chunks: ['Here:\n```ts\nexport function total(items: number[]): number {\n', '  return items.reduce((a, b) => a + b, 0);\n}\n```\n'],
    });
    fake.addRule({
      path: '/api/chat',
      match: 'Instruction: Rename n',
      chunks: ['```ts\n', CART.replace('const n = 1', 'const count = 1').replace('let sum', 'let total'), '```\n'],
    });
    const deltas: string[] = [];
    c.onNotification(StreamDeltaNotification.type, (p) => {
      if (p.streamId === 'ie-1') deltas.push(p.delta);
    });
    const ok = await c.sendRequest(InlineEditProposeRequest.type, {
      streamId: 'ie-1',
      document: doc,
      range: found.range,
      instruction: 'Use reduce',
    });
    assert.equal(ok.proposal, 'export function total(items: number[]): number {\n  return items.reduce((a, b) => a + b, 0);\n}');
    assert.deepEqual(ok.rejected, []);
    assert.equal(ok.explanation, 'Here:');
    assert.equal(deltas.join(''), `${ok.proposal}\n`, 'only code lines streamed');
    const prompt = chatBodies().at(-1)!;
    assert.equal(prompt.model, 'qwen2.5-coder:7b-instruct');
    assert.match(prompt.messages.at(-1)!.content, /Prefer reduce over loops/);
    assert.match(prompt.messages.at(-1)!.content, /The region to rewrite \(lines 1-5 of src\/cart\.ts\)/);

    const outside = await c.sendRequest(InlineEditProposeRequest.type, { document: doc, range: found.range, instruction: 'Rename n' });
    assert.equal(outside.proposal, undefined);
    assert.equal(outside.rejected[0]!.kind, 'outside_region');
    assert.match(outside.rejected[0]!.reason, /lines? 7\b.*outside lines 1-5/);
    assert.equal(readFileSync(join(ws, 'src', 'cart.ts'), 'utf8'), CART, 'nothing written');
  });

  it('writes a commit message in the style of the recent subjects, summarising a large diff per file', async () => {
    const c = conn!.connection;
    fake.addRule({
      path: '/api/chat',
      match: "Tandem's commit message writer",
      chunks: ['Commit message:\n', 'feat(cart): ', 'sum with reduce\n'],
    });
    const big = Array.from({ length: 4000 }, (_, i) => `+line ${i} of a generated table with several words in it`).join('\n');
    const diff = [
      'diff --git a/src/cart.ts b/src/cart.ts\n--- a/src/cart.ts\n+++ b/src/cart.ts\n@@ -1,3 +1,2 @@\n-  let sum = 0;\n+  return items.reduce((a, b) => a + b, 0);',
      `diff --git a/src/table.ts b/src/table.ts\n--- a/src/table.ts\n+++ b/src/table.ts\n@@ -0,0 +1,4000 @@\n${big}`,
    ].join('\n');
    const deltas: string[] = [];
    c.onNotification(StreamDeltaNotification.type, (p) => {
      if (p.streamId === 'cm-1') deltas.push(p.delta);
    });
    const r = await c.sendRequest(CommitMessageRequest.type, {
      streamId: 'cm-1',
      diff,
      staged: true,
      recentSubjects: ['feat(api): add retries', 'fix(ui): keep focus'],
      branch: 'main',
    });
    assert.equal(r.message, 'feat(cart): sum with reduce');
    assert.equal(deltas.join(''), 'feat(cart): sum with reduce', 'the preamble never streamed');
    assert.deepEqual([r.files, r.summarisedFiles], [2, 1]);
    const user = chatBodies().at(-1)!.messages.at(-1)!.content;
    assert.match(user, /Conventional Commits type/);
    assert.match(user, /src\/table\.ts \(modified\): \+4000 -0/);
    assert.match(user, /return items\.reduce/);
    assert.match(user, /more changed lines of src\/table\.ts left out/);
  });

  it('proposes a new test where the project keeps its tests, and counts outcomes in stats and /metrics', async () => {
    const c = conn!.connection;
    fake.addRule({
      path: '/api/chat',
      match: 'Write the new test file test/cart.test.ts',
      chunks: ['```ts\nimport { total } from "../src/cart";\n```\n'],
    });
    const r = await c.sendRequest(TestsGenerateRequest.type, {
      document: { path: join(ws, 'src', 'cart.ts'), languageId: 'typescript', text: CART },
      range: { start: { line: 0, character: 0 }, end: { line: 4, character: 1 } },
      name: 'total',
    });
    assert.equal(r.setup.framework, 'mocha');
    assert.equal(r.setup.relativeTestPath, 'test/cart.test.ts');
    assert.deepEqual(r.changes, [
      {
        kind: 'create',
        path: join(ws, 'test', 'cart.test.ts'),
        text: 'import { total } from "../src/cart";\n',
        description: 'New test file in test',
      },
    ]);
    assert.match(chatBodies().at(-1)!.messages.at(-1)!.content, /import the code under test from \.\.\/src\/cart/);

    for (const [id, outcome] of [
      ['t1', 'accepted'],
      ['t2', 'rejected'],
    ] as const) {
      await c.sendRequest(CommandOutcomeRequest.type, {
        id,
        command: 'generateTests',
        at: Date.now(),
        outcome,
        model: 'qwen2.5-coder:7b-instruct',
        latencyMs: 800,
      });
    }
    await c.sendRequest(CommandOutcomeRequest.type, {
      id: 'x',
      command: 'explain',
      at: Date.now(),
      outcome: 'shown',
      model: 'some-unknown-model',
      latencyMs: 300,
    });
    const stats = await c.sendRequest(CommandStatsRequest.type, {});
    const tests = stats.total.find((s) => s.command === 'generateTests')!;
    assert.deepEqual([tests.used, tests.accepted, tests.rejected, tests.acceptanceRate], [2, 1, 1, 0.5]);
    const metrics = await (await fetch(`http://127.0.0.1:${daemon!.port}/metrics`)).text();
    assert.match(metrics, /tandem_command_uses_total\{command="generateTests",model="qwen2\.5-coder:7b-instruct"\} 2/);
    assert.match(metrics, /tandem_command_outcomes_total\{command="explain",outcome="shown",model="other"\} 1/);
  });
});
