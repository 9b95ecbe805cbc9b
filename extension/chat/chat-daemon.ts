/**
 * The chat panel's view of tandemd: typed chat requests over the TandemClient's
 * connection with cancellation by AbortSignal, and `tandem/stream/delta` routed to the
 * turn that asked for it by stream id. The delta handler is registered on every new
 * session (the connection is replaced when the daemon restarts). No vscode import.
 */
import { randomUUID } from 'node:crypto';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import {
  ChatDeleteRequest,
  ChatGetRequest,
  ChatListRequest,
  ChatRetryRequest,
  ChatSendRequest,
  type ChatConversationSummary,
  type ChatTurnResult,
} from '../../protocol';
import { requestWithSignal } from '../connection/daemon-session';
import { subscribeStreamDeltas } from '../connection/stream-deltas';
import type { TandemClient } from '../tandem-client';

export type SendParams = Omit<ChatSendRequest.Params, 'streamId'>;
export type RetryParams = Omit<ChatRetryRequest.Params, 'streamId'>;

/** What the chat controller needs from the daemon. */
export interface ChatDaemon {
  connected(): boolean;
  /** Fires with the new state whenever the connection comes or goes. */
  onConnectionChange(listener: (connected: boolean, message?: string) => void): { dispose(): void };
  send(params: SendParams, onDelta: (text: string) => void, signal: AbortSignal): Promise<ChatTurnResult>;
  retry(params: RetryParams, onDelta: (text: string) => void, signal: AbortSignal): Promise<ChatTurnResult>;
  list(workspace: string): Promise<ChatConversationSummary[]>;
  get(conversationId: string): Promise<ChatGetRequest.Result>;
  delete(conversationId: string): Promise<boolean>;
  /** Models the backends report, for the model picker. */
  models(): string[];
  /** The chat task's effective model. */
  defaultModel(): string | undefined;
  /** Fires when the backends' model lists or the configured models may have changed. */
  onModelsChange(listener: () => void): { dispose(): void };
}

type Client = Pick<TandemClient, 'manager' | 'status' | 'effectiveSettings' | 'onStatus' | 'onSettingsApplied'>;

export class ClientChatDaemon implements ChatDaemon {
  private readonly streams = new Map<string, (text: string) => void>();
  private readonly wired = new WeakSet<MessageConnection>();
  private readonly subscriptions: Array<{ dispose(): void }> = [];

  constructor(private readonly client: Client) {
    const wire = () => {
      const session = this.client.manager.session;
      if (!session || this.wired.has(session.connection)) return;
      this.wired.add(session.connection);
      // Through the shared handler: other features stream on this connection too.
      subscribeStreamDeltas(session.connection, (p) => this.streams.get(p.streamId)?.(p.delta));
    };
    wire();
    this.subscriptions.push(this.client.manager.onDidChangeState(() => wire()));
  }

  connected(): boolean {
    return this.client.manager.session !== undefined;
  }

  onConnectionChange(listener: (connected: boolean, message?: string) => void): { dispose(): void } {
    let last: boolean | undefined;
    return this.client.manager.onDidChangeState((state) => {
      const connected = state.kind === 'connected';
      const message =
        state.kind === 'failed'
          ? state.message
          : state.kind === 'waiting'
            ? `tandemd is not reachable (${state.lastError}); reconnecting…`
            : undefined;
      if (connected === last && state.kind !== 'failed') return;
      last = connected;
      listener(connected, message);
    });
  }

  private connection(): MessageConnection {
    const session = this.client.manager.session;
    if (!session) throw new Error('Not connected to tandemd; it is starting or reconnecting. Try again in a moment.');
    return session.connection;
  }

  private async streamed<R>(onDelta: (text: string) => void, run: (streamId: string) => Promise<R>): Promise<R> {
    const streamId = `chat-${randomUUID()}`;
    this.streams.set(streamId, onDelta);
    try {
      return await run(streamId);
    } finally {
      this.streams.delete(streamId);
    }
  }

  send(params: SendParams, onDelta: (text: string) => void, signal: AbortSignal): Promise<ChatTurnResult> {
    const connection = this.connection();
    return this.streamed(onDelta, (streamId) =>
      requestWithSignal(signal, (token) => connection.sendRequest(ChatSendRequest.type, { ...params, streamId }, token)),
    );
  }

  retry(params: RetryParams, onDelta: (text: string) => void, signal: AbortSignal): Promise<ChatTurnResult> {
    const connection = this.connection();
    return this.streamed(onDelta, (streamId) =>
      requestWithSignal(signal, (token) => connection.sendRequest(ChatRetryRequest.type, { ...params, streamId }, token)),
    );
  }

  async list(workspace: string): Promise<ChatConversationSummary[]> {
    return (await this.connection().sendRequest(ChatListRequest.type, { workspace })).conversations;
  }

  get(conversationId: string): Promise<ChatGetRequest.Result> {
    return this.connection().sendRequest(ChatGetRequest.type, { conversationId });
  }

  async delete(conversationId: string): Promise<boolean> {
    return (await this.connection().sendRequest(ChatDeleteRequest.type, { conversationId })).deleted;
  }

  models(): string[] {
    const names = new Set<string>();
    for (const b of this.client.status?.backends ?? []) for (const m of b.models ?? []) if (!/embed/i.test(m)) names.add(m);
    return [...names].sort();
  }

  defaultModel(): string | undefined {
    return this.client.effectiveSettings?.models.chat;
  }

  onModelsChange(listener: () => void): { dispose(): void } {
    const a = this.client.onStatus(() => listener());
    const b = this.client.onSettingsApplied(() => listener());
    return { dispose: () => (a.dispose(), b.dispose()) };
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.streams.clear();
  }
}
