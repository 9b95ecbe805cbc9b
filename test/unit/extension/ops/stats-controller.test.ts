/**
 * The stats dashboard's host logic in plain Node: periods map to daemon requests, a
 * slow answer for an old period never replaces a newer one, malformed page messages
 * are ignored, and a missing connection or a missing fix feature are shown clearly.
 */
import assert from 'node:assert/strict';
import type { StatsSource } from '../../../../extension/ops/dashboard-data';
import { loadDashboard, periodRange } from '../../../../extension/ops/dashboard-data';
import { StatsController } from '../../../../extension/ops/stats-controller';
import type { HostToStats } from '../../../../webview-ui/stats/messages';
import { parseStatsToHost } from '../../../../webview-ui/stats/messages';
import { sections, tiles } from '../../../../webview-ui/stats/series';

const DAY = 86_400_000;
const emptyRow = {
  shown: 0,
  accepted: 0,
  partiallyAccepted: 0,
  dismissed: 0,
  acceptanceRate: null,
  acceptedChars: 0,
  retention: {
    '30': { checked: 0, acceptedChars: 0, retainedChars: 0, rate: null },
    '120': { checked: 0, acceptedChars: 0, retainedChars: 0, rate: null },
    '600': { checked: 0, acceptedChars: 0, retainedChars: 0, rate: null },
  },
  latency: {
    firstTokenMs: { count: 0, p50: null, p90: null, p95: null, p99: null },
    totalMs: { count: 0, p50: null, p90: null, p95: null, p99: null },
    overheadMs: { count: 0, p50: null, p90: null, p95: null, p99: null },
  },
  dismissReasons: {},
};

function emptySource(delays: Record<string, number> = {}, fix: 'none' | 'ok' = 'ok'): StatsSource & { seen: string[] } {
  const seen: string[] = [];
  const wait = (p: { sinceMs?: number }) => new Promise((r) => setTimeout(r, delays[String(p.sinceMs)] ?? 0));
  return {
    seen,
    stats: async (p) => {
      seen.push(`stats ${p.sinceMs}`);
      await wait(p);
      return { sinceMs: p.sinceMs ?? null, untilMs: p.untilMs ?? null, groupBy: [], total: { ...emptyRow }, rows: [] };
    },
    timeseries: async (p) => ({ sinceMs: p.sinceMs ?? 0, untilMs: p.untilMs ?? 0, bucketMs: p.bucketMs ?? DAY, buckets: [] }),
    fixStats: async () => (fix === 'none' ? null : { total: [], byModel: [] }),
    commandStats: async () => (fix === 'none' ? null : { total: [], byModel: [] }),
    usage: async () => ({ rows: [], byTask: [] }),
    health: async () => ({ entries: [], truncated: false }),
  };
}

describe('ops: stats dashboard host', () => {
  it('maps periods to ranges', () => {
    assert.deepEqual(periodRange('24h', 10 * DAY), { sinceMs: 9 * DAY, untilMs: 10 * DAY });
    assert.deepEqual(periodRange('all', 10 * DAY), { sinceMs: undefined, untilMs: 10 * DAY });
  });

  it('a slow answer for an old period never replaces the newer one', async () => {
    const now = 100 * DAY;
    const source = emptySource({ [String(now - 7 * DAY)]: 50 });
    const posted: HostToStats[] = [];
    const c = new StatsController({ messenger: { post: (m) => posted.push(m) }, source: () => source, now: () => now });
    const first = c.receive({ type: 'ready' });
    const second = c.receive({ type: 'setPeriod', period: '24h' });
    await Promise.all([first, second]);
    const data = posted.filter((m) => m.type === 'data');
    assert.equal(data.length, 1);
    assert.equal(data[0].type === 'data' && data[0].data.period, '24h');
  });

  it('ignores malformed messages and says when not connected', async () => {
    assert.equal(parseStatsToHost({ type: 'setPeriod', period: '1y' }), undefined);
    assert.equal(parseStatsToHost('ready'), undefined);
    assert.deepEqual(parseStatsToHost({ type: 'ready', period: 'nope' }), { type: 'ready' });
    const posted: HostToStats[] = [];
    const logs: string[] = [];
    const c = new StatsController({
      messenger: { post: (m) => posted.push(m) },
      source: () => undefined,
      now: () => 0,
      log: (m) => logs.push(m),
    });
    await c.receive({ type: 'evil', script: '<script>' });
    assert.deepEqual(posted, []);
    assert.equal(logs.length, 1);
    await c.receive({ type: 'refresh' });
    const first = posted[0] as HostToStats;
    assert.equal(first.type, 'error');
    assert.match(first.type === 'error' ? first.message : '', /not connected/);
  });

  it('shows agent tasks by outcome, their tokens and wall time, and tool calls per tool', async () => {
    const source = emptySource();
    let asked: unknown;
    source.agent = async (p) => {
      asked = p;
      return {
        tasks: 3,
        byStatus: { done: 2, budget: 1, fallback: 0, cancelled: 0, failed: 0 },
        toolCalls: 12,
        tokensIn: 42_000,
        tokensOut: 3_100,
        wallMs: { count: 3, p50: 20_000, p95: 61_000 },
        byTool: [
          { tool: 'read_file', calls: 7, failed: 1 },
          { tool: 'edit_file', calls: 5, failed: 0 },
        ],
      };
    };
    const data = await loadDashboard(source, '7d', 30 * DAY);
    assert.deepEqual(asked, { sinceMs: 23 * DAY, untilMs: 30 * DAY });
    const agent = sections(data).find((x) => x.id === 'agent')!;
    assert.equal(agent.empty, undefined);
    assert.match(agent.description, /3 tasks, 12 tool calls, .* tokens in/);
    // (42 000 + 3 100) / 3 tasks
    assert.match(agent.description, /3,100 out \(15,033 tokens per task\); wall time per task p50 20,000 ms/);
    assert.ok(agent.chart && agent.chart.kind === 'bar');
    assert.deepEqual(agent.chart.kind === 'bar' ? agent.chart.datasets[0]!.data : [], [2, 1, 0, 0, 0]);
    assert.deepEqual(
      agent.table.rows.map((r) => r[0]),
      ['read_file', 'edit_file'],
    );
  });

  it('an empty store gives empty sections with a reason, and no fix feature says so', async () => {
    const data = await loadDashboard(emptySource({}, 'none'), '7d', 30 * DAY);
    const s = sections(data);
    assert.deepEqual(
      s.map((x) => [x.id, x.empty]),
      [
        ['acceptance', 'No suggestions were shown in this period.'],
        ['latency', 'No completions were shown in this period.'],
        ['languages', 'No suggestions were shown in this period.'],
        ['next-edit', 'This tandemd does not record next-edit suggestions.'],
        ['fixes', 'This tandemd does not record auto-fixes.'],
        ['commands', 'This tandemd does not record the everyday commands.'],
        ['tokens', 'No model calls were recorded in this period.'],
        ['agent', 'This tandemd has no agent mode.'],
        ['health', 'No backend health changes were recorded in this period.'],
      ],
    );
    assert.deepEqual(
      tiles(data).map((t) => t.value),
      ['0', '—', '—', '—', '—', '—', '—', '0', '0'],
    );
  });

  it('asks for next-edit statistics separately and shows them only from a daemon that counted them', async () => {
    const asked: Array<string | undefined> = [];
    const source = emptySource();
    const counting: StatsSource = {
      ...source,
      stats: async (p) => {
        asked.push(p.suggestionKind);
        const r = await source.stats(p);
        return p.suggestionKind === 'nextEdit' ? { ...r, suggestionKind: 'nextEdit', total: { ...emptyRow, shown: 4, accepted: 1 } } : r;
      },
    };
    const data = await loadDashboard(counting, '24h', 30 * DAY);
    assert.deepEqual(asked.filter((k) => k === 'nextEdit').length, 2);
    assert.equal(data.nextEdit?.total.shown, 4);
    assert.equal(data.total.shown, 0, 'completions stay apart');
    const section = sections(data).find((x) => x.id === 'next-edit');
    assert.equal(section?.empty, 'No next edits were shown in this period.', 'no rows per model: nothing to draw');
    const old = await loadDashboard(emptySource(), '24h', 30 * DAY);
    assert.equal(old.nextEdit, null, 'a daemon that ignored suggestionKind answered with completions');
  });
});
