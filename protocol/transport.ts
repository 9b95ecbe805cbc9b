/**
 * JSON-RPC over WebSocket: one JSON-RPC message per WebSocket text frame, read and
 * written through vscode-jsonrpc's reader/writer abstractions so that
 * `createMessageConnection` does the request/response bookkeeping, cancellation
 * (`$/cancelRequest`) and method dispatch.
 *
 * The reader is the first line of defence at the daemon boundary: a frame that is not
 * JSON, not a JSON-RPC 2.0 message, or larger than `maxMessageBytes` never reaches the
 * connection; the peer gets a JSON-RPC error response instead and the socket stays open.
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
  /** Called for every frame rejected before dispatch (for metrics and logs). */
  onRejected?: (kind: ErrorKind, detail: string) => void;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

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

function isMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (v.jsonrpc !== '2.0') return false;
  const hasMethod = typeof v.method === 'string';
  const hasId = typeof v.id === 'string' || typeof v.id === 'number' || v.id === null;
  // Request or notification: method; response: id with result or error.
  return hasMethod || (hasId && ('result' in v || 'error' in v));
}

export class WebSocketMessageReader extends AbstractMessageReader {
  private callback: DataCallback | undefined;
  private readonly buffered: Message[] = [];

  constructor(
    private readonly socket: WebSocket,
    private readonly options: TransportOptions = {},
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

  private reject(code: number, id: number | string | null, message: string): void {
    this.options.onRejected?.(errorKindOf(code), message);
    const response = { jsonrpc: '2.0', id, error: { code, message, data: { kind: errorKindOf(code) } } };
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(response));
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const { text, bytes } = rawToString(data);
    const limit = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (bytes > limit) {
      this.reject(
        ErrorCodes.MessageTooLarge,
        sniffId(text),
        `Message of ${bytes} bytes exceeds the limit of ${limit} bytes; send less text (trim the prefix/suffix) or raise daemon.maxMessageBytes.`,
      );
      return;
    }
    if (isBinary && !/^\s*[{[]/.test(text)) {
      this.reject(ErrorCodes.ParseError, null, 'Binary frames are not accepted; send JSON-RPC as text frames.');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      // V8's message quotes a piece of the input, which may be a secret: keep only the position.
      const position = /position (\d+)/.exec((err as Error).message)?.[1];
      this.reject(
        ErrorCodes.ParseError,
        null,
        `Malformed JSON${position ? ` at character ${position}` : ''}: the frame is not valid JSON.`,
      );
      return;
    }
    if (Array.isArray(parsed)) {
      this.reject(ErrorCodes.InvalidRequest, null, 'Batch requests are not supported; send one message per frame.');
      return;
    }
    if (!isMessage(parsed)) {
      const id = typeof parsed === 'object' && parsed !== null ? ((parsed as { id?: unknown }).id ?? null) : null;
      this.reject(
        ErrorCodes.InvalidRequest,
        typeof id === 'string' || typeof id === 'number' ? id : null,
        'Not a JSON-RPC 2.0 message: expected an object with "jsonrpc": "2.0" and a "method" (or a response with "id").',
      );
      return;
    }
    if (this.callback) this.callback(parsed);
    else this.buffered.push(parsed);
  }
}

export class WebSocketMessageWriter extends AbstractMessageWriter {
  private errorCount = 0;

  constructor(private readonly socket: WebSocket) {
    super();
  }

  write(msg: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== this.socket.OPEN) {
        const err = new Error('WebSocket is not open');
        this.fireError([err, msg, ++this.errorCount]);
        reject(err);
        return;
      }
      this.socket.send(JSON.stringify(msg), (err) => {
        if (err) {
          this.fireError([err, msg, ++this.errorCount]);
          reject(err);
        } else {
          this.errorCount = 0;
          resolve();
        }
      });
    });
  }

  end(): void {
    this.socket.close();
  }
}

const silentLogger: Logger = { error: () => {}, warn: () => {}, info: () => {}, log: () => {} };

/** A vscode-jsonrpc connection over an open WebSocket. Call `.listen()` after registering handlers. */
export function connectionForSocket(socket: WebSocket, options: TransportOptions & { logger?: Logger } = {}): MessageConnection {
  return createMessageConnection(
    new WebSocketMessageReader(socket, options),
    new WebSocketMessageWriter(socket),
    options.logger ?? silentLogger,
  );
}
