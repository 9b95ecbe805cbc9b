/**
 * The stats dashboard's data source over the daemon connection: one protocol request
 * per kind of data. A daemon without the fix or commands feature (method not found) gives null.
 */
import {
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

export function statsSourceFor(c: Pick<MessageConnection, 'sendRequest'>): StatsSource {
  return {
    stats: (p) => c.sendRequest(StatsGetRequest.type, p),
    timeseries: (p) => c.sendRequest(StatsTimeseriesRequest.type, p),
    fixStats: async (p) => {
      try {
        return await c.sendRequest(FixStatsRequest.type, p);
      } catch (err) {
        if ((err as { code?: number }).code === ErrorCodes.MethodNotFound) return null;
        throw err;
      }
    },
    commandStats: async (p) => {
      try {
        return await c.sendRequest(CommandStatsRequest.type, p);
      } catch (err) {
        if ((err as { code?: number }).code === ErrorCodes.MethodNotFound) return null;
        throw err;
      }
    },
    usage: (p) => c.sendRequest(UsageGetRequest.type, p),
    health: (p) => c.sendRequest(HealthHistoryRequest.type, p),
  };
}
