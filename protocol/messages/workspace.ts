/**
 * Workspace roots: the only places the daemon reads files from.
 */
import { RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zPath } from '../define';
import type { TandemErrorData } from '../errors';

/**
 * `tandem/workspace/register` — client → daemon. Registers the client's workspace
 * roots (absolute paths; realpath-checked by the daemon). Roots stay registered while
 * any connection that registered them is open, and each connection reads only its own
 * roots (chat, completion context, search, edits). Registering starts indexing when the
 * context engine is present. Result: the canonical (realpath) roots. Errors:
 * `InvalidParams` for a root that is not a readable directory, `WorkspaceRootRefused`
 * for one that may not be a root (the disk, the home directory or above it, the Tandem
 * home or a folder containing it, a `.git` folder: `shared/root-policy.ts`); either way
 * none of the roots is registered. Since 1.0.
 */
export namespace WorkspaceRegisterRequest {
  export const method = 'tandem/workspace/register' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ roots: z.array(zPath).max(64) });
  export type Params = z.input<typeof params>;
  export interface Result {
    roots: string[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}
