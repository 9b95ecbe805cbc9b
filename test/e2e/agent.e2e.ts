/**
 * Agent mode in a real VS Code (code-server + Chromium, the built VSIX, the real daemon,
 * the fake Ollama scripted as a tool-calling model): an Agent task reads a file, runs
 * the tests after the user allowed the command (they fail), edits the file through the
 * inline diff, runs the tests again after another approval (they pass) and finishes;
 * then "Undo agent changes" puts the file back. Screenshot: test-results/e2e/agent.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tandemDefaultModels } from '../fake-ollama/script';
import { E2eSession, resultsDir, skipUnlessAvailable } from './harness';
import { waitFor } from './processes';

const BUGGY = 'exports.add = (a, b) => a - b;\n';
const FIXED = 'exports.add = (a, b) => a + b;\n';
const TEST_JS = [
  "const { add } = require('./math');",
  'if (add(2, 3) !== 5) {',
  "  console.error('add(2, 3) should be 5, got ' + add(2, 3));",
  '  process.exit(1);',
  '}',
  "console.log('ok: add works');",
  '',
].join('\n');
const TASK = 'Fix add in math.js so that the tests pass';

describe('Tandem Agent mode in a real VS Code (code-server + Chromium)', function () {
  this.timeout(240_000);
  let s: E2eSession | undefined;
  const pageErrors: string[] = [];

  const session = (): E2eSession => {
    if (!s) throw new Error('session not started');
    return s;
  };
  const mathOnDisk = () => readFileSync(join(session().workspace, 'math.js'), 'utf8');

  before(async function () {
    skipUnlessAvailable(this);
    this.timeout(12 * 60_000);
    s = new E2eSession({
      name: 'agent',
      workspace: {
        'package.json': JSON.stringify({ name: 'agent-e2e', private: true, scripts: { test: 'node test.js' } }, null, 2) + '\n',
        'math.js': BUGGY,
        'test.js': TEST_JS,
      },
      fakeScript: {
        models: tandemDefaultModels(),
        loaded: tandemDefaultModels().map((m) => m.name),
        rules: [
          // The model's turns, each answering the newest message (the task, then each tool result).
          {
            path: '/api/chat',
            matchLast: TASK,
            times: 1,
            chunks: ['Let me read math.js first.'],
            toolCalls: [{ name: 'read_file', arguments: { path: 'math.js' } }],
          },
          {
            path: '/api/chat',
            matchLast: 'a - b',
            times: 1,
            chunks: ['Now the tests.'],
            toolCalls: [{ name: 'run_tests', arguments: {} }],
          },
          {
            path: '/api/chat',
            matchLast: 'should be 5',
            times: 1,
            chunks: ['add subtracts; it must add.'],
            toolCalls: [{ name: 'edit_file', arguments: { path: 'math.js', search: BUGGY.trimEnd(), replace: FIXED.trimEnd() } }],
          },
          {
            path: '/api/chat',
            matchLast: 'Applied.',
            times: 1,
            chunks: ['Running the tests again.'],
            toolCalls: [{ name: 'run_tests', arguments: {} }],
          },
          { path: '/api/chat', matchLast: 'ok: add works', times: 1, chunks: ['Fixed `add` in math.js: ', 'the tests pass now.'] },
        ],
        defaultReply: { chunks: ['(unexpected request)'] },
      },
      settings: (ollamaUrl) => ({ 'tandem.ollamaUrl': ollamaUrl, 'tandem.uiMode': 'advanced' }),
    });
    await s.startSuite('agent', { untilDaemon: true, pageErrors });
  });

  afterEach(async function () {
    await s?.reportIfFailed(this.currentTest, 'agent', pageErrors);
  });

  after(async function () {
    this.timeout(60_000);
    await s?.stop();
  });

  it('reads, runs the failing tests after approval, edits through the diff, passes them and finishes; Undo agent changes restores the file', async () => {
    const ses = session();
    await ses.openFile('math.js');
    await ses.runCommand('Tandem: New Chat');
    const frame = await session().chatFrame();

    await frame.locator('[data-action="panel-mode"][data-mode="agent"]').click();
    await frame.locator('textarea.input').fill(TASK);
    await frame.locator('textarea.input').press('Enter');
    await frame.locator('.agent-request', { hasText: TASK }).waitFor({ timeout: 30_000 });

    // read_file, shown as a step with its argument.
    await frame.locator('.agent-step.tool', { hasText: 'read_file' }).first().waitFor({ timeout: 60_000 });

    // run_tests asks first; nothing runs before the answer.
    const firstRun = frame.locator('.agent-step.approval.command.pending', { hasText: 'npm test' });
    await firstRun.waitFor({ timeout: 60_000 });
    // A waiting approval puts a badge on the panel's activity bar icon.
    await ses.p.locator('.activitybar .badge .badge-content:visible', { hasText: /^1$/ }).first().waitFor({ timeout: 15_000 });
    await firstRun.locator('[data-choice="allowOnce"]').click();
    await frame
      .locator('.agent-step.approval.command .approval-outcome', { hasText: 'Allowed once.' })
      .first()
      .waitFor({ timeout: 30_000 });

    // The failing run's output is a result; then the edit arrives as a diff to approve.
    const writes = frame.locator('.agent-step.approval.writes.pending');
    await writes.waitFor({ timeout: 90_000 });
    assert.match((await frame.locator('.agent-step.tool', { hasText: 'run_tests' }).first().textContent()) ?? '', /should be 5/);
    assert.equal(await writes.locator('.diff-line.del').first().textContent(), `-${BUGGY.trimEnd()}`);
    assert.equal(await writes.locator('.diff-line.add').first().textContent(), `+${FIXED.trimEnd()}`);
    assert.equal(mathOnDisk(), BUGGY, 'nothing is written before Apply');
    await writes.locator('[data-choice="allowOnce"]').click();
    await waitFor('the fix saved to disk', async () => (mathOnDisk() === FIXED ? true : undefined), { timeoutMs: 30_000 });

    // The second test run asks again; allowed, it passes and the task finishes.
    const secondRun = frame.locator('.agent-step.approval.command.pending', { hasText: 'npm test' });
    await secondRun.waitFor({ timeout: 60_000 });
    await secondRun.locator('[data-choice="allowOnce"]').click();
    await frame.locator('.agent-status.done', { hasText: 'Finished.' }).waitFor({ timeout: 90_000 });
    assert.match((await frame.locator('main.agent').textContent()) ?? '', /the tests pass now/);
    assert.match((await frame.locator('.agent-step.tool', { hasText: 'run_tests' }).last().textContent()) ?? '', /ok: add works/);

    // No approval waits any more: the panel's badge on the activity bar is gone.
    await waitFor(
      'the approval badge to clear',
      async () =>
        (await ses.p.locator('.activitybar .badge .badge-content:visible', { hasText: /^[1-9]/ }).count()) === 0 ? true : undefined,
      { timeoutMs: 15_000 },
    );

    mkdirSync(resultsDir, { recursive: true });
    await ses.p.screenshot({ path: join(resultsDir, 'agent.png') });

    // Undo agent changes: one step back to the file as it was before the task.
    await frame.locator('[data-action="undo-agent"]').click();
    await waitFor('math.js restored', async () => (mathOnDisk() === BUGGY ? true : undefined), { timeoutMs: 30_000 });
    await frame.locator('.agent-undone').waitFor({ timeout: 30_000 });
  });
});
