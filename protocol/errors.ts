/**
 * Error codes carried in JSON-RPC error responses.
 *
 * Tandem's own codes live outside JSON-RPC's reserved range (-32768..-32000). The few
 * standard codes we rely on (parse error, method not found, request cancelled) keep
 * their JSON-RPC / LSP values so generic tooling understands them.
 *
 * Every error response carries `TandemErrorData`: a stable `kind` string (what metrics
 * and the UI switch on) and, where the user can act, a `hint` saying how to fix it.
 */
export const ErrorCodes = {
  /** Malformed JSON on the wire (JSON-RPC standard). */
  ParseError: -32700,
  /** Not a JSON-RPC 2.0 message (JSON-RPC standard). */
  InvalidRequest: -32600,
  /** No such method (JSON-RPC standard; vscode-jsonrpc answers it for unknown methods). */
  MethodNotFound: -32601,
  /** The request was cancelled by `$/cancelRequest` (LSP value). */
  RequestCancelled: -32800,

  /** Client and daemon speak incompatible protocol majors. */
  ProtocolVersionMismatch: 1001,
  /** A request other than `initialize` arrived before the handshake. */
  NotInitialized: 1002,
  /** Params failed schema validation; `data.details` lists each problem. */
  InvalidParams: 1003,
  /** The message exceeded the daemon's size limit. */
  MessageTooLarge: 1004,
  /** The client sent more requests per second than allowed, or has too many unanswered. */
  RateLimited: 1005,
  /** The daemon's queue for a backend is full (other calls hold its capacity); try again later. */
  Overloaded: 1006,

  /** No backend is configured or healthy for the task. */
  NoBackendAvailable: 1100,
  /** The configured model is not present on the backend (not pulled). */
  ModelNotFound: 1101,
  /** The backend answered with an error or garbage. */
  UpstreamError: 1102,
  /** The backend did not answer in time. */
  UpstreamTimeout: 1103,

  /** A path is outside every registered workspace root. */
  PathOutsideWorkspace: 1200,
  /** The workspace root was never registered with `tandem/workspace/register`. */
  WorkspaceNotRegistered: 1201,
  /** Unknown completion id or other missing entity. */
  NotFound: 1202,
  /**
   * A folder that may not be a workspace root (the disk, the home directory or above it,
   * the Tandem home, a `.git` folder); `data.details.refused` lists each with its rule.
   */
  WorkspaceRootRefused: 1203,

  /** The store could not be read or written (disk full, corrupt file). */
  StorageError: 1300,

  /** A bug in the daemon; the message says what failed. */
  InternalError: 1999,
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Stable, lowercase names for error codes (used in metrics labels and UI). */
export type ErrorKind =
  | 'parse_error'
  | 'invalid_request'
  | 'method_not_found'
  | 'cancelled'
  | 'version_mismatch'
  | 'not_initialized'
  | 'invalid_params'
  | 'message_too_large'
  | 'rate_limited'
  | 'overloaded'
  | 'no_backend'
  | 'model_not_found'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'path_outside_workspace'
  | 'workspace_not_registered'
  | 'not_found'
  | 'workspace_root_refused'
  | 'storage_error'
  | 'internal';

export interface TandemErrorData {
  kind: ErrorKind;
  /** What the user can do about it, in one sentence, when there is something to do. */
  hint?: string;
  /** Structured detail, e.g. schema issues `{ path, message }[]` or the backend tried. */
  details?: unknown;
}

const kindByCode: Record<number, ErrorKind> = {
  [ErrorCodes.ParseError]: 'parse_error',
  [ErrorCodes.InvalidRequest]: 'invalid_request',
  [ErrorCodes.MethodNotFound]: 'method_not_found',
  [ErrorCodes.RequestCancelled]: 'cancelled',
  [ErrorCodes.ProtocolVersionMismatch]: 'version_mismatch',
  [ErrorCodes.NotInitialized]: 'not_initialized',
  [ErrorCodes.InvalidParams]: 'invalid_params',
  [ErrorCodes.MessageTooLarge]: 'message_too_large',
  [ErrorCodes.RateLimited]: 'rate_limited',
  [ErrorCodes.Overloaded]: 'overloaded',
  [ErrorCodes.NoBackendAvailable]: 'no_backend',
  [ErrorCodes.ModelNotFound]: 'model_not_found',
  [ErrorCodes.UpstreamError]: 'upstream_error',
  [ErrorCodes.UpstreamTimeout]: 'upstream_timeout',
  [ErrorCodes.PathOutsideWorkspace]: 'path_outside_workspace',
  [ErrorCodes.WorkspaceNotRegistered]: 'workspace_not_registered',
  [ErrorCodes.NotFound]: 'not_found',
  [ErrorCodes.WorkspaceRootRefused]: 'workspace_root_refused',
  [ErrorCodes.StorageError]: 'storage_error',
  [ErrorCodes.InternalError]: 'internal',
};

export function errorKindOf(code: number): ErrorKind {
  return kindByCode[code] ?? 'internal';
}

/**
 * The error type thrown inside the daemon (and re-created on the client from a response).
 * `code` is one of `ErrorCodes`; the message is written for the user.
 */
export class TandemError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'TandemError';
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details;
  }

  get kind(): ErrorKind {
    return errorKindOf(this.code);
  }

  toData(): TandemErrorData {
    const data: TandemErrorData = { kind: this.kind };
    if (this.hint !== undefined) data.hint = this.hint;
    if (this.details !== undefined) data.details = this.details;
    return data;
  }
}

/** True for a cancelled request, whatever form the cancellation took. */
export function isCancellation(err: unknown): boolean {
  if (err instanceof TandemError) return err.code === ErrorCodes.RequestCancelled;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; code?: unknown };
  return e.name === 'AbortError' || e.code === ErrorCodes.RequestCancelled || e.code === 'ABORT_ERR';
}
