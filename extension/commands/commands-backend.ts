/**
 * The daemon side of the everyday commands as the extension uses it: typed requests
 * with AbortSignal cancellation (`$/cancelRequest`), streamed ones with their deltas
 * routed by stream id through the connection's shared delta handler, and outcome
 * reports. No vscode import; the flows' tests pass a fake `CommandsBackend`.
 */
import { randomUUID } from 'node:crypto';
import type { CancellationToken, MessageConnection } from 'vscode-jsonrpc/node';
import {
  CodeEnclosingRequest,
  CommandOutcomeRequest,
  CommitMessageRequest,
  InlineEditProposeRequest,
  TestsGenerateRequest,
} from '../../protocol';
import { requestWithSignal } from '../connection/daemon-session';
import { withStream } from '../connection/stream-deltas';

type Streamed<P> = Omit<P, 'streamId'>;

export interface CommandsBackend {
  enclosing(params: CodeEnclosingRequest.Params, signal?: AbortSignal): Promise<CodeEnclosingRequest.Result>;
  proposeInlineEdit(
    params: Streamed<InlineEditProposeRequest.Params>,
    onDelta: (delta: string) => void,
    signal?: AbortSignal,
  ): Promise<InlineEditProposeRequest.Result>;
  commitMessage(
    params: Streamed<CommitMessageRequest.Params>,
    onDelta: (delta: string) => void,
    signal?: AbortSignal,
  ): Promise<CommitMessageRequest.Result>;
  generateTests(params: TestsGenerateRequest.Params, signal?: AbortSignal): Promise<TestsGenerateRequest.Result>;
  reportOutcome(params: CommandOutcomeRequest.Params): Promise<void>;
}

/** A CommandsBackend over the current daemon connection (`connection()` throws while disconnected). */
export function daemonCommandsBackend(connection: () => MessageConnection): CommandsBackend {
  const streamed = <P, R>(
    type: { method: string },
    send: (c: MessageConnection, params: P & { streamId: string }, token: CancellationToken) => Promise<R>,
    params: P,
    onDelta: (delta: string) => void,
    signal?: AbortSignal,
  ): Promise<R> => {
    const c = connection();
    const streamId = `${type.method.split('/')[1]}-${randomUUID()}`;
    return withStream(c, streamId, onDelta, () => requestWithSignal(signal, (token) => send(c, { ...params, streamId }, token)));
  };
  return {
    enclosing: (params, signal) => {
      const c = connection();
      return requestWithSignal(signal, (token) => c.sendRequest(CodeEnclosingRequest.type, params, token));
    },
    proposeInlineEdit: (params, onDelta, signal) =>
      streamed(InlineEditProposeRequest, (c, p, token) => c.sendRequest(InlineEditProposeRequest.type, p, token), params, onDelta, signal),
    commitMessage: (params, onDelta, signal) =>
      streamed(CommitMessageRequest, (c, p, token) => c.sendRequest(CommitMessageRequest.type, p, token), params, onDelta, signal),
    generateTests: (params, signal) => {
      const c = connection();
      return requestWithSignal(signal, (token) => c.sendRequest(TestsGenerateRequest.type, params, token));
    },
    reportOutcome: async (params) => {
      await connection().sendRequest(CommandOutcomeRequest.type, params);
    },
  };
}
