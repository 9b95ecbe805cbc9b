import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import {
  RequestType,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
  type MessageConnection,
  type ResponseError,
} from 'vscode-jsonrpc/node';
import { z } from 'zod';
import { ErrorCodes, type TandemErrorData } from '../../../../protocol';
import { DaemonLogger } from '../../../../daemon/log';
import { Metrics } from '../../../../daemon/metrics';
import { installCrashGuard, type CrashGuard } from '../../../../daemon/server/crash-guard';
import { RpcDispatcher, type Session } from '../../../../daemon/server/rpc';

const Echo = {
  method: 'test/echo',
  params: z.object({ text: z.string() }),
  type: new RequestType<{ text: string }, string, TandemErrorData>('test/echo'),
};
const Escape = {
  method: 'test/escape',
  params: z.object({ how: z.enum(['timer', 'rejection']) }),
  type: new RequestType<{ how: 'timer' | 'rejection' }, string, TandemErrorData>('test/escape'),
};

/** A dispatcher and a client joined by in-memory streams (the real vscode-jsonrpc connections on both ends). */
function pair(dispatcher: RpcDispatcher): { client: MessageConnection; server: MessageConnection; session: Session; dispose(): void } {
  const up = new PassThrough();
  const down = new PassThrough();
  const server = createMessageConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const session: Session = { id: 's1', connection: server, initialized: true, capabilities: {}, roots: new Set() };
  dispatcher.attach(session);
  server.listen();
  client.listen();
  return { client, server, session, dispose: () => (client.dispose(), server.dispose()) };
}

async function rpcError(p: Promise<unknown>): Promise<ResponseError<TandemErrorData>> {
  try {
    await p;
  } catch (err) {
    return err as ResponseError<TandemErrorData>;
  }
  throw new Error('expected the request to fail');
}

const Wait = {
  method: 'test/wait',
  params: z.object({ id: z.number() }),
  type: new RequestType<{ id: number }, string, TandemErrorData>('test/wait'),
};

describe('RpcDispatcher', () => {
  it('caps the unanswered requests of one connection, and aborts them all when the connection goes', async () => {
    const dispatcher = new RpcDispatcher({
      metrics: new Metrics(),
      logger: new DaemonLogger('error'),
      maxRequestsPerSecond: 1000,
      maxInFlightPerSession: 3,
    });
    const signals: AbortSignal[] = [];
    dispatcher.register(Wait, (_p, { signal }) => {
      signals.push(signal);
      return new Promise<string>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    dispatcher.register(Echo, ({ text }) => text);
    const { client, session, dispose } = pair(dispatcher);
    try {
      const waiting = [1, 2, 3].map((id) => client.sendRequest(Wait.type, { id }).catch(() => 'ended'));
      while (signals.length < 3) await new Promise((r) => setImmediate(r));
      const refused = await rpcError(client.sendRequest(Echo.type, { text: 'one more' }));
      assert.equal(refused.code, ErrorCodes.RateLimited);
      assert.equal(refused.message, '3 requests are already unanswered on this connection.');
      assert.match(refused.data?.hint ?? '', /Wait for answers/);
      assert.equal(dispatcher.inFlight(session.id), 3);
      dispatcher.detach(session);
      assert.ok(
        signals.every((s) => s.aborted),
        'every unanswered request is told to stop',
      );
      await Promise.all(waiting);
      assert.equal(dispatcher.inFlight(session.id), 0);
    } finally {
      dispose();
    }
  });

  describe('an error that escapes a handler', () => {
    let guard: CrashGuard;
    let saved: { exception: NodeJS.UncaughtExceptionListener[]; rejection: NodeJS.UnhandledRejectionListener[] };
    const logged: string[] = [];
    const logger = new DaemonLogger('debug');
    logger.addSink((level, message) => logged.push(`${level}: ${message}`));

    beforeEach(() => {
      // Mocha fails a test on an uncaught error; here the guard alone must see it.
      saved = { exception: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection') };
      process.removeAllListeners('uncaughtException');
      process.removeAllListeners('unhandledRejection');
      guard = installCrashGuard({ logger });
    });
    afterEach(() => {
      guard.dispose();
      for (const l of saved.exception) process.on('uncaughtException', l);
      for (const l of saved.rejection) process.on('unhandledRejection', l);
    });

    it('fails that request with a typed InternalError, aborts its signal, and the dispatcher keeps serving', async () => {
      const metrics = new Metrics();
      const dispatcher = new RpcDispatcher({ metrics, logger, maxRequestsPerSecond: 100 });
      let signal: AbortSignal | undefined;
      dispatcher.register(Echo, ({ text }) => text);
      dispatcher.register(Escape, ({ how }, ctx) => {
        signal = ctx.signal;
        if (how === 'timer') {
          setTimeout(() => {
            throw new RangeError('Maximum call stack size exceeded');
          }, 5);
        } else {
          void Promise.reject(new Error('nobody awaited this'));
        }
        return new Promise<string>(() => undefined); // never settles by itself
      });
      const { client, dispose } = pair(dispatcher);
      try {
        const timer = await rpcError(client.sendRequest(Escape.type, { how: 'timer' }));
        assert.equal(timer.code, ErrorCodes.InternalError);
        assert.equal(timer.data?.kind, 'internal');
        assert.equal(timer.message, 'test/escape failed: Maximum call stack size exceeded');
        assert.equal(signal?.aborted, true, "the handler's remaining work is told to stop");
        const rejection = await rpcError(client.sendRequest(Escape.type, { how: 'rejection' }));
        assert.equal(rejection.code, ErrorCodes.InternalError);
        assert.match(rejection.message, /nobody awaited this/);
        assert.equal(guard.caught, 2);
        assert.equal(await client.sendRequest(Echo.type, { text: 'still here' }), 'still here');
        assert.ok(logged.some((l) => /^error: Uncaught exception in test\/escape; the daemon keeps serving: RangeError/.test(l)));
        assert.ok(logged.some((l) => /^error: Uncaught rejection in test\/escape/.test(l)));
      } finally {
        dispose();
      }
    });

    it('an error outside any request is logged and counted, and nothing else happens', async () => {
      const metrics = new Metrics();
      const guarded = installCrashGuard({ logger, metrics });
      try {
        setImmediate(() => {
          throw new Error('stray callback');
        });
        await new Promise((r) => setTimeout(r, 20));
        assert.equal(guarded.caught, 1);
        assert.ok(logged.some((l) => l.startsWith('error: Uncaught exception; the daemon keeps serving: Error: stray callback')));
        assert.match(await metrics.text(), /tandem_errors_total\{kind="internal",origin="uncaught"\} 1/);
      } finally {
        guarded.dispose();
      }
    });
  });
});
