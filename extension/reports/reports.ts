/**
 * The text of Tandem's read-only documents (advanced and expert modes): stats, routing
 * and backend health, per-request timings, and the raw request of the last completion.
 * Pure functions from data to Markdown.
 */
import type { DaemonStatus, InlineCompletionRequest, StatsGetRequest } from '../../protocol';
import { formatStats } from '../../shared/stats-format';
import type { RequestRecord } from '../completion/request-log';

export function statsReport(stats: StatsGetRequest.Result): string {
  return ['# Tandem — acceptance stats', '', '```text', formatStats(stats).trimEnd(), '```', '', definitions].join('\n') + '\n';
}

const definitions = [
  '- **accept rate**: suggestions accepted fully or partly ÷ suggestions shown.',
  '- **retained**: characters of accepted suggestions still present after 30 s / 2 min / 10 min (accepted chars − edit distance) ÷ accepted chars.',
  '- Latencies are measured by tandemd from request arrival (p50/p95).',
].join('\n');

export function backendHealthReport(
  status: DaemonStatus | undefined,
  effective: { backends: Array<{ name: string; url: string; priority: number }>; models: Record<string, string> } | undefined,
): string {
  if (!status) return '# Tandem — routing and backend health\n\nNot connected to tandemd.\n';
  const lines = [
    '# Tandem — routing and backend health',
    '',
    `tandemd ${status.version} (pid ${status.pid}), up ${status.uptimeSec} s, ${status.clients} client(s), ready: **${status.ready ? 'yes' : 'no'}**`,
    ...status.reasons.map((r) => `- ${r}`),
    '',
    '| backend | url | priority | health | circuit | failures | latency | loaded models | last error |',
    '|---|---|---|---|---|---|---|---|---|',
    ...[...status.backends]
      .sort((a, b) => a.priority - b.priority)
      .map(
        (b) =>
          `| ${b.name} | ${b.url} | ${b.priority} | ${b.health} | ${b.circuit} | ${b.consecutiveFailures} | ${b.latencyMs === null ? '—' : `${Math.round(b.latencyMs)} ms`} | ${(b.loaded ?? []).join(', ') || '—'} | ${b.lastError ?? ''} |`,
      ),
    '',
    'Routing: the healthy backend with the lowest priority number serves each task; on error or timeout the next one takes over, and a backend failing repeatedly is skipped (circuit open) until a probe succeeds.',
  ];
  if (effective) {
    lines.push('', '## Models per task', '', ...Object.entries(effective.models).map(([task, model]) => `- ${task}: \`${model}\``));
  }
  for (const ix of status.indexing ?? []) {
    lines.push('', `Index ${ix.root}: ${ix.state} ${ix.filesDone}/${ix.filesTotal}`);
  }
  return lines.join('\n') + '\n';
}

function n(v: number): string {
  return String(Math.round(v));
}

export function timingsReport(records: RequestRecord[]): string {
  const lines = [
    '# Tandem — per-request timings',
    '',
    'Newest first. `overhead` = extension-side time from provider call to item, minus debounce and model time (includes context assembly and transport).',
    '',
    '| time | file | source | model @ backend | debounce | context | first token | total | overhead | chars |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...records.map(
      (r) =>
        `| ${new Date(r.at).toISOString().slice(11, 23)} | ${r.path.split(/[\\/]/).pop()} | ${r.source} | ${r.model} @ ${r.backend} | ${n(r.debounceMs)} | ${n(r.contextMs)} | ${n(r.firstTokenMs)} | ${n(r.totalMs)} | ${r.overheadMs.toFixed(1)} | ${r.chars} |`,
    ),
  ];
  if (records.length === 0) lines.push('', 'No completions yet.');
  return lines.join('\n') + '\n';
}

/** Longest run of backticks in `text` + 1, so a fence can hold any content. */
function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  return '`'.repeat(longest + 1);
}

export function rawRequestReport(
  exchange: { params: InlineCompletionRequest.Params; result: InlineCompletionRequest.Result; at: number } | undefined,
): string {
  if (!exchange) return '# Tandem — raw prompt\n\nNo completion request yet.\n';
  const { params, result } = exchange;
  const f = fence(params.document.prefix + params.document.suffix + result.text);
  return (
    [
      '# Tandem — raw prompt of the last completion',
      '',
      `completionId \`${result.completionId}\` · ${result.model} @ ${result.backend} · finish: ${result.finishReason} · context ${result.timings.contextMs} ms, first token ${result.timings.firstTokenMs} ms, total ${result.timings.totalMs} ms`,
      `file ${params.document.path} (${params.document.languageId}) at ${params.document.line + 1}:${params.document.character + 1} · multiline: ${String(params.multiline)}`,
      '',
      `## Prefix sent (${params.document.prefix.length} chars)`,
      '',
      f,
      params.document.prefix,
      f,
      '',
      `## Suffix sent (${params.document.suffix.length} chars)`,
      '',
      f,
      params.document.suffix,
      f,
      '',
      `## Recent files (${params.recentFiles?.length ?? 0})`,
      '',
      ...(params.recentFiles ?? []).map(
        (r) => `- ${r.path}${r.open ? ' (open)' : ''}${r.editedAt ? ` edited ${new Date(r.editedAt).toISOString()}` : ''}`,
      ),
      '',
      '## Raw model output (before filters)',
      '',
      f,
      result.text,
      f,
      '',
      'The daemon adds retrieved context and the model family\'s FIM tokens to this prefix/suffix; "Why This Suggestion?" shows what it selected.',
    ].join('\n') + '\n'
  );
}

export function doctorReport(report: {
  completionsWork: boolean;
  checks: Array<{ id: string; backend?: string; status: 'ok' | 'warn' | 'error'; title: string; detail?: string; fix?: string }>;
}): string {
  const mark = { ok: '✅', warn: '⚠️', error: '❌' } as const;
  return (
    [
      '# Tandem — setup check',
      '',
      report.completionsWork
        ? 'Inline completions can work with this configuration.'
        : '**Inline completions cannot work yet** — see the errors below.',
      '',
      ...report.checks.map((c) =>
        [
          `- ${mark[c.status]} **${c.title}**${c.backend ? ` (${c.backend})` : ''}`,
          c.detail ? `  ${c.detail}` : '',
          c.fix ? `  Fix: ${c.fix}` : '',
        ]
          .filter((l) => l !== '')
          .join('\n'),
      ),
    ].join('\n') + '\n'
  );
}
