/**
 * Auto-fix and multi-file edits.
 *
 * The daemon never writes files. It proposes changes (`FileChange`) that the client
 * turns into one `WorkspaceEdit`, previews and applies; the daemon checks every path
 * against the session's registered workspace roots (realpath, no `..` or symlink
 * escape, nothing under `.git/`) and refuses what it cannot prove safe, saying why in
 * `rejected`. Every change to an existing file carries the `baseHash` of the text it
 * was computed from (see `contentHash` in shared/hash.ts: SHA-256 hex of the
 * UTF-8 text without a leading BOM); the client refuses to apply a change whose file
 * no longer has that hash, so edits never clobber work done in the meantime.
 *
 * Positions are 0-based lines and UTF-16 characters, as in LSP and VS Code.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zId, zNonNegInt, zPath, zPeriod } from '../define';
import type { TandemErrorData } from '../errors';
import { zRecentFile } from './completion';

export const zPosition = z.object({ line: zNonNegInt, character: zNonNegInt });
export const zRange = z.object({ start: zPosition, end: zPosition });
export type Position = z.infer<typeof zPosition>;
export type Range = z.infer<typeof zRange>;

export const DiagnosticSeverities = ['error', 'warning', 'information', 'hint'] as const;
export type DiagnosticSeverity = (typeof DiagnosticSeverities)[number];

/** A problem reported by a language server or linter, as the editor shows it. */
export const zFixDiagnostic = z.object({
  message: z.string().min(1).max(10_000),
  severity: z.enum(DiagnosticSeverities),
  /** e.g. `ts`, `eslint`. */
  source: z.string().max(100).optional(),
  code: z.union([z.string().max(200), z.number()]).optional(),
  range: zRange,
});
export type FixDiagnostic = z.infer<typeof zFixDiagnostic>;

/** The current (possibly unsaved) text of a document open in the editor. */
export const zOpenDocument = z.object({
  path: zPath,
  text: z.string().max(2_000_000),
});
export type OpenDocument = z.infer<typeof zOpenDocument>;

/** Replace `range` of the base text with `newText`. Edits of one file never overlap. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/**
 * One proposed change to the workspace. Paths are absolute and inside a registered
 * root. `modify` edits are relative to the text whose hash is `baseHash`.
 */
export type FileChange =
  | { kind: 'modify'; path: string; baseHash: string; edits: TextEdit[]; stepId?: string; description?: string }
  | { kind: 'create'; path: string; text: string; stepId?: string; description?: string }
  | { kind: 'delete'; path: string; baseHash: string; stepId?: string; description?: string }
  | { kind: 'rename'; path: string; newPath: string; baseHash: string; stepId?: string; description?: string };

/** Why a proposed edit (or plan step) was refused. */
export const RejectionKinds = [
  /** The path is outside every workspace root, escapes through `..` or a symlink, or is under `.git/`. */
  'unsafe_path',
  /** The file changed after it was read for planning (content hash differs). */
  'changed_since_planning',
  /** A SEARCH text (or diff hunk) was not found in the file. */
  'no_match',
  /** A SEARCH text matches more than one place in the file. */
  'ambiguous',
  /** The model's answer could not be parsed. */
  'malformed',
  /** Two edits of one file overlap. */
  'overlap',
  /** The plan (or one of its steps) is invalid: unknown action, cycle, duplicate path… */
  'invalid_plan',
  /** A step this one depends on failed. */
  'dependency_failed',
  /** The target of a create or rename exists already. */
  'exists',
  /** The file to modify, delete or rename does not exist. */
  'missing',
  /** The model call failed or produced no usable edit. */
  'model_error',
  /** An inline edit's answer changes lines outside the region it was asked to rewrite. Since 1.1. */
  'outside_region',
] as const;
export type RejectionKind = (typeof RejectionKinds)[number];

export interface RejectedEdit {
  kind: RejectionKind;
  /** A sentence saying what was refused and why. */
  reason: string;
  path?: string;
  stepId?: string;
}

/** Model, backend and timings of a fix or edit request. */
export interface EditRunInfo {
  model: string;
  backend: string;
  timings: {
    /** Context assembly (reading files, retrieval). */
    contextMs: number;
    /** Waiting for the model. */
    modelMs: number;
    /** From request arrival to the result. */
    totalMs: number;
  };
}

/**
 * `tandem/fix/propose` — client → daemon. Ask the `fix` model to fix one or more
 * diagnostics of a document.
 *
 * Params: the document (absolute path inside a registered root, language, its current
 * full text), the diagnostics to fix (1–50), recently used files (for retrieval), and an
 * optional `streamId` for `tandem/stream/delta` notifications of the raw model output.
 * The daemon builds the prompt from the diagnostics, the code around them and related
 * definitions from the context engine, asks for search/replace blocks (a unified diff
 * is accepted too), parses them tolerating whitespace drift and refuses ambiguous ones.
 * Result: the proposed `changes` (at most one `modify` of the document, relative to
 * `document.text`), the blocks that were refused with reasons, and the model's short
 * explanation. An empty `changes` with `rejected` entries means no usable fix.
 * Cancellation: `$/cancelRequest` aborts the model call. Errors: `PathOutsideWorkspace`,
 * `WorkspaceNotRegistered`, `NoBackendAvailable`, `ModelNotFound`, `UpstreamError`,
 * `UpstreamTimeout`. Since 1.0 (feature `fix`).
 */
export namespace FixProposeRequest {
  export const method = 'tandem/fix/propose' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    streamId: zId.optional(),
    sessionKey: zId.optional(),
    document: z.object({
      path: zPath,
      languageId: z.string().min(1).max(100),
      text: z.string().max(2_000_000),
    }),
    diagnostics: z.array(zFixDiagnostic).min(1).max(50),
    recentFiles: z.array(zRecentFile).max(100).default([]),
  });
  export type Params = z.input<typeof params>;
  export interface Result extends EditRunInfo {
    /** Id to report the outcome under (`tandem/fix/outcome`). */
    fixId: string;
    changes: FileChange[];
    rejected: RejectedEdit[];
    /** The model's one-paragraph explanation, if it gave one. */
    explanation: string;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

export const EditActions = ['modify', 'create', 'delete', 'rename'] as const;
export type EditAction = (typeof EditActions)[number];

/** One step of a multi-file edit plan. Steps run in `dependsOn` order. */
export interface EditPlanStep {
  id: string;
  action: EditAction;
  /** Absolute path inside a workspace root. */
  path: string;
  /** Root-relative, `/`-separated (for display). */
  relativePath: string;
  /** Rename target (absolute), for `rename`. */
  newPath?: string;
  description: string;
  dependsOn: string[];
  /** Content hash of the file when planned (absent for `create`). */
  baseHash?: string;
}

/**
 * `tandem/edit/plan` — client → daemon. Plan a multi-file edit from an instruction.
 *
 * Params: the instruction, optionally the files the user picked (absolute), the root
 * to work in (default: the first root the session registered), the active editor's
 * path, and the unsaved text of open documents (used instead of the disk contents).
 * The daemon asks the `edit` model for a JSON plan (which files to modify, create,
 * rename or delete, as an ordered task graph), validates it (schema, unique ids,
 * known dependencies, no cycles, one step per file, every path safe and the action
 * fitting whether the file exists) and keeps it for 30 minutes.
 * Result: the accepted steps in execution order with the content hash of each
 * existing file, and the refused steps with reasons. Errors: `WorkspaceNotRegistered`,
 * `PathOutsideWorkspace` (a picked file outside the roots), model errors. Since 1.0
 * (feature `edit`).
 */
export namespace EditPlanRequest {
  export const method = 'tandem/edit/plan' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    streamId: zId.optional(),
    sessionKey: zId.optional(),
    instruction: z.string().trim().min(1).max(20_000),
    files: z.array(zPath).max(50).default([]),
    root: zPath.optional(),
    activePath: zPath.optional(),
    documents: z.array(zOpenDocument).max(50).default([]),
  });
  export type Params = z.input<typeof params>;
  export interface Result extends EditRunInfo {
    planId: string;
    /** The model's one-line summary of the change. */
    summary: string;
    steps: EditPlanStep[];
    rejected: RejectedEdit[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/edit/propose` — client → daemon. Carry out a plan: for each step in order,
 * retrieve context and produce the file's edits (`modify`: search/replace blocks
 * against the current text; `create`: the new file's text; `rename` / `delete`: no
 * model call). A step whose file changed since planning (hash differs) is refused, as
 * is every step depending on a failed one. Progress: `tandem/edit/progress`.
 * Params: the plan id, the unsaved text of open documents, an optional subset of step
 * ids, an optional `streamId` for the raw model output.
 * Result: every proposed change, the refusals with reasons and each step's state.
 * Cancellation: `$/cancelRequest` stops at once. Errors: `NotFound` for an unknown or
 * expired plan id (or one made by another connection), model errors. Since 1.0.
 */
export namespace EditProposeRequest {
  export const method = 'tandem/edit/propose' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    planId: zId,
    streamId: zId.optional(),
    sessionKey: zId.optional(),
    documents: z.array(zOpenDocument).max(50).default([]),
    stepIds: z.array(zId).max(100).optional(),
  });
  export type Params = z.input<typeof params>;
  export interface Result extends EditRunInfo {
    planId: string;
    changes: FileChange[];
    rejected: RejectedEdit[];
    steps: Array<{ id: string; state: 'done' | 'failed' | 'skipped'; reason?: string }>;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/edit/progress` — daemon → client, while `tandem/edit/propose` runs: a step
 * started (`running`) or ended. `index` is 0-based among `total` steps. Since 1.0.
 */
export namespace EditProgressNotification {
  export const method = 'tandem/edit/progress' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export interface Params {
    planId: string;
    stepId: string;
    index: number;
    total: number;
    path: string;
    state: 'running' | 'done' | 'failed' | 'skipped';
    message?: string;
  }
  export const type = new NotificationType<Params>(method);
}

export const FixOutcomes = ['resolved', 'unresolved', 'rejected', 'failed', 'applied'] as const;
/**
 * - resolved: the fix was applied and the targeted diagnostics disappeared.
 * - unresolved: applied, but a targeted diagnostic was still there when watching ended.
 * - rejected: the user declined the preview.
 * - failed: no usable edit came back, or applying failed.
 * - applied: a multi-file edit was applied (no diagnostic to watch).
 */
export type FixOutcome = (typeof FixOutcomes)[number];

/**
 * `tandem/fix/outcome` — client → daemon. What became of a fix or multi-file edit,
 * stored locally in the user database (no code text). `latencyMs` is the client-side
 * time from the command to the proposal being shown. Result: `{ stored: true }`.
 * Errors: `StorageError`. Since 1.0.
 */
export namespace FixOutcomeRequest {
  export const method = 'tandem/fix/outcome' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    /** The `fixId` of a fix or the `planId` of an edit. */
    id: zId,
    kind: z.enum(['fix', 'edit']),
    /** Epoch ms on the client. */
    at: z.number().int().nonnegative(),
    outcome: z.enum(FixOutcomes),
    model: z.string().min(1).max(200),
    backend: z.string().min(1).max(64),
    languageId: z.string().min(1).max(100).optional(),
    appliedBy: z.enum(['preview', 'direct']).optional(),
    /** Diagnostics targeted and how many of them disappeared. */
    diagnostics: zNonNegInt.default(0),
    resolvedDiagnostics: zNonNegInt.default(0),
    files: zNonNegInt.default(0),
    latencyMs: z.number().nonnegative().max(3_600_000),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    stored: true;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

export interface FixStatsRow {
  kind: 'fix' | 'edit';
  model?: string;
  /** Outcomes reported. */
  total: number;
  resolved: number;
  unresolved: number;
  rejected: number;
  failed: number;
  applied: number;
  /** resolved / (resolved + unresolved) for fixes, applied / total for edits; null without data. */
  successRate: number | null;
  latencyMs: { count: number; p50: number | null; p95: number | null };
}

/**
 * `tandem/fix/stats` — client → daemon. Auto-fix success (diagnostic disappeared after
 * applying) and multi-file edit outcomes, in total and per model, over an optional time
 * window (epoch ms). Since 1.0.
 */
export namespace FixStatsRequest {
  export const method = 'tandem/fix/stats' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = zPeriod.default({});
  export type Params = z.input<typeof params>;
  export interface Result {
    total: FixStatsRow[];
    byModel: FixStatsRow[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}
