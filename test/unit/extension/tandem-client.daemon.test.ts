/**
 * The extension's client (TandemClient + CompletionCore + the telemetry protocol)
 * against the real daemon (`dist/daemon.js`, run `npm run build` first) and the fake
 * Ollama: lock-file discovery, settings and roots on connect, a completion with the
 * multi-line decision and filters applied, cancellation, events reported and counted
 * in the stats, folders the root policy refuses (left out, reported, the rest registered),
 * and reconnection after the daemon is killed.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { liveDaemon } from '../../../protocol/lockfile';
import { systemClock } from '../../../extension/clock';
import { CompletionCore } from '../../../extension/completion/completion-core';
import { nullLogger } from '../../../extension/log';
import { TandemClient, type RefusedRoot } from '../../../extension/tandem-client';
import { StatusRequest } from '../../../protocol';
import { workspaceRootRefusal } from '../../../shared/root-policy';
import { FakeOllama } from '../../fake-ollama';
import { DAEMON_JS, eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from '../../integration/daemon-harness';

describe('TandemClient against the real daemon', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let base: string;
  let home: string;
  let daemon: RunningDaemon;
  let client: TandemClient;
  let workspace: string;
  const settings = () => ({
    backends: [{ name: 'local', url: fake.url, kind: 'ollama' as const, priority: 10 }],
    models: { complete: 'qwen2.5-coder:1.5b-base' },
  });

  before(async function () {
    assert.ok(existsSync(DAEMON_JS), `${DAEMON_JS} is missing: run \`npm run build\` first`);
    fake = new FakeOllama({
      models: [{ name: 'qwen2.5-coder:1.5b-base', capabilities: ['completion', 'insert'] }],
      defaultReply: { chunks: ['\n  return a', ' + b;\n}\n\nexport function', ' next() {}\n'] },
    });
    await fake.start();
    base = tempHome('tandem-ext-client-');
    home = join(base, 'tandem');
    workspace = join(base, 'ws');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'math.ts'), 'export function add(a: number, b: number) {\n}\n');
    daemon = await startDaemon(home, { backends: [] }, { TANDEM_OLLAMA_URL: fake.url });
    client = new TandemClient({
      client: { name: 'tandem-vscode-test', version: '0.0.0' },
      findLive: () => liveDaemon(home),
      // The test plays the extension host: it restarts the daemon itself.
      startDaemon: async () => {
        daemon = await startDaemon(home, { backends: [] }, { TANDEM_OLLAMA_URL: fake.url });
        return { pid: daemon.proc.pid, exited: daemon.exited.then((code) => ({ code, signal: null })) };
      },
      explainExit: async () => 'exited',
      settings,
      workspaceRoots: () => [workspace],
      clock: systemClock,
      log: nullLogger,
      managerOptions: { initialBackoffMs: 50 },
    });
  });

  after(async () => {
    client?.dispose();
    await daemon?.stop();
    await fake?.stop();
    if (base) removeHome(base);
  });

  it('connects through the lock file and sends settings and roots', async () => {
    await client.start();
    assert.equal(client.state.kind, 'connected');
    assert.equal(client.effectiveSettings?.models.complete, 'qwen2.5-coder:1.5b-base');
    assert.ok(client.status, 'status fetched on connect');
    assert.ok(
      client.hasFeature('events') && client.hasFeature('stats'),
      `features: ${client.manager.session?.init.capabilities.features.join(', ')}`,
    );
  });

  it('completes with the multi-line decision and the filters applied, then reports events that show up in the stats', async () => {
    const core = new CompletionCore({
      backend: { complete: (p, s) => client.complete(p, s) },
      clock: systemClock,
      recentFiles: () => [],
      log: nullLogger,
    });
    const prefix = 'export function add(a: number, b: number) {';
    const suggestion = await core.provide(
      {
        path: join(workspace, 'math.ts'),
        languageId: 'typescript',
        workspaceRoot: workspace,
        prefix,
        suffix: '\n}\n',
        line: 0,
        character: prefix.length,
        explicit: true,
      },
      new AbortController().signal,
    );
    assert.ok(suggestion, 'a suggestion');
    assert.equal(suggestion.multiline, true);
    // trimToBlock stops after the closing brace; dropRepeatedLines removes it since the document has it already.
    assert.equal(suggestion.text, '\n  return a + b;');
    const generate = fake.requestsTo('/api/generate').at(-1)?.body as { options?: { stop?: string[] } } | undefined;
    assert.ok(generate, 'the fake saw the request');

    const at = Date.now();
    const meta = {
      completionId: suggestion.completionId,
      at,
      model: suggestion.model,
      backend: suggestion.backend,
      languageId: 'typescript',
    };
    await client.reportEvents({
      events: [
        {
          kind: 'shown',
          ...meta,
          firstTokenMs: suggestion.timings.firstTokenMs,
          totalMs: suggestion.timings.totalMs,
          lines: 2,
          chars: suggestion.text.length,
        },
        { kind: 'accepted', ...meta, lines: 2, chars: suggestion.text.length },
      ],
    });
    const stats = await client.stats({ sinceMs: at - 1 });
    assert.equal(stats.total.shown, 1);
    assert.equal(stats.total.accepted, 1);
    assert.equal(stats.rows[0].backend, 'local');
  });

  it('cancels the upstream request when aborted', async () => {
    fake.addRule({ path: '/api/generate', match: 'SLOW', firstTokenDelayMs: 5000 });
    const ac = new AbortController();
    const pending = client.complete(
      { document: { path: join(workspace, 'math.ts'), languageId: 'typescript', prefix: '// SLOW\n', suffix: '', line: 1, character: 0 } },
      ac.signal,
    );
    await eventually(
      () => fake.requestsTo('/api/generate').some((r) => JSON.stringify(r.body).includes('SLOW')),
      10_000,
      'the slow request to reach the fake',
    );
    ac.abort();
    await assert.rejects(pending, (err: unknown) => (err as { code?: number }).code === -32800);
  });

  /** A second window's client whose folders include ones the policy refuses; connected, with what it reported. */
  async function windowWith(roots: string[], withLocalPolicy: boolean) {
    const refused: RefusedRoot[][] = [];
    const other = new TandemClient({
      client: { name: 'tandem-vscode-test-2', version: '0.0.0' },
      findLive: () => liveDaemon(home),
      startDaemon: () => Promise.reject(new Error('the first client owns the daemon')),
      explainExit: async () => 'exited',
      settings,
      workspaceRoots: () => roots,
      ...(withLocalPolicy
        ? { rootRefusal: (root: string) => workspaceRootRefusal(root, { userHome: join(base, 'nobody'), tandemHome: home }) }
        : {}),
      clock: systemClock,
      log: nullLogger,
    });
    other.onRootsRefused((r) => refused.push(r));
    await other.start();
    return { other, refused };
  }

  it("registers the allowed folders when the daemon refuses one, and reports the refused one with the daemon's reason", async () => {
    const second = join(base, 'ws2');
    mkdirSync(second);
    const { other, refused } = await windowWith([second, home], false);
    try {
      assert.equal(other.state.kind, 'connected', 'a refused folder does not cost the connection');
      assert.deepEqual(
        refused.flat().map((r) => r.root),
        [home],
      );
      assert.match(refused[0][0].message, /Tandem does not index its own data folder/);
      const status = await other.connection.sendRequest(StatusRequest.type);
      assert.ok(
        status.indexing?.some((i) => i.root === second),
        `the allowed folder is registered: ${JSON.stringify(status.indexing)}`,
      );
      assert.ok(!status.indexing?.some((i) => i.root === home));
    } finally {
      other.dispose();
    }
  });

  it('does not send a folder the local policy refuses, and says why', async () => {
    const third = join(base, 'ws3');
    mkdirSync(third);
    const logBefore = daemon.log().length;
    const { other, refused } = await windowWith([join(home, 'logs'), third], true);
    try {
      assert.equal(other.state.kind, 'connected');
      assert.deepEqual(
        refused.flat().map((r) => r.root),
        [join(home, 'logs')],
      );
      assert.doesNotMatch(daemon.log().slice(logBefore), /Refused workspace root/, 'the daemon never saw it');
      const status = await other.connection.sendRequest(StatusRequest.type);
      assert.ok(status.indexing?.some((i) => i.root === third));
      // Added again (a reconnect sends every folder again): registered as before, but not news twice.
      await other.registerRoots([join(home, 'logs'), third]);
      assert.equal(refused.length, 1, 'each refused folder is reported once per window');
    } finally {
      other.dispose();
    }
  });

  it('reconnects (restarting the daemon) after it is killed, and sends the settings again', async () => {
    const oldPid = daemon.proc.pid;
    daemon.proc.kill('SIGKILL');
    await daemon.exited;
    await eventually(() => client.state.kind === 'connected' && client.manager.session?.lock.pid !== oldPid, 30_000, 'a new connection');
    assert.notEqual(daemon.proc.pid, oldPid);
    assert.equal(client.effectiveSettings?.models.complete, 'qwen2.5-coder:1.5b-base');
  });
});
