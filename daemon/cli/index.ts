/**
 * `tandemd` subcommands. `tandemd help` renders this list.
 */
import type { CliCommand } from './command';
import { completeCommand } from './complete-command';
import { doctorCommand } from './doctor-command';
import { serveCommand } from './serve-command';
import { statusCommand } from './status-command';
import { stopCommand } from './stop-command';

export const commands: CliCommand[] = [serveCommand, statusCommand, stopCommand, doctorCommand, completeCommand];
