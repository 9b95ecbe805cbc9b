/**
 * The stats dashboard's data source over the daemon connection: one protocol request
 * per kind of data. A daemon without the fix or commands feature (method not found) gives null.
 */
import {
  AgentStatsRequest,
  CommandStatsRequest,
  ErrorCodes,
  FixStatsRequest,
  HealthHistoryRequest,
  StatsGetRequest,
  StatsTimeseriesRequest,
  UsageGetRequest,
} from '../../protocol';
import type { MessageConnection } from 'vscode-jsonrpc';
import type { TandemClient } from '../tandem-client';
import type { StatsSource } from './dashboard-data';

/** The source over the current daemon session, or undefined while not connected. */
export function daemonStatsSource(client: TandemClient): StatsSource | undefined {
  return client.manager.session ? statsSourceFor(client.connection) : undefined;
}

/** A request's answer, or null when the daemon does not know the method (an older tandemd). */
async function orNull<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (err) {
    if ((err as { code?: number }).code === ErrorCodes.MethodNotFound) return null;
    throw err;
  }
}

export function statsSourceFor(c: Pick<MessageConnection, 'sendRequest'>): StatsSource {
  return {
    stats: (p) => c.sendRequest(StatsGetRequest.type, p),
    timeseries: (p) => c.sendRequest(StatsTimeseriesRequest.type, p),
    fixStats: (p) => orNull(c.sendRequest(FixStatsRequest.type, p)),
    commandStats: (p) => orNull(c.sendRequest(CommandStatsRequest.type, p)),
    agent: (p) => orNull(c.sendRequest(AgentStatsRequest.type, p)),
    usage: (p) => c.sendRequest(UsageGetRequest.type, p),
    health: (p) => c.sendRequest(HealthHistoryRequest.type, p),
  };
}
