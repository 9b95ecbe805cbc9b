/**
 * JSON-RPC over WebSocket: one JSON-RPC message per WebSocket text frame, read and
 * written through vscode-jsonrpc's reader/writer abstractions so that
 * `createMessageConnection` does the request/response bookkeeping, cancellation
 * (`$/cancelRequest`) and method dispatch.
 *
 * The reader is the first line of defence at the daemon boundary: a frame that is not
 * JSON, not a JSON-RPC 2.0 message, larger than `maxMessageBytes` or nested deeper than
 * `maxDepth`, whose `id` is not a string or number, a `$/cancelRequest` without an id,
 * or (on the daemon) a response to a request it did not send or that was answered
 * already, never reaches the connection; the peer gets a JSON-RPC error response instead and the socket stays open.
 * vscode-jsonrpc stringifies what it cannot classify (for its log, even a silent one,
 * inside `setImmediate`), so such a frame used to throw an uncaught RangeError there.
 */
import type { WebSocket, RawData } from 'ws';
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  createMessageConnection,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageConnection,
  type Logger,
} from 'vscode-jsonrpc/node';
import { ErrorCodes, errorKindOf, type ErrorKind } from './errors';

export interface TransportOptions {
  /** Frames larger than this get a `MessageTooLarge` error response. Default 4 MiB. */
  maxMessageBytes?: number;
  /** Arrays and objects nested deeper than this (the message itself is level 1) are refused. Default 32. */
  maxDepth?: number;
  /**
   * Whether the peer may send responses. `'own'`: only responses to the requests this
   * side sent on this connection and has not seen answered (the daemon: its daemon →
   * client requests, such as the agent's approvals); any other response is refused.
   * false refuses every response. Default true.
   */
  acceptResponses?: boolean | 'own';
  /** Called for every frame rejected before dispatch (for metrics and logs). */
  onRejected?: (kind: ErrorKind, detail: string) => void;
  /**
   * Backpressure on what we send: while more than this many bytes wait to be sent (the
   * peer does not read), the socket is not read either (no new requests from it); when
   * that lasts `sendBufferGraceMs`, or the backlog grows past twice the limit meanwhile,
   * the socket is closed. One large reply to a reading peer only pauses it while it
   * drains. Unset: no limit (a client trusts its daemon).
   */
  maxSendBufferBytes?: number;
  /** How long the send backlog may stay over `maxSendBufferBytes`. Default 10 s. */
  sendBufferGraceMs?: number;
  /** Called once when a socket is closed for not reading (for metrics and logs). */
  onSlowConsumer?: (bufferedBytes: number, reason: string) => void;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** No protocol message nests deeper than about 8 levels; 32 leaves room and stops a stack-blowing frame. */
export const DEFAULT_MAX_DEPTH = 32;
/** Longest string `id` accepted (ids are echoed in every response). */
export const MAX_ID_LENGTH = 256;

function rawToString(data: RawData): { text: string; bytes: number } {
  if (Buffer.isBuffer(data)) return { text: data.toString('utf8'), bytes: data.length };
  if (Array.isArray(data)) {
    const buf = Buffer.concat(data);
    return { text: buf.toString('utf8'), bytes: buf.length };
  }
  const buf = Buffer.from(data as ArrayBuffer);
  return { text: buf.toString('utf8'), bytes: buf.length };
}

/** Best-effort id of a message we refuse to parse in full (so the error can be correlated). */
function sniffId(text: string): number | string | null {
  const m = /"id"\s*:\s*("(?:[^"\\]|\\.){0,128}"|-?\d{1,16})/.exec(text.slice(0, 4096));
  if (!m) return null;
  try {
    return JSON.parse(m[1]) as number | string;
  } catch {
    return null;
  }
}

/** True when arrays and objects nest deeper than `limit` anywhere in `value` (an explicit stack, no recursion). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push({ v: child, depth: depth + 1 });
    }
  }
  return false;
}

function isId(v: unknown): v is string | number {
  return (typeof v === 'string' && v.length <= MAX_ID_LENGTH) || (typeof v === 'number' && Number.isFinite(v));
}

/** A frame refused before dispatch: the error response to send (`id` null when none can be trusted). */
export interface Rejection {
  code: number;
  id: string | number | null;
  message: string;
}

const notJsonRpc = 'Not a JSON-RPC 2.0 message: expected an object with "jsonrpc": "2.0" and a "method" (or a response with "id").';

/**
 * Decide what to do with one text frame: the message to hand to the connection, or the
 * error to answer with. Pure, so every rule is tested on its own.
 */
export function screenFrame(
  text: string,
  bytes: number,
  isBinary: boolean,
  options: TransportOptions & {
    /** With `acceptResponses: 'own'`: whether `id` is a request this side sent and awaits. */
    ownRequest?: (id: string | number | null) => boolean;
  } = {},
): { message: Message } | { reject: Rejection } {
  const limit = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const reject = (code: number, id: string | number | null, message: string) => ({ reject: { code, id, message } });
  if (bytes > limit) {
    return reject(
      ErrorCodes.MessageTooLarge,
      sniffId(text),
      `Message of ${bytes} bytes exceeds the limit of ${limit} bytes; send less text (trim the prefix/suffix) or raise daemon.maxMessageBytes.`,
    );
  }
  if (isBinary && !/^\s*[{[]/.test(text))
    return reject(ErrorCodes.ParseError, null, 'Binary frames are not accepted; send JSON-RPC as text frames.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // V8's message quotes a piece of the input, which may be a secret: keep only the position.
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    return reject(
      ErrorCodes.ParseError,
      null,
      `Malformed JSON${position ? ` at character ${position}` : ''}: the frame is not valid JSON.`,
    );
  }
  if (Array.isArray(parsed))
    return reject(ErrorCodes.InvalidRequest, null, 'Batch requests are not supported; send one message per frame.');
  if (typeof parsed !== 'object' || parsed === null) return reject(ErrorCodes.InvalidRequest, null, notJsonRpc);
  const v = parsed as Record<string, unknown>;
  const id = isId(v.id) ? v.id : null;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (nestsDeeperThan(v, maxDepth)) {
    return reject(
      ErrorCodes.InvalidRequest,
      id,
      `Message nests arrays or objects deeper than ${maxDepth} levels; no protocol message does.`,
    );
  }
  if (v.jsonrpc !== '2.0') return reject(ErrorCodes.InvalidRequest, id, notJsonRpc);
  if ('method' in v) {
    if (typeof v.method !== 'string') return reject(ErrorCodes.InvalidRequest, id, 'The "method" of a JSON-RPC message is a string.');
    if ('id' in v && !isId(v.id)) {
      return reject(
        ErrorCodes.InvalidRequest,
        null,
        `The "id" of a request is a string (at most ${MAX_ID_LENGTH} characters) or a number; leave it out for a notification.`,
      );
    }
    if (v.method === '$/cancelRequest' && !('id' in v)) {
      const params = v.params as { id?: unknown } | undefined;
      if (typeof params !== 'object' || params === null || !isId(params.id)) {
        return reject(ErrorCodes.InvalidRequest, null, '"$/cancelRequest" needs "params": {"id": <the id of the request to cancel>}.');
      }
    }
    return { message: v as unknown as Message };
  }
  if (!('result' in v) && !('error' in v)) return reject(ErrorCodes.InvalidRequest, id, notJsonRpc);
  if (options.acceptResponses === false) {
    return reject(
      ErrorCodes.InvalidRequest,
      id,
      'tandemd never sends requests, so it accepts no responses; send requests and notifications only.',
    );
  }
  if (!isId(v.id) && v.id !== null) return reject(ErrorCodes.InvalidRequest, null, 'The "id" of a response is a string, a number or null.');
  if (options.acceptResponses === 'own' && !options.ownRequest?.(v.id)) {
    return reject(
      ErrorCodes.InvalidRequest,
      v.id,
      `No request with the id ${JSON.stringify(v.id)} awaits an answer on this connection; answer only the requests tandemd sent.`,
    );
  }
  return { message: v as unknown as Message };
}

export class WebSocketMessageReader extends AbstractMessageReader {
  private callback: DataCallback | undefined;
  private readonly buffered: Message[] = [];

  constructor(
    private readonly socket: WebSocket,
    private readonly options: TransportOptions = {},
    /** With `acceptResponses: 'own'`: the ids of the requests the writer sent that await an answer. */
    private readonly pending?: Set<string | number>,
  ) {
    super();
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('error', (err) => this.fireError(err));
    socket.on('close', () => this.fireClose());
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    for (const msg of this.buffered.splice(0)) callback(msg);
    return { dispose: () => (this.callback = undefined) };
  }

  private reject({ code, id, message }: Rejection): void {
    this.options.onRejected?.(errorKindOf(code), message);
    const response = { jsonrpc: '2.0', id, error: { code, message, data: { kind: errorKindOf(code) } } };
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(response));
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const { text, bytes } = rawToString(data);
    const pending = this.pending;
    const verdict = screenFrame(text, bytes, isBinary, {
      ...this.options,
      ownRequest: (id) => id !== null && pending !== undefined && pending.has(id),
    });
    if ('reject' in verdict) {
      this.reject(verdict.reject);
      return;
    }
    const m = verdict.message as { id?: string | number | null; method?: unknown };
    if (pending && m.method === undefined && m.id !== undefined && m.id !== null) pending.delete(m.id);
    if (this.callback) this.callback(verdict.message);
    else this.buffered.push(verdict.message);
  }
}

export const DEFAULT_SEND_BUFFER_GRACE_MS = 10_000;

export class WebSocketMessageWriter extends AbstractMessageWriter {
  private errorCount = 0;
  /** Since when the send backlog has been over the limit (the socket's reading is paused meanwhile). */
  private overSince: number | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private closedForBacklog = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: TransportOptions = {},
    /** With `acceptResponses: 'own'`: where the ids of the requests sent are kept for the reader. */
    private readonly pending?: Set<string | number>,
  ) {
    super();
    socket.once('close', () => this.clearGrace());
  }

  write(msg: Message): Promise<void> {
    const req = msg as { id?: string | number | null; method?: unknown };
    if (this.pending && typeof req.method === 'string' && req.id !== undefined && req.id !== null) this.pending.add(req.id);
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== this.socket.OPEN) {
        const err = new Error('WebSocket is not open');
        this.fireError([err, msg, ++this.errorCount]);
        reject(err);
        return;
      }
      this.socket.send(JSON.stringify(msg), (err) => {
        this.checkBacklog();
        if (err) {
          this.fireError([err, msg, ++this.errorCount]);
          reject(err);
        } else {
          this.errorCount = 0;
          resolve();
        }
      });
      this.checkBacklog();
    });
  }

  /** Pause reading while the peer leaves our replies unread; close it when that lasts or the backlog runs away. */
  private checkBacklog(): void {
    const limit = this.options.maxSendBufferBytes;
    if (limit === undefined || this.closedForBacklog || this.socket.readyState !== this.socket.OPEN) return;
    const buffered = this.socket.bufferedAmount;
    if (this.overSince !== undefined && buffered > 2 * limit) {
      // Already over the limit and not reading, yet the backlog keeps growing: stop it now.
      this.closeForBacklog(buffered, `${buffered} bytes of replies unread, over twice the ${limit}-byte limit`);
    } else if (buffered > limit && this.overSince === undefined) {
      this.overSince = Date.now();
      this.socket.pause();
      const grace = this.options.sendBufferGraceMs ?? DEFAULT_SEND_BUFFER_GRACE_MS;
      this.graceTimer = setTimeout(() => {
        const now = this.socket.bufferedAmount;
        if (now > limit) this.closeForBacklog(now, `replies unread for ${grace} ms (${now} bytes waiting, limit ${limit})`);
        else this.drained();
      }, grace);
      this.graceTimer.unref?.();
    } else if (this.overSince !== undefined && buffered <= limit / 2) {
      this.drained();
    }
  }

  private drained(): void {
    this.clearGrace();
    if (this.socket.readyState === this.socket.OPEN) this.socket.resume();
  }

  private clearGrace(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.overSince = undefined;
  }

  private closeForBacklog(buffered: number, reason: string): void {
    this.closedForBacklog = true;
    this.clearGrace();
    this.options.onSlowConsumer?.(buffered, reason);
    // Not a close handshake: the peer does not read, so it would never see one; drop what is queued.
    this.socket.terminate();
  }

  end(): void {
    this.socket.close();
  }
}

const silentLogger: Logger = { error: () => {}, warn: () => {}, info: () => {}, log: () => {} };

/** A vscode-jsonrpc connection over an open WebSocket. Call `.listen()` after registering handlers. */
export function connectionForSocket(socket: WebSocket, options: TransportOptions & { logger?: Logger } = {}): MessageConnection {
  const pending = options.acceptResponses === 'own' ? new Set<string | number>() : undefined;
  return createMessageConnection(
    new WebSocketMessageReader(socket, options, pending),
    new WebSocketMessageWriter(socket, options, pending),
    options.logger ?? silentLogger,
  );
}
