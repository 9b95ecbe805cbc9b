/**
 * The `backend_health` table: one row per backend each time the router reports a change
 * of a backend's health or circuit state (`recordBackendHealth`), read back by
 * `tandem/health/history` (`healthHistory`). Errors are stored as the router reported
 * them (already scrubbed) and redacted again when read, so rows written before a
 * credential was configured, or by an older tandemd, leak nothing either.
 */
import { ErrorCodes, TandemError, type BackendStatus, type HealthHistoryEntry, type HealthHistoryRequest, type z } from '../../protocol';
import type { Db } from '../storage/db';

export type HealthParams = z.output<typeof HealthHistoryRequest.params>;

interface Row {
  at: number;
  backend: string;
  health: HealthHistoryEntry['health'];
  circuit: HealthHistoryEntry['circuit'];
  latency_ms: number | null;
  error: string | null;
}

/** Store the state of every backend at `at` (one transaction). */
export function recordBackendHealth(db: Db, backends: readonly BackendStatus[], at = Date.now()): void {
  const insert = db.prepare('INSERT INTO backend_health (at, backend, health, circuit, latency_ms, error) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const b of backends) insert.run(at, b.name, b.health, b.circuit, b.latencyMs, b.lastError ?? null);
  })();
}

export function healthHistory(
  db: Db,
  params: HealthParams | undefined,
  redact: (text: string) => string = (text) => text,
): HealthHistoryRequest.Result {
  const p = params ?? {};
  if (p.sinceMs !== undefined && p.untilMs !== undefined && p.untilMs < p.sinceMs) {
    throw new TandemError(ErrorCodes.InvalidParams, `untilMs (${p.untilMs}) is before sinceMs (${p.sinceMs}).`);
  }
  const limit = p.limit ?? 2000;
  const where: string[] = [];
  const args: Array<number | string> = [];
  if (p.sinceMs !== undefined) {
    where.push('at >= ?');
    args.push(p.sinceMs);
  }
  if (p.untilMs !== undefined) {
    where.push('at < ?');
    args.push(p.untilMs);
  }
  if (p.backend !== undefined) {
    where.push('backend = ?');
    args.push(p.backend);
  }
  const rows = db
    .prepare(
      `SELECT at, backend, health, circuit, latency_ms, error FROM backend_health ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`,
    )
    .all(...args, limit + 1) as Row[];
  const truncated = rows.length > limit;
  const entries = rows
    .slice(0, limit)
    .reverse()
    .map((r) => ({
      at: r.at,
      backend: r.backend,
      health: r.health,
      circuit: r.circuit,
      latencyMs: r.latency_ms,
      ...(r.error !== null ? { error: redact(r.error) } : {}),
    }));
  return { entries, truncated };
}
