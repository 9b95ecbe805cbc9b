/**
 * The built-in tools in the order the model sees them, and which of them a task gets:
 * its strategy's set, less what the client cannot do (no write tools without
 * `applyEdits`, no get_diagnostics without `diagnostics`).
 */
import { z } from 'zod';
import type { AgentStrategy, AgentToolName } from '../../../protocol';
import type { ModelTool } from '../../router/types';
import type { AgentIde } from '../ide';
import { gitTool, runCommandTool, runTestsTool } from './command';
import { getDiagnosticsTool, rememberTool, todoTool } from './meta';
import { grepTool, listFilesTool, readFileTool, searchCodeTool } from './read';
import type { AgentTool } from './types';
import { createFileTool, deleteFileTool, editFileTool, renameFileTool } from './write';

export const builtinTools: readonly AgentTool[] = [
  readFileTool,
  listFilesTool,
  searchCodeTool,
  grepTool,
  getDiagnosticsTool,
  editFileTool,
  createFileTool,
  deleteFileTool,
  renameFileTool,
  runCommandTool,
  gitTool,
  runTestsTool,
  todoTool,
  rememberTool,
] as AgentTool[];

const READ_ONLY: readonly AgentToolName[] = [
  'read_file',
  'list_files',
  'search_code',
  'grep',
  'get_diagnostics',
  'git',
  'todo',
  'remember',
];

/** The tools of a strategy: `explain` reads only, `edit` runs no commands, the others get everything. */
export function strategyTools(strategy: AgentStrategy): readonly AgentToolName[] {
  if (strategy === 'explain') return READ_ONLY;
  if (strategy === 'edit') return builtinTools.map((t) => t.name).filter((n) => n !== 'run_command' && n !== 'run_tests');
  return builtinTools.map((t) => t.name);
}

/** The built-in tools a task is offered. */
export function toolsFor(strategy: AgentStrategy, ide: Pick<AgentIde, 'canApplyEdits' | 'canDiagnose'>, searchable: boolean): AgentTool[] {
  const names = new Set(strategyTools(strategy));
  return builtinTools.filter(
    (t) =>
      names.has(t.name) &&
      (t.kind !== 'write' || ide.canApplyEdits) &&
      (t.name !== 'get_diagnostics' || ide.canDiagnose) &&
      (t.name !== 'search_code' || searchable),
  );
}

/** The definition the model gets: name, description, and the JSON Schema of the zod schema. */
export function modelTool(t: Pick<AgentTool, 'name' | 'description' | 'schema'>): ModelTool {
  const schema = z.toJSONSchema(t.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  return { name: t.name, description: t.description, parameters: schema };
}
