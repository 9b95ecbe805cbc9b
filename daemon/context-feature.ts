/**
 * The context engine's protocol surface: diagnostics ("why this suggestion?"), search,
 * and `tandem/index/progress` notifications to clients that asked for status.
 */
import { ContextDiagnosticsRequest, ContextSearchRequest, IndexProgressNotification } from '../protocol';
import type { TandemContextEngine } from './context/engine';
import { contextDiagnostics, contextSearch, indexProgressParams } from './context/rpc';
import type { DaemonHost } from './daemon';

export function contextFeature(engine: TandemContextEngine): (host: DaemonHost) => () => void {
  return (host) => {
    host.rpc.register(ContextDiagnosticsRequest, (params) => contextDiagnostics(engine, params));
    host.rpc.register(ContextSearchRequest, (params) => contextSearch(engine, params));
    return engine.onProgress((progress) => {
      const params = indexProgressParams(progress);
      for (const s of host.sessionsList()) {
        if (s.initialized && s.capabilities.statusNotifications) {
          void s.connection.sendNotification(IndexProgressNotification.type, params).catch(() => undefined);
        }
      }
    });
  };
}
