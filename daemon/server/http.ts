/**
 * The daemon's HTTP surface on its loopback port:
 *   GET /health   liveness: always 200 while the process serves (version, uptime)
 *   GET /ready    200 when storage is open and a backend serves completions, else 503;
 *                 the body is `{ ready, reasons }` in sentences naming backends only.
 *                 With the lock file's token (`Authorization: Bearer …`) it also lists
 *                 the backends (URL, health, circuit, last error), the detailed reasons
 *                 and the indexed roots; without it no URL, error text or path is shown
 *                 to other local users.
 *   GET /metrics  Prometheus text format
 *   /rpc          WebSocket upgrade (see ws.ts)
 * Requests whose Host header is not a loopback name are refused (DNS-rebinding defence),
 * and so are browser requests carrying an Origin header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DaemonStatus } from '../../protocol';

export interface HttpDeps {
  version: string;
  startedAt: number;
  /** The readiness for token holders (`status`) and for anyone (`anonymous`). */
  readiness(): Promise<{ ready: boolean; status: DaemonStatus; anonymous: { ready: boolean; reasons: string[] } }>;
  /** True when the request's Authorization header carries the daemon's token. */
  authorized(authorization: string | undefined): boolean;
  metricsText(): Promise<{ contentType: string; body: string }>;
}

const loopbackHost = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d+)?$/i;

/** True when the request comes addressed to a loopback name (not a rebinding domain). */
export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && loopbackHost.test(host);
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

export function httpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(deps, req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: (err as Error).message });
      else res.destroy();
    });
  };
}

async function handle(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isLoopbackHost(req.headers.host)) {
    send(res, 403, { error: 'Host not allowed: tandemd answers only requests addressed to 127.0.0.1 or localhost.' });
    return;
  }
  if (req.headers.origin !== undefined) {
    send(res, 403, { error: 'Browser requests are not allowed.' });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, { error: `Method ${req.method} not allowed.` });
    return;
  }
  const path = (req.url ?? '/').split('?')[0];
  switch (path) {
    case '/health':
      send(res, 200, {
        status: 'ok',
        name: 'tandemd',
        version: deps.version,
        pid: process.pid,
        uptimeSec: Math.round((Date.now() - deps.startedAt) / 1000),
      });
      return;
    case '/ready': {
      const { ready, status, anonymous } = await deps.readiness();
      if (!deps.authorized(req.headers.authorization)) {
        send(res, ready ? 200 : 503, { ready, reasons: anonymous.reasons });
        return;
      }
      send(res, ready ? 200 : 503, {
        ready,
        reasons: status.reasons,
        backends: status.backends.map((b) => ({ name: b.name, url: b.url, health: b.health, circuit: b.circuit, lastError: b.lastError })),
        indexing: status.indexing,
      });
      return;
    }
    case '/metrics': {
      const { contentType, body } = await deps.metricsText();
      send(res, 200, body, contentType);
      return;
    }
    case '/rpc':
      send(res, 426, { error: 'Upgrade to WebSocket required on /rpc.' });
      return;
    default:
      send(res, 404, { error: `No route ${path}. Try /health, /ready or /metrics.` });
  }
}
