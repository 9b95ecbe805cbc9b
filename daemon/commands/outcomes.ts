/**
 * What became of each use of an everyday command (`tandem/commands/outcome`), stored in
 * the user database (table `command_outcomes`, no code text; one row per use, a later
 * report replacing the earlier), and summarised per command and per command and model
 * for `tandem/commands/stats`.
 */
import type { z } from 'zod';
import { CommandKinds, type CommandKind, type CommandOutcomeRequest, type CommandStatsRequest, type CommandStatsRow } from '../../protocol';
import type { Db } from '../storage/db';
import { timeRangeClause } from '../storage/time-range';

type OutcomeParams = z.output<typeof CommandOutcomeRequest.params>;

interface Row {
  command: CommandKind;
  outcome: string;
  model: string;
  latency_ms: number;
}

export class CommandOutcomeStore {
  constructor(private readonly db: Db) {}

  /** Store a report; true when it is the first for this use. */
  record(e: OutcomeParams): boolean {
    const seen = this.db.prepare('SELECT 1 FROM command_outcomes WHERE command = ? AND ref_id = ?').get(e.command, e.id) !== undefined;
    this.db
      .prepare(
        `INSERT INTO command_outcomes (at, command, ref_id, outcome, model, backend, language, rounds, latency_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (command, ref_id) DO UPDATE SET
           at = excluded.at, outcome = excluded.outcome, model = excluded.model, backend = excluded.backend,
           language = excluded.language, rounds = excluded.rounds, latency_ms = excluded.latency_ms`,
      )
      .run(e.at, e.command, e.id, e.outcome, e.model, e.backend ?? null, e.languageId ?? null, e.rounds, e.latencyMs);
    return !seen;
  }

  stats(params: z.output<typeof CommandStatsRequest.params>): CommandStatsRequest.Result {
    const { where, args } = timeRangeClause(params);
    const rows = this.db
      .prepare(`SELECT command, outcome, model, latency_ms FROM command_outcomes ${where} ORDER BY id`)
      .all(...args) as Row[];
    const total: CommandStatsRow[] = [];
    const byModel: CommandStatsRow[] = [];
    for (const command of CommandKinds) {
      const of = rows.filter((r) => r.command === command);
      if (of.length === 0) continue;
      total.push(summarise(command, of));
      const models = [...new Set(of.map((r) => r.model))].sort();
      byModel.push(
        ...models
          .map((m) =>
            summarise(
              command,
              of.filter((r) => r.model === m),
              m,
            ),
          )
          .sort((a, b) => b.used - a.used),
      );
    }
    return { total, byModel };
  }
}

function summarise(command: CommandKind, rows: Row[], model?: string): CommandStatsRow {
  const count = (o: string) => rows.filter((r) => r.outcome === o).length;
  const accepted = count('accepted');
  const rejected = count('rejected');
  const latencies = rows.map((r) => r.latency_ms).sort((a, b) => a - b);
  const nearestRank = (p: number) =>
    latencies.length === 0 ? null : latencies[Math.min(latencies.length, Math.max(1, Math.ceil((p / 100) * latencies.length))) - 1]!;
  const decided = accepted + rejected;
  return {
    command,
    ...(model !== undefined ? { model } : {}),
    used: rows.length,
    shown: count('shown'),
    accepted,
    rejected,
    failed: count('failed'),
    cancelled: count('cancelled'),
    acceptanceRate: decided > 0 ? Math.round((accepted / decided) * 10_000) / 10_000 : null,
    latencyMs: { count: latencies.length, p50: nearestRank(50), p95: nearestRank(95) },
  };
}
