/**
 * Next-edit suggestions: the extension sends the document around the cursor, its recent
 * edits and diagnostics; the daemon asks the next-edit model (in its family's prompt
 * format) to rewrite an editable region around the cursor and answers with the minimal
 * replacements that turn the region into the model's rewrite, or with why it suggests
 * nothing. See docs/next-edit.md.
 */
import { RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zId, zNonNegInt, zPath } from '../define';
import type { TandemErrorData } from '../errors';
import { zRecentFile } from './completion';

/** The prompt formats the daemon speaks (chosen from the model's name, or set in config.json `nextEdit.format`). */
export const NextEditFormats = ['sweep', 'zeta', 'instinct', 'generic'] as const;
export type NextEditFormat = (typeof NextEditFormats)[number];

/**
 * Why a next-edit answer is not suggested:
 * - `no_change`: the rewrite equals the region;
 * - `outside_region`: the answer changed text outside the editable region (or ran past it);
 * - `undo`: applying it would restore what the user's last edit replaced;
 * - `unparsable`: the answer lacks the format's markers;
 * - `truncated`: generation hit the token cap before the region was complete;
 * - `empty`: the answer deletes the whole region;
 * - `too_large`: the answer replaces most of the region's lines (a rewrite, not an edit);
 * - `budget`: the editable region alone does not fit the model's context.
 */
export const NextEditRefusals = ['no_change', 'outside_region', 'undo', 'unparsable', 'truncated', 'empty', 'too_large', 'budget'] as const;
export type NextEditRefusal = (typeof NextEditRefusals)[number];

/** One coalesced edit of the user: lines `startLine…` read `before`, now read `after` (both may include unchanged context lines). */
export const zNextEditHunk = z.object({
  path: zPath,
  /** Epoch ms of the edit's last keystroke. */
  at: z.number().int().nonnegative(),
  /** 0-based line where `before` and `after` start. */
  startLine: zNonNegInt,
  /** The lines as they were, joined with `\n` (no trailing newline). */
  before: z.string().max(20_000),
  /** The lines as the edit left them. */
  after: z.string().max(20_000),
});
export type NextEditHunk = z.infer<typeof zNextEditHunk>;

export const zNextEditDiagnostic = z.object({
  /** 0-based start and end, document coordinates. */
  line: zNonNegInt,
  character: zNonNegInt,
  endLine: zNonNegInt,
  endCharacter: zNonNegInt,
  severity: z.enum(['error', 'warning', 'info', 'hint']),
  message: z.string().max(2_000),
  source: z.string().max(100).optional(),
});
export type NextEditDiagnostic = z.infer<typeof zNextEditDiagnostic>;

export interface NextEditPosition {
  /** 0-based, document coordinates. */
  line: number;
  character: number;
}

/** Replace the text between `start` and `end` (document coordinates before any of the edits) with `text`. */
export interface NextEditReplacement {
  start: NextEditPosition;
  end: NextEditPosition;
  text: string;
}

/**
 * `tandem/nextEdit/suggest` — client → daemon. The next edit the user is likely to make
 * near the cursor, after an edit and a pause.
 *
 * Params: the document's lines around the cursor (`text` holds lines `startLine` … of
 * `lineCount`, joined with `\n`; the cursor in document coordinates; `version` is echoed),
 * the user's recent edits (`history`, oldest first; the last is the newest), the file's
 * diagnostics, recent files (retrieval), `strictness` (`strict`: a smaller editable region,
 * sent when the user accepts few suggestions), `includePrompt` (expert mode: the prompt
 * and the raw answer come back), and an optional `streamId` for the raw answer's deltas.
 * Cancellation: `$/cancelRequest` aborts the upstream call at once (`RequestCancelled`).
 * Result: `outcome: 'suggested'` with the minimal replacements (sorted, non-overlapping,
 * inside `region`), or `outcome: 'none'` with the `reason` the answer was dropped.
 * Errors: `NoBackendAvailable`, `ModelNotFound`, `UpstreamError`, `UpstreamTimeout`,
 * `InvalidParams` (a cursor outside `text`). Since 1.1 (feature `nextEdit`).
 */
export namespace NextEditRequest {
  export const method = 'tandem/nextEdit/suggest' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    streamId: zId.optional(),
    /** Sticky-routing key (defaults to the connection's session id). */
    sessionKey: zId.optional(),
    document: z.object({
      path: zPath,
      languageId: z.string().min(1).max(100),
      text: z.string().max(1_000_000),
      /** Document line of the first line of `text`. */
      startLine: zNonNegInt,
      /** Lines in the whole document (so the daemon knows whether `text` reaches its start and end). */
      lineCount: zNonNegInt,
      line: zNonNegInt,
      character: zNonNegInt,
      /** The editor's document version, echoed in the result. */
      version: zNonNegInt.optional(),
    }),
    workspaceRoot: zPath.optional(),
    history: z.array(zNextEditHunk).max(64).default([]),
    diagnostics: z.array(zNextEditDiagnostic).max(100).default([]),
    recentFiles: z.array(zRecentFile).max(100).default([]),
    strictness: z.enum(['normal', 'strict']).default('normal'),
    includePrompt: z.boolean().default(false),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    suggestionId: string;
    outcome: 'suggested' | 'none';
    reason?: NextEditRefusal;
    edits: NextEditReplacement[];
    /** The lines the model was allowed to rewrite (document lines, end exclusive). */
    region: { startLine: number; endLine: number };
    model: string;
    backend: string;
    format: NextEditFormat;
    version?: number;
    /** Exact token count of the prompt sent. */
    promptTokens: number;
    timings: {
      /** Retrieval and prompt assembly. */
      contextMs: number;
      /** From request arrival to the first streamed token. */
      firstTokenMs: number;
      /** From request arrival to the result. */
      totalMs: number;
      /** Turning the answer into replacements. */
      parseMs: number;
    };
    /** With `includePrompt`: what was sent (chat formats: the messages, each after a `### role` line) and the raw answer. */
    prompt?: string;
    answer?: string;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}
