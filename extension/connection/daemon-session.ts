/**
 * One protocol connection to tandemd as the extension uses it: the jsonrpc connection,
 * the handshake result, and a `closed` promise the DaemonManager waits on. Requests
 * that take an AbortSignal translate it into a vscode-jsonrpc CancellationToken, which
 * sends `$/cancelRequest` so the daemon aborts the upstream model stream.
 */
import { CancellationTokenSource, type MessageConnection } from 'vscode-jsonrpc/node';
import { connectToDaemon } from '../../protocol/client';
import { InitializeRequest } from '../../protocol';
import type { DaemonLockInfo, DaemonSession } from './daemon-manager';

export interface TandemSession extends DaemonSession {
  readonly connection: MessageConnection;
  readonly init: InitializeRequest.Result;
  readonly lock: DaemonLockInfo;
}

/**
 * Connect to the daemon the lock names. The handshake must carry the lock's pid and
 * version, so a program squatting on a dead daemon's port gets no settings, roots or
 * code; the workspace roots go in `prepare`, after that check, not in `initialize`.
 */
export async function openSession(lock: DaemonLockInfo, client: { name: string; version: string }): Promise<TandemSession> {
  const conn = await connectToDaemon({
    port: lock.port,
    token: lock.token,
    client,
    // The agent feature answers the daemon's applyEdits, approve and diagnostics requests (extension/agent/).
    capabilities: { streaming: true, statusNotifications: true, agent: { applyEdits: true, approvals: true, diagnostics: true } },
    expect: { pid: lock.pid, version: lock.version },
  });
  let closedOnce = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const markClosed = () => {
    if (closedOnce) return;
    closedOnce = true;
    resolveClosed();
  };
  conn.socket.once('close', markClosed);
  conn.connection.onClose(markClosed);
  return {
    connection: conn.connection,
    init: conn.init,
    lock,
    closed,
    close: () => {
      conn.close();
      markClosed();
    },
  };
}

/** Send a request with an AbortSignal: aborting sends `$/cancelRequest`. */
export async function requestWithSignal<R>(
  signal: AbortSignal | undefined,
  send: (token: CancellationTokenSource['token']) => Promise<R>,
): Promise<R> {
  if (!signal) return send(new CancellationTokenSource().token);
  const source = new CancellationTokenSource();
  const onAbort = () => source.cancel();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await send(source.token);
  } finally {
    signal.removeEventListener('abort', onAbort);
    source.dispose();
  }
}
