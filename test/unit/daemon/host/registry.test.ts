/**
 * The feature host: declarations and registrations must agree (undeclared, unhandled,
 * doubly claimed or wrongly directed methods fail start with an error naming the feature
 * and the method), notifications go out only when declared, one stream sender numbers
 * each stream from 0, broadcasts reach only initialized sessions that opted in, and
 * features are disposed in reverse order.
 */
import assert from 'node:assert/strict';
import {
  AgentApproveRequest,
  AgentRunRequest,
  DoctorRequest,
  IndexProgressNotification,
  InitializeRequest,
  LogNotification,
  StatusChangedNotification,
  StatusRequest,
  StreamDeltaNotification,
} from '../../../../protocol';
import { daemonFeatures } from '../../../../daemon/features';
import { FeatureError, capabilitiesOf, startFeatures, type HostServices } from '../../../../daemon/host/registry';
import type { FeatureHost, NotificationNamespace, RequestNamespace } from '../../../../daemon/host/types';
import { DaemonLogger } from '../../../../daemon/log';
import { Metrics } from '../../../../daemon/metrics';
import { RpcDispatcher, type Session } from '../../../../daemon/server/rpc';
import type { Db } from '../../../../daemon/storage/db';
import { ANNOUNCED_FEATURES, fakeParts, fakeSession, feature } from './helpers';

function services(sessions: Session[] = []): HostServices & { rpc: RpcDispatcher; logged: string[] } {
  const logger = new DaemonLogger('debug');
  const logged: string[] = [];
  logger.addSink((level, message) => logged.push(`${level} ${message}`));
  const metrics = new Metrics();
  return {
    rpc: new RpcDispatcher({ metrics, logger, maxRequestsPerSecond: 100 }),
    logger,
    db: {} as Db,
    metrics,
    parts: fakeParts(),
    config: () => {
      throw new Error('no config in this test');
    },
    statusChanged: () => undefined,
    daemon: {
      status: () => {
        throw new Error('no status in this test');
      },
      sessions: () => sessions,
      onSessionClosed: () => ({ dispose: () => undefined }),
      applySettings: () => {
        throw new Error('no settings in this test');
      },
      stop: async () => undefined,
    },
    logged,
  };
}

describe('feature host: registration', () => {
  it('serves the declared requests through the dispatcher and announces the declared capabilities in list order, each once', async () => {
    const s = services();
    const started = await startFeatures(
      [
        feature('a', { capabilities: ['status', 'stats'], requests: [StatusRequest] }, (host) =>
          host.handle(StatusRequest, () => ({}) as never),
        ),
        feature('b', { capabilities: ['stats', 'doctor'], requests: [DoctorRequest] }, (host) =>
          host.handle(DoctorRequest, () => ({}) as never),
        ),
      ],
      s,
    );
    assert.deepEqual(s.rpc.methods(), [DoctorRequest.method, StatusRequest.method]);
    assert.deepEqual(started.capabilities, ['status', 'stats', 'doctor']);
  });

  it('refuses a handler for a request the feature did not declare, naming both, and disposes the features started before it', async () => {
    const disposed: string[] = [];
    const first = feature('first', {}, () => ({ dispose: () => void disposed.push('first') }));
    const sneaky = feature('sneaky', { requests: [StatusRequest] }, (host) => {
      host.handle(StatusRequest, () => ({}) as never);
      host.handle(DoctorRequest, () => ({}) as never);
    });
    await assert.rejects(
      startFeatures([first, sneaky], services()),
      (err: Error) =>
        err instanceof FeatureError &&
        err.message === `Feature "sneaky" registers a handler for ${DoctorRequest.method}, which is not among the requests it declares.`,
    );
    assert.deepEqual(disposed, ['first']);
  });

  it('refuses a request that two features declare before registering either', async () => {
    const registered: string[] = [];
    const a = feature('a', { requests: [StatusRequest] }, () => void registered.push('a'));
    const b = feature('b', { requests: [DoctorRequest, StatusRequest] }, () => void registered.push('b'));
    await assert.rejects(
      startFeatures([a, b], services()),
      (err: Error) =>
        err instanceof FeatureError && err.message.startsWith(`Features "a" and "b" both declare the request ${StatusRequest.method}`),
    );
    assert.deepEqual(registered, []);
  });

  it('refuses a request declared twice by one feature, and two features of one name', async () => {
    await assert.rejects(
      startFeatures([feature('a', { requests: [StatusRequest, StatusRequest] })], services()),
      /Feature "a" declares the request tandem\/status\/get twice/,
    );
    await assert.rejects(startFeatures([feature('a', {}), feature('a', {})], services()), /Two daemon features are named "a"/);
  });

  it('refuses a declared request that register left without a handler, and disposes that feature too', async () => {
    const disposed: string[] = [];
    const lazy = feature('lazy', { requests: [StatusRequest, DoctorRequest] }, (host) => {
      host.handle(StatusRequest, () => ({}) as never);
      return { dispose: () => void disposed.push('lazy') };
    });
    await assert.rejects(
      startFeatures([lazy], services()),
      (err: Error) =>
        err instanceof FeatureError && err.message === `Feature "lazy" declares ${DoctorRequest.method} but registered no handler for it.`,
    );
    assert.deepEqual(disposed, ['lazy']);
  });

  it('refuses a handler registered after register returned', async () => {
    let saved: FeatureHost | undefined;
    await startFeatures(
      [feature('late', { requests: [StatusRequest] }, (host) => ((saved = host), host.handle(StatusRequest, () => ({}) as never)))],
      services(),
    );
    assert.throws(
      () => saved!.handle(StatusRequest, () => ({}) as never),
      /Feature "late" registers a handler for tandem\/status\/get after start/,
    );
  });

  it('refuses a notification declared as a request and a request declared as a notification', async () => {
    // The types refuse both mix-ups already; the runtime check covers declarations built without them.
    const asRequest = StatusChangedNotification as unknown as RequestNamespace;
    const asNotification = InitializeRequest as unknown as NotificationNamespace;
    await assert.rejects(
      startFeatures([feature('a', { requests: [asRequest] })], services()),
      /Feature "a" declares tandem\/status\/changed as a request it serves, but it goes daemon → client/,
    );
    await assert.rejects(
      startFeatures([feature('b', { notifications: [asNotification] })], services()),
      /Feature "b" declares initialize as a notification it sends, but it goes client → daemon/,
    );
  });

  it('wraps an exception thrown by register in an error naming the feature', async () => {
    const disposed: string[] = [];
    await assert.rejects(
      startFeatures(
        [
          feature('a', {}, () => ({ dispose: () => void disposed.push('a') })),
          feature('b', {}, () => ({ dispose: () => void disposed.push('b') })),
          feature('broken', {}, () => {
            throw new Error('the store cannot open');
          }),
        ],
        services(),
      ),
      (err: Error) => err instanceof FeatureError && err.message === 'Feature "broken" failed to start: the store cannot open',
    );
    assert.deepEqual(disposed, ['b', 'a']);
  });

  it('disposes in reverse order; a dispose that fails is logged and the others still run', async () => {
    const s = services();
    const disposed: string[] = [];
    const started = await startFeatures(
      [
        feature('a', {}, () => ({ dispose: () => void disposed.push('a') })),
        feature('b', {}, () => ({
          dispose: async () => {
            disposed.push('b');
            throw new Error('already closed');
          },
        })),
        feature('c', {}, () => ({ dispose: () => void disposed.push('c') })),
      ],
      s,
    );
    await started.dispose();
    assert.deepEqual(disposed, ['c', 'b', 'a']);
    assert.ok(s.logged.includes('warn Shutdown step failed (feature b): already closed'), s.logged.join('\n'));
    await started.dispose();
    assert.deepEqual(disposed, ['c', 'b', 'a'], 'disposed once');
  });

  it('the daemon feature list fits together and announces the capability names clients have always seen', async () => {
    assert.deepEqual([...capabilitiesOf(daemonFeatures)].sort(), ANNOUNCED_FEATURES);
    const served = daemonFeatures.flatMap((f) => f.requests.map((r) => r.method));
    assert.equal(new Set(served).size, served.length, 'each request has one feature');
  });
});

describe('feature host: notifications', () => {
  async function hostFor(declared: Parameters<typeof feature>[1], sessions: Session[] = []): Promise<FeatureHost> {
    let host: FeatureHost | undefined;
    await startFeatures([feature('f', declared, (h) => void (host = h))], services(sessions));
    return host!;
  }

  it('numbers the deltas of each stream from 0, streams of one session independently', async () => {
    const session = fakeSession('s');
    const host = await hostFor({ notifications: [StreamDeltaNotification] });
    const one = host.stream(session, 'one');
    const two = host.stream(session, 'two');
    one('a');
    two('x');
    one('b');
    two('y');
    one('c');
    assert.deepEqual(
      session.sent.map((s) => s.params),
      [
        { streamId: 'one', seq: 0, delta: 'a' },
        { streamId: 'two', seq: 0, delta: 'x' },
        { streamId: 'one', seq: 1, delta: 'b' },
        { streamId: 'two', seq: 1, delta: 'y' },
        { streamId: 'one', seq: 2, delta: 'c' },
      ],
    );
    assert.ok(session.sent.every((s) => s.method === StreamDeltaNotification.method));
  });

  it('drops the deltas of a request without a stream id', async () => {
    const session = fakeSession('s');
    const host = await hostFor({ notifications: [StreamDeltaNotification] });
    host.stream(session, undefined)('ignored');
    assert.deepEqual(session.sent, []);
  });

  it('broadcasts only to initialized sessions that asked for status notifications', async () => {
    const subscribed = fakeSession('subscribed', { initialized: true, statusNotifications: true });
    const quiet = fakeSession('quiet', { initialized: true, statusNotifications: false });
    const unasked = fakeSession('unasked', { initialized: true });
    const early = fakeSession('early', { initialized: false, statusNotifications: true });
    const host = await hostFor({ notifications: [IndexProgressNotification] }, [subscribed, quiet, unasked, early]);
    host.broadcast(IndexProgressNotification, { roots: [] });
    assert.deepEqual(subscribed.sent, [{ method: IndexProgressNotification.method, params: { roots: [] } }]);
    assert.deepEqual([quiet.sent, unasked.sent, early.sent], [[], [], []]);
  });

  it('notifies one session, whoever else is subscribed', async () => {
    const target = fakeSession('target', { statusNotifications: false });
    const other = fakeSession('other', { statusNotifications: true });
    const host = await hostFor({ notifications: [LogNotification] }, [target, other]);
    host.notify(target, LogNotification, { level: 'info', message: 'hi', time: 1 });
    assert.equal(target.sent.length, 1);
    assert.equal(other.sent.length, 0);
  });

  it('refuses to send, stream or broadcast a notification the feature did not declare', async () => {
    const session = fakeSession('s', { statusNotifications: true });
    const host = await hostFor({ notifications: [LogNotification] }, [session]);
    assert.throws(
      () => host.stream(session, 'x'),
      /Feature "f" sends tandem\/stream\/delta, which is not among the notifications it declares/,
    );
    assert.throws(() => host.broadcast(IndexProgressNotification, { roots: [] }), /Feature "f" sends tandem\/index\/progress/);
    assert.throws(() => host.notify(session, StatusChangedNotification, {} as never), /Feature "f" sends tandem\/status\/changed/);
    assert.deepEqual(session.sent, []);
  });
});

describe('feature host: daemon → client requests', () => {
  function requestingSession(
    answer: (
      method: string,
      params: unknown,
      token: { isCancellationRequested: boolean; onCancellationRequested(l: () => void): void },
    ) => Promise<unknown>,
  ) {
    const session = fakeSession('s');
    (session.connection as unknown as { sendRequest: unknown }).sendRequest = (type: { method: string }, params: unknown, token: never) =>
      answer(type.method, params, token);
    return session;
  }

  it('refuses a client request declared in the wrong direction, and sending one not declared', async () => {
    await assert.rejects(
      startFeatures([feature('a', { clientRequests: [AgentRunRequest as unknown as RequestNamespace] })], services()),
      /Feature "a" declares tandem\/agent\/run as a request it sends to clients, but it goes client → daemon/,
    );
    let host: FeatureHost | undefined;
    await startFeatures([feature('f', {}, (h) => void (host = h))], services());
    assert.throws(
      () =>
        host!.request(
          fakeSession('s'),
          AgentApproveRequest,
          { taskId: 't', approval: { kind: 'memory', callId: 'c', note: { kind: 'todo', title: 'x', body: '', tags: [] } } },
          new AbortController().signal,
        ),
      /Feature "f" sends the request tandem\/agent\/approve, which is not among the client requests it declares/,
    );
  });

  it('sends a declared request, returns the answer, and cancels it when the signal aborts', async () => {
    let host: FeatureHost | undefined;
    await startFeatures([feature('f', { clientRequests: [AgentApproveRequest] }, (h) => void (host = h))], services());
    const params = {
      taskId: 't',
      approval: { kind: 'memory' as const, callId: 'c', note: { kind: 'todo', title: 'x', body: '', tags: [] } },
    };
    const answered = requestingSession(async (method) => (method === 'tandem/agent/approve' ? { decision: 'once' } : undefined));
    assert.deepEqual(await host!.request(answered, AgentApproveRequest, params, new AbortController().signal), { decision: 'once' });

    let cancelled = false;
    const hanging = requestingSession(
      (_m, _p, token) =>
        new Promise((_resolve, reject) =>
          token.onCancellationRequested(() => ((cancelled = true), reject(new Error('cancelled by peer')))),
        ),
    );
    const ac = new AbortController();
    const pending = host!.request(hanging, AgentApproveRequest, params, ac.signal);
    ac.abort();
    await assert.rejects(pending, (e: Error & { code?: number }) => e.code === -32800);
    assert.equal(cancelled, true, 'the client got $/cancelRequest');
  });
});
