/**
 * The extension's chat client over a fake TandemClient: deltas routed to the turn by
 * stream id (others ignored), the handler wired once per connection and again after a
 * reconnect, cancellation through the AbortSignal, and the model list for the picker.
 */
import assert from 'node:assert/strict';
import type { CancellationToken } from 'vscode-jsonrpc/node';
import { ChatSendRequest, StreamDeltaNotification, type ChatTurnResult } from '../../../../protocol';
import { ClientChatDaemon } from '../../../../extension/chat/chat-daemon';

type Handler = (p: { streamId: string; seq: number; delta: string }) => void;

class FakeConnection {
  handlers = new Map<string, Handler>();
  registrations = 0;
  requests: Array<{ method: string; params: Record<string, unknown>; token?: CancellationToken }> = [];
  reply: (params: Record<string, unknown>, token?: CancellationToken) => Promise<unknown> = async () => ({});
  onNotification(type: { method: string }, handler: Handler) {
    this.registrations++;
    this.handlers.set(type.method, handler);
    return { dispose: () => undefined };
  }
  sendRequest(type: { method: string }, params: Record<string, unknown>, token?: CancellationToken) {
    this.requests.push({ method: type.method, params, token });
    return this.reply(params, token);
  }
  emit(p: { streamId: string; seq: number; delta: string }) {
    this.handlers.get(StreamDeltaNotification.method)?.(p);
  }
}

function fakeClient() {
  const listeners: Array<(s: unknown) => void> = [];
  const client = {
    session: undefined as { connection: FakeConnection } | undefined,
    manager: {
      get session() {
        return client.session;
      },
      onDidChangeState: (l: (s: unknown) => void) => {
        listeners.push(l);
        return { dispose: () => undefined };
      },
    },
    status: {
      backends: [
        { models: ['qwen2.5-coder:7b-instruct', 'nomic-embed-text:latest'] },
        { models: ['llama3:8b', 'qwen2.5-coder:7b-instruct'] },
      ],
    },
    effectiveSettings: { models: { chat: 'qwen2.5-coder:7b-instruct' } },
    onStatus: () => ({ dispose: () => undefined }),
    onSettingsApplied: () => ({ dispose: () => undefined }),
    connect(conn: FakeConnection) {
      client.session = { connection: conn };
      for (const l of listeners) l({ kind: 'connected' });
    },
    disconnect(message: string) {
      client.session = undefined;
      for (const l of listeners) l({ kind: 'waiting', attempt: 1, retryInMs: 100, lastError: message });
    },
  };
  return client;
}

const result = { conversation: { id: 'c' }, user: {}, assistant: {} } as unknown as ChatTurnResult;

describe('chat client (extension → daemon)', () => {
  it('routes deltas of its stream to the turn and ignores other streams', async () => {
    const client = fakeClient();
    const conn = new FakeConnection();
    client.connect(conn);
    const daemon = new ClientChatDaemon(client as never);
    const got: string[] = [];
    conn.reply = async (params) => {
      conn.emit({ streamId: 'someone-else', seq: 0, delta: 'NOT MINE' });
      conn.emit({ streamId: params.streamId as string, seq: 0, delta: 'Hel' });
      conn.emit({ streamId: params.streamId as string, seq: 1, delta: 'lo' });
      return result;
    };
    await daemon.send({ conversationId: 'c', text: 'q' }, (d) => got.push(d), new AbortController().signal);
    assert.deepEqual(got, ['Hel', 'lo']);
    assert.equal(conn.requests[0].method, ChatSendRequest.method);
    assert.match(conn.requests[0].params.streamId as string, /^chat-/);
  });

  it('wires the delta handler once per connection, and again after a reconnect', () => {
    const client = fakeClient();
    const first = new FakeConnection();
    client.connect(first);
    const daemon = new ClientChatDaemon(client as never);
    client.connect(first);
    assert.equal(first.registrations, 1);
    const second = new FakeConnection();
    client.connect(second);
    assert.equal(second.registrations, 1);
    daemon.dispose();
  });

  it('turns an abort into a cancellation of the request', async () => {
    const client = fakeClient();
    const conn = new FakeConnection();
    client.connect(conn);
    const daemon = new ClientChatDaemon(client as never);
    const abort = new AbortController();
    conn.reply = (_params, token) =>
      new Promise((_res, rej) => {
        token?.onCancellationRequested(() => rej(new Error('cancelled')));
      });
    const pending = daemon.send({ conversationId: 'c', text: 'q' }, () => undefined, abort.signal);
    abort.abort();
    await assert.rejects(pending, /cancelled/);
    assert.equal(conn.requests[0].token?.isCancellationRequested, true);
  });

  it('fails fast with a clear message while disconnected, and reports connection changes', () => {
    const client = fakeClient();
    const daemon = new ClientChatDaemon(client as never);
    assert.equal(daemon.connected(), false);
    assert.throws(
      () => daemon.send({ conversationId: 'c', text: 'q' }, () => undefined, new AbortController().signal),
      /Not connected to tandemd/,
    );
    const seen: Array<[boolean, string | undefined]> = [];
    daemon.onConnectionChange((c, m) => seen.push([c, m]));
    client.connect(new FakeConnection());
    client.disconnect('ECONNREFUSED');
    assert.deepEqual(seen, [
      [true, undefined],
      [false, 'tandemd is not reachable (ECONNREFUSED); reconnecting…'],
    ]);
  });

  it('offers the backends’ generation models (no embedders) and the configured chat model', () => {
    const daemon = new ClientChatDaemon(fakeClient() as never);
    assert.deepEqual(daemon.models(), ['llama3:8b', 'qwen2.5-coder:7b-instruct']);
    assert.equal(daemon.defaultModel(), 'qwen2.5-coder:7b-instruct');
  });
});
