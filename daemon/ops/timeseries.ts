/**
 * `tandem/stats/timeseries`: acceptance and retained-character rates per time bucket,
 * computed by the telemetry store's own statistics over each bucket (one indexed range
 * scan per bucket), so the dashboard's curves and `tandem/stats/get` can never disagree.
 */
import { ErrorCodes, TandemError, type StatsBucket, type StatsTimeseriesRequest, type z } from '../../protocol';
import type { TelemetryStore } from '../telemetry/store';
import type { Db } from '../storage/db';

export type TimeseriesParams = z.output<typeof StatsTimeseriesRequest.params>;

export const MAX_BUCKETS = 500;
/** Default bucket widths, smallest first: the first giving at most 60 buckets is used. */
const NICE_WIDTHS = [
  60_000,
  5 * 60_000,
  15 * 60_000,
  3_600_000,
  3 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
  86_400_000,
  7 * 86_400_000,
  31 * 86_400_000,
];

export function defaultBucketMs(spanMs: number): number {
  return NICE_WIDTHS.find((w) => Math.ceil(spanMs / w) <= 60) ?? NICE_WIDTHS.at(-1)!;
}

export function statsTimeseries(
  db: Db,
  store: TelemetryStore,
  params: TimeseriesParams | undefined,
  now = Date.now(),
): StatsTimeseriesRequest.Result {
  const p = params ?? {};
  const untilMs = p.untilMs ?? now;
  let sinceMs = p.sinceMs;
  if (sinceMs === undefined) {
    const oldest = (db.prepare('SELECT min(at) AS at FROM completion_events WHERE at < ?').get(untilMs) as { at: number | null }).at;
    sinceMs = oldest ?? Math.max(0, untilMs - 86_400_000);
  }
  if (untilMs < sinceMs) throw new TandemError(ErrorCodes.InvalidParams, `untilMs (${untilMs}) is before sinceMs (${sinceMs}).`);
  const bucketMs = p.bucketMs ?? defaultBucketMs(Math.max(1, untilMs - sinceMs));
  const first = Math.floor(sinceMs / bucketMs) * bucketMs;
  const count = Math.max(1, Math.ceil((untilMs - first) / bucketMs));
  if (count > MAX_BUCKETS) {
    throw new TandemError(
      ErrorCodes.InvalidParams,
      `The period needs ${count} buckets of ${bucketMs} ms; at most ${MAX_BUCKETS} are allowed.`,
      {
        hint: 'Use a wider bucketMs or a shorter period.',
      },
    );
  }
  const buckets: StatsBucket[] = [];
  for (let i = 0; i < count; i++) {
    const startMs = first + i * bucketMs;
    const lo = Math.max(startMs, sinceMs);
    const hi = Math.min(startMs + bucketMs, untilMs);
    const t = store.stats({ sinceMs: lo, untilMs: Math.max(lo, hi), groupBy: [] }).total;
    buckets.push({
      startMs,
      shown: t.shown,
      accepted: t.accepted + t.partiallyAccepted,
      acceptanceRate: t.acceptanceRate,
      acceptedChars: t.acceptedChars,
      retention: t.retention,
    });
  }
  return { sinceMs, untilMs, bucketMs, buckets };
}
