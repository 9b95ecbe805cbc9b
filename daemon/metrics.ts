/**
 * Prometheus metrics (prom-client), served as text on `GET /metrics`. One registry per
 * daemon instance so tests can run several daemons in one process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsOptions {
  /** Collect Node process metrics (heap, event loop lag). */
  processMetrics?: boolean;
}

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  readonly registry = new Registry();

  /** Protocol requests by method and outcome (`ok` or an error kind). */
  readonly rpcRequests = new Counter({
    name: 'tandem_rpc_requests_total',
    help: 'Protocol requests handled, by method and outcome.',
    labelNames: ['method', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly rpcDuration = new Histogram({
    name: 'tandem_rpc_request_duration_seconds',
    help: 'Protocol request handling time, by method.',
    labelNames: ['method'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  /** Errors by kind and where they happened (`rpc`, `transport`, `backend`, `storage`). */
  readonly errors = new Counter({
    name: 'tandem_errors_total',
    help: 'Errors by kind and origin.',
    labelNames: ['kind', 'origin'] as const,
    registers: [this.registry],
  });
  /** Model calls by backend, task and outcome. */
  readonly modelRequests = new Counter({
    name: 'tandem_model_requests_total',
    help: 'Model calls routed to a backend, by backend, task and outcome (ok, error, timeout, cancelled).',
    labelNames: ['backend', 'task', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly modelFirstToken = new Histogram({
    name: 'tandem_model_first_token_seconds',
    help: 'Time from sending a model call to its first token, by backend and task.',
    labelNames: ['backend', 'task'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  readonly modelDuration = new Histogram({
    name: 'tandem_model_request_duration_seconds',
    help: 'Total model call time, by backend and task.',
    labelNames: ['backend', 'task'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  readonly failovers = new Counter({
    name: 'tandem_router_failovers_total',
    help: 'Times a call moved on from a failing backend to the next one.',
    labelNames: ['from', 'task'] as const,
    registers: [this.registry],
  });
  readonly backendUp = new Gauge({
    name: 'tandem_backend_up',
    help: '1 when the backend is healthy, 0 when down or its circuit is open.',
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });
  readonly clients = new Gauge({
    name: 'tandem_clients',
    help: 'Connected protocol clients.',
    registers: [this.registry],
  });

  constructor(opts: MetricsOptions = {}) {
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'tandem_' });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
