/** The context engine's own errors; `rpc.ts` maps them onto protocol errors. */

export class ContextEngineError extends Error {
  constructor(
    message: string,
    readonly kind: 'workspace_not_registered' | 'workspace_root_refused' | 'path_outside_workspace' | 'not_found',
  ) {
    super(message);
    this.name = 'ContextEngineError';
  }
}

/** The error an assembly rejects with when its signal aborted. */
export function assemblyCancelled(): Error {
  return Object.assign(new Error('Context assembly was cancelled.'), { name: 'AbortError' });
}
