/**
 * What became of fixes and multi-file edits (`tandem/fix/outcome`), stored in the user
 * database (table `edit_outcomes`, no code text) and summarised for `tandem/fix/stats`:
 * auto-fix success is the share of applied fixes whose diagnostics disappeared. One row
 * per fix or plan: a later report for the same id replaces the earlier one.
 */
import type { Db } from '../storage/db';
import { timeRangeClause } from '../storage/time-range';
import type { FixOutcomeRequest, FixStatsRequest, FixStatsRow } from '../../protocol';
import type { z } from 'zod';

type OutcomeParams = z.output<typeof FixOutcomeRequest.params>;

interface Row {
  kind: 'fix' | 'edit';
  outcome: string;
  model: string;
  latency_ms: number;
}

export class EditOutcomeStore {
  constructor(private readonly db: Db) {}

  record(e: OutcomeParams): void {
    this.db
      .prepare(
        `INSERT INTO edit_outcomes (at, kind, ref_id, outcome, model, backend, language, applied_by, diagnostics, resolved_diagnostics, files, latency_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, ref_id) DO UPDATE SET
           at = excluded.at, outcome = excluded.outcome, model = excluded.model, backend = excluded.backend,
           language = excluded.language, applied_by = excluded.applied_by, diagnostics = excluded.diagnostics,
           resolved_diagnostics = excluded.resolved_diagnostics, files = excluded.files, latency_ms = excluded.latency_ms`,
      )
      .run(
        e.at,
        e.kind,
        e.id,
        e.outcome,
        e.model,
        e.backend,
        e.languageId ?? null,
        e.appliedBy ?? null,
        e.diagnostics,
        e.resolvedDiagnostics,
        e.files,
        e.latencyMs,
      );
  }

  stats(params: z.output<typeof FixStatsRequest.params>): FixStatsRequest.Result {
    const { where, args } = timeRangeClause(params);
    const rows = this.db.prepare(`SELECT kind, outcome, model, latency_ms FROM edit_outcomes ${where} ORDER BY id`).all(...args) as Row[];
    const total: FixStatsRow[] = [];
    const byModel: FixStatsRow[] = [];
    for (const kind of ['fix', 'edit'] as const) {
      const ofKind = rows.filter((r) => r.kind === kind);
      if (ofKind.length === 0) continue;
      total.push(summarise(kind, ofKind));
      const models = [...new Set(ofKind.map((r) => r.model))].sort();
      const perModel = models.map((m) =>
        summarise(
          kind,
          ofKind.filter((r) => r.model === m),
          m,
        ),
      );
      byModel.push(...perModel.sort((a, b) => b.total - a.total));
    }
    return { total, byModel };
  }
}

function summarise(kind: 'fix' | 'edit', rows: Row[], model?: string): FixStatsRow {
  const count = (o: string) => rows.filter((r) => r.outcome === o).length;
  const resolved = count('resolved');
  const unresolved = count('unresolved');
  const applied = count('applied');
  const decided = resolved + unresolved;
  const successRate = kind === 'fix' ? (decided > 0 ? resolved / decided : null) : rows.length > 0 ? applied / rows.length : null;
  const latencies = rows.map((r) => r.latency_ms).sort((a, b) => a - b);
  const nearestRank = (p: number) =>
    latencies.length === 0 ? null : latencies[Math.min(latencies.length, Math.max(1, Math.ceil((p / 100) * latencies.length))) - 1]!;
  return {
    kind,
    ...(model !== undefined ? { model } : {}),
    total: rows.length,
    resolved,
    unresolved,
    rejected: count('rejected'),
    failed: count('failed'),
    applied,
    successRate: successRate === null ? null : Math.round(successRate * 10_000) / 10_000,
    latencyMs: { count: latencies.length, p50: nearestRank(50), p95: nearestRank(95) },
  };
}
