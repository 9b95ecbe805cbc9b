/**
 * Keeps the diagnostics of recent context assemblies, by completion id, so a user can
 * ask "why this suggestion?" after the fact. Bounded: the oldest records go first.
 */
import type { ContextDiagnostics } from '../../protocol';

export class DiagnosticsLog {
  private readonly records = new Map<string, ContextDiagnostics>();

  constructor(private readonly retention: number) {}

  record(d: ContextDiagnostics): void {
    this.records.delete(d.completionId);
    this.records.set(d.completionId, d);
    while (this.records.size > this.retention) {
      const oldest = this.records.keys().next().value as string;
      this.records.delete(oldest);
    }
  }

  get(completionId: string): ContextDiagnostics | undefined {
    return this.records.get(completionId);
  }
}

/** Milliseconds as reported in diagnostics and results (two decimals). */
export const roundMs = (n: number): number => Math.round(n * 100) / 100;

/** Scores as reported in diagnostics and search hits (six decimals). */
export const roundScore = (n: number): number => Math.round(n * 1e6) / 1e6;
