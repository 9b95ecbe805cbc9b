/**
 * What the edit feature's handlers share: the host, the outcome store, the plan store
 * and the proposal and outcome counters on /metrics.
 */
import { Counter } from 'prom-client';
import type { FeatureHost } from '../host/types';
import { EditOutcomeStore } from './outcomes';
import { PlanStore } from './plan-store';

export interface EditState {
  readonly host: FeatureHost;
  readonly outcomes: EditOutcomeStore;
  readonly plans: PlanStore;
  /** `tandem_edit_proposals_total{kind, result}`. */
  readonly proposals: Counter<'kind' | 'result'>;
  /** `tandem_edit_outcomes_total{kind, outcome}`. */
  readonly outcomeCounts: Counter<'kind' | 'outcome'>;
}

export function createEditState(host: FeatureHost): EditState {
  return {
    host,
    outcomes: new EditOutcomeStore(host.db),
    plans: new PlanStore(),
    proposals: new Counter({
      name: 'tandem_edit_proposals_total',
      help: 'Fix and multi-file edit proposals, by kind (fix, plan, edit) and whether they produced any change.',
      labelNames: ['kind', 'result'] as const,
      registers: [host.metrics.registry],
    }),
    outcomeCounts: new Counter({
      name: 'tandem_edit_outcomes_total',
      help: 'Reported outcomes of fixes and multi-file edits (resolved = the diagnostic disappeared).',
      labelNames: ['kind', 'outcome'] as const,
      registers: [host.metrics.registry],
    }),
  };
}

export function disposeEditState(edit: EditState): void {
  edit.plans.clear();
  edit.host.metrics.registry.removeSingleMetric('tandem_edit_proposals_total');
  edit.host.metrics.registry.removeSingleMetric('tandem_edit_outcomes_total');
}

/** The `timings` of a proposal, ms with one decimal; the total runs until now. */
export function proposalTimings(
  started: number,
  contextMs: number,
  modelMs: number,
): { contextMs: number; modelMs: number; totalMs: number } {
  return { contextMs: round(contextMs), modelMs: round(modelMs), totalMs: round(performance.now() - started) };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
