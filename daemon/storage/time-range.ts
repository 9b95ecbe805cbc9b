/**
 * The `WHERE` clause every store uses to read a period: `at` (epoch ms) from `sinceMs`
 * inclusive to `untilMs` exclusive, either bound optional.
 */
export interface TimeRange {
  sinceMs?: number;
  untilMs?: number;
}

/** `{ where: 'WHERE at >= ? AND at < ?', args }`, or an empty clause when unbounded. */
export function timeRangeClause(range: TimeRange, column = 'at'): { where: string; args: number[] } {
  const parts: string[] = [];
  const args: number[] = [];
  if (range.sinceMs !== undefined) {
    parts.push(`${column} >= ?`);
    args.push(range.sinceMs);
  }
  if (range.untilMs !== undefined) {
    parts.push(`${column} < ?`);
    args.push(range.untilMs);
  }
  return { where: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', args };
}
