/**
 * Gathers the stats dashboard's data for one period from the daemon, through a narrow
 * source interface (the real one sends protocol requests; tests pass a fake). Pure.
 */
import type {
  AgentStatsRequest,
  CommandStatsRequest,
  FixStatsRequest,
  HealthHistoryRequest,
  StatsGetRequest,
  StatsTimeseriesRequest,
  UsageGetRequest,
} from '../../protocol';
import type { DashboardData, PeriodId } from '../../webview-ui/stats/messages';

export interface StatsSource {
  stats(params: NonNullable<StatsGetRequest.Params>): Promise<StatsGetRequest.Result>;
  timeseries(params: NonNullable<StatsTimeseriesRequest.Params>): Promise<StatsTimeseriesRequest.Result>;
  /** Resolves to null when the daemon has no fix feature. */
  fixStats(params: NonNullable<FixStatsRequest.Params>): Promise<FixStatsRequest.Result | null>;
  /** Resolves to null when the daemon has no commands feature. */
  commandStats(params: NonNullable<CommandStatsRequest.Params>): Promise<CommandStatsRequest.Result | null>;
  usage(params: NonNullable<UsageGetRequest.Params>): Promise<UsageGetRequest.Result>;
  health(params: NonNullable<HealthHistoryRequest.Params>): Promise<HealthHistoryRequest.Result>;
  /** Agent tasks of the period; absent, or resolving to null, when the daemon has no agent feature. */
  agent?(params: NonNullable<AgentStatsRequest.Params>): Promise<AgentStatsRequest.Result | null>;
}

const DAY = 86_400_000;
const periodMs: Record<Exclude<PeriodId, 'all'>, number> = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY };

/** Bucket widths that read well per period: hours for a day, 6 h for a week, days for a month. */
const periodBucket: Record<Exclude<PeriodId, 'all'>, number> = { '24h': 3_600_000, '7d': 6 * 3_600_000, '30d': DAY };

export function periodRange(period: PeriodId, now: number): { sinceMs: number | undefined; untilMs: number } {
  return { sinceMs: period === 'all' ? undefined : now - periodMs[period], untilMs: now };
}

export async function loadDashboard(source: StatsSource, period: PeriodId, now: number): Promise<DashboardData> {
  const { sinceMs, untilMs } = periodRange(period, now);
  const range = sinceMs === undefined ? { untilMs } : { sinceMs, untilMs };
  const [total, timeseries, byModelBackend, byLanguage, fixes, commands, usage, health, nextEdit, nextEditRows, agent] = await Promise.all([
    source.stats({ ...range, groupBy: [] }),
    source.timeseries(period === 'all' ? range : { ...range, bucketMs: periodBucket[period] }),
    source.stats({ ...range, groupBy: ['model', 'backend'] }),
    source.stats({ ...range, groupBy: ['language'] }),
    source.fixStats(range),
    source.commandStats(range),
    source.usage(range),
    source.health({ ...range, limit: 2000 }),
    source.stats({ ...range, groupBy: [], suggestionKind: 'nextEdit' }),
    source.stats({ ...range, groupBy: ['model', 'backend'], suggestionKind: 'nextEdit' }),
    source.agent ? source.agent(range) : Promise.resolve(null),
  ]);
  return {
    period,
    sinceMs: sinceMs ?? null,
    untilMs,
    total: total.total,
    timeseries,
    byModelBackend: byModelBackend.rows,
    byLanguage: byLanguage.rows,
    // A daemon before 1.1 ignores suggestionKind and answers with completions: it says which kind it counted.
    nextEdit: nextEdit.suggestionKind === 'nextEdit' ? { total: nextEdit.total, byModelBackend: nextEditRows.rows } : null,
    fixes,
    commands,
    usage,
    health,
    agent,
  };
}
