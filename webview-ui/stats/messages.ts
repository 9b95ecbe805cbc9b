/**
 * The messages between the stats dashboard webview and the extension host, defined
 * once and imported by both sides (webview-ui/stats.main.ts and extension/ops).
 * Browser-safe: type imports from protocol/ only.
 */
import type {
  AgentStats,
  CommandStatsRequest,
  FixStatsRequest,
  HealthHistoryRequest,
  StatsRow,
  StatsTimeseriesRequest,
  UsageGetRequest,
} from '../../protocol';

export const Periods = ['24h', '7d', '30d', 'all'] as const;
export type PeriodId = (typeof Periods)[number];

export const periodLabels: Record<PeriodId, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  all: 'All time',
};

export function isPeriod(value: unknown): value is PeriodId {
  return typeof value === 'string' && (Periods as readonly string[]).includes(value);
}

/** Everything the dashboard draws for one period, gathered by the host from the daemon. */
export interface DashboardData {
  period: PeriodId;
  /** Start of the period (null: all time) and its end, epoch ms. */
  sinceMs: number | null;
  untilMs: number;
  /** `tandem/stats/get` without grouping: the period's totals. */
  total: StatsRow;
  /** `tandem/stats/timeseries`. */
  timeseries: StatsTimeseriesRequest.Result;
  /** `tandem/stats/get` grouped by model and backend (latency percentiles). */
  byModelBackend: StatsRow[];
  /** `tandem/stats/get` grouped by language. */
  byLanguage: StatsRow[];
  /**
   * `tandem/stats/get` of next-edit suggestions: the period's totals and the rows per
   * model and backend; null when the daemon does not count next edits (before 1.1).
   */
  nextEdit: { total: StatsRow; byModelBackend: StatsRow[] } | null;
  /** `tandem/fix/stats`; null when the daemon has no fix feature. */
  fixes: FixStatsRequest.Result | null;
  /** `tandem/commands/stats` (inline edit, commit message, tests, explain); null when the daemon has no commands feature. */
  commands: CommandStatsRequest.Result | null;
  /** `tandem/usage/get`. */
  usage: UsageGetRequest.Result;
  /** `tandem/health/history`. */
  health: HealthHistoryRequest.Result;
  /** `tandem/agent/stats`; null (or absent) when the daemon has no agent feature. */
  agent?: AgentStats | null;
}

/** Extension host → dashboard. */
export type HostToStats =
  | { type: 'loading'; period: PeriodId }
  | { type: 'data'; data: DashboardData }
  | { type: 'error'; period: PeriodId; message: string; hint?: string };

/** Dashboard → extension host. */
export type StatsToHost =
  /** The page is up; `period` is the one it restored from its state (if any). */
  { type: 'ready'; period?: PeriodId } | { type: 'setPeriod'; period: PeriodId } | { type: 'refresh' };

/** Narrow an untrusted message from the webview. */
export function parseStatsToHost(raw: unknown): StatsToHost | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as { type?: unknown; period?: unknown };
  if (m.type === 'ready') return isPeriod(m.period) ? { type: 'ready', period: m.period } : { type: 'ready' };
  if (m.type === 'setPeriod' && isPeriod(m.period)) return { type: 'setPeriod', period: m.period };
  if (m.type === 'refresh') return { type: 'refresh' };
  return undefined;
}
