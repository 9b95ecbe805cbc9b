/**
 * One agent task from start to end, whoever asked for it (the editor through
 * `tandem/agent/run`, or `tandemd agent`): the strategy (a leading slash command picks
 * it), the budgets, the tools the client can serve, the MCP tools, the memory notes in
 * the prompt, the loop, and what is kept: the task record, its applied steps, its
 * change set, the usage and the metrics.
 */
import {
  ErrorCodes,
  TandemError,
  type AgentEvent,
  type AgentRunResult,
  type AgentStrategy,
  type AgentUsage,
  type OpenDocument,
} from '../../protocol';
import { parseSlashCommand, taskText } from '../../shared/slash-commands';
import type { TandemConfig } from '../config';
import type { SearchParams } from '../context/engine';
import type { ContextSearchHit } from '../../protocol';
import type { Logger } from '../log';
import { promptNotes } from '../memory/prompt-notes';
import type { MemoryStore } from '../memory/store';
import type { ChatMessage, ModelRouter } from '../router/types';
import { ChangeSet } from './change-set';
import { CommandAllowlist } from './command-policy';
import type { AgentIde } from './ide';
import { AgentLoop, type ExternalTool } from './loop';
import type { AgentMetrics } from './metrics';
import { systemPrompt } from './prompt';
import type { AgentTaskStore } from './task-store';
import { toolsFor } from './tools/index';
import { WorkspaceFiles } from './workspace-files';

export interface AgentRunnerDeps {
  router: ModelRouter;
  count(text: string): number;
  config: TandemConfig;
  logger: Logger;
  tasks: AgentTaskStore;
  memory: MemoryStore;
  /** MCP tools for a root (errors are reported as notices, never fail the task). */
  mcpTools?(root: string, signal: AbortSignal): Promise<{ tools: ExternalTool[]; problems: string[] }>;
  search?(params: SearchParams): Promise<{ hits: ContextSearchHit[]; semantic: { active: boolean; reason?: string } }>;
  metrics?: AgentMetrics;
  env: NodeJS.ProcessEnv;
  memoryChanged(workspace: string, ids: string[]): void;
}

export interface AgentRunInput {
  taskId: string;
  text: string;
  strategy?: AgentStrategy;
  /** The root to work in (a real path), and every root the client may reach. */
  root: string;
  roots: string[];
  activeFile?: string;
  documents: OpenDocument[];
  budgets: { maxToolCalls?: number; maxTokens?: number; maxWallSec?: number };
  allowCommands: string[];
  model?: string;
  /** Earlier turns of a conversation the task belongs to. */
  history?: ChatMessage[];
}

export async function runAgentTask(
  deps: AgentRunnerDeps,
  input: AgentRunInput,
  ide: AgentIde,
  emit: (event: AgentEvent) => void,
  signal: AbortSignal,
): Promise<AgentRunResult> {
  const { config } = deps;
  const slash = input.strategy ? undefined : parseSlashCommand(input.text);
  const strategy = input.strategy ?? slash?.strategy ?? 'agent';
  const text = slash ? taskText(slash) : input.text;
  let allowlist: CommandAllowlist;
  try {
    allowlist = new CommandAllowlist([...config.agent.commandAllowlist, ...input.allowCommands]);
  } catch (err) {
    throw new TandemError(ErrorCodes.InvalidParams, (err as Error).message);
  }
  const budgets: AgentUsage['budgets'] = {
    maxToolCalls: input.budgets.maxToolCalls ?? config.agent.maxToolCalls,
    maxTokens: input.budgets.maxTokens ?? config.agent.maxTokens,
    maxWallSec: input.budgets.maxWallSec ?? config.agent.maxWallSec,
  };
  const task = config.tasks.agent;
  const model = input.model ?? task.model;
  const files = new WorkspaceFiles(input.roots, input.root, input.documents);
  const tools = toolsFor(strategy, ide, deps.search !== undefined);
  let external: ExternalTool[] = [];
  if (deps.mcpTools && strategy !== 'explain') {
    const mcp = await deps.mcpTools(input.root, signal);
    external = mcp.tools;
    for (const p of mcp.problems) emit({ kind: 'notice', level: 'warn', message: p });
  }
  const room = task.num_ctx - task.num_predict;
  const notes = promptNotes(deps.memory, {
    workspace: input.root,
    query: text,
    budgetTokens: Math.floor(room * config.memory.promptShare),
    maxNotes: config.memory.maxNotesPerPrompt,
    count: deps.count,
  });
  const activeFile = input.activeFile ? files.relative(input.activeFile) : undefined;
  const system = systemPrompt({
    strategy,
    root: input.root,
    tools: [...tools.map((t) => t.name), ...external.map((t) => t.name)],
    limitation: ide.limitation,
    memory: notes.text,
    activeFile,
  });
  if (ide.limitation) emit({ kind: 'notice', level: 'info', message: `${ide.limitation} Tools that need it are not offered.` });
  if (notes.notes.length > 0)
    emit({ kind: 'notice', level: 'info', message: `Project memory in the prompt: ${notes.notes.map((n) => n.title).join('; ')}` });
  const messages: ChatMessage[] = [{ role: 'system', content: system }, ...(input.history ?? []), { role: 'user', content: text }];

  deps.tasks.begin({ id: input.taskId, workspace: input.root, title: text.split('\n', 1)[0]!, strategy, model });
  const changes = new ChangeSet([], (p) => files.relative(p));
  const todo = { items: [] as AgentRunResult['todo'] };
  const loop = new AgentLoop(
    {
      router: deps.router,
      count: deps.count,
      task,
      agent: config.agent,
      logger: deps.logger,
      emit,
      tools,
      external,
      toolContext: {
        taskId: input.taskId,
        files,
        config: config.agent,
        ide,
        logger: deps.logger,
        emit,
        ...(deps.search ? { search: deps.search } : {}),
        memory: deps.memory,
        workspace: input.root,
        memoryChanged: (ids) => deps.memoryChanged(input.root, ids),
        todo,
        allowlist,
        approvedCommands: new Set(),
        approvedForTask: new Set(),
        env: deps.env,
      },
      onStepApplied: (step) => {
        changes.add(step);
        deps.tasks.addStep(input.taskId, step);
      },
      onToolCall: (tool, status, ms) => {
        deps.tasks.recordToolCall(input.taskId, tool, status, ms);
        deps.metrics?.toolCall(tool, status);
      },
      onUsage: (u) => deps.tasks.usage(input.taskId, u),
    },
    { taskId: input.taskId, ...(input.model ? { model: input.model } : {}), messages, budgets },
  );
  try {
    const r = await loop.run(signal);
    const result: AgentRunResult = {
      ...r,
      todo: todo.items,
      files: changes.files(),
      model: r.model ?? model,
      ...(r.backend ? { backend: r.backend } : {}),
    };
    deps.tasks.finish(input.taskId, { ...result, filesChanged: result.files.length });
    deps.metrics?.task(result);
    deps.logger.info(
      `Agent task ${input.taskId} ${result.status} (${result.stopReason}): ${result.usage.toolCalls} tool calls, ${result.usage.tokensIn}+${result.usage.tokensOut} tokens, ${result.usage.elapsedMs} ms, ${result.files.length} files changed.`,
    );
    return result;
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    deps.tasks.finish(input.taskId, {
      status: 'failed',
      stopReason: 'model_error',
      answer: message,
      filesChanged: changes.files().length,
      usage: { modelCalls: 0, toolCalls: 0, tokensIn: 0, tokensOut: 0, elapsedMs: 0 },
    });
    deps.metrics?.failed();
    throw err;
  }
}
