/**
 * Reporting what became of a command's use (`tandem/commands/outcome`), stamped with
 * the client's clock; a failed report is logged, never shown (tracking must not get in
 * the user's way). No vscode import.
 */
import type { CommandOutcomeRequest } from '../../protocol';
import type { Logger } from '../log';
import type { CommandsBackend } from './commands-backend';

export type CommandOutcomeReport = Omit<CommandOutcomeRequest.Params, 'at'>;

export interface OutcomeReporter {
  report(outcome: CommandOutcomeReport): void;
}

export function outcomeReporter(backend: Pick<CommandsBackend, 'reportOutcome'>, now: () => number, log: Logger): OutcomeReporter {
  return {
    report: (outcome) => {
      log.info(`${outcome.command} ${outcome.id}: ${outcome.outcome} (${outcome.model}, ${outcome.latencyMs} ms)`);
      void backend
        .reportOutcome({ ...outcome, at: now() })
        .catch((err: unknown) => log.warn(`could not record the ${outcome.command} outcome: ${(err as Error).message}`));
    },
  };
}
