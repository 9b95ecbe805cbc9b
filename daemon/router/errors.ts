/**
 * Turning what goes wrong on the way to a backend into errors a user can act on.
 *
 * `BackendFailure` is the internal, classified form of one failed attempt (the router
 * decides from `countsAsFailure` whether the circuit breaker hears about it);
 * `TandemError`s are what callers see.
 */
import { ErrorCodes, TandemError, type ErrorCode } from '../../protocol';
import { displayUrl } from '../../shared/url';

export type NetworkProblem = 'refused' | 'dns' | 'tls' | 'reset' | 'unreachable' | 'timeout' | 'other';

/** Walk `cause` chains for the system error code (undici wraps them in `TypeError: fetch failed`). */
export function systemErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ABORT_ERR') return code;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) e = errors[0];
    else e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function classifyNetworkError(err: unknown): { problem: NetworkProblem; code?: string; text: string } {
  const code = systemErrorCode(err);
  const text = describeCause(err);
  switch (code) {
    case 'ECONNREFUSED':
      return { problem: 'refused', code, text: 'connection refused' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { problem: 'dns', code, text: `host name not resolved (${code})` };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { problem: 'reset', code, text: 'connection closed by the server' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return { problem: 'unreachable', code, text: `host unreachable (${code})` };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { problem: 'timeout', code, text: `timed out (${code})` };
  }
  // node:http reports a TLS handshake failure as EPROTO with OpenSSL's "SSL routines" text.
  if (
    code &&
    (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code) ||
      text.includes('certificate') ||
      (code === 'EPROTO' && /SSL routines|ssl3_|tls/i.test(text)))
  ) {
    return { problem: 'tls', code, text: `TLS error: ${text}` };
  }
  return { problem: 'other', code, text };
}

/** The most specific message in an error's cause chain. */
function describeCause(err: unknown): string {
  let e: unknown = err;
  let msg = '';
  for (let depth = 0; depth < 6 && typeof e === 'object' && e !== null; depth++) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '' && m !== 'fetch failed') msg = m;
    e = (e as { cause?: unknown }).cause;
  }
  return msg || String(err);
}

export const remoteHint =
  'With Remote-SSH or a dev container the daemon runs on the remote host, so the URL must be reachable from there (use an SSH tunnel or the server address, not localhost of your laptop).';

/** One failed attempt against one backend, classified. */
export class BackendFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly opts: {
      backend: string;
      /** Should the circuit breaker count this (backend trouble, not a request problem)? */
      countsAsFailure: boolean;
      hint?: string;
      httpStatus?: number;
      cause?: unknown;
    },
  ) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'BackendFailure';
  }

  toTandemError(details?: unknown): TandemError {
    return new TandemError(this.code, this.message, {
      hint: this.opts.hint,
      details: details ?? { backend: this.opts.backend },
      cause: this.opts.cause,
    });
  }
}

export function modelNotFound(
  backend: string,
  url: string,
  model: string,
  kind: 'ollama' | 'openai-compatible',
  cause?: unknown,
): BackendFailure {
  const hint =
    kind === 'ollama'
      ? `Run \`ollama pull ${model}\` on ${displayUrl(url)} (or change the model in the Tandem settings).`
      : `Check the model name against GET ${displayUrl(url)}/v1/models (on an Ollama server: \`ollama pull ${model}\`).`;
  return new BackendFailure(ErrorCodes.ModelNotFound, `Model ${model} is not available on backend ${backend} (${displayUrl(url)}).`, {
    backend,
    countsAsFailure: false,
    hint,
    httpStatus: 404,
    cause,
  });
}

/** A failure to talk to the backend at all (before any HTTP status). */
export function networkFailure(backend: string, url: string, err: unknown): BackendFailure {
  const c = classifyNetworkError(err);
  const where = `backend ${backend} (${displayUrl(url)})`;
  let hint: string;
  switch (c.problem) {
    case 'refused':
      hint = `Nothing listens at ${displayUrl(url)}: start Ollama (\`ollama serve\`) or fix the URL. ${remoteHint}`;
      break;
    case 'dns':
      hint = `The host name in ${displayUrl(url)} does not resolve on the machine running tandemd. ${remoteHint}`;
      break;
    case 'tls':
      hint = 'Fix the server certificate, or trust its CA with NODE_EXTRA_CA_CERTS, or use an SSH tunnel with http://127.0.0.1.';
      break;
    case 'unreachable':
      hint = `Check the network path to ${displayUrl(url)} (VPN, firewall). ${remoteHint}`;
      break;
    default:
      hint = `Check that ${displayUrl(url)} is an Ollama (or OpenAI-compatible) server and reachable from the machine running tandemd.`;
  }
  return new BackendFailure(ErrorCodes.UpstreamError, `Cannot reach ${where}: ${c.text}.`, {
    backend,
    countsAsFailure: true,
    hint,
    cause: err,
  });
}

/** An HTTP error status from the backend. */
export function httpFailure(backend: string, url: string, status: number, message: string): BackendFailure {
  const where = `backend ${backend} (${displayUrl(url)})`;
  const trimmed = message.length > 300 ? `${message.slice(0, 300)}…` : message;
  let hint: string | undefined;
  if (status === 401 || status === 403) hint = `Check the Authorization header configured for backend ${backend}.`;
  else if (status >= 500) hint = `The server failed; check its log (for Ollama: \`journalctl -u ollama\` or ~/.ollama/logs/server.log).`;
  // Server trouble and auth problems are the backend's; other 4xx mean this request was wrong.
  const countsAsFailure = status >= 500 || status === 401 || status === 403 || status === 408 || status === 429;
  return new BackendFailure(ErrorCodes.UpstreamError, `${where} answered HTTP ${status}: ${trimmed}`, {
    backend,
    countsAsFailure,
    hint,
    httpStatus: status,
  });
}

/** The backend sent something that is not its protocol (garbage lines, cut streams). */
export function protocolFailure(backend: string, url: string, what: string, cause?: unknown): BackendFailure {
  return new BackendFailure(ErrorCodes.UpstreamError, `backend ${backend} (${displayUrl(url)}) ${what}`, {
    backend,
    countsAsFailure: true,
    hint: 'A proxy in between may be rewriting the stream, or the server crashed; check the URL points straight at the model server.',
    cause,
  });
}

export function timeoutFailure(backend: string, url: string, what: 'first token' | 'response', ms: number): BackendFailure {
  return new BackendFailure(ErrorCodes.UpstreamTimeout, `backend ${backend} (${displayUrl(url)}) sent no ${what} within ${ms} ms.`, {
    backend,
    countsAsFailure: true,
    hint:
      what === 'first token'
        ? 'The model may still be loading or the server is busy; keep it loaded with keep_alive, use a smaller model, or raise firstTokenTimeoutMs.'
        : 'Raise the task timeoutMs or lower num_predict.',
  });
}

export function cancelled(reason?: unknown): TandemError {
  return new TandemError(ErrorCodes.RequestCancelled, 'Request cancelled.', { cause: reason });
}
