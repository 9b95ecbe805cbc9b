/**
 * Connecting to tandemd: open the WebSocket at `ws://127.0.0.1:<port>/rpc` with the
 * token from the lock file (`Authorization: Bearer <token>`), wrap it in a
 * vscode-jsonrpc connection and perform the `initialize` handshake. Used by the
 * extension, the CLI, tests and benchmarks alike.
 *
 * With `expect` (the pid and version from the lock file) the handshake must come from
 * that daemon: anything else on the port (a program that took it after the daemon
 * died) is disconnected before the caller sends it anything.
 */
import WebSocket from 'ws';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { connectionForSocket } from './transport';
import { InitializeRequest } from './messages/base';
import { PROTOCOL_VERSION } from './version';

export const RPC_PATH = '/rpc';

export interface ConnectOptions {
  port: number;
  token: string;
  host?: string;
  client: { name: string; version: string };
  capabilities?: InitializeRequest.Params['capabilities'];
  workspaceRoots?: string[];
  /** Override the protocol version sent (tests of version mismatch). */
  protocolVersion?: { major: number; minor: number };
  /** Give up connecting after this many ms. Default 5000. */
  timeoutMs?: number;
  /** The daemon the lock file names: its handshake must carry this pid and version. */
  expect?: { pid: number; version: string };
}

/** The process on the lock's port answered, but not as the daemon the lock names. */
export class DaemonIdentityError extends Error {
  constructor(
    readonly port: number,
    readonly expected: { pid: number; version: string },
    readonly answered: { pid: number; version: string },
  ) {
    super(
      `The process on port ${port} answered as tandemd ${answered.version} (pid ${answered.pid}), but the lock file names tandemd ${expected.version} (pid ${expected.pid}); it is not that daemon, so nothing was sent to it.`,
    );
    this.name = 'DaemonIdentityError';
  }
}

export interface DaemonConnection {
  connection: MessageConnection;
  socket: WebSocket;
  init: InitializeRequest.Result;
  close(): void;
}

/** Open the socket (no handshake). Rejects with the HTTP status on refusal (401, 403). */
export function openSocket(opts: Pick<ConnectOptions, 'port' | 'token' | 'host' | 'timeoutMs'>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://${opts.host ?? '127.0.0.1'}:${opts.port}${RPC_PATH}`, {
      headers: { Authorization: `Bearer ${opts.token}` },
      handshakeTimeout: opts.timeoutMs ?? 5000,
      perMessageDeflate: false,
    });
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onUnexpected = (_req: unknown, res: { statusCode?: number; statusMessage?: string }) => {
      cleanup();
      socket.terminate();
      reject(new Error(`tandemd refused the connection: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
    };
    const onOpen = () => {
      cleanup();
      resolve(socket);
    };
    const cleanup = () => {
      socket.off('error', onError);
      socket.off('open', onOpen);
      socket.off('unexpected-response', onUnexpected);
    };
    socket.on('error', onError);
    socket.on('open', onOpen);
    socket.on('unexpected-response', onUnexpected);
  });
}

/** Connect and initialize. The returned connection is listening. */
export async function connectToDaemon(opts: ConnectOptions): Promise<DaemonConnection> {
  const socket = await openSocket(opts);
  const connection = connectionForSocket(socket);
  connection.listen();
  try {
    const init = await connection.sendRequest(InitializeRequest.type, {
      protocolVersion: opts.protocolVersion ?? { ...PROTOCOL_VERSION },
      client: opts.client,
      capabilities: opts.capabilities ?? { streaming: true },
      workspaceRoots: opts.workspaceRoots,
    });
    const daemon = init?.daemon;
    if (opts.expect && (daemon?.pid !== opts.expect.pid || daemon?.version !== opts.expect.version)) {
      throw new DaemonIdentityError(opts.port, opts.expect, { pid: Number(daemon?.pid), version: String(daemon?.version) });
    }
    return {
      connection,
      socket,
      init,
      close: () => {
        connection.dispose();
        socket.close();
      },
    };
  } catch (err) {
    connection.dispose();
    socket.close();
    throw err;
  }
}
