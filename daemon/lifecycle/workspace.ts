/**
 * Workspace roots of sessions: `tandem/workspace/register` resolves each root (realpath,
 * must be a directory), records it on the session and has the context engine index it;
 * when the last session holding a root closes, the engine lets it go.
 */
import { realpathSync, statSync } from 'node:fs';
import { ErrorCodes, TandemError, type WorkspaceRegisterRequest, type z } from '../../protocol';
import type { FeatureHost } from '../host/types';
import type { RequestContext, Session } from '../server/rpc';

export async function registerWorkspace(
  host: FeatureHost,
  params: z.output<typeof WorkspaceRegisterRequest.params>,
  { session }: RequestContext,
): Promise<WorkspaceRegisterRequest.Result> {
  const roots: string[] = [];
  for (const root of params.roots) {
    let real: string;
    try {
      real = realpathSync(root);
      if (!statSync(real).isDirectory()) throw new Error('not a directory');
    } catch (err) {
      throw new TandemError(ErrorCodes.InvalidParams, `Workspace root ${root} cannot be used: ${(err as Error).message}.`);
    }
    session.roots.add(real);
    roots.push(real);
    await host.context.registerRoot(real);
  }
  host.statusChanged();
  return { roots };
}

/** After `closed` went away: unregister its roots that no open session holds. */
export function releaseRoots(host: FeatureHost, closed: Session): void {
  const open = host.daemon.sessions();
  for (const root of closed.roots) {
    if (!open.some((s) => s.roots.has(root))) host.context.unregisterRoot(root);
  }
}
