/**
 * MCP: the daemon is a Model Context Protocol client (the official TypeScript SDK) of
 * the servers configured for a workspace — `.vscode/mcp.json` in the root (VS Code's
 * own `servers` format) and `mcp.servers` of config.json (same shape; a workspace entry
 * of the same name wins). stdio and streamable HTTP servers; started on first use,
 * restarted after a crash (at most `mcp.maxRestarts` times within ten minutes), stopped
 * with the daemon. Their tools are offered to the agent next to the built-in ones, as
 * `mcp_<server>_<tool>`; a call needs approval unless the server is marked `trusted`.
 *
 * Secrets in a server's `env` or `headers` (and `${input:…}` values) never reach a log,
 * a status or a result: only the names of the variables and headers are ever shown.
 */
import { RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zPath } from '../define';
import type { TandemErrorData } from '../errors';

export interface McpToolInfo {
  /** The tool's own name on its server. */
  tool: string;
  /** The name the model sees: `mcp_<server>_<tool>`, sanitised to [A-Za-z0-9_-], at most 64 characters. */
  name: string;
  description: string;
  enabled: boolean;
}

export interface McpServerInfo {
  name: string;
  /** Where it is configured: the workspace's `.vscode/mcp.json` or the daemon's config.json. */
  source: 'workspace' | 'config';
  transport: 'stdio' | 'http';
  /** stdio: the command (without arguments' values that look like secrets); http: the URL without credentials. */
  target: string;
  /** The env variable / header names configured (values never leave the daemon). */
  envNames: string[];
  trusted: boolean;
  state: 'stopped' | 'starting' | 'running' | 'failed' | 'disabled';
  /** Why it failed (start error, crash, restart limit), when it did. */
  error?: string;
  restarts: number;
  /** The tools it lists, once it ran. */
  tools: McpToolInfo[];
}

/**
 * `tandem/mcp/list` — client → daemon. The MCP servers configured for `root` (default:
 * the session's first root) with their state and tools. `start: true` starts the ones
 * not running, to list their tools. Errors: `WorkspaceNotRegistered`. Since 1.1
 * (feature `mcp`).
 */
export namespace McpListRequest {
  export const method = 'tandem/mcp/list' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ root: zPath.optional(), start: z.boolean().default(false) }).default({ start: false });
  export type Params = z.input<typeof params>;
  export interface Result {
    servers: McpServerInfo[];
    /** Problems reading the configuration (invalid JSON, an entry without command or url), one sentence each. */
    problems: string[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/mcp/setToolEnabled` — client → daemon. Switch one MCP tool off (or on again)
 * for every task; kept in the user database. `tool` omitted: the whole server. Result:
 * the server as `tandem/mcp/list` shows it. Errors: `NotFound` (no such server). Since 1.1.
 */
export namespace McpSetToolEnabledRequest {
  export const method = 'tandem/mcp/setToolEnabled' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    root: zPath.optional(),
    server: z.string().min(1).max(100),
    tool: z.string().min(1).max(200).optional(),
    enabled: z.boolean(),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    server: McpServerInfo;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/mcp/restart` — client → daemon. Stop a server and start it again (also after
 * it hit the restart limit). Result: the server. Errors: `NotFound`. Since 1.1.
 */
export namespace McpRestartRequest {
  export const method = 'tandem/mcp/restart' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ root: zPath.optional(), server: z.string().min(1).max(100) });
  export type Params = z.input<typeof params>;
  export interface Result {
    server: McpServerInfo;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}
