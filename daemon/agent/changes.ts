/**
 * The read side of agent tasks: a task's change set with its undo
 * (`tandem/agent/changes`), marking it undone, the task list, the stats and the tools a
 * task would be offered.
 */
import {
  ErrorCodes,
  TandemError,
  type AgentChangesRequest,
  type AgentListRequest,
  type AgentStatsRequest,
  type AgentToolInfo,
  type AgentToolsRequest,
  type AgentUndoneRequest,
  type z,
} from '../../protocol';
import { documentsMap, readDiskText, sessionRoots } from '../edit/workspace';
import { workspaceKey } from '../memory/feature';
import type { RequestContext } from '../server/rpc';
import { ChangeSet } from './change-set';
import type { AgentState } from './state';
import { builtinTools } from './tools/index';
import { WorkspaceFiles } from './workspace-files';

export function taskChanges(state: AgentState, params: z.output<typeof AgentChangesRequest.params>): AgentChangesRequest.Result {
  const task = state.tasks.get(params.taskId);
  if (!task)
    throw new TandemError(ErrorCodes.NotFound, `No agent task ${params.taskId}.`, {
      hint: 'Only tasks of this daemon’s database can be undone.',
    });
  const files = new WorkspaceFiles([task.workspace], task.workspace);
  const set = new ChangeSet(state.tasks.steps(params.taskId), (p) => files.relative(p));
  const docs = documentsMap(params.documents);
  return {
    taskId: params.taskId,
    steps: set.steps.map(({ stepId, appliedAt, changes }) => ({ stepId, appliedAt, changes })),
    files: set.files(),
    undo: task.undone ? [] : set.undo(),
    conflicts: task.undone ? [] : set.conflicts((p) => docs.get(p) ?? readDiskText(p, [task.workspace])),
    undone: task.undone,
  };
}

export function markUndone(state: AgentState, params: z.output<typeof AgentUndoneRequest.params>): AgentUndoneRequest.Result {
  const task = state.tasks.get(params.taskId);
  if (!task) throw new TandemError(ErrorCodes.NotFound, `No agent task ${params.taskId}.`);
  if (task.undone) throw new TandemError(ErrorCodes.InvalidParams, `The changes of agent task ${params.taskId} were undone already.`);
  return { marked: state.tasks.markUndone(params.taskId) };
}

export function listTasks(state: AgentState, params: z.output<typeof AgentListRequest.params>): AgentListRequest.Result {
  return { tasks: state.tasks.list(workspaceKey(params.workspace), params.limit) };
}

export function agentStats(state: AgentState, params: z.output<typeof AgentStatsRequest.params>): AgentStatsRequest.Result {
  return state.tasks.stats(params ?? {});
}

const NEEDS_APPROVAL = new Set(['run_command', 'run_tests', 'remember']);

export async function agentTools(
  state: AgentState,
  params: z.output<typeof AgentToolsRequest.params>,
  { session }: RequestContext,
): Promise<AgentToolsRequest.Result> {
  const roots = sessionRoots(session);
  const root = params?.root ? workspaceKey(params.root) : roots[0]!;
  const tools: AgentToolInfo[] = builtinTools.map((t) => ({
    name: t.name,
    source: 'builtin',
    description: t.description,
    enabled: true,
    needsApproval: NEEDS_APPROVAL.has(t.name),
    writes: t.kind === 'write',
  }));
  const { servers } = await state.mcp.list(root, true);
  for (const s of servers) {
    for (const t of s.tools) {
      tools.push({
        name: t.name,
        source: 'mcp',
        server: s.name,
        description: t.description,
        enabled: t.enabled,
        needsApproval: !s.trusted,
        writes: false,
      });
    }
  }
  return { tools };
}
