/**
 * Inline (fill-in-the-middle) completion and the streaming notification shared by
 * every streaming request.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zId, zNonNegInt, zPath } from '../define';
import type { TandemErrorData } from '../errors';

/** A file the user touched recently; the context engine ranks these higher. */
export const zRecentFile = z.object({
  path: zPath,
  /** Epoch ms of the last edit, if edited. */
  editedAt: z.number().nonnegative().optional(),
  /** Open in an editor tab right now. */
  open: z.boolean().optional(),
});
export type RecentFile = z.infer<typeof zRecentFile>;

/**
 * `tandem/completion/inline` — client → daemon. Fill-in-the-middle completion at a cursor.
 *
 * Params: the document around the cursor (prefix/suffix text, absolute path, language,
 * 0-based line/character), recent and open files, and an optional `streamId`: when set,
 * the daemon sends `tandem/stream/delta` notifications with that id as tokens arrive.
 * Cancellation: `$/cancelRequest` aborts the upstream model stream at once; the request
 * then fails with `RequestCancelled`.
 * Result: the full completion text with its id (used by telemetry and diagnostics),
 * model, backend and timings. Errors: `NoBackendAvailable`, `ModelNotFound`,
 * `UpstreamError`, `UpstreamTimeout`, `InvalidParams`. Since 1.0.
 */
export namespace InlineCompletionRequest {
  export const method = 'tandem/completion/inline' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    streamId: zId.optional(),
    /** Sticky-routing key (defaults to the connection's session id). */
    sessionKey: zId.optional(),
    document: z.object({
      path: zPath,
      languageId: z.string().min(1).max(100),
      prefix: z.string().max(2_000_000),
      suffix: z.string().max(2_000_000),
      line: zNonNegInt,
      character: zNonNegInt,
    }),
    /** The workspace root the document belongs to, if any. */
    workspaceRoot: zPath.optional(),
    recentFiles: z.array(zRecentFile).max(100).default([]),
    /** The client's decision: allow a multi-line suggestion at this position. */
    multiline: z.boolean().default(true),
    /** Cap on generated tokens (defaults to the task's `num_predict`). */
    maxTokens: z.number().int().min(1).max(4096).optional(),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    completionId: string;
    text: string;
    model: string;
    backend: string;
    /** `stop`: the model finished; `length`: hit maxTokens; `empty`: nothing useful generated. */
    finishReason: 'stop' | 'length' | 'empty';
    timings: {
      /** Context assembly. */
      contextMs: number;
      /** From request arrival to the first streamed token. */
      firstTokenMs: number;
      /** From request arrival to the result. */
      totalMs: number;
    };
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/completion/prepare` — client → daemon. Get ready for completions in a document
 * the user has just brought into view: the daemon assembles the context a completion at
 * this cursor would have, and throws it away. What a first completion in a file spends
 * only once (counting the document's tokens, reading and resolving its imports, parsing
 * around the cursor, counting the chunks it draws from) is then done before the user types.
 * No model is called; nothing is recorded in the context diagnostics. The params are
 * `tandem/completion/inline`'s document, root and recent files. Cancellation:
 * `$/cancelRequest` (the next document's prepare replaces this one's).
 * Result: the assembly's time and the retrieved chunks it held (0 outside every
 * registered root or with context retrieval off: nothing to prepare there).
 * Errors: `InvalidParams`. Since 1.2 (feature `completionPrepare`).
 */
export namespace PrepareCompletionRequest {
  export const method = 'tandem/completion/prepare' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = InlineCompletionRequest.params.pick({ document: true, workspaceRoot: true, recentFiles: true });
  export type Params = z.input<typeof params>;
  export interface Result {
    /** Context assembly, ms. */
    contextMs: number;
    /** Retrieved chunks the assembled context held. */
    contextChunks: number;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/stream/delta` — daemon → client. A piece of streamed output for the request
 * whose params carried `streamId`. `seq` starts at 0 and increases by one per delta.
 * The request's result (or error) marks the end of the stream. Since 1.0.
 */
export namespace StreamDeltaNotification {
  export const method = 'tandem/stream/delta' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export interface Params {
    streamId: string;
    seq: number;
    delta: string;
  }
  export const type = new NotificationType<Params>(method);
}
