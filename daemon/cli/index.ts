/**
 * `tandemd` subcommands. `tandemd help` renders this list.
 */
import { agentCommand } from './agent-command';
import type { CliCommand } from './command';
import { completeCommand } from './complete-command';
import { doctorCommand } from './doctor-command';
import { indexCommand } from './index-command';
import { retrieveCommand } from './retrieve-command';
import { searchCommand } from './search-command';
import { serveCommand } from './serve-command';
import { statsCommand } from './stats-command';
import { statusCommand } from './status-command';
import { stopCommand } from './stop-command';

export const commands: CliCommand[] = [
  serveCommand,
  statusCommand,
  stopCommand,
  doctorCommand,
  completeCommand,
  indexCommand,
  retrieveCommand,
  searchCommand,
  statsCommand,
  agentCommand,
];
