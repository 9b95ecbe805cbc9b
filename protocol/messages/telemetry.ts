/**
 * Acceptance tracking: the extension reports what happened to each inline suggestion,
 * the daemon stores the events locally (SQLite, no code text unless
 * `telemetry.storeCodeText` is true in config.json) and computes statistics.
 *
 * Definitions (also in docs/extension.md):
 * - shown: the provider returned the suggestion to the editor. Counted once per completionId.
 * - accepted: the whole suggestion was inserted (Tab; the item's command ran).
 * - partially_accepted: a word or line of it was inserted (accept next word / line).
 * - dismissed: it went away without being accepted: Escape, replaced by another
 *   suggestion, typed over with different text, or the cursor moved away.
 * - retention: at 30 s, 2 min and 10 min after an accept, how many of the accepted
 *   characters are still in the document region (accepted chars − edit distance, ≥ 0).
 * - acceptance rate = suggestions accepted fully or partly / suggestions shown.
 * - retained-character rate (per checkpoint) = Σ retained chars / Σ accepted chars.
 *
 * Next-edit suggestions (since 1.1) go through the same events with `suggestionKind:
 * 'nextEdit'`: accepted (Tab), rejected (`dismissed` with reason `escaped`) or ignored
 * (`dismissed` typed over, cursor moved away, replaced, closed). Events without it are
 * inline completions.
 */
import { RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zId, zNonNegInt, zPeriod } from '../define';
import type { TandemErrorData } from '../errors';

/** What was suggested: an inline completion at the cursor, or a next edit. */
export const SuggestionKinds = ['completion', 'nextEdit'] as const;
export type SuggestionKind = (typeof SuggestionKinds)[number];

/** Fields every suggestion event carries (from the completion result). */
const zSuggestionMeta = {
  completionId: zId,
  /** Absent: `completion`. Since 1.1. */
  suggestionKind: z.enum(SuggestionKinds).optional(),
  /** Epoch ms on the client when it happened. */
  at: z.number().int().nonnegative(),
  model: z.string().min(1).max(200),
  backend: z.string().min(1).max(64),
  languageId: z.string().min(1).max(100),
};

const zMs = z.number().nonnegative().max(3_600_000);

export const RetentionCheckpoints = [30, 120, 600] as const;
export type RetentionCheckpoint = (typeof RetentionCheckpoints)[number];

export const DismissReasons = ['escaped', 'replaced', 'typed_over', 'cursor_moved', 'closed'] as const;
export type DismissReason = (typeof DismissReasons)[number];

export const zSuggestionEvent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('shown'),
    ...zSuggestionMeta,
    /** Daemon-measured time to first token and total time, ms. */
    firstTokenMs: zMs,
    totalMs: zMs,
    /** Extension-side overhead (provider called → item returned, minus model time), ms. */
    overheadMs: zMs.optional(),
    lines: zNonNegInt,
    chars: zNonNegInt,
    multiline: z.boolean().optional(),
    /** The suggestion text; stored only when the daemon's telemetry.storeCodeText is true. */
    text: z.string().max(100_000).optional(),
  }),
  z.object({
    kind: z.literal('accepted'),
    ...zSuggestionMeta,
    lines: zNonNegInt,
    chars: zNonNegInt,
  }),
  z.object({
    kind: z.literal('partially_accepted'),
    ...zSuggestionMeta,
    /** Characters of the suggestion inserted so far (cumulative for this suggestion). */
    acceptedChars: zNonNegInt,
    unit: z.enum(['word', 'line']),
  }),
  z.object({
    kind: z.literal('dismissed'),
    ...zSuggestionMeta,
    reason: z.enum(DismissReasons),
    /** How long it was visible, ms. */
    shownForMs: zMs.optional(),
  }),
  z.object({
    kind: z.literal('retention'),
    ...zSuggestionMeta,
    checkpointSec: z.union([z.literal(30), z.literal(120), z.literal(600)]),
    acceptedChars: zNonNegInt,
    retainedChars: zNonNegInt,
    editDistance: zNonNegInt,
  }),
]);
export type SuggestionEvent = z.infer<typeof zSuggestionEvent>;
export type SuggestionEventKind = SuggestionEvent['kind'];

/**
 * `tandem/events/report` — client → daemon. A batch of suggestion events, stored in
 * one transaction. Result: how many were stored. Errors: `InvalidParams`,
 * `StorageError`. Since 1.0 (daemons that have it list feature `events` in `initialize`).
 */
export namespace EventsReportRequest {
  export const method = 'tandem/events/report' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ events: z.array(zSuggestionEvent).min(1).max(500) });
  export type Params = z.input<typeof params>;
  export interface Result {
    stored: number;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

export const StatsDimensions = ['model', 'backend', 'language'] as const;
export type StatsDimension = (typeof StatsDimensions)[number];

export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

export interface RetentionStats {
  /** Suggestions checked at this checkpoint. */
  checked: number;
  acceptedChars: number;
  retainedChars: number;
  /** retainedChars / acceptedChars, null without data. */
  rate: number | null;
}

/** Statistics of one group (or of everything when the dimensions are absent). */
export interface StatsRow {
  model?: string;
  backend?: string;
  language?: string;
  shown: number;
  accepted: number;
  partiallyAccepted: number;
  dismissed: number;
  /** (accepted + partially accepted, distinct suggestions) / shown, null when nothing shown. */
  acceptanceRate: number | null;
  acceptedChars: number;
  retention: Record<'30' | '120' | '600', RetentionStats>;
  latency: { firstTokenMs: Percentiles; totalMs: Percentiles; overheadMs: Percentiles };
  dismissReasons: Partial<Record<DismissReason, number>>;
}

/**
 * `tandem/stats/get` — client → daemon. Statistics over the stored events.
 * Params: `sinceMs` (epoch ms, default: all), `untilMs`, and `groupBy` dimensions
 * (default `['model', 'backend', 'language']`), `suggestionKind` (default `completion`;
 * `nextEdit` for next-edit suggestions). Result: the total and one row per group, most
 * shown first. Since 1.0.
 */
export namespace StatsGetRequest {
  export const method = 'tandem/stats/get' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = zPeriod
    .extend({
      groupBy: z.array(z.enum(StatsDimensions)).max(3).optional(),
      /** Which suggestions to count (default `completion`). Since 1.1. */
      suggestionKind: z.enum(SuggestionKinds).optional(),
    })
    .default({});
  export type Params = z.input<typeof params>;
  export interface Result {
    /** The suggestions counted. Since 1.1. */
    suggestionKind?: SuggestionKind;
    sinceMs: number | null;
    untilMs: number | null;
    groupBy: StatsDimension[];
    total: StatsRow;
    rows: StatsRow[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}
