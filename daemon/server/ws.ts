/**
 * WebSocket admission on `/rpc`: loopback Host only, no browser Origin, and the token
 * from the lock file as `Authorization: Bearer <token>` (compared in constant time).
 * A refused upgrade gets a plain HTTP error and the socket is closed; nothing reaches
 * the JSON-RPC layer.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual, createHash } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { RPC_PATH } from '../../protocol/client';
import { isLoopbackHost } from './http';

export type AdmissionResult = { ok: true } | { ok: false; status: number; reason: string };

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

export function admit(req: IncomingMessage, token: string): AdmissionResult {
  const path = (req.url ?? '').split('?')[0];
  if (path !== RPC_PATH) return { ok: false, status: 404, reason: `WebSocket endpoint is ${RPC_PATH}` };
  if (!isLoopbackHost(req.headers.host)) return { ok: false, status: 403, reason: 'Host not allowed' };
  if (req.headers.origin !== undefined) return { ok: false, status: 403, reason: 'Browser origins are not allowed' };
  const auth = req.headers.authorization;
  const presented = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
  if (presented === undefined) return { ok: false, status: 401, reason: 'Missing token (Authorization: Bearer <token from daemon.lock>)' };
  if (!tokenMatches(presented, token)) return { ok: false, status: 401, reason: 'Wrong token' };
  return { ok: true };
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const statusText: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

export interface WsGate {
  wss: WebSocketServer;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * `maxPayload` is a hard ceiling (twice the protocol limit) past which ws closes the
 * socket (1009); frames between the protocol limit and it get a typed error instead.
 */
export function createWsGate(opts: {
  token: () => string;
  maxMessageBytes: number;
  onConnection: (socket: WebSocket, req: IncomingMessage) => void;
  onRefused: (status: number, reason: string) => void;
}): WsGate {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes * 2, perMessageDeflate: false });
  return {
    wss,
    handleUpgrade(req, socket, head) {
      const verdict = admit(req, opts.token());
      if (!verdict.ok) {
        opts.onRefused(verdict.status, verdict.reason);
        refuse(socket, verdict.status, verdict.reason);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => opts.onConnection(ws, req));
    },
  };
}
