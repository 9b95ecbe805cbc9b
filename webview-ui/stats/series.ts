/**
 * From dashboard data to what is drawn: each chart's labels and datasets, the table
 * holding the same numbers, and the formatting of values. Pure, so the charts, the
 * tables and the canvas' accessible description cannot disagree.
 */
import type { DashboardData } from './messages';

/** Colours by role; resolved from VS Code's chart theme variables by the view. */
export type SeriesColor = 'blue' | 'green' | 'yellow' | 'orange' | 'red' | 'purple' | 'foreground';

export type ValueFormat = 'percent' | 'ms' | 'count' | 'tokens';

export interface Dataset {
  label: string;
  color: SeriesColor;
  /** One value per label; null where there is no data. */
  data: Array<number | null>;
  format: ValueFormat;
  /** Stack id for stacked bars. */
  stack?: string;
}

export interface CategoryChart {
  id: string;
  title: string;
  kind: 'line' | 'bar';
  labels: string[];
  datasets: Dataset[];
  /** Y axis as a percentage 0–100. */
  percentAxis?: boolean;
  stacked?: boolean;
}

export interface Table {
  columns: string[];
  rows: string[][];
}

export interface Section {
  id: string;
  title: string;
  description: string;
  chart: CategoryChart | HealthChart | null;
  table: Table;
  /** Shown instead of chart and table when there is nothing in the period. */
  empty?: string;
}

/** Backend health over time: one stepped line per backend, 1 = up, 0.5 = unknown, 0 = down or circuit open. */
export interface HealthChart {
  id: string;
  title: string;
  kind: 'health';
  minMs: number;
  maxMs: number;
  backends: Array<{ name: string; color: SeriesColor; points: Array<{ x: number; y: number }> }>;
}

export interface Tile {
  id: string;
  label: string;
  value: string;
  detail?: string;
}

const palette: SeriesColor[] = ['blue', 'green', 'orange', 'purple', 'yellow', 'red'];

export function formatValue(v: number | null | undefined, format: ValueFormat): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  switch (format) {
    case 'percent':
      return `${(v * 100).toFixed(1)}%`;
    case 'ms':
      return `${Math.round(v).toLocaleString('en-US')} ms`;
    case 'count':
    case 'tokens':
      return Math.round(v).toLocaleString('en-US');
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time; the date part only when buckets are a day or wider. */
export function bucketLabel(ms: number, bucketMs: number): string {
  const d = new Date(ms);
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return bucketMs >= 86_400_000 ? day : `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function timeLabel(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The accessible description of a chart: every value it draws. */
export function describeChart(chart: CategoryChart | HealthChart): string {
  if (chart.kind === 'health') {
    return `${chart.title}: ${chart.backends.map((b) => `${b.name} ${b.points.map((p) => `${timeLabel(p.x)} ${p.y === 1 ? 'up' : p.y === 0 ? 'down' : 'unknown'}`).join(', ')}`).join('; ')}`;
  }
  return `${chart.title}: ${chart.datasets.map((ds) => `${ds.label}: ${chart.labels.map((l, i) => `${l} ${formatValue(ds.data[i], ds.format)}`).join(', ')}`).join('; ')}`;
}

export function tiles(data: DashboardData): Tile[] {
  const t = data.total;
  const fix = data.fixes?.total.find((r) => r.kind === 'fix');
  const tokensIn = data.usage.byTask.reduce((n, r) => n + r.promptTokens, 0);
  const tokensOut = data.usage.byTask.reduce((n, r) => n + r.outputTokens, 0);
  return [
    { id: 'shown', label: 'Suggestions shown', value: formatValue(t.shown, 'count') },
    {
      id: 'acceptance',
      label: 'Acceptance rate',
      value: formatValue(t.acceptanceRate, 'percent'),
      detail: `${formatValue(t.accepted + t.partiallyAccepted, 'count')} accepted`,
    },
    { id: 'retained-30', label: 'Retained after 30 s', value: formatValue(t.retention['30'].rate, 'percent') },
    { id: 'retained-120', label: 'Retained after 2 min', value: formatValue(t.retention['120'].rate, 'percent') },
    { id: 'retained-600', label: 'Retained after 10 min', value: formatValue(t.retention['600'].rate, 'percent') },
    {
      id: 'fix-success',
      label: 'Auto-fix success',
      value: formatValue(fix?.successRate ?? null, 'percent'),
      detail: fix ? `${fix.resolved} of ${fix.resolved + fix.unresolved} resolved` : undefined,
    },
    {
      id: 'next-edit-acceptance',
      label: 'Next edits accepted',
      value: formatValue(data.nextEdit?.total.acceptanceRate ?? null, 'percent'),
      detail: data.nextEdit
        ? `${formatValue(data.nextEdit.total.accepted + data.nextEdit.total.partiallyAccepted, 'count')} of ${formatValue(data.nextEdit.total.shown, 'count')} shown`
        : undefined,
    },
    { id: 'tokens-in', label: 'Tokens in', value: formatValue(tokensIn, 'tokens') },
    { id: 'tokens-out', label: 'Tokens out', value: formatValue(tokensOut, 'tokens') },
  ];
}

function acceptanceSection(data: DashboardData): Section {
  const { buckets, bucketMs } = data.timeseries;
  const labels = buckets.map((b) => bucketLabel(b.startMs, bucketMs));
  const chart: CategoryChart = {
    id: 'acceptance',
    title: 'Acceptance and retained characters over time',
    kind: 'line',
    percentAxis: true,
    labels,
    datasets: [
      { label: 'Acceptance rate', color: 'blue', format: 'percent', data: buckets.map((b) => b.acceptanceRate) },
      { label: 'Retained after 30 s', color: 'green', format: 'percent', data: buckets.map((b) => b.retention['30'].rate) },
      { label: 'Retained after 2 min', color: 'yellow', format: 'percent', data: buckets.map((b) => b.retention['120'].rate) },
      { label: 'Retained after 10 min', color: 'purple', format: 'percent', data: buckets.map((b) => b.retention['600'].rate) },
    ],
  };
  const shown = buckets.reduce((n, b) => n + b.shown, 0);
  return {
    id: 'acceptance',
    title: 'Acceptance over time',
    description:
      'Share of shown suggestions accepted (fully or partly), and share of accepted characters still in the document after 30 s, 2 min and 10 min.',
    chart,
    table: {
      columns: ['Period start', 'Shown', 'Accepted', 'Acceptance rate', 'Retained 30 s', 'Retained 2 min', 'Retained 10 min'],
      rows: buckets
        .filter(
          (b) => b.shown > 0 || b.accepted > 0 || b.retention['30'].checked + b.retention['120'].checked + b.retention['600'].checked > 0,
        )
        .map((b) => [
          bucketLabel(b.startMs, bucketMs),
          formatValue(b.shown, 'count'),
          formatValue(b.accepted, 'count'),
          formatValue(b.acceptanceRate, 'percent'),
          formatValue(b.retention['30'].rate, 'percent'),
          formatValue(b.retention['120'].rate, 'percent'),
          formatValue(b.retention['600'].rate, 'percent'),
        ]),
    },
    empty: shown === 0 ? 'No suggestions were shown in this period.' : undefined,
  };
}

function latencySection(data: DashboardData): Section {
  const rows = data.byModelBackend.filter((r) => r.latency.totalMs.count > 0);
  const labels = rows.map((r) => `${r.model ?? '?'} @ ${r.backend ?? '?'}`);
  return {
    id: 'latency',
    title: 'Completion latency per model and backend',
    description: 'Time to first token and total time of shown inline completions, as tandemd measured them (p50 and p95).',
    chart: {
      id: 'latency',
      title: 'Completion latency per model and backend',
      kind: 'bar',
      labels,
      datasets: [
        { label: 'First token p50', color: 'blue', format: 'ms', data: rows.map((r) => r.latency.firstTokenMs.p50) },
        { label: 'First token p95', color: 'purple', format: 'ms', data: rows.map((r) => r.latency.firstTokenMs.p95) },
        { label: 'Total p50', color: 'green', format: 'ms', data: rows.map((r) => r.latency.totalMs.p50) },
        { label: 'Total p95', color: 'orange', format: 'ms', data: rows.map((r) => r.latency.totalMs.p95) },
      ],
    },
    table: {
      columns: [
        'Model @ backend',
        'Completions',
        'First token p50',
        'First token p95',
        'First token p99',
        'Total p50',
        'Total p95',
        'Total p99',
      ],
      rows: rows.map((r, i) => [
        labels[i],
        formatValue(r.latency.totalMs.count, 'count'),
        formatValue(r.latency.firstTokenMs.p50, 'ms'),
        formatValue(r.latency.firstTokenMs.p95, 'ms'),
        formatValue(r.latency.firstTokenMs.p99, 'ms'),
        formatValue(r.latency.totalMs.p50, 'ms'),
        formatValue(r.latency.totalMs.p95, 'ms'),
        formatValue(r.latency.totalMs.p99, 'ms'),
      ]),
    },
    empty: rows.length === 0 ? 'No completions were shown in this period.' : undefined,
  };
}

function languageSection(data: DashboardData): Section {
  const rows = data.byLanguage.filter((r) => r.shown > 0);
  const labels = rows.map((r) => r.language ?? '?');
  return {
    id: 'languages',
    title: 'Completions per language',
    description: 'Suggestions shown and accepted (fully or partly) per language.',
    chart: {
      id: 'languages',
      title: 'Completions per language',
      kind: 'bar',
      labels,
      datasets: [
        { label: 'Shown', color: 'blue', format: 'count', data: rows.map((r) => r.shown) },
        { label: 'Accepted', color: 'green', format: 'count', data: rows.map((r) => r.accepted + r.partiallyAccepted) },
      ],
    },
    table: {
      columns: ['Language', 'Shown', 'Accepted', 'Acceptance rate', 'Dismissed'],
      rows: rows.map((r, i) => [
        labels[i],
        formatValue(r.shown, 'count'),
        formatValue(r.accepted + r.partiallyAccepted, 'count'),
        formatValue(r.acceptanceRate, 'percent'),
        formatValue(r.dismissed, 'count'),
      ]),
    },
    empty: rows.length === 0 ? 'No suggestions were shown in this period.' : undefined,
  };
}

/** Next edits rejected with Escape, and those ignored (typed over, cursor moved away, file closed, replaced by another). */
function nextEditOutcomes(r: { dismissReasons: Partial<Record<string, number>>; dismissed: number }): {
  rejected: number;
  ignored: number;
} {
  const rejected = r.dismissReasons.escaped ?? 0;
  return { rejected, ignored: Math.max(0, r.dismissed - rejected) };
}

function nextEditSection(data: DashboardData): Section {
  const rows = (data.nextEdit?.byModelBackend ?? []).filter((r) => r.shown > 0);
  const labels = rows.map((r) => `${r.model ?? '?'} @ ${r.backend ?? '?'}`);
  const total = data.nextEdit?.total;
  const totalLine = (r: NonNullable<typeof total>, label: string) => {
    const { rejected, ignored } = nextEditOutcomes(r);
    return [
      label,
      formatValue(r.shown, 'count'),
      formatValue(r.accepted + r.partiallyAccepted, 'count'),
      formatValue(rejected, 'count'),
      formatValue(ignored, 'count'),
      formatValue(r.acceptanceRate, 'percent'),
      formatValue(r.latency.totalMs.p50, 'ms'),
      formatValue(r.latency.totalMs.p95, 'ms'),
    ];
  };
  return {
    id: 'next-edit',
    title: 'Next-edit suggestions',
    description:
      'Next edits shown, accepted with Tab, rejected with Escape and ignored (typed over or moved away), per model and backend, with the time from request to answer (p50 and p95).',
    chart: {
      id: 'next-edit',
      title: 'Next-edit outcomes per model and backend',
      kind: 'bar',
      stacked: true,
      labels,
      datasets: [
        { label: 'Accepted', color: 'green', format: 'count', stack: 'outcome', data: rows.map((r) => r.accepted + r.partiallyAccepted) },
        { label: 'Rejected', color: 'red', format: 'count', stack: 'outcome', data: rows.map((r) => nextEditOutcomes(r).rejected) },
        { label: 'Ignored', color: 'yellow', format: 'count', stack: 'outcome', data: rows.map((r) => nextEditOutcomes(r).ignored) },
      ],
    },
    table: {
      columns: ['Model @ backend', 'Shown', 'Accepted', 'Rejected', 'Ignored', 'Acceptance rate', 'Total p50', 'Total p95'],
      rows: [...rows.map((r, i) => totalLine(r, labels[i])), ...(total && rows.length > 1 ? [totalLine(total, 'All')] : [])],
    },
    empty:
      data.nextEdit === null
        ? 'This tandemd does not record next-edit suggestions.'
        : rows.length === 0
          ? 'No next edits were shown in this period.'
          : undefined,
  };
}

function fixSection(data: DashboardData): Section {
  const rows = (data.fixes?.byModel ?? []).filter((r) => r.kind === 'fix');
  const labels = rows.map((r) => r.model ?? '?');
  return {
    id: 'fixes',
    title: 'Auto-fix success',
    description: 'Share of applied fixes whose diagnostic disappeared, per model.',
    chart: {
      id: 'fixes',
      title: 'Auto-fix success per model',
      kind: 'bar',
      percentAxis: true,
      labels,
      datasets: [{ label: 'Success rate', color: 'green', format: 'percent', data: rows.map((r) => r.successRate) }],
    },
    table: {
      columns: ['Model', 'Fixes', 'Resolved', 'Unresolved', 'Rejected', 'Failed', 'Success rate', 'Latency p50'],
      rows: rows.map((r, i) => [
        labels[i],
        formatValue(r.total, 'count'),
        formatValue(r.resolved, 'count'),
        formatValue(r.unresolved, 'count'),
        formatValue(r.rejected, 'count'),
        formatValue(r.failed, 'count'),
        formatValue(r.successRate, 'percent'),
        formatValue(r.latencyMs.p50, 'ms'),
      ]),
    },
    empty:
      data.fixes === null ? 'This tandemd does not record auto-fixes.' : rows.length === 0 ? 'No auto-fixes in this period.' : undefined,
  };
}

const commandNames: Record<string, string> = {
  inlineEdit: 'Edit Selection',
  commitMessage: 'Commit message',
  generateTests: 'Generate Tests',
  explain: 'Explain',
};

function commandsSection(data: DashboardData): Section {
  const rows = data.commands?.total ?? [];
  const labels = rows.map((r) => commandNames[r.command] ?? r.command);
  const byModel = data.commands?.byModel ?? [];
  return {
    id: 'commands',
    title: 'Everyday commands',
    description:
      'Uses of Edit Selection, commit messages, Generate Tests and Explain, and what became of them: accepted (applied, or committed with the message), rejected, failed.',
    chart: {
      id: 'commands',
      title: 'Uses and outcomes per command',
      kind: 'bar',
      stacked: true,
      labels,
      datasets: [
        { label: 'Accepted', color: 'green', format: 'count', stack: 'uses', data: rows.map((r) => r.accepted) },
        { label: 'Rejected', color: 'orange', format: 'count', stack: 'uses', data: rows.map((r) => r.rejected) },
        { label: 'Shown', color: 'blue', format: 'count', stack: 'uses', data: rows.map((r) => r.shown) },
        { label: 'Failed or cancelled', color: 'red', format: 'count', stack: 'uses', data: rows.map((r) => r.failed + r.cancelled) },
      ],
    },
    table: {
      columns: ['Command', 'Model', 'Uses', 'Accepted', 'Rejected', 'Failed', 'Cancelled', 'Acceptance', 'Latency p50', 'Latency p95'],
      rows: byModel.map((r) => [
        commandNames[r.command] ?? r.command,
        r.model ?? '?',
        formatValue(r.used, 'count'),
        formatValue(r.accepted, 'count'),
        formatValue(r.rejected, 'count'),
        formatValue(r.failed, 'count'),
        formatValue(r.cancelled, 'count'),
        formatValue(r.acceptanceRate, 'percent'),
        formatValue(r.latencyMs.p50, 'ms'),
        formatValue(r.latencyMs.p95, 'ms'),
      ]),
    },
    empty:
      data.commands === null
        ? 'This tandemd does not record the everyday commands.'
        : rows.length === 0
          ? 'No everyday command was used in this period.'
          : undefined,
  };
}

function tokenSection(data: DashboardData): Section {
  const tasks = data.usage.byTask;
  return {
    id: 'tokens',
    title: 'Tokens per task',
    description: 'Prompt tokens (in) and generated tokens (out) of the model calls tandemd routed, as the backends counted them.',
    chart: {
      id: 'tokens',
      title: 'Tokens in and out per task',
      kind: 'bar',
      stacked: true,
      labels: tasks.map((t) => t.task),
      datasets: [
        { label: 'Tokens in', color: 'blue', format: 'tokens', stack: 'tokens', data: tasks.map((t) => t.promptTokens) },
        { label: 'Tokens out', color: 'orange', format: 'tokens', stack: 'tokens', data: tasks.map((t) => t.outputTokens) },
      ],
    },
    table: {
      columns: ['Task', 'Model', 'Backend', 'Calls', 'Tokens in', 'Tokens out', 'First token p50', 'Total p50', 'Total p95'],
      rows: data.usage.rows.map((r) => [
        r.task,
        r.model,
        r.backend,
        formatValue(r.calls, 'count'),
        formatValue(r.promptTokens, 'tokens'),
        formatValue(r.outputTokens, 'tokens'),
        formatValue(r.firstTokenMs.p50, 'ms'),
        formatValue(r.totalMs.p50, 'ms'),
        formatValue(r.totalMs.p95, 'ms'),
      ]),
    },
    empty: tasks.length === 0 ? 'No model calls were recorded in this period.' : undefined,
  };
}

function agentSection(data: DashboardData): Section {
  const a = data.agent ?? null;
  const statuses = ['done', 'budget', 'fallback', 'cancelled', 'failed'] as const;
  const summary = a
    ? `${formatValue(a.tasks, 'count')} tasks, ${formatValue(a.toolCalls, 'count')} tool calls, ${formatValue(a.tokensIn, 'tokens')} tokens in and ${formatValue(a.tokensOut, 'tokens')} out (${formatValue(a.tasks > 0 ? Math.round((a.tokensIn + a.tokensOut) / a.tasks) : 0, 'tokens')} tokens per task); wall time per task p50 ${formatValue(a.wallMs.p50, 'ms')}, p95 ${formatValue(a.wallMs.p95, 'ms')}.`
    : '';
  return {
    id: 'agent',
    title: 'Agent tasks',
    description: `How agent tasks ended and which tools they called. ${summary}`.trim(),
    chart: a
      ? {
          id: 'agent',
          title: 'Agent tasks by outcome',
          kind: 'bar',
          labels: [...statuses],
          datasets: [{ label: 'Tasks', color: 'purple', format: 'count', data: statuses.map((st) => a.byStatus[st]) }],
        }
      : null,
    table: {
      columns: ['Tool', 'Calls', 'Not ok'],
      rows: (a?.byTool ?? []).map((t) => [t.tool, formatValue(t.calls, 'count'), formatValue(t.failed, 'count')]),
    },
    empty: a === null ? 'This tandemd has no agent mode.' : a.tasks === 0 ? 'No agent tasks in this period.' : undefined,
  };
}

export function healthValue(e: { health: string; circuit: string }): number {
  if (e.health === 'up' && e.circuit !== 'open') return 1;
  if (e.health === 'unknown') return 0.5;
  return 0;
}

function healthSection(data: DashboardData): Section {
  const entries = data.health.entries;
  const names = [...new Set(entries.map((e) => e.backend))].sort();
  const minMs = data.sinceMs ?? entries[0]?.at ?? data.untilMs;
  const maxMs = data.untilMs;
  const chart: HealthChart = {
    id: 'health',
    title: 'Backend health over time',
    kind: 'health',
    minMs,
    maxMs,
    backends: names.map((name, i) => {
      const points = entries.filter((e) => e.backend === name).map((e) => ({ x: e.at, y: healthValue(e) }));
      // Carry the last known state to the end of the period.
      const last = points.at(-1);
      if (last && last.x < maxMs) points.push({ x: maxMs, y: last.y });
      return { name, color: palette[i % palette.length], points };
    }),
  };
  return {
    id: 'health',
    title: 'Backend health history',
    description: `Changes of each backend's health and circuit breaker${data.health.truncated ? ' (older changes of this period left out)' : ''}. Up = 1, unknown = ½, down or circuit open = 0.`,
    chart,
    table: {
      columns: ['Time', 'Backend', 'Health', 'Circuit', 'Latency', 'Error'],
      rows: [...entries]
        .reverse()
        .slice(0, 50)
        .map((e) => [timeLabel(e.at), e.backend, e.health, e.circuit, formatValue(e.latencyMs, 'ms'), e.error ?? '']),
    },
    empty: entries.length === 0 ? 'No backend health changes were recorded in this period.' : undefined,
  };
}

export function sections(data: DashboardData): Section[] {
  return [
    acceptanceSection(data),
    latencySection(data),
    languageSection(data),
    nextEditSection(data),
    fixSection(data),
    commandsSection(data),
    tokenSection(data),
    agentSection(data),
    healthSection(data),
  ];
}
