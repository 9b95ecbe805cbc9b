/**
 * Pull a model onto an Ollama backend through its `/api/pull` (NDJSON progress lines:
 * `{"status": "pulling <digest>", "digest", "total", "completed"}` … `{"status":
 * "success"}`, or `{"error": "…"}`). Progress is throttled for the client; the call is
 * cancellable (the upstream download stops at once) and fails when the server stays
 * silent longer than the stall timeout.
 */
import { ErrorCodes, TandemError, type ErrorCode } from '../../protocol';
import { errorMessageOf } from '../router/backend';
import { displayUrl } from '../../shared/url';
import { classifyNetworkError } from '../router/errors';
import { credentialForms, redact } from '../redact';

export interface PullTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
}

export interface PullProgress {
  status: string;
  digest?: string;
  completed?: number;
  total?: number;
}

export interface PullOptions {
  signal: AbortSignal;
  /** Fail when nothing arrives for this long, ms. */
  stallMs?: number;
  /** At most one progress report per `throttleMs` unless the status changes. */
  throttleMs?: number;
  onProgress(p: PullProgress): void;
  now?: () => number;
}

interface PullLine {
  status?: unknown;
  digest?: unknown;
  total?: unknown;
  completed?: unknown;
  error?: unknown;
}

/** `http://user:pass@host` becomes the bare URL plus a Basic Authorization header. */
function endpoint(target: PullTarget): { url: string; headers: Record<string, string> } {
  const u = new URL(target.url);
  const headers = { ...target.headers };
  if (u.username || u.password) {
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) {
      headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    }
    u.username = '';
    u.password = '';
  }
  return { url: `${u.toString().replace(/\/+$/, '')}/api/pull`, headers };
}

export async function pullModel(target: PullTarget, model: string, opts: PullOptions): Promise<void> {
  const { url, headers } = endpoint(target);
  const secrets = credentialForms(target);
  const where = `${target.name} (${displayUrl(target.url)})`;
  const fail = (code: ErrorCode, message: string, hint?: string) =>
    new TandemError(code, redact(message, secrets), hint ? { hint: redact(hint, secrets) } : {});
  const stallMs = opts.stallMs ?? 60_000;
  const throttleMs = opts.throttleMs ?? 100;
  const now = opts.now ?? Date.now;

  const ac = new AbortController();
  let stalled = false;
  let stallTimer: NodeJS.Timeout | undefined;
  const armStall = () => {
    if (stallTimer) clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      stalled = true;
      ac.abort();
    }, stallMs);
  };
  const onAbort = () => ac.abort();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) ac.abort();
  armStall();
  const cancelledError = () => new TandemError(ErrorCodes.RequestCancelled, `Pulling ${model} on ${where} was cancelled.`);
  const stallError = () =>
    fail(
      ErrorCodes.UpstreamTimeout,
      `Pulling ${model} on ${where} stalled: no progress for ${Math.round(stallMs / 1000)} s.`,
      "Check the server's network and disk space, then try again.",
    );
  try {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model, stream: true }),
        signal: ac.signal,
      });
    } catch (err) {
      if (opts.signal.aborted) throw cancelledError();
      if (stalled) throw stallError();
      throw fail(
        ErrorCodes.NoBackendAvailable,
        `Cannot reach ${where} to pull ${model}: ${classifyNetworkError(err).text}.`,
        'Start Ollama there or fix the backend URL.',
      );
    }
    if (!res.ok) {
      const message = await errorMessageOf(res);
      const hint = res.status === 401 || res.status === 403 ? `The server refused the credentials of backend ${target.name}.` : undefined;
      throw fail(ErrorCodes.UpstreamError, `Ollama on ${where} could not pull ${model}: HTTP ${res.status} ${message}`, hint);
    }
    if (!res.body) throw fail(ErrorCodes.UpstreamError, `Ollama on ${where} sent no progress for ${model}.`);

    let lastStatus = '';
    let lastSent = 0;
    let buffer = '';
    const decoder = new TextDecoder();
    const handle = (line: string): boolean => {
      if (line.trim() === '') return false;
      let parsed: PullLine;
      try {
        parsed = JSON.parse(line) as PullLine;
      } catch {
        throw fail(
          ErrorCodes.UpstreamError,
          `Ollama on ${where} sent a progress line that is not JSON: ${JSON.stringify(line.slice(0, 120))}`,
        );
      }
      if (typeof parsed.error === 'string')
        throw fail(ErrorCodes.UpstreamError, `Ollama on ${where} could not pull ${model}: ${parsed.error}`);
      const status = typeof parsed.status === 'string' ? parsed.status : '';
      const progress: PullProgress = { status };
      if (typeof parsed.digest === 'string') progress.digest = parsed.digest;
      if (typeof parsed.total === 'number') progress.total = parsed.total;
      if (typeof parsed.completed === 'number') progress.completed = parsed.completed;
      const t = now();
      if (status !== lastStatus || t - lastSent >= throttleMs || status === 'success') {
        lastStatus = status;
        lastSent = t;
        opts.onProgress(progress);
      }
      return status === 'success';
    };
    const reader = res.body.getReader();
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          if (opts.signal.aborted) throw cancelledError();
          if (stalled) throw stallError();
          throw fail(
            ErrorCodes.UpstreamError,
            `Ollama on ${where} closed the connection while pulling ${model}: ${classifyNetworkError(err).text}.`,
          );
        }
        if (chunk.done) break;
        armStall();
        buffer += decoder.decode(chunk.value, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (handle(line)) return;
        }
      }
      if (handle(buffer + decoder.decode())) return;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    throw fail(ErrorCodes.UpstreamError, `Ollama on ${where} ended the pull of ${model} before reporting success.`);
  } finally {
    if (stallTimer) clearTimeout(stallTimer);
    opts.signal.removeEventListener('abort', onAbort);
  }
}
