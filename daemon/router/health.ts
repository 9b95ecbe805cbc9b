/**
 * Health bookkeeping of one backend (pure; time comes from an injected clock):
 * up/down/unknown, a circuit breaker and latency averages.
 *
 * Circuit breaker: `failureThreshold` consecutive failures open the circuit; calls skip
 * the backend until `cooldownMs` has passed; then exactly one trial (a call or a health
 * probe) is let through (`half-open`). Its success closes the circuit, its failure
 * opens it for another cooldown.
 */
import type { TaskType } from '../../protocol';

export interface BreakerSettings {
  failureThreshold: number;
  cooldownMs: number;
}

/** Weight of the newest sample in the latency averages. */
const EWMA_ALPHA = 0.3;

export class BackendHealth {
  health: 'up' | 'down' | 'unknown' = 'unknown';
  consecutiveFailures = 0;
  lastError: string | undefined;
  lastCheckedAt: number | undefined;
  private circuit: 'closed' | 'open' | 'half-open' = 'closed';
  private openedAt = 0;
  private trialInFlight = false;
  /** EWMA latency over all calls and probes (what the status shows). */
  latencyMs: number | null = null;
  /** EWMA time to first token per task (what routing compares). */
  private readonly taskLatency = new Map<TaskType, number>();

  constructor(
    private settings: BreakerSettings,
    private readonly now: () => number,
  ) {}

  updateSettings(settings: BreakerSettings): void {
    this.settings = settings;
  }

  /** The circuit state as of now (an open circuit past its cooldown reports half-open). */
  circuitState(): 'closed' | 'open' | 'half-open' {
    if (this.circuit === 'open' && this.now() - this.openedAt >= this.settings.cooldownMs && !this.trialInFlight) return 'half-open';
    return this.circuit;
  }

  /** May a call go to this backend now? Never consumes the half-open trial. */
  available(): boolean {
    const state = this.circuitState();
    return state === 'closed' || (state === 'half-open' && !this.trialInFlight);
  }

  /**
   * Claim the right to send a call (or probe) now. For a half-open circuit this takes the
   * single trial slot; the caller must report `success()` or `failure()` (or `release()`).
   */
  acquire(): boolean {
    const state = this.circuitState();
    if (state === 'closed') return true;
    if (state === 'half-open' && !this.trialInFlight) {
      this.circuit = 'half-open';
      this.trialInFlight = true;
      return true;
    }
    return false;
  }

  /** Give back a trial slot that ended without a verdict (cancelled, or a request-level error). */
  release(): void {
    if (this.trialInFlight) {
      this.trialInFlight = false;
      this.circuit = 'open';
      // Let the next caller try right away: the cooldown already passed.
    }
  }

  success(latencyMs?: number, task?: TaskType): void {
    this.health = 'up';
    this.consecutiveFailures = 0;
    this.lastError = undefined;
    this.lastCheckedAt = this.now();
    this.circuit = 'closed';
    this.trialInFlight = false;
    if (latencyMs !== undefined) this.observe(latencyMs, task);
  }

  failure(message: string): void {
    this.health = 'down';
    this.consecutiveFailures++;
    this.lastError = message;
    this.lastCheckedAt = this.now();
    if (this.circuit === 'half-open' || this.trialInFlight) {
      this.circuit = 'open';
      this.openedAt = this.now();
      this.trialInFlight = false;
    } else if (this.circuit === 'closed' && this.consecutiveFailures >= this.settings.failureThreshold) {
      this.circuit = 'open';
      this.openedAt = this.now();
    }
  }

  observe(latencyMs: number, task?: TaskType): void {
    this.latencyMs = this.latencyMs === null ? latencyMs : this.latencyMs + EWMA_ALPHA * (latencyMs - this.latencyMs);
    if (task) {
      const prev = this.taskLatency.get(task);
      this.taskLatency.set(task, prev === undefined ? latencyMs : prev + EWMA_ALPHA * (latencyMs - prev));
    }
  }

  /** Latency used to rank backends for a task: the task's average, else the overall one. */
  latencyFor(task: TaskType): number | null {
    return this.taskLatency.get(task) ?? this.latencyMs;
  }
}
