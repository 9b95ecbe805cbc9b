/**
 * What the next-edit handler shares between requests: the token counts its budgets
 * are counted with (remembered, `counts.ts`), its Prometheus counter of outcomes, and the preloading of the
 * next-edit model beside the completion model once a backend lists it (so the first
 * suggestion does not wait for a model load; keep_alive keeps it loaded afterwards).
 */
import { Counter, Histogram } from 'prom-client';
import type { BackendStatus } from '../../protocol';
import { TokenCounter } from '../context/budget';
import type { FeatureHost } from '../host/types';
import { sameModel } from '../router/backend';
import { RememberedCounts } from './counts';

export interface NextEditState {
  readonly host: FeatureHost;
  /** Exact counts (tiktoken), remembered between requests. */
  readonly counter: RememberedCounts;
  /** Suggestion requests by outcome (`suggested`, `none`) and refusal reason. */
  readonly requests: Counter<'outcome' | 'reason' | 'format'>;
  /** Daemon-side time of a request without the model (context, prompt, parsing), seconds. */
  readonly overhead: Histogram<'format'>;
  dispose(): void;
}

export function createNextEditState(host: FeatureHost): NextEditState {
  const registers = [host.metrics.registry];
  const requests = new Counter({
    name: 'tandem_next_edit_requests_total',
    help: 'Next-edit requests answered, by outcome (suggested, none), refusal reason (no_change, outside_region, undo, unparsable, truncated, empty, budget; empty when suggested) and prompt format.',
    labelNames: ['outcome', 'reason', 'format'] as const,
    registers,
  });
  const overhead = new Histogram({
    name: 'tandem_next_edit_overhead_seconds',
    help: 'Time tandemd spends on a next-edit request besides the model call (retrieval, prompt, parsing), by prompt format.',
    labelNames: ['format'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25],
    registers,
  });
  const tokens = new TokenCounter();
  const warmed = new Set<string>();
  const warm = (status: BackendStatus[]) => {
    const model = host.config().tasks.nextEdit.model;
    const ready = status.some((b) => b.health === 'up' && (b.models ?? []).some((m) => sameModel(m, model)));
    if (!ready || warmed.has(model) || !host.router.warm) return;
    warmed.add(model);
    void host.router.warm('nextEdit').then((backend) => {
      if (backend) host.logger.info(`Next-edit model ${model} loaded on ${backend}.`);
      // A load that failed (a slow backend past the task's timeout) is tried again at the next status change.
      else warmed.delete(model);
    });
  };
  const unsubscribe = host.router.onStatusChange(warm);
  // The first probe may have answered before this feature subscribed: status changes are only told once.
  warm(host.router.status());
  return {
    host,
    counter: new RememberedCounts(tokens),
    requests,
    overhead,
    dispose() {
      unsubscribe();
      tokens.dispose();
      host.metrics.registry.removeSingleMetric('tandem_next_edit_requests_total');
      host.metrics.registry.removeSingleMetric('tandem_next_edit_overhead_seconds');
    },
  };
}
