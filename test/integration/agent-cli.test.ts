/**
 * `tandemd agent` (the built daemon's CLI, in-process, no daemon running) against the
 * fake Ollama: a scripted task that edits a file with --yes and exits 0; one whose
 * writes outside the workspace are refused; one whose edit is not applied without
 * --yes and no terminal, stopped by --max-steps with exit code 1 and the reason.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOllama, tandemDefaultModels } from '../fake-ollama';
import { makeWorkspace, SUM } from './agent-workspace';
import { DAEMON_JS, removeHome, tempHome, writeConfig } from './daemon-harness';

const chat = '/api/chat' as const;

function runCli(home: string, fakeUrl: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TANDEM_HOME: home, TANDEM_OLLAMA_URL: fakeUrl };
    delete env.TANDEM_DGX_URL;
    const proc = spawn(process.execPath, [DAEMON_JS, 'agent', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('tandemd agent (integration, CLI against the fake Ollama)', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let home: string;
  let ws: string;

  beforeEach(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels() });
    await fake.start();
    home = tempHome('tandem-agent-cli-');
    ws = makeWorkspace(home);
    writeConfig(join(home, 'tandem'), { backends: [{ name: 'local', url: fake.url }] });
  });

  afterEach(async () => {
    await fake.stop();
    removeHome(home);
  });

  it('edits a file with --yes, printing each step, and exits 0', async () => {
    fake.addRule({ path: chat, times: 1, toolCalls: [{ name: 'read_file', arguments: { path: 'src/sum.ts' } }] });
    fake.addRule({
      path: chat,
      times: 1,
      toolCalls: [{ name: 'edit_file', arguments: { path: 'src/sum.ts', search: '  return a - b;', replace: '  return a + b;' } }],
    });
    fake.addRule({ path: chat, times: 1, chunks: ['Fixed the operator in sum.'] });
    const r = await runCli(join(home, 'tandem'), fake.url, ['--root', ws, '--yes', 'fix the sum function']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(ws, 'src', 'sum.ts'), 'utf8'), SUM.replace('a - b', 'a + b'));
    assert.match(r.stdout, /▶ read_file/);
    assert.match(r.stdout, /- {2}return a - b;\n\+ {2}return a \+ b;/);
    assert.match(r.stdout, /applied\./);
    assert.match(r.stdout, /Fixed the operator in sum\./);
    assert.match(r.stderr, /\[done\] 2 tool calls/);
  });

  it('refuses a write outside the workspace and a read of .git, and touches nothing there', async () => {
    fake.addRule({
      path: chat,
      times: 1,
      toolCalls: [
        { name: 'create_file', arguments: { path: '../evil.txt', content: 'x' } },
        { name: 'read_file', arguments: { path: '.git/config' } },
      ],
    });
    fake.addRule({ path: chat, times: 1, chunks: ['Both were refused.'] });
    const r = await runCli(join(home, 'tandem'), fake.url, ['--root', ws, '--yes', '--no-index', 'write outside']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(join(home, 'evil.txt')));
    assert.match(r.stdout, /✗ denied: create_file: denied — Refused: The path "..\/evil.txt" climbs out of the workspace/);
    assert.match(r.stdout, /✗ denied: read_file: denied — Refused: .*\.git/);
  });

  it('without --yes and no terminal, does not apply edits, and exits 1 with the reason when --max-steps stops it', async () => {
    fake.addRule({
      path: chat,
      toolCalls: [
        { name: 'read_file', arguments: { path: 'src/sum.ts' } },
        { name: 'read_file', arguments: { path: 'README.md' } },
      ],
    });
    const r = await runCli(join(home, 'tandem'), fake.url, ['--root', ws, '--no-index', '--max-steps', '1', 'fix sum']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /did not finish: The task stopped before it was finished: it reached its limit of 1 tool calls/);
    assert.match(r.stdout, /No terminal to ask on: edits need --yes/);
    const tools = (fake.requestsTo('/api/chat')[0]!.body as { tools: Array<{ function: { name: string } }> }).tools.map(
      (t) => t.function.name,
    );
    assert.ok(
      !tools.includes('edit_file') && !tools.includes('get_diagnostics'),
      'no write tools without --yes, no diagnostics without an editor',
    );
    assert.equal(readFileSync(join(ws, 'src', 'sum.ts'), 'utf8'), SUM);
  });

  it('refuses an --allow-command that is not a regular expression (exit 2)', async () => {
    const r = await runCli(join(home, 'tandem'), fake.url, ['--root', ws, '--allow-command', '(', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--allow-command "\(" is not a valid regular expression/);
  });
});
