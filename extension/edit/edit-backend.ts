/**
 * The daemon side of auto-fix and multi-file edits as the extension uses it: typed
 * requests with AbortSignal cancellation (`$/cancelRequest`), and `tandem/edit/progress`
 * notifications routed to the running proposal by plan id. No vscode import; tests pass
 * a fake `EditBackend`.
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { EditPlanRequest, EditProgressNotification, EditProposeRequest, FixOutcomeRequest, FixProposeRequest } from '../../protocol';
import { requestWithSignal } from '../connection/daemon-session';

export interface EditBackend {
  proposeFix(params: FixProposeRequest.Params, signal?: AbortSignal): Promise<FixProposeRequest.Result>;
  plan(params: EditPlanRequest.Params, signal?: AbortSignal): Promise<EditPlanRequest.Result>;
  propose(
    params: EditProposeRequest.Params,
    onProgress: (p: EditProgressNotification.Params) => void,
    signal?: AbortSignal,
  ): Promise<EditProposeRequest.Result>;
  reportOutcome(params: FixOutcomeRequest.Params): Promise<void>;
}

type ProgressListeners = Map<string, (p: EditProgressNotification.Params) => void>;
const routers = new WeakMap<MessageConnection, ProgressListeners>();

/** One progress handler per connection, dispatching by plan id. */
function listenersOf(connection: MessageConnection): ProgressListeners {
  let listeners = routers.get(connection);
  if (!listeners) {
    const map: ProgressListeners = new Map();
    connection.onNotification(EditProgressNotification.type, (p) => map.get(p.planId)?.(p));
    routers.set(connection, map);
    listeners = map;
  }
  return listeners;
}

/** An EditBackend over the current daemon connection (`connection()` throws while disconnected). */
export function daemonEditBackend(connection: () => MessageConnection): EditBackend {
  return {
    proposeFix: (params, signal) => {
      const c = connection();
      return requestWithSignal(signal, (token) => c.sendRequest(FixProposeRequest.type, params, token));
    },
    plan: (params, signal) => {
      const c = connection();
      return requestWithSignal(signal, (token) => c.sendRequest(EditPlanRequest.type, params, token));
    },
    propose: async (params, onProgress, signal) => {
      const c = connection();
      const listeners = listenersOf(c);
      listeners.set(params.planId, onProgress);
      try {
        return await requestWithSignal(signal, (token) => c.sendRequest(EditProposeRequest.type, params, token));
      } finally {
        listeners.delete(params.planId);
      }
    },
    reportOutcome: async (params) => {
      await connection().sendRequest(FixOutcomeRequest.type, params);
    },
  };
}
