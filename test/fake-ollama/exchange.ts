/**
 * One HTTP exchange of the fake and the ways to answer it: a JSON or text body, the
 * head of a stream, a dropped connection (as a crashed server or a network cut does),
 * and waits that end early when the client goes away. Error bodies in Ollama's and in
 * OpenAI's shape.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Parsed JSON body (or the raw text when it is not JSON; undefined for GET). */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** Epoch ms (sub-ms precision) when the request body was fully read. */
  time: number;
  /** Epoch ms when the first response byte (headers) was written. */
  respondedAt?: number;
  /** Epoch ms when the response ended, was destroyed, or the client went away. */
  endedAt?: number;
  /** HTTP status sent (undefined if the connection was dropped before headers). */
  status?: number;
  /** How the exchange ended. */
  outcome?: 'completed' | 'client-closed' | 'server-dropped';
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  log: RequestLogEntry;
  closed: boolean;
  serverDropped: boolean;
  /** Resolves when the response is finished or its connection closed. */
  done: Promise<void>;
  onClose: Set<() => void>;
}

export type JsonObject = Record<string, unknown>;

/** Epoch ms with sub-ms precision. */
export const now = (): number => performance.timeOrigin + performance.now();

/** Wait `ms`; false if the exchange closed meanwhile. */
export function sleep(ex: Exchange, ms: number): Promise<boolean> {
  if (ex.closed) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      ex.onClose.delete(onClose);
      resolve(!ex.closed);
    }, ms);
    ex.onClose.add(onClose);
  });
}

export function head(ex: Exchange, status: number, contentType: string, length?: number): void {
  const headers: Record<string, string | number> = { 'Content-Type': contentType };
  if (length !== undefined) headers['Content-Length'] = length;
  ex.res.writeHead(status, headers);
  ex.log.status = status;
  ex.log.respondedAt = now();
}

export function sendJson(ex: Exchange, status: number, body: unknown): void {
  if (ex.closed) return;
  const text = JSON.stringify(body);
  head(ex, status, 'application/json; charset=utf-8', Buffer.byteLength(text));
  ex.res.end(text);
}

export function sendText(ex: Exchange, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  if (ex.closed) return;
  head(ex, status, contentType, Buffer.byteLength(body));
  ex.res.end(body);
}

/** Cut the connection the way a crashed server or a network drop does. */
export function drop(ex: Exchange): void {
  ex.serverDropped = true;
  ex.res.socket?.destroy();
  ex.res.destroy();
}

/** An error body as OpenAI-compatible servers send it. */
export function openAiError(status: number, message: string): JsonObject {
  const type = status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error';
  return { error: { message, type, param: null, code: null } };
}

/** An error body in the endpoint's shape: OpenAI's for `/v1/…`, Ollama's `{error}` otherwise. */
export function errorBody(openAi: boolean, status: number, message: string): JsonObject {
  return openAi ? openAiError(status, message) : { error: message };
}
