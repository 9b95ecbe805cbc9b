/**
 * Protocol handlers of the context engine, as plain functions the daemon registers
 * (params already validated with the message's zod schema). Errors are `TandemError`s
 * with the protocol's codes.
 */
import { ContextDiagnosticsRequest, ContextSearchRequest, ErrorCodes, TandemError, type IndexProgressNotification } from '../../protocol';
import type { TandemContextEngine } from './engine';
import { ContextEngineError } from './errors';
import type { IndexProgress } from './types';

/** `tandem/context/diagnostics`: the diagnostics recorded for a completion (or chat) id. */
export function contextDiagnostics(
  engine: TandemContextEngine,
  params: ContextDiagnosticsRequest.Params,
): ContextDiagnosticsRequest.Result {
  const d = engine.diagnostics(params.completionId);
  if (!d) {
    throw new TandemError(ErrorCodes.NotFound, `No context diagnostics for completion ${params.completionId}.`, {
      hint: `Only the last ${engine.config.diagnosticsRetention} assemblies are kept; ask right after the suggestion appears.`,
    });
  }
  return d;
}

/** `tandem/context/search`: lexical (and semantic when available) search of the index, within the session's own roots. */
export async function contextSearch(
  engine: TandemContextEngine,
  params: ContextSearchRequest.Params,
  sessionRoots: Iterable<string>,
): Promise<ContextSearchRequest.Result> {
  const p = ContextSearchRequest.params.parse(params);
  try {
    return await engine.search({ query: p.query, root: p.root, roots: [...sessionRoots], k: p.k });
  } catch (err) {
    throw toTandemError(err);
  }
}

/** The params of `tandem/index/progress` for a progress snapshot (send on `engine.onProgress`). */
export function indexProgressParams(progress: IndexProgress[]): IndexProgressNotification.Params {
  return { roots: progress.map((p) => ({ ...p })) };
}

/** Map the engine's errors onto protocol errors. */
export function toTandemError(err: unknown): unknown {
  if (!(err instanceof ContextEngineError)) return err;
  if (err.kind === 'workspace_not_registered') {
    return new TandemError(ErrorCodes.WorkspaceNotRegistered, err.message, {
      hint: 'Open the folder in VS Code so the extension registers it.',
    });
  }
  if (err.kind === 'path_outside_workspace') return new TandemError(ErrorCodes.PathOutsideWorkspace, err.message);
  if (err.kind === 'workspace_root_refused') return new TandemError(ErrorCodes.WorkspaceRootRefused, err.message);
  return new TandemError(ErrorCodes.NotFound, err.message);
}

/** The handlers to register, by method. */
export const contextHandlers = {
  [ContextDiagnosticsRequest.method]: contextDiagnostics,
  [ContextSearchRequest.method]: contextSearch,
} as const;
