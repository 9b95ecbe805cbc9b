/**
 * The one `tandem/stream/delta` handler of a connection, shared by every feature that
 * streams (chat, inline edit, commit messages…). vscode-jsonrpc keeps a single handler
 * per notification method, so a feature registering its own would silently replace
 * another's; features subscribe here instead and are called for every delta (each
 * picks its own `streamId`s). No vscode import.
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { StreamDeltaNotification } from '../../protocol';

type Listener = (p: StreamDeltaNotification.Params) => void;
const listeners = new WeakMap<MessageConnection, Set<Listener>>();

/** Call `listener` for every stream delta on `connection` until the returned disposable is disposed. */
export function subscribeStreamDeltas(connection: MessageConnection, listener: Listener): { dispose(): void } {
  let set = listeners.get(connection);
  if (!set) {
    const created = new Set<Listener>();
    connection.onNotification(StreamDeltaNotification.type, (p) => {
      for (const l of [...created]) l(p);
    });
    listeners.set(connection, created);
    set = created;
  }
  set.add(listener);
  const own = set;
  return { dispose: () => void own.delete(listener) };
}

/** Route one stream's deltas to `onDelta` while `run` is running. */
export async function withStream<R>(
  connection: MessageConnection,
  streamId: string,
  onDelta: (delta: string) => void,
  run: () => Promise<R>,
): Promise<R> {
  const sub = subscribeStreamDeltas(connection, (p) => {
    if (p.streamId === streamId) onDelta(p.delta);
  });
  try {
    return await run();
  } finally {
    sub.dispose();
  }
}
