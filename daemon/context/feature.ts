/**
 * The context engine's protocol surface as a daemon feature: diagnostics ("why this
 * suggestion?"), search, and `tandem/index/progress` to the sessions that asked for
 * status notifications. The handlers are in `rpc.ts`.
 */
import { ContextDiagnosticsRequest, ContextSearchRequest, IndexProgressNotification } from '../../protocol';
import type { DaemonFeature } from '../host/types';
import { contextDiagnostics, contextSearch, indexProgressParams } from './rpc';

export const contextFeature: DaemonFeature = {
  name: 'context',
  capabilities: ['context'],
  requests: [ContextDiagnosticsRequest, ContextSearchRequest],
  notifications: [IndexProgressNotification],
  register(host) {
    host.handle(ContextDiagnosticsRequest, (params) => contextDiagnostics(host.context, params));
    host.handle(ContextSearchRequest, (params, { session }) => contextSearch(host.context, params, session.roots));
    const unsubscribe = host.context.onProgress((progress) => host.broadcast(IndexProgressNotification, indexProgressParams(progress)));
    return { dispose: unsubscribe };
  },
};
