/**
 * Workspace roots of sessions: `tandem/workspace/register` resolves each root (realpath,
 * must be a directory, must pass the root policy of `shared/root-policy.ts`), records it
 * on the session and has the context engine index it; a refused root refuses the whole
 * request, so nothing is registered then. When the last session holding a root closes,
 * the engine lets it go.
 */
import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { ErrorCodes, TandemError, type WorkspaceRegisterRequest, type z } from '../../protocol';
import { workspaceRootRefusal, type RootRefusalRule } from '../../shared/root-policy';
import type { FeatureHost } from '../host/types';
import type { RequestContext, Session } from '../server/rpc';

export async function registerWorkspace(
  host: FeatureHost,
  params: z.output<typeof WorkspaceRegisterRequest.params>,
  { session }: RequestContext,
): Promise<WorkspaceRegisterRequest.Result> {
  const roots: string[] = [];
  const refused: Array<{ root: string; rule: RootRefusalRule; reason: string }> = [];
  for (const root of params.roots) {
    let real: string;
    try {
      real = realpathSync(root);
      if (!statSync(real).isDirectory()) throw new Error('not a directory');
    } catch (err) {
      throw new TandemError(ErrorCodes.InvalidParams, `Workspace root ${root} cannot be used: ${(err as Error).message}.`);
    }
    const refusal = workspaceRootRefusal(real, { userHome: homedir(), tandemHome: host.config().home });
    if (refusal) refused.push({ root, rule: refusal.rule, reason: refusal.message });
    else roots.push(real);
  }
  if (refused.length > 0) {
    host.logger.warn(`Refused workspace root(s) from ${session.client?.name ?? 'a client'}: ${refused.map((r) => r.reason).join(' ')}`);
    throw new TandemError(ErrorCodes.WorkspaceRootRefused, refused.map((r) => r.reason).join(' '), {
      hint: 'Open the project folder itself (File > Open Folder); nothing was registered.',
      details: { refused },
    });
  }
  for (const real of roots) {
    session.roots.add(real);
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
