/**
 * Plain-text rendering of acceptance statistics, shared by `tandemd stats` and the
 * extension's stats view.
 */
import type { FixStatsRequest, Percentiles, StatsGetRequest, StatsRow } from '../protocol';

function pct(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

function ms(p: Percentiles): string {
  if (p.count === 0 || p.p50 === null) return '—';
  return `${Math.round(p.p50)}/${Math.round(p.p95 ?? p.p50)}`;
}

function label(row: StatsRow): string {
  const parts = [row.model, row.backend, row.language].filter((x): x is string => x !== undefined);
  return parts.length > 0 ? parts.join(' · ') : 'all';
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function formatStats(stats: StatsGetRequest.Result): string {
  const rows = [stats.total, ...stats.rows];
  const header = [
    'group',
    'shown',
    'accepted',
    'partial',
    'dismissed',
    'accept rate',
    'retained 30s',
    'retained 2m',
    'retained 10m',
    'first token p50/p95 ms',
    'total p50/p95 ms',
  ];
  const table = rows.map((r) => [
    label(r),
    String(r.shown),
    String(r.accepted),
    String(r.partiallyAccepted),
    String(r.dismissed),
    pct(r.acceptanceRate),
    pct(r.retention['30'].rate),
    pct(r.retention['120'].rate),
    pct(r.retention['600'].rate),
    ms(r.latency.firstTokenMs),
    ms(r.latency.totalMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]))
      .join('  ')
      .trimEnd();
  const since = stats.sinceMs !== null ? new Date(stats.sinceMs).toISOString() : 'the beginning';
  const out = [
    `Inline completion acceptance since ${since} (grouped by ${stats.groupBy.join(', ') || 'nothing'})`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...table.map(line),
  ];
  if (stats.total.shown === 0) out.push('', 'No suggestions recorded yet.');
  return out.join('\n') + '\n';
}

/** Auto-fix success and multi-file edit outcomes, in total and per model. */
export function formatFixStats(fix: FixStatsRequest.Result): string {
  const rows = [...fix.total.map((r) => ({ ...r, model: 'all' })), ...fix.byModel.map((r) => ({ ...r, model: r.model ?? '—' }))];
  if (rows.every((r) => r.total === 0)) return 'Auto-fix and edits: no outcomes recorded yet.\n';
  const header = ['kind', 'model', 'total', 'resolved', 'unresolved', 'applied', 'rejected', 'failed', 'success', 'latency p50/p95 ms'];
  const table = rows
    .filter((r) => r.total > 0)
    .map((r) => [
      r.kind,
      r.model,
      String(r.total),
      String(r.resolved),
      String(r.unresolved),
      String(r.applied),
      String(r.rejected),
      String(r.failed),
      pct(r.successRate),
      r.latencyMs.count === 0 || r.latencyMs.p50 === null
        ? '—'
        : `${Math.round(r.latencyMs.p50)}/${Math.round(r.latencyMs.p95 ?? r.latencyMs.p50)}`,
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]))
      .join('  ')
      .trimEnd();
  return (
    [
      'Auto-fix (success = the diagnostic disappeared after applying) and multi-file edits',
      '',
      line(header),
      line(widths.map((w) => '-'.repeat(w))),
      ...table.map(line),
    ].join('\n') + '\n'
  );
}
