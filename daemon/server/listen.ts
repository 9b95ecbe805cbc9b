/**
 * The daemon's one listening socket on 127.0.0.1: HTTP for /health, /ready and /metrics
 * (`http.ts`) and the WebSocket upgrade for clients behind the token and origin gate
 * (`ws.ts`). Closing terminates every client and the server.
 */
import { createServer } from 'node:http';
import type { WebSocket } from 'ws';
import type { DaemonStatus } from '../../protocol';
import type { DaemonLogger } from '../log';
import type { Metrics } from '../metrics';
import { httpHandler } from './http';
import { createWsGate, tokenMatches } from './ws';

export interface ServerOptions {
  /** Port to bind (0 = any free one). */
  port: number;
  token: () => string;
  maxMessageBytes: number;
  version: string;
  startedAt: number;
  readiness: () => Promise<{ ready: boolean; status: DaemonStatus; anonymous: { ready: boolean; reasons: string[] } }>;
  metrics: Metrics;
  logger: DaemonLogger;
  onConnection(socket: WebSocket): void;
}

export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

export function startServer(opts: ServerOptions): Promise<ListeningServer> {
  const { metrics, logger } = opts;
  const gate = createWsGate({
    token: opts.token,
    maxMessageBytes: opts.maxMessageBytes,
    onConnection: opts.onConnection,
    onRefused: (status, reason) => {
      metrics.errors.inc({ kind: status === 401 ? 'unauthorized' : 'forbidden', origin: 'transport' });
      logger.warn(`Refused a connection: ${status} ${reason}`);
    },
  });
  const server = createServer(
    httpHandler({
      version: opts.version,
      startedAt: opts.startedAt,
      readiness: opts.readiness,
      authorized: (header) => header?.startsWith('Bearer ') === true && tokenMatches(header.slice('Bearer '.length).trim(), opts.token()),
      metricsText: async () => ({ contentType: metrics.contentType, body: await metrics.text() }),
    }),
  );
  server.on('upgrade', (req, socket, head) => gate.handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());
  const close = () =>
    new Promise<void>((resolve) => {
      for (const client of gate.wss.clients) client.terminate();
      gate.wss.close();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({ port: typeof addr === 'object' && addr ? addr.port : opts.port, close });
    });
  });
}
