/**
 * The everyday commands' outcome store on a real SQLite file (the user database with its
 * migrations): one row per use, a later report replacing the earlier, and the stats per
 * command and per command and model (acceptance, latency percentiles, periods).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandOutcomeStore } from '../../../../daemon/commands/outcomes';
import { openUserDb, type Db } from '../../../../daemon/storage/db';
import { CommandOutcomeRequest, CommandStatsRequest } from '../../../../protocol';

describe('command outcome store (SQLite)', () => {
  let home: string;
  let db: Db;
  let store: CommandOutcomeStore;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'tandem-command-outcomes-'));
    db = openUserDb(home);
    store = new CommandOutcomeStore(db);
  });

  afterEach(() => {
    if (db.open) db.close();
    rmSync(home, { recursive: true, force: true });
  });

  const report = (p: CommandOutcomeRequest.Params) => store.record(CommandOutcomeRequest.params.parse(p));
  const stats = (p: CommandStatsRequest.Params = {}) => store.stats(CommandStatsRequest.params.parse(p));

  it('keeps one row per use: the first report is new, a later one for the same use replaces it', () => {
    assert.equal(report({ id: 'c1', command: 'commitMessage', at: 10, outcome: 'shown', model: 'm', latencyMs: 900 }), true);
    assert.equal(report({ id: 'c1', command: 'commitMessage', at: 20, outcome: 'accepted', model: 'm', latencyMs: 900 }), false);
    // The same id under another command is another use.
    assert.equal(report({ id: 'c1', command: 'explain', at: 30, outcome: 'shown', model: 'm', latencyMs: 100 }), true);
    const count = db.prepare('SELECT COUNT(*) AS n FROM command_outcomes').get() as { n: number };
    assert.equal(count.n, 2);
    const commit = stats().total.find((r) => r.command === 'commitMessage')!;
    assert.deepEqual([commit.used, commit.shown, commit.accepted], [1, 0, 1]);
  });

  it('summarises uses, outcomes, acceptance and latency per command and per command and model', () => {
    const uses: Array<[string, CommandOutcomeRequest.Params['outcome'], string, number]> = [
      ['a', 'accepted', 'big', 100],
      ['b', 'accepted', 'big', 200],
      ['c', 'rejected', 'small', 300],
      ['d', 'failed', 'small', 400],
      ['e', 'cancelled', 'big', 500],
    ];
    for (const [id, outcome, model, latencyMs] of uses) report({ id, command: 'inlineEdit', at: 1, outcome, model, latencyMs });
    const { total, byModel } = stats();
    assert.deepEqual(total, [
      {
        command: 'inlineEdit',
        used: 5,
        shown: 0,
        accepted: 2,
        rejected: 1,
        failed: 1,
        cancelled: 1,
        acceptanceRate: 0.6667,
        latencyMs: { count: 5, p50: 300, p95: 500 },
      },
    ]);
    assert.deepEqual(
      byModel.map((r) => [r.model, r.used, r.acceptanceRate, r.latencyMs.p50]),
      [
        ['big', 3, 1, 200],
        ['small', 2, 0, 300],
      ],
    );
  });

  it('has no acceptance before anything is decided, leaves out unused commands, and reads a period', () => {
    report({ id: 'x', command: 'explain', at: 100, outcome: 'shown', model: 'm', latencyMs: 50 });
    report({ id: 'y', command: 'explain', at: 200, outcome: 'shown', model: 'm', latencyMs: 70 });
    const all = stats();
    assert.deepEqual(
      all.total.map((r) => r.command),
      ['explain'],
    );
    assert.equal(all.total[0]!.acceptanceRate, null);
    assert.equal(stats({ sinceMs: 150 }).total[0]!.used, 1);
    assert.equal(stats({ untilMs: 150 }).total[0]!.latencyMs.p50, 50);
    assert.deepEqual(stats({ sinceMs: 300 }), { total: [], byModel: [] });
  });
});
