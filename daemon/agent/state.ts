/**
 * What the agent feature's handlers share: the host, the task and memory stores, the
 * MCP servers, one token counter, the metrics, and the tasks running (by session and
 * task id, so `tandem/agent/cancel`, a closed connection and shutdown stop them).
 */
import { MemoryChangedNotification } from '../../protocol';
import { TokenCounter } from '../context/budget';
import type { FeatureHost } from '../host/types';
import { memoryStoreOf } from '../memory/feature';
import type { MemoryStore } from '../memory/store';
import { McpManager } from '../mcp/manager';
import { DAEMON_VERSION } from '../version';
import { AgentMetrics } from './metrics';
import type { AgentRunnerDeps } from './runner';
import { AgentTaskStore } from './task-store';

export interface AgentState {
  readonly host: FeatureHost;
  readonly tasks: AgentTaskStore;
  readonly memory: MemoryStore;
  readonly mcp: McpManager;
  readonly counter: TokenCounter;
  readonly metrics: AgentMetrics;
  /** Running tasks: `${sessionId}\0${taskId}` → its controller. */
  readonly running: Map<string, AbortController>;
  readonly sessionSub: { dispose(): void };
}

export function runningKey(sessionId: string, taskId: string): string {
  return `${sessionId}\u0000${taskId}`;
}

export function createAgentState(host: FeatureHost): AgentState {
  const tasks = new AgentTaskStore(host.db);
  const recovered = tasks.recoverInterrupted();
  if (recovered > 0) host.logger.info(`Agent: ${recovered} task(s) cut off by the last shutdown are marked cancelled.`);
  const running = new Map<string, AbortController>();
  const sessionSub = host.daemon.onSessionClosed((session) => {
    for (const [key, controller] of running) if (key.startsWith(`${session.id}\u0000`)) controller.abort();
  });
  return {
    host,
    tasks,
    memory: memoryStoreOf(host),
    mcp: new McpManager({ db: host.db, config: () => host.config().mcp, logger: host.logger, clientVersion: DAEMON_VERSION }),
    counter: new TokenCounter(),
    metrics: new AgentMetrics(host.metrics.registry),
    running,
    sessionSub,
  };
}

/** The runner's dependencies in the daemon (config read now: settings can change between tasks). */
export function runnerDeps(state: AgentState): AgentRunnerDeps {
  const { host } = state;
  return {
    router: host.router,
    count: (text) => state.counter.count(text),
    config: host.config(),
    logger: host.logger,
    tasks: state.tasks,
    memory: state.memory,
    mcpTools: (root) => state.mcp.toolsFor(root),
    search: (params) => host.context.search(params),
    metrics: state.metrics,
    env: process.env,
    memoryChanged: (workspace, ids) => host.broadcast(MemoryChangedNotification, { workspace, ids }),
  };
}

export async function disposeAgentState(state: AgentState): Promise<void> {
  for (const controller of state.running.values()) controller.abort();
  state.running.clear();
  state.sessionSub.dispose();
  await state.mcp.dispose();
  state.metrics.dispose();
  state.counter.dispose();
}
