/**
 * Agent mode as a daemon feature: tasks (`run.ts`: the loop in `loop.ts`, wired by
 * `runner.ts`), their change sets, list, stats and tools (`changes.ts`), and the MCP
 * servers whose tools the agent offers (`../mcp/`). It asks the editor through the
 * daemon → client requests `tandem/agent/applyEdits`, `approve` and `diagnostics`.
 */
import {
  AgentApplyEditsRequest,
  AgentApproveRequest,
  AgentCancelRequest,
  AgentChangesRequest,
  AgentDiagnosticsRequest,
  AgentEventNotification,
  AgentListRequest,
  AgentRunRequest,
  AgentStatsRequest,
  AgentToolsRequest,
  AgentUndoneRequest,
  ErrorCodes,
  McpListRequest,
  McpRestartRequest,
  McpSetToolEnabledRequest,
  MemoryChangedNotification,
  TandemError,
  type z,
} from '../../protocol';
import { sessionRoots } from '../edit/workspace';
import type { DaemonFeature } from '../host/types';
import { workspaceKey } from '../memory/feature';
import type { RequestContext } from '../server/rpc';
import { agentStats, agentTools, listTasks, markUndone, taskChanges } from './changes';
import { cancelAgent, runAgent } from './run';
import { createAgentState, disposeAgentState, type AgentState } from './state';

export const agentFeature: DaemonFeature = {
  name: 'agent',
  capabilities: ['agent', 'mcp'],
  requests: [
    AgentRunRequest,
    AgentCancelRequest,
    AgentChangesRequest,
    AgentUndoneRequest,
    AgentListRequest,
    AgentStatsRequest,
    AgentToolsRequest,
    McpListRequest,
    McpSetToolEnabledRequest,
    McpRestartRequest,
  ],
  notifications: [AgentEventNotification, MemoryChangedNotification],
  clientRequests: [AgentApplyEditsRequest, AgentApproveRequest, AgentDiagnosticsRequest],
  register(host) {
    const state = createAgentState(host);
    host.handle(AgentRunRequest, (params, ctx) => runAgent(state, params, ctx));
    host.handle(AgentCancelRequest, (params, ctx) => cancelAgent(state, params, ctx));
    host.handle(AgentChangesRequest, (params) => taskChanges(state, params));
    host.handle(AgentUndoneRequest, (params) => markUndone(state, params));
    host.handle(AgentListRequest, (params) => listTasks(state, params));
    host.handle(AgentStatsRequest, (params) => agentStats(state, params));
    host.handle(AgentToolsRequest, (params, ctx) => agentTools(state, params, ctx));
    host.handle(McpListRequest, (params, ctx) => listMcp(state, params, ctx));
    host.handle(McpSetToolEnabledRequest, (params, ctx) => setMcpToolEnabled(state, params, ctx));
    host.handle(McpRestartRequest, (params, ctx) => restartMcp(state, params, ctx));
    return { dispose: () => disposeAgentState(state) };
  },
};

function mcpRoot(root: string | undefined, ctx: RequestContext): string {
  return root ? workspaceKey(root) : sessionRoots(ctx.session)[0]!;
}

async function listMcp(
  state: AgentState,
  params: z.output<typeof McpListRequest.params>,
  ctx: RequestContext,
): Promise<McpListRequest.Result> {
  return state.mcp.list(mcpRoot(params?.root, ctx), params?.start ?? false);
}

function noServer(name: string): TandemError {
  return new TandemError(ErrorCodes.NotFound, `No MCP server "${name}" is configured for this workspace.`, {
    hint: 'Servers come from .vscode/mcp.json and config.json mcp.servers (docs/agent.md).',
  });
}

function setMcpToolEnabled(
  state: AgentState,
  params: z.output<typeof McpSetToolEnabledRequest.params>,
  ctx: RequestContext,
): McpSetToolEnabledRequest.Result {
  const root = mcpRoot(params.root, ctx);
  if (!state.mcp.server(root, params.server)) throw noServer(params.server);
  state.mcp.setEnabled(params.server, params.tool, params.enabled);
  return { server: state.mcp.server(root, params.server)! };
}

async function restartMcp(
  state: AgentState,
  params: z.output<typeof McpRestartRequest.params>,
  ctx: RequestContext,
): Promise<McpRestartRequest.Result> {
  const server = await state.mcp.restart(mcpRoot(params.root, ctx), params.server);
  if (!server) throw noServer(params.server);
  return { server };
}
