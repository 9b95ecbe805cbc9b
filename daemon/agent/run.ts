/**
 * `tandem/agent/run` and `tandem/agent/cancel`: a task on one session, its events as
 * `tandem/agent/event` (numbered from 0), its questions to the editor as daemon →
 * client requests (`RemoteIde`), stopped by `$/cancelRequest`, `tandem/agent/cancel`,
 * the connection closing or the daemon stopping.
 */
import { realpathSync } from 'node:fs';
import {
  AgentEventNotification,
  ErrorCodes,
  TandemError,
  type AgentCancelRequest,
  type AgentEvent,
  type AgentRunRequest,
  type AgentRunResult,
  type z,
} from '../../protocol';
import { ChatStore } from '../chat/store';
import { requireSafe, sessionRoots } from '../edit/workspace';
import type { ChatMessage } from '../router/types';
import type { RequestContext } from '../server/rpc';
import { RemoteIde } from './ide';
import { runAgentTask } from './runner';
import { runnerDeps, runningKey, type AgentState } from './state';

export async function runAgent(
  state: AgentState,
  params: z.output<typeof AgentRunRequest.params>,
  { session, signal }: RequestContext,
): Promise<AgentRunResult> {
  const roots = sessionRoots(session);
  const root = params.root ? requireSafeRoot(params.root, roots) : roots[0]!;
  const key = runningKey(session.id, params.taskId);
  if (state.running.has(key)) {
    throw new TandemError(ErrorCodes.InvalidParams, `The agent task ${params.taskId} is already running.`, {
      hint: 'Use a new task id, or cancel the running task first.',
    });
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', onAbort, { once: true });
  state.running.set(key, controller);
  let seq = 0;
  const emit = (event: AgentEvent) => state.host.notify(session, AgentEventNotification, { taskId: params.taskId, seq: seq++, event });
  try {
    const deps = runnerDeps(state);
    const indexed = state.host.context.roots().includes(root);
    if (!indexed) delete deps.search;
    return await runAgentTask(
      deps,
      {
        taskId: params.taskId,
        text: params.text,
        ...(params.strategy ? { strategy: params.strategy } : {}),
        root,
        roots,
        ...(params.activeFile ? { activeFile: requireSafe(params.activeFile, roots, 'use the active file').path } : {}),
        documents: params.documents,
        budgets: params.budgets,
        allowCommands: params.allowCommands,
        ...(params.model ? { model: params.model } : {}),
        ...(params.conversationId ? { history: conversationHistory(state, params.conversationId) } : {}),
      },
      new RemoteIde(state.host, session),
      emit,
      controller.signal,
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
    state.running.delete(key);
  }
}

/** Share of the agent's prompt room the conversation's earlier turns may take (the newest are kept). */
const HISTORY_SHARE = 0.25;

/** A chat conversation's answered turns, newest kept within the share, as plain user/assistant messages. */
function conversationHistory(state: AgentState, conversationId: string): ChatMessage[] {
  const task = state.host.config().tasks.agent;
  let left = Math.floor((task.num_ctx - task.num_predict) * HISTORY_SHARE);
  const stored = new ChatStore(state.host.db).messages(conversationId).filter((m) => m.status === 'done' && m.content.trim() !== '');
  const out: ChatMessage[] = [];
  for (let i = stored.length - 1; i >= 0; i--) {
    const tokens = state.counter.count(stored[i]!.content);
    if (tokens > left) break;
    left -= tokens;
    out.unshift({ role: stored[i]!.role, content: stored[i]!.content });
  }
  // A history starts with a question.
  while (out.length > 0 && out[0]!.role !== 'user') out.shift();
  return out;
}

/** A root the session registered (the given path may be a symlink to it). */
function requireSafeRoot(root: string, roots: string[]): string {
  let real: string;
  try {
    real = realpathSync(root);
  } catch {
    throw new TandemError(ErrorCodes.WorkspaceNotRegistered, `The folder ${root} does not exist.`);
  }
  if (!roots.includes(real)) {
    throw new TandemError(ErrorCodes.WorkspaceNotRegistered, `${root} is not a workspace folder of this connection.`, {
      hint: 'Register it with tandem/workspace/register first (the extension registers the open folders).',
    });
  }
  return real;
}

export function cancelAgent(
  state: AgentState,
  params: z.output<typeof AgentCancelRequest.params>,
  { session }: RequestContext,
): AgentCancelRequest.Result {
  const controller = state.running.get(runningKey(session.id, params.taskId));
  controller?.abort();
  return { cancelled: controller !== undefined };
}
