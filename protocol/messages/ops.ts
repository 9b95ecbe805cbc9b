/**
 * Operations: what the stats dashboard and the doctor's one-click fixes need beyond
 * `tandem/stats/get` (acceptance, per model / backend / language) and
 * `tandem/fix/stats` (auto-fix success).
 *
 * - `tandem/stats/timeseries`: acceptance and retained-character rates per time bucket.
 * - `tandem/usage/get`: model calls recorded by the router (tokens in/out, time to first
 *   token and total time) per task, model and backend.
 * - `tandem/health/history`: the backend health changes the daemon stored.
 * - `tandem/models/pull` + `tandem/models/pullProgress`: pull a model on an Ollama
 *   backend (Ollama's `/api/pull`), streaming progress to the requesting client.
 *
 * Secrets never travel in these results: backends are named, URLs are shown without
 * credentials, and headers are never echoed.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zId, zPeriod } from '../define';
import type { TandemErrorData } from '../errors';
import type { Percentiles, RetentionStats } from './telemetry';
import type { TaskType } from './base';

/** One time bucket of suggestion statistics (events are bucketed by their own time). */
export interface StatsBucket {
  /** Bucket start, epoch ms; the bucket covers `[startMs, startMs + bucketMs)`. */
  startMs: number;
  shown: number;
  /** Distinct suggestions accepted fully or partly in this bucket. */
  accepted: number;
  /** accepted / shown, capped at 1; null when nothing was shown. */
  acceptanceRate: number | null;
  acceptedChars: number;
  /** Retained-character rate per checkpoint (30 s, 2 min, 10 min) of checks made in this bucket. */
  retention: Record<'30' | '120' | '600', RetentionStats>;
}

/**
 * `tandem/stats/timeseries` — client → daemon. Acceptance rate and retained-character
 * rate over time. Params: `sinceMs` (default: the oldest event), `untilMs` (default:
 * now), `bucketMs` (1 min … 31 days; default: a width giving at most 60 buckets).
 * Result: contiguous buckets oldest first, empty ones included (at most 500).
 * Errors: `InvalidParams` (until before since, too many buckets), `StorageError`.
 * Since 1.0 (feature `stats`).
 */
export namespace StatsTimeseriesRequest {
  export const method = 'tandem/stats/timeseries' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z
    .object({
      ...zPeriod.shape,
      bucketMs: z
        .number()
        .int()
        .min(60_000)
        .max(31 * 86_400_000)
        .optional(),
    })
    .default({});
  export type Params = z.input<typeof params>;
  export interface Result {
    sinceMs: number;
    untilMs: number;
    bucketMs: number;
    buckets: StatsBucket[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** Model calls of one task on one model and backend. */
export interface UsageRow {
  task: TaskType;
  model: string;
  backend: string;
  /** Successful model calls recorded. */
  calls: number;
  /** Prompt tokens as the backend counted them (calls whose backend reported none add 0). */
  promptTokens: number;
  outputTokens: number;
  /** Time to first token and total time as the router measured them, ms. */
  firstTokenMs: Percentiles;
  totalMs: Percentiles;
}

/**
 * `tandem/usage/get` — client → daemon. Tokens in/out and latency per task, model and
 * backend, from the model calls the router completed (chat, fix, edit, complete; the
 * embedding calls report no token counts and are not recorded). Params: `sinceMs`,
 * `untilMs`. Result: one row per task/model/backend, most calls first, and totals per
 * task. Since 1.0 (feature `usage`).
 */
export namespace UsageGetRequest {
  export const method = 'tandem/usage/get' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = zPeriod.default({});
  export type Params = z.input<typeof params>;
  export interface Result {
    rows: UsageRow[];
    byTask: Array<{ task: TaskType; calls: number; promptTokens: number; outputTokens: number }>;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** One stored backend health change. */
export interface HealthHistoryEntry {
  at: number;
  backend: string;
  health: 'up' | 'down' | 'unknown';
  circuit: 'closed' | 'open' | 'half-open';
  latencyMs: number | null;
  error?: string;
}

/**
 * `tandem/health/history` — client → daemon. Backend health changes recorded by the
 * daemon (every change of a backend's health or circuit state). Params: `sinceMs`,
 * `untilMs`, `backend` (one backend by name), `limit` (default 2000, at most 10000;
 * the newest are kept). Result: entries oldest first; `truncated` when older entries
 * of the period were left out. Since 1.0 (feature `health`).
 */
export namespace HealthHistoryRequest {
  export const method = 'tandem/health/history' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z
    .object({
      ...zPeriod.shape,
      backend: z.string().min(1).max(64).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    })
    .default({});
  export type Params = z.input<typeof params>;
  export interface Result {
    entries: HealthHistoryEntry[];
    truncated: boolean;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/models/pull` — client → daemon. Pull a model onto an Ollama backend through
 * its `/api/pull`, streaming `tandem/models/pullProgress` notifications (with the
 * client's `pullId`) to the requesting connection. Params: `model` (as Ollama names
 * it), `backend` (a backend name; default: the Ollama backend with the best priority
 * that is not down), `pullId`. Result: the model and backend once Ollama reports
 * `success`; the backends are re-probed so status and doctor see the model.
 * Cancelling the request (`$/cancelRequest`) stops the download at once.
 * Errors: `InvalidParams` (unknown backend, not an Ollama backend),
 * `NoBackendAvailable`, `UpstreamError` (the pull failed; the message is Ollama's),
 * `UpstreamTimeout` (no progress for the stall timeout). Since 1.0 (feature `models`).
 */
export namespace ModelsPullRequest {
  export const method = 'tandem/models/pull' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    model: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'an Ollama model name such as qwen2.5-coder:1.5b-base'),
    backend: z.string().min(1).max(64).optional(),
    pullId: zId,
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    model: string;
    backend: string;
    status: 'success';
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/models/pullProgress` — daemon → client, during `tandem/models/pull`: Ollama's
 * status line (`pulling manifest`, `pulling <digest>`, `verifying sha256 digest`,
 * `success`) and, while downloading a layer, its `completed` / `total` bytes. Sent at
 * most every 100 ms per layer, and on every status change. Since 1.0.
 */
export namespace ModelsPullProgressNotification {
  export const method = 'tandem/models/pullProgress' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export interface Params {
    pullId: string;
    model: string;
    backend: string;
    status: string;
    digest?: string;
    completed?: number;
    total?: number;
  }
  export const type = new NotificationType<Params>(method);
}
