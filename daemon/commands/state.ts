/**
 * What the everyday commands' handlers share: the host, the outcome store and their
 * counters on /metrics. Labels stay bounded: `command` and `outcome` are enums, and
 * `model` is one of the configured task models or `other` (a client reports whatever
 * model string it got back, and a scrape must not grow with them).
 */
import { Counter, Histogram } from 'prom-client';
import type { FeatureHost } from '../host/types';
import { TaskTypes } from '../../protocol';
import { TokenCounter } from '../context/budget';
import { CommandOutcomeStore } from './outcomes';

export interface CommandsState {
  readonly host: FeatureHost;
  readonly outcomes: CommandOutcomeStore;
  /** `tandem_command_uses_total{command, model}`: each use once. */
  readonly uses: Counter<'command' | 'model'>;
  /** `tandem_command_outcomes_total{command, outcome, model}`: every reported outcome (a use may report shown, then accepted). */
  readonly outcomeCounts: Counter<'command' | 'outcome' | 'model'>;
  /** `tandem_command_latency_seconds{command, model}`: command to result shown, as the client measured it. */
  readonly latency: Histogram<'command' | 'model'>;
  /** `tandem_command_proposals_total{command, result}`: what the daemon answered (usable, refused). */
  readonly proposals: Counter<'command' | 'result'>;
  /** The token counter for diff budgets, made on first use (loading the encoding takes a moment). */
  counter(): TokenCounter;
}

const METRICS = [
  'tandem_command_uses_total',
  'tandem_command_outcomes_total',
  'tandem_command_latency_seconds',
  'tandem_command_proposals_total',
] as const;

export function createCommandsState(host: FeatureHost): CommandsState {
  const registers = [host.metrics.registry];
  let counter: TokenCounter | undefined;
  return {
    counter: () => (counter ??= new TokenCounter()),
    host,
    outcomes: new CommandOutcomeStore(host.db),
    uses: new Counter({
      name: METRICS[0],
      help: 'Uses of the everyday commands (inlineEdit, commitMessage, generateTests, explain), by command and model.',
      labelNames: ['command', 'model'] as const,
      registers,
    }),
    outcomeCounts: new Counter({
      name: METRICS[1],
      help: 'Reported outcomes of the everyday commands (shown, accepted, rejected, failed, cancelled), by command and model.',
      labelNames: ['command', 'outcome', 'model'] as const,
      registers,
    }),
    latency: new Histogram({
      name: METRICS[2],
      help: 'Time from an everyday command to its result being shown, as the client measured it, by command and model.',
      labelNames: ['command', 'model'] as const,
      buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120],
      registers,
    }),
    proposals: new Counter({
      name: METRICS[3],
      help: 'Proposals of the everyday commands, by command and whether the answer was usable or refused.',
      labelNames: ['command', 'result'] as const,
      registers,
    }),
  };
}

export function disposeCommandsState(state: CommandsState): void {
  for (const m of METRICS) state.host.metrics.registry.removeSingleMetric(m);
}

/** `model` when it is one of the configured task models, else `other`. */
export function modelLabel(host: FeatureHost, model: string): string {
  const tasks = host.config().tasks;
  return TaskTypes.some((t) => tasks[t]?.model === model) ? model : 'other';
}

/** Ms with one decimal. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
