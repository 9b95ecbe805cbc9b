/**
 * What a built-in tool is: its name (as the model sees it), a description, a zod schema
 * for its arguments (the JSON Schema the model gets is derived from it, and every call
 * is validated against it before anything runs), its kind, and `run`. A tool returns an
 * honest, size-capped result or throws `ToolError` with a sentence the model can act on.
 */
import type { z } from 'zod';
import type { AgentEvent, AgentToolName, AgentTodoItem } from '../../../protocol';
import type { AgentConfig } from '../../config';
import type { SearchParams } from '../../context/engine';
import type { ContextSearchHit } from '../../../protocol';
import type { Logger } from '../../log';
import type { MemoryStore } from '../../memory/store';
import type { AgentIde } from '../ide';
import type { CommandAllowlist } from '../command-policy';
import type { WorkspaceFiles } from '../workspace-files';

/** `read`: looks only; `write`: changes files (collected into a step); `command`: runs a process; `meta`: plan, memory. */
export type ToolKind = 'read' | 'write' | 'command' | 'meta';

/** A write a tool proposes: the new text of each path it touches (null: gone), and whether it is a rename. */
export interface ProposedWrite {
  /** A rename stages the old path null and the new one with the file's text. */
  stage: Array<{ path: string; text: string | null }>;
  rename?: { from: string; to: string };
}

export interface ToolOutput {
  /** What goes back to the model (the loop clips it to `maxToolResultChars`). */
  output: string;
  /** One line for the step list. */
  summary: string;
  /** Write tools: the change to collect into the step. */
  write?: ProposedWrite;
}

export interface ToolContext {
  taskId: string;
  callId: string;
  files: WorkspaceFiles;
  config: AgentConfig;
  signal: AbortSignal;
  ide: AgentIde;
  logger: Logger;
  emit(event: AgentEvent): void;
  /** The context engine's search, when the root is indexed. */
  search?: (params: SearchParams) => Promise<{ hits: ContextSearchHit[]; semantic: { active: boolean; reason?: string } }>;
  memory: MemoryStore;
  /** The memory workspace key (the task's root). */
  workspace: string;
  /** Notes were stored (clients refresh their memory view). */
  memoryChanged(ids: string[]): void;
  todo: { items: AgentTodoItem[] };
  allowlist: CommandAllowlist;
  /** Command lines the user allowed for the rest of this task. */
  approvedCommands: Set<string>;
  /** Approvals given for the rest of this task for other kinds (`memory`, `mcp:<server>:<tool>`). */
  approvedForTask: Set<string>;
  /** The environment commands inherit (secrets removed by the runner). */
  env: NodeJS.ProcessEnv;
}

export interface AgentTool<S extends z.ZodType = z.ZodType> {
  name: AgentToolName;
  description: string;
  schema: S;
  kind: ToolKind;
  run(args: z.output<S>, ctx: ToolContext): Promise<ToolOutput>;
}

/** Define a tool with its schema's types flowing into `run`. */
export function tool<S extends z.ZodType>(t: AgentTool<S>): AgentTool<S> {
  return t;
}
