/**
 * `tandemd stats [--json] [--since 7d] [--by model,backend,language] [--kind nextEdit]` —
 * acceptance statistics of inline suggestions (or next-edit suggestions with `--kind
 * nextEdit`), and auto-fix / multi-file edit outcomes (`fixes`). Asks the running daemon; without one, reads the
 * user database directly (the numbers are the same: both compute them from the store).
 */
import { existsSync } from 'node:fs';
import {
  FixStatsRequest,
  StatsDimensions,
  StatsGetRequest,
  SuggestionKinds,
  type StatsDimension,
  type SuggestionKind,
} from '../../protocol';
import { tandemHome } from '../../protocol/home';
import { openUserDb, userDbPath } from '../storage/db';
import { EditOutcomeStore } from '../edit/outcomes';
import { formatFixStats, formatStats } from '../../shared/stats-format';
import { TelemetryStore } from '../telemetry/store';
import { UsageError, type CliCommand } from './command';
import { connectCli } from './connect';

interface StatsQuery {
  sinceMs?: number;
  untilMs?: number;
  groupBy?: StatsDimension[];
  suggestionKind?: SuggestionKind;
}

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `30m`, `12h`, `7d`, `2w` → epoch ms that long before `now`; an ISO date is taken as is. */
export function parseSince(value: string, now = Date.now()): number {
  const rel = /^(\d+)([mhdw])$/.exec(value.trim());
  if (rel) return now - Number(rel[1]) * units[rel[2]];
  const abs = Date.parse(value);
  if (Number.isNaN(abs)) throw new UsageError(`--since must be like 30m, 12h, 7d, 2w or an ISO date, got "${value}"`);
  return abs;
}

export function parseGroupBy(value: string): StatsDimension[] {
  if (value.trim() === '' || value === 'none') return [];
  const dims = value.split(',').map((d) => d.trim());
  for (const d of dims) {
    if (!(StatsDimensions as readonly string[]).includes(d))
      throw new UsageError(`--by takes ${StatsDimensions.join(', ')} (comma-separated) or none, got "${d}"`);
  }
  return [...new Set(dims)] as StatsDimension[];
}

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'Show acceptance rate, retained characters and latency of inline suggestions, and auto-fix success.',
  usage: 'tandemd stats [--json] [--since 7d|ISO-date] [--by model,backend,language|none] [--kind completion|nextEdit]',
  options: { json: { type: 'boolean' }, since: { type: 'string' }, by: { type: 'string' }, kind: { type: 'string' } },
  async run({ values }, io) {
    const params: StatsQuery = {};
    if (typeof values.since === 'string') params.sinceMs = parseSince(values.since);
    if (typeof values.by === 'string') params.groupBy = parseGroupBy(values.by);
    if (typeof values.kind === 'string') {
      if (!(SuggestionKinds as readonly string[]).includes(values.kind))
        throw new UsageError(`--kind takes ${SuggestionKinds.join(' or ')}, got "${values.kind}"`);
      params.suggestionKind = values.kind as SuggestionKind;
    }

    let stats: StatsGetRequest.Result;
    let fixes: FixStatsRequest.Result;
    const range = { sinceMs: params.sinceMs, untilMs: params.untilMs };
    const found = await connectCli(io.env);
    if (found) {
      try {
        stats = await found.conn.connection.sendRequest(StatsGetRequest.type, params);
        fixes = await found.conn.connection.sendRequest(FixStatsRequest.type, range);
      } finally {
        found.conn.close();
      }
    } else {
      const home = tandemHome(io.env);
      if (!existsSync(userDbPath(home))) {
        io.stderr(`No Tandem database at ${userDbPath(home)} yet: no suggestions recorded.\n`);
        if (values.json) io.stdout(`${JSON.stringify({ ...emptyStats(params), fixes: { total: [], byModel: [] } })}\n`);
        return 0;
      }
      const db = openUserDb(home);
      try {
        stats = new TelemetryStore(db, { storeCodeText: () => false }).stats(params);
        fixes = new EditOutcomeStore(db).stats(range);
      } finally {
        db.close();
      }
    }
    const heading = stats.suggestionKind === 'nextEdit' ? 'Next-edit suggestions\n' : '';
    io.stdout(values.json ? `${JSON.stringify({ ...stats, fixes })}\n` : `${heading}${formatStats(stats)}\n${formatFixStats(fixes)}`);
    return 0;
  },
};

/** The result shape with no data, for `--json` before any database exists. */
function emptyStats(params: StatsQuery): StatsGetRequest.Result {
  const none = { count: 0, p50: null, p90: null, p95: null, p99: null };
  const retention = { checked: 0, acceptedChars: 0, retainedChars: 0, rate: null };
  return {
    suggestionKind: params.suggestionKind ?? 'completion',
    sinceMs: params.sinceMs ?? null,
    untilMs: params.untilMs ?? null,
    groupBy: params.groupBy ?? ['model', 'backend', 'language'],
    total: {
      shown: 0,
      accepted: 0,
      partiallyAccepted: 0,
      dismissed: 0,
      acceptanceRate: null,
      acceptedChars: 0,
      retention: { '30': retention, '120': retention, '600': retention },
      latency: { firstTokenMs: none, totalMs: none, overheadMs: none },
      dismissReasons: {},
    },
    rows: [],
  };
}
