/**
 * Protocol handlers of acceptance tracking, as plain functions over the store. The
 * telemetry feature (`feature.ts`) registers them; the dispatcher validates params with
 * the message's zod schema first.
 */
import { ErrorCodes, TandemError, type EventsReportRequest, type StatsGetRequest, type z } from '../../protocol';
import type { TelemetryStore } from './store';

/** Params after schema validation (defaults applied). */
export type ReportParams = z.output<typeof EventsReportRequest.params>;
export type StatsParams = z.output<typeof StatsGetRequest.params>;

/** `tandem/events/report`: store the batch. */
export function reportEvents(store: TelemetryStore, params: ReportParams): EventsReportRequest.Result {
  try {
    return { stored: store.record(params.events) };
  } catch (err) {
    throw new TandemError(
      ErrorCodes.StorageError,
      `Could not store ${params.events.length} suggestion event(s): ${(err as Error).message}`,
      {
        hint: 'Check that the Tandem home is writable and the disk is not full.',
        cause: err,
      },
    );
  }
}

/** `tandem/stats/get`: statistics over the stored events. */
export function getStats(store: TelemetryStore, params: StatsParams | undefined): StatsGetRequest.Result {
  const p = params ?? {};
  if (p.sinceMs !== undefined && p.untilMs !== undefined && p.untilMs < p.sinceMs) {
    throw new TandemError(ErrorCodes.InvalidParams, `untilMs (${p.untilMs}) is before sinceMs (${p.sinceMs}).`);
  }
  return store.stats({
    sinceMs: p.sinceMs,
    untilMs: p.untilMs,
    groupBy: p.groupBy ? [...new Set(p.groupBy)] : undefined,
    suggestionKind: p.suggestionKind,
  });
}
