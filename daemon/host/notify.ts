/**
 * The daemon's three ways of talking to clients unprompted, in one place: a
 * notification to one session, a broadcast to the sessions that asked for them, and the
 * stream sender of `tandem/stream/delta` (the only place that counts `seq`). A closed
 * connection drops what is sent to it; the request it belonged to ends on its own.
 */
import { CancellationTokenSource, type RequestType } from 'vscode-jsonrpc';
import { ErrorCodes, StreamDeltaNotification, TandemError, type TandemErrorData } from '../../protocol';
import type { Session } from '../server/rpc';
import type { NotificationNamespace, StreamSender } from './types';

/** The part of a session these helpers use (tests pass fakes). */
export type NotifiableSession = Pick<Session, 'connection' | 'initialized' | 'capabilities'>;

export function sendNotification<P>(session: Pick<Session, 'connection'>, notification: NotificationNamespace<P>, params: P): void {
  void session.connection.sendNotification(notification.type, params).catch(() => undefined);
}

/** Whether a session gets broadcasts: initialized, and it asked for `statusNotifications`. */
export function wantsBroadcasts(session: NotifiableSession): boolean {
  return session.initialized && session.capabilities.statusNotifications === true;
}

export function broadcastNotification<P>(sessions: Iterable<NotifiableSession>, notification: NotificationNamespace<P>, params: P): void {
  for (const session of sessions) if (wantsBroadcasts(session)) sendNotification(session, notification, params);
}

/** Deltas of the stream `streamId` to `session`, numbered from 0; a request without a stream id drops them. */
export function streamSender(session: Pick<Session, 'connection'>, streamId: string | undefined): StreamSender {
  if (!streamId) return () => undefined;
  let seq = 0;
  return (delta) => sendNotification(session, StreamDeltaNotification, { streamId, seq: seq++, delta });
}

/**
 * A daemon → client request on one session: the answer, or a rejection when the
 * client fails it, the connection closes, or `signal` aborts (the client gets
 * `$/cancelRequest`).
 */
export async function sendClientRequest<P, R>(
  session: Pick<Session, 'connection'>,
  type: RequestType<P, R, TandemErrorData>,
  params: P,
  signal: AbortSignal,
): Promise<R> {
  if (signal.aborted) throw new TandemError(ErrorCodes.RequestCancelled, `${type.method} was cancelled.`);
  const source = new CancellationTokenSource();
  const onAbort = () => source.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await session.connection.sendRequest(type, params, source.token);
  } catch (err) {
    if (signal.aborted) throw new TandemError(ErrorCodes.RequestCancelled, `${type.method} was cancelled.`);
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    source.dispose();
  }
}
