/**
 * One small frame must not kill the daemon. A token holder used to crash it, before
 * `initialize`, with a ~40 KB frame whose `id` (or a client-sent response's `error`) was
 * a deeply nested array: vscode-jsonrpc stringified it for its log inside `setImmediate`
 * and the RangeError was uncaught; a `$/cancelRequest` without params (45 bytes) did the
 * same with a TypeError. Each of these frames now gets a typed error, the socket stays
 * usable, other clients are served, and nothing escapes to the process.
 */
import assert from 'node:assert/strict';
import type WebSocket from 'ws';
import { ErrorCodes, InlineCompletionRequest, StatusRequest } from '../../../protocol';
import { openSocket, type DaemonConnection } from '../../../protocol/client';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { completion } from './helpers';
import { faultCase, tally } from './tally';

type Reply = { id?: unknown; result?: unknown; error?: { code: number; message: string } };

/** Send one frame and wait for one reply (or fail after 5 s). */
function exchange(ws: WebSocket, frame: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${frame.slice(0, 80)}`)), 5000);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(JSON.parse(data.toString()) as Reply);
    });
    ws.send(frame);
  });
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('faults: hostile frames (real daemon)', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let home: string;
  let daemon: RunningDaemon;
  let other: DaemonConnection;

  before(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['return a + b;'] } });
    await fake.start();
    home = tempHome('tandem-fault-frames-');
    daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }] });
    other = await daemon.connect({ name: 'bystander' });
  });
  after(async () => {
    other?.close();
    await daemon?.stop();
    await fake.stop();
    removeHome(home);
  });

  const deep = nested(20_000);
  const frames: Array<[string, string, RegExp]> = [
    [
      'a request whose id nests 20,000 arrays (40 KB)',
      `{"jsonrpc":"2.0","id":${deep},"method":"initialize","params":{}}`,
      /deeper than 32 levels/,
    ],
    [
      'a response whose error nests 20,000 arrays',
      `{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"x","data":${deep}}}`,
      /deeper than 32 levels/,
    ],
    [
      'a $/cancelRequest whose id nests 20,000 arrays',
      `{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":${deep}}}`,
      /deeper than 32 levels/,
    ],
    ['a $/cancelRequest without params (45 bytes)', '{"jsonrpc":"2.0","method":"$/cancelRequest"}', /"\$\/cancelRequest" needs "params"/],
    [
      'a request whose id is an object',
      '{"jsonrpc":"2.0","id":{"a":1},"method":"initialize","params":{}}',
      /"id" of a request is a string/,
    ],
    ['a request whose id is null', '{"jsonrpc":"2.0","id":null,"method":"initialize","params":{}}', /"id" of a request is a string/],
    [
      'a response to a request the daemon never sent',
      '{"jsonrpc":"2.0","id":7,"result":{"x":1}}',
      /No request with the id 7 awaits an answer on this connection/,
    ],
  ];

  faultCase(
    'frames with nested ids, responses and cancels without an id get typed errors before initialize; the daemon lives and serves',
    async () => {
      const ws = await openSocket({ port: daemon.port, token: daemon.lock.token });
      try {
        for (const [what, frame, message] of frames) {
          const reply = await exchange(ws, frame);
          assert.equal(reply.error?.code, ErrorCodes.InvalidRequest, what);
          assert.match(reply.error?.message ?? '', message, what);
        }
        // The daemon is alive, this socket can still initialize, and others are served.
        assert.equal(daemon.proc.exitCode, null, 'the daemon process is alive');
        const init = await exchange(
          ws,
          JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: { protocolVersion: { major: 1, minor: 0 }, client: { name: 'hostile', version: '0' } },
          }),
        );
        assert.equal((init.result as { daemon: { pid: number } }).daemon.pid, daemon.proc.pid);
        // After initialize too: the same frames still get errors, not a crash.
        for (const [what, frame] of frames) assert.equal((await exchange(ws, frame)).error?.code, ErrorCodes.InvalidRequest, what);
        const served = await other.connection.sendRequest(InlineCompletionRequest.type, completion());
        assert.equal(served.text, 'return a + b;');
        assert.equal((await other.connection.sendRequest(StatusRequest.type)).pid, daemon.proc.pid);
        assert.doesNotMatch(daemon.log(), /Uncaught|RangeError|Maximum call stack/);
        tally.notes.push(
          `frames: ${frames.length} hostile frame kinds (up to 40 KB, before and after initialize) answered with InvalidRequest; daemon alive`,
        );
      } finally {
        ws.terminate();
      }
    },
  );
});
