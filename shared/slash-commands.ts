/**
 * Slash commands at the start of a chat or agent message: `/explain`, `/fix`, `/edit`,
 * `/test`, `/agent`. The chat panel and the daemon read them with the same function,
 * so a message routes to the same strategy whoever looks at it (pure).
 *
 * - `/explain` explains the code in question with read-only tools (Ask mode may answer
 *   it as a plain chat turn);
 * - `/fix` fixes the diagnostics of the active file (or the ones named);
 * - `/edit` changes the code as asked, without running commands;
 * - `/test` writes or updates tests and runs them with the project's test command;
 * - `/agent` runs the full agent with every tool.
 */
import type { AgentStrategy } from '../protocol';

export interface SlashCommand {
  strategy: AgentStrategy;
  /** The message without the command (trimmed); may be empty. */
  rest: string;
}

export interface SlashCommandInfo {
  name: `/${AgentStrategy}`;
  strategy: AgentStrategy;
  /** One line for the panel's command picker. */
  description: string;
  /** What the task is when nothing follows the command. */
  defaultTask: string;
}

export const slashCommands: readonly SlashCommandInfo[] = [
  {
    name: '/explain',
    strategy: 'explain',
    description: 'Explain the code in question (reads and searches, changes nothing).',
    defaultTask: 'Explain what the active file does and how it fits into the project.',
  },
  {
    name: '/fix',
    strategy: 'fix',
    description: 'Fix the problems the editor reports, then check they are gone.',
    defaultTask: 'Fix the problems reported in the active file.',
  },
  {
    name: '/edit',
    strategy: 'edit',
    description: 'Change the code as asked (no commands are run).',
    defaultTask: 'Improve the active file.',
  },
  {
    name: '/test',
    strategy: 'test',
    description: 'Write or update tests and run them.',
    defaultTask: 'Write tests for the active file and run them.',
  },
  {
    name: '/agent',
    strategy: 'agent',
    description: 'Run the agent with every tool.',
    defaultTask: 'Look at the workspace and report what you find.',
  },
];

/** The slash command a message starts with (case-insensitive, followed by a space or the end), or undefined. */
export function parseSlashCommand(text: string): SlashCommand | undefined {
  const m = /^\s*\/([A-Za-z]+)(?=\s|$)([\s\S]*)$/.exec(text);
  if (!m) return undefined;
  const info = slashCommands.find((c) => c.strategy === m[1]!.toLowerCase());
  if (!info) return undefined;
  return { strategy: info.strategy, rest: m[2]!.trim() };
}

/** The task text for a slash command: what followed it, or the command's default task. */
export function taskText(command: SlashCommand): string {
  return command.rest || slashCommands.find((c) => c.strategy === command.strategy)!.defaultTask;
}
