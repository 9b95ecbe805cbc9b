/**
 * Everyday commands: inline edit (`Tandem: Edit Selection…`), commit message, generate
 * tests and explain, each a thin layer over what the daemon already has (the edit
 * parser and its safety rules, the context engine, the router's tasks).
 *
 * As with auto-fix, the daemon only proposes: an inline edit comes back as the new text
 * of the region the client asked about (never anything outside it), generated tests as
 * `FileChange`s the client previews, a commit message as text. The client reports what
 * became of each (`tandem/commands/outcome`), stored locally without code text and
 * summarised by `tandem/commands/stats` and on /metrics.
 *
 * Positions are 0-based lines and UTF-16 characters, as in LSP and VS Code.
 */
import { RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zId, zNonNegInt, zPath, zPeriod } from '../define';
import type { TandemErrorData } from '../errors';
import { zRecentFile } from './completion';
import { zOpenDocument, zPosition, zRange, type EditRunInfo, type FileChange, type Range, type RejectedEdit } from './edit';

/** The document a command works on, with its current (possibly unsaved) text. */
const zCommandDocument = z.object({
  path: zPath,
  languageId: z.string().min(1).max(100),
  text: z.string().max(2_000_000),
});

export const EnclosingKinds = [
  'function',
  'method',
  'class',
  'interface',
  'type',
  'enum',
  'struct',
  'trait',
  'module',
  'constant',
  'variable',
  'field',
  'macro',
  /** A block of lines found by indentation (no declaration encloses the position). */
  'block',
  /** Only the line itself. */
  'line',
] as const;
export type EnclosingKind = (typeof EnclosingKinds)[number];

/**
 * `tandem/code/enclosing` — client → daemon. The innermost function (or method, class…)
 * around a position, from tree-sitter where the language has a grammar, else the block
 * of lines around it by indentation, else the line. What inline edit, generate tests and
 * explain act on when nothing is selected. Params: the document (any path; nothing is
 * read from disk) and the position. Result: the range in whole lines (from the start of
 * its first line to the end of its last), its kind, its name when it has one, and which
 * parser found it. Since 1.1 (feature `code`).
 */
export namespace CodeEnclosingRequest {
  export const method = 'tandem/code/enclosing' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ document: zCommandDocument, position: zPosition });
  export type Params = z.input<typeof params>;
  export interface Result {
    range: Range;
    kind: EnclosingKind;
    name?: string;
    /** `tree-sitter:<grammar>` or `heuristic`. */
    parser: string;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** An earlier round of an inline edit: what was asked and what the model proposed. */
export const zInlineEditRound = z.object({
  instruction: z.string().trim().min(1).max(4000),
  proposal: z.string().max(500_000),
});

/**
 * `tandem/inlineEdit/propose` — client → daemon. Rewrite one region of a document
 * following an instruction, with the `edit` task's model.
 *
 * Params: the document (absolute path inside a registered root, language, current full
 * text), the region (whole lines: the client widens a partial selection), the
 * instruction, the earlier rounds of this inline edit (follow-up instructions refine the
 * last proposal), recently used files for retrieval and an optional `streamId`. The
 * prompt holds the region with the lines around it, definitions of what the region uses
 * and the project rules (context engine), and asks for the region's new text in one code
 * block (search/replace blocks are understood too).
 *
 * Streaming: unlike chat, the `tandem/stream/delta` notifications carry the proposed
 * region text only, whole lines at a time (each delta ends with "\n"), never the
 * model's prose; the result is authoritative.
 *
 * Result: `proposal`, the region's new text (no final line break, the document's line
 * endings), relative to the text whose hash is `baseHash`; absent when nothing usable
 * came back, and then `rejected` says why (`outside_region` for an answer that changes
 * lines outside the region, `malformed` for an answer without a complete code block,
 * `model_error` for an unchanged region). Cancellation: `$/cancelRequest` aborts the
 * model call. Errors: `PathOutsideWorkspace`, `WorkspaceNotRegistered`, `InvalidParams`
 * (a range outside the document), model errors. Since 1.1 (feature `inlineEdit`).
 */
export namespace InlineEditProposeRequest {
  export const method = 'tandem/inlineEdit/propose' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    streamId: zId.optional(),
    sessionKey: zId.optional(),
    document: zCommandDocument,
    range: zRange,
    instruction: z.string().trim().min(1).max(4000),
    history: z.array(zInlineEditRound).max(10).default([]),
    recentFiles: z.array(zRecentFile).max(100).default([]),
  });
  export type Params = z.input<typeof params>;
  export interface Result extends EditRunInfo {
    /** Id to report the outcome under (`tandem/commands/outcome`). */
    editId: string;
    /** The region, in whole lines, as the daemon used it. */
    range: Range;
    /** `contentHash` of `document.text`. */
    baseHash: string;
    proposal?: string;
    rejected: RejectedEdit[];
    /** Prose the model wrote around the code, if any. */
    explanation: string;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/commitMessage/generate` — client → daemon. Write a commit message for a diff
 * with the `chat` task's model, in the style of the repository's recent subjects.
 *
 * Params: the unified diff (`git diff --cached`, or the working tree's when nothing is
 * staged) as the client's Git API gave it, whether it is the staged one, the subjects of
 * the last commits (newest first), the branch name, and an optional `streamId` (deltas
 * are the message's text). A diff too large for the prompt budget is summarised per
 * file: every file is named with its added and removed line counts, and the budget is
 * shared among the files' hunks, the smallest first, so one huge file cannot crowd out
 * the rest (lock files and generated files are only named).
 * Result: the message (subject, and a body when the model wrote one), the style it was
 * asked to follow, how many files the diff touches and how many were summarised.
 * Errors: `InvalidParams` (an empty diff), model errors. Since 1.1 (feature `commitMessage`).
 */
export namespace CommitMessageRequest {
  export const method = 'tandem/commitMessage/generate' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    streamId: zId.optional(),
    sessionKey: zId.optional(),
    diff: z.string().min(1).max(20_000_000),
    staged: z.boolean(),
    recentSubjects: z.array(z.string().max(500)).max(50).default([]),
    branch: z.string().max(250).optional(),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    /** Id to report the outcome under. */
    messageId: string;
    message: string;
    /** The style rules given to the model (from the recent subjects), one sentence each. */
    style: string[];
    files: number;
    /** Files shown only by name and line counts, or with some hunks left out. */
    summarisedFiles: number;
    model: string;
    backend: string;
    timings: { modelMs: number; totalMs: number };
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** How the project tests, as detected from package.json / pyproject.toml and the files near the source. */
export interface TestSetup {
  /** `mocha`, `jest`, `vitest`, `node:test`, `pytest`, `unittest`, `go test`, `cargo test`, `junit`, … */
  framework: string;
  /** Where the test goes, absolute. */
  testPath: string;
  /** Root-relative, `/`-separated. */
  relativeTestPath: string;
  /** Whether `testPath` exists (the test is added to it) or is created. */
  exists: boolean;
  /** Sentences saying what the detection saw (shown in the preview and the log). */
  evidence: string[];
}

/**
 * `tandem/tests/generate` — client → daemon. Write a test for a function (or the
 * selected code) in the project's existing framework and place, with the `edit` task's
 * model.
 *
 * Params: the document (absolute path inside a registered root) and the range to test
 * (the selection, or the enclosing function from `tandem/code/enclosing`), the unsaved
 * text of open documents, recently used files and an optional `streamId` (raw model
 * output). The daemon detects the framework and the test file (package.json
 * dependencies and scripts, pyproject.toml, Cargo.toml, go.mod, and the names and
 * places of existing tests near the source), shows the model an existing test as an
 * example of the style, and asks for the whole new file or search/replace blocks
 * adding to the existing one. Result: the detected setup, the proposed changes (one
 * `create` of the test file, or one `modify` of it; never any other file), the refusals
 * with reasons and the model's explanation. Errors: `PathOutsideWorkspace`,
 * `WorkspaceNotRegistered`, model errors. Since 1.1 (feature `tests`).
 */
export namespace TestsGenerateRequest {
  export const method = 'tandem/tests/generate' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    streamId: zId.optional(),
    sessionKey: zId.optional(),
    document: zCommandDocument,
    range: zRange,
    /** The function's name, when known (from `tandem/code/enclosing`). */
    name: z.string().max(200).optional(),
    documents: z.array(zOpenDocument).max(50).default([]),
    recentFiles: z.array(zRecentFile).max(100).default([]),
  });
  export type Params = z.input<typeof params>;
  export interface Result extends EditRunInfo {
    testsId: string;
    setup: TestSetup;
    changes: FileChange[];
    rejected: RejectedEdit[];
    explanation: string;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

export const CommandKinds = ['inlineEdit', 'commitMessage', 'generateTests', 'explain'] as const;
export type CommandKind = (typeof CommandKinds)[number];

export const CommandOutcomes = ['shown', 'accepted', 'rejected', 'failed', 'cancelled'] as const;
/**
 * - shown: the result was shown and nothing decided yet (an explanation is always this;
 *   a commit message stays so until a commit is made).
 * - accepted: the inline edit or the tests were applied, a commit was made with the message.
 * - rejected: the user discarded the proposal (Reject, a declined preview, the message
 *   replaced before committing).
 * - failed: nothing usable came back (refused answers, model errors).
 * - cancelled: the user stopped it before it finished.
 */
export type CommandOutcome = (typeof CommandOutcomes)[number];

/**
 * `tandem/commands/outcome` — client → daemon. What became of one use of a command,
 * stored locally in the user database (no code text). A later report with the same
 * `id` and `command` replaces the earlier one (shown, then accepted). `latencyMs` is the
 * client-side time from the command to the result being shown. Result: `{ stored: true }`.
 * Errors: `StorageError`. Since 1.1 (feature `commands`).
 */
export namespace CommandOutcomeRequest {
  export const method = 'tandem/commands/outcome' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    id: zId,
    command: z.enum(CommandKinds),
    /** Epoch ms on the client. */
    at: z.number().int().nonnegative(),
    outcome: z.enum(CommandOutcomes),
    model: z.string().min(1).max(200),
    backend: z.string().min(1).max(64).optional(),
    languageId: z.string().min(1).max(100).optional(),
    /** Proposals made in this use (retries and follow-ups of an inline edit count). */
    rounds: zNonNegInt.max(1000).default(1),
    latencyMs: z.number().nonnegative().max(3_600_000),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    stored: true;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

export interface CommandStatsRow {
  command: CommandKind;
  model?: string;
  /** Uses reported. */
  used: number;
  shown: number;
  accepted: number;
  rejected: number;
  failed: number;
  cancelled: number;
  /** accepted / (accepted + rejected); null without decisions. */
  acceptanceRate: number | null;
  latencyMs: { count: number; p50: number | null; p95: number | null };
}

/**
 * `tandem/commands/stats` — client → daemon. Uses and outcomes of the everyday commands,
 * per command and per command and model, over an optional time window (epoch ms).
 * Since 1.1.
 */
export namespace CommandStatsRequest {
  export const method = 'tandem/commands/stats' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = zPeriod.default({});
  export type Params = z.input<typeof params>;
  export interface Result {
    total: CommandStatsRow[];
    byModel: CommandStatsRow[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}
