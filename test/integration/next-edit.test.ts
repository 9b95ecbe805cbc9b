/**
 * Next-edit suggestions through the real daemon process (`dist/daemon.js`; run `npm run
 * build` first) against the fake Ollama: the raw Sweep prompt reaches the model, the
 * rewrite comes back as the minimal replacement, its answer streams, the model is
 * preloaded, cancellation closes the upstream call, a missing model is a clear error;
 * and the extension's own core and client, driven without VS Code, take a suggestion
 * from the edit to the accepted event the daemon stores and counts.
 */
import assert from 'node:assert/strict';
import { CancellationTokenSource, type ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes, NextEditRequest, StreamDeltaNotification, type NextEditReplacement, type TandemErrorData } from '../../protocol';
import { liveLock } from '../../protocol/lockfile';
import { systemClock } from '../../extension/clock';
import { requestWithSignal } from '../../extension/connection/daemon-session';
import { nullLogger } from '../../extension/log';
import { Cadence } from '../../extension/next-edit/cadence';
import { NextEditCore, type DocumentSnapshot, type NextEditView } from '../../extension/next-edit/core';
import { EditHistory } from '../../extension/next-edit/edit-history';
import { NextEditTracker } from '../../extension/next-edit/tracker';
import { EventQueue } from '../../extension/tracking/event-queue';
import { TandemClient } from '../../extension/tandem-client';
import { FakeOllama, tandemDefaultModels, tandemNextEditModel } from '../fake-ollama';
import { eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from './daemon-harness';

const BEFORE = [
  'function scale(a: number, factor: number): number {',
  '  const limited = clamp(a, 0, 100);',
  '  return limited * factor;',
  '}',
];
const AFTER = [BEFORE[0].replace('(a:', '(count:'), ...BEFORE.slice(1)];
const NEXT = AFTER.map((l) => l.replace('clamp(a,', 'clamp(count,'));
const MODEL = 'hf.co/sweepai/sweep-next-edit-1.5B';

function params(text = AFTER): NextEditRequest.Params {
  return {
    document: {
      path: '/ws/scale.ts',
      languageId: 'typescript',
      text: text.join('\n'),
      startLine: 0,
      lineCount: text.length,
      line: 0,
      character: 20,
    },
    workspaceRoot: '/ws',
    history: [{ path: '/ws/scale.ts', at: Date.now(), startLine: 0, before: BEFORE[0], after: AFTER[0] }],
  };
}

describe('next edits through the real daemon', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let home: string;
  let daemon: RunningDaemon;

  before(async () => {
    fake = new FakeOllama({ models: [...tandemDefaultModels(), tandemNextEditModel()] });
    fake.addRule({ path: '/api/generate', model: MODEL, match: '<|file_sep|>current/scale.ts', chunks: ['\n', `${NEXT.join('\n')}\n`] });
    await fake.start();
    home = tempHome('tandem-next-edit-');
    daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }] });
  });

  after(async () => {
    await daemon?.stop();
    await fake?.stop();
    if (home) removeHome(home);
  });

  it('sends the Sweep prompt raw and answers with the replacement of the next use, streaming the raw answer', async () => {
    const conn = await daemon.connect();
    try {
      const deltas: string[] = [];
      conn.connection.onNotification(StreamDeltaNotification.type, (p) => p.streamId === 'ne-1' && deltas.push(p.delta));
      const result = await conn.connection.sendRequest(NextEditRequest.type, { ...params(), streamId: 'ne-1' });
      assert.equal(result.outcome, 'suggested');
      assert.equal(result.format, 'sweep');
      assert.equal(result.model, MODEL);
      assert.deepEqual(result.edits, [{ start: { line: 1, character: 24 }, end: { line: 1, character: 25 }, text: 'count' }]);
      assert.equal(deltas.join(''), `\n${NEXT.join('\n')}\n`);
      const body = fake
        .requestsTo('/api/generate')
        .filter((r) => (r.body as { prompt?: string }).prompt !== '')
        .at(-1)?.body as {
        prompt: string;
        raw: boolean;
        model: string;
        keep_alive: string;
        options: { stop: string[] };
      };
      assert.equal(body.raw, true);
      assert.equal(body.model, MODEL);
      assert.equal(body.keep_alive, '30m');
      assert.deepEqual(body.options.stop, ['<|file_sep|>', '<|endoftext|>']);
      assert.ok(body.prompt.includes(`<|file_sep|>scale.ts.diff\noriginal:\n${BEFORE[0]}\nupdated:\n${AFTER[0]}\n`));
      assert.ok(body.prompt.endsWith(`<|file_sep|>current/scale.ts\n${AFTER.join('\n')}\n<|file_sep|>updated/scale.ts`));
    } finally {
      conn.close();
    }
  });

  it('preloads the next-edit model once a backend lists it (keep_alive keeps it loaded)', async () => {
    await eventually(
      () =>
        fake
          .requestsTo('/api/generate')
          .some((r) => (r.body as { model: string; prompt?: string }).model === MODEL && !(r.body as { prompt?: string }).prompt),
      20_000,
      'an empty generate that loads the next-edit model',
    );
    const ps = (await (await fetch(`${fake.url}/api/ps`)).json()) as { models: Array<{ name: string }> };
    assert.ok(ps.models.some((m) => m.name === `${MODEL}:latest`));
  });

  it('cancellation closes the upstream call at once', async () => {
    fake.addRule({ path: '/api/generate', model: MODEL, match: 'hang-here', hang: true }, true);
    const conn = await daemon.connect();
    try {
      const source = new CancellationTokenSource();
      const pending = conn.connection.sendRequest(NextEditRequest.type, params([...AFTER, '// hang-here']), source.token);
      await fake.waitFor(
        () => fake.requestsTo('/api/generate').some((r) => JSON.stringify(r.body).includes('hang-here')),
        10_000,
        'the request upstream',
      );
      source.cancel();
      await assert.rejects(pending, (err: ResponseError<TandemErrorData>) => err.code === ErrorCodes.RequestCancelled);
      await fake.waitFor(
        () => fake.requestsTo('/api/generate').some((r) => JSON.stringify(r.body).includes('hang-here') && r.outcome === 'client-closed'),
        10_000,
        'the upstream connection closed',
      );
    } finally {
      conn.close();
    }
  });

  it('the extension core and client: edit, pause, a marked next use, Tab jumps, Tab accepts, the accepted event is stored and counted', async () => {
    const client = new TandemClient({
      client: { name: 'next-edit-test', version: '0.0.0' },
      findLive: () => liveLock(home),
      startDaemon: () => Promise.reject(new Error('the test starts the daemon')),
      explainExit: async () => 'exited',
      settings: () => ({}),
      workspaceRoots: () => [],
      clock: systemClock,
      log: nullLogger,
    });
    await client.start();
    try {
      assert.ok(client.hasFeature('nextEdit'));
      const lines = [...AFTER];
      let version = 1;
      let cursor = { line: 0, character: 20 };
      const calls: string[] = [];
      const view: NextEditView = {
        inline: () => calls.push('inline'),
        preview: () => calls.push('preview'),
        jump: (_p, line, hint) => calls.push(`jump ${line} ${hint}`),
        hide: () => calls.push('hide'),
        moveCursor: (_p, to) => (cursor = to),
        apply: async (_p, v, edits: readonly NextEditReplacement[]) => {
          if (v !== version) return false;
          const e = edits[0];
          lines[e.start.line] = lines[e.start.line].slice(0, e.start.character) + e.text + lines[e.end.line].slice(e.end.character);
          version++;
          return true;
        },
      };
      const queue = new EventQueue({
        clock: systemClock,
        log: nullLogger,
        send: async (events) => void (await client.reportEvents({ events })),
      });
      const cadence = new Cadence({ basePauseMs: 30 });
      const tracker = new NextEditTracker({
        clock: systemClock,
        now: () => Date.now(),
        emit: (e) => queue.push(e),
        onOutcome: (o) => cadence.record(o),
      });
      const history = new EditHistory();
      history.track('/ws/scale.ts', BEFORE.join('\n'));
      const snapshot = (): DocumentSnapshot => ({
        path: '/ws/scale.ts',
        languageId: 'typescript',
        version,
        lineCount: lines.length,
        cursor,
        text: lines.join('\n'),
        startLine: 0,
        visible: [{ startLine: 0, endLine: lines.length - 1 }],
        workspaceRoot: '/ws',
        diagnostics: [],
        lineText: (l) => lines[l] ?? '',
      });
      const core = new NextEditCore({
        clock: systemClock,
        now: () => Date.now(),
        backend: {
          suggest: (p, signal) => requestWithSignal(signal, (token) => client.connection.sendRequest(NextEditRequest.type, p, token)),
        },
        history,
        cadence,
        tracker,
        view,
        log: nullLogger,
        snapshot,
        completionVisible: () => false,
        enabled: () => true,
        recentFiles: () => [],
        includePrompt: () => false,
      });
      // The user renamed the parameter.
      history.change(
        '/ws/scale.ts',
        AFTER.join('\n'),
        [{ rangeOffset: 15, rangeLength: 1, startLine: 0, endLine: 0, text: 'count' }],
        Date.now(),
      );
      core.documentChanged('/ws/scale.ts', { line: 0, character: 15, removed: 1, text: 'count' });
      await eventually(() => calls.find((c) => c.startsWith('jump')), 10_000, 'the mark of the next use');
      assert.deepEqual(calls, ['jump 1 a → count']);
      assert.equal(await core.tab(), true);
      assert.deepEqual(cursor, { line: 1, character: 24 });
      assert.equal(calls.at(-1), 'preview');
      assert.equal(await core.tab(), true);
      assert.deepEqual(lines, NEXT);
      await queue.flush();
      const stats = await client.stats({ suggestionKind: 'nextEdit', groupBy: [] });
      assert.equal(stats.total.shown, 1);
      assert.equal(stats.total.accepted, 1);
      assert.equal((await client.stats({ groupBy: [] })).total.shown, 0, 'not counted as an inline completion');
      const metrics = await (await fetch(daemon.url('/metrics'))).text();
      assert.match(
        metrics,
        /tandem_next_edit_events_total\{event="accepted",model="hf\.co\/sweepai\/sweep-next-edit-1\.5B",backend="local",language="typescript"\} 1/,
      );
      assert.match(metrics, /tandem_next_edit_requests_total\{outcome="suggested",reason="",format="sweep"\} [1-9]/);
      core.dispose();
      queue.dispose();
    } finally {
      client.dispose();
    }
  });
});

describe('next edits without the model', function () {
  this.timeout(60_000);
  it('is a ModelNotFound error naming the model, with the pull line', async () => {
    const fake = new FakeOllama({ models: tandemDefaultModels() });
    await fake.start();
    const home = tempHome('tandem-next-edit-missing-');
    const daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }] });
    const conn = await daemon.connect();
    try {
      await assert.rejects(conn.connection.sendRequest(NextEditRequest.type, params()), (err: ResponseError<TandemErrorData>) => {
        assert.equal(err.code, ErrorCodes.ModelNotFound);
        assert.match(err.message, /sweep-next-edit-1\.5B/);
        assert.match(err.data?.hint ?? '', /ollama pull hf\.co\/sweepai\/sweep-next-edit-1\.5B/);
        return true;
      });
    } finally {
      conn.close();
      await daemon.stop();
      await fake.stop();
      removeHome(home);
    }
  });
});
