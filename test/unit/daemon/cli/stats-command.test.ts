import { strict as assert } from 'node:assert';
import { parseGroupBy, parseSince, statsCommand } from '../../../../daemon/cli/stats-command';
import { UsageError } from '../../../../daemon/cli/command';
import { openUserDb } from '../../../../daemon/storage/db';
import { TelemetryStore } from '../../../../daemon/telemetry/store';
import { EditOutcomeStore } from '../../../../daemon/edit/outcomes';
import { accepted, shown, tempHome } from '../telemetry/helpers';

function io(home: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { env: { TANDEM_HOME: home }, stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } };
}

describe('tandemd stats', () => {
  let t: ReturnType<typeof tempHome>;
  beforeEach(() => (t = tempHome()));
  afterEach(() => t.cleanup());

  it('parses --since and --by', () => {
    assert.equal(parseSince('2d', 10 * 86_400_000), 8 * 86_400_000);
    assert.equal(parseSince('2026-01-01T00:00:00Z'), Date.UTC(2026, 0, 1));
    assert.throws(() => parseSince('yesterday'), UsageError);
    assert.deepEqual(parseGroupBy('model,language'), ['model', 'language']);
    assert.deepEqual(parseGroupBy('none'), []);
    assert.throws(() => parseGroupBy('colour'), UsageError);
  });

  it('shows next-edit suggestions with --kind nextEdit, and refuses another kind', async () => {
    const db = openUserDb(t.home);
    const next = { suggestionKind: 'nextEdit' as const };
    new TelemetryStore(db, { storeCodeText: () => false }).record([shown('a', 100), shown('n', 300, next), { ...accepted('n'), ...next }]);
    db.close();
    const j = io(t.home);
    assert.equal(await statsCommand.run({ values: { json: true, kind: 'nextEdit' }, positionals: [] }, j.io), 0);
    const parsed = JSON.parse(j.out.join('')) as { suggestionKind: string; total: { shown: number; accepted: number } };
    assert.deepEqual([parsed.suggestionKind, parsed.total.shown, parsed.total.accepted], ['nextEdit', 1, 1]);
    const txt = io(t.home);
    assert.equal(await statsCommand.run({ values: { kind: 'nextEdit' }, positionals: [] }, txt.io), 0);
    assert.match(txt.out.join(''), /^Next-edit suggestions\n/);
    await assert.rejects(statsCommand.run({ values: { kind: 'completions' }, positionals: [] }, io(t.home).io), UsageError);
  });

  it('reads the database directly when no daemon runs (--json and text)', async () => {
    const db = openUserDb(t.home);
    new TelemetryStore(db, { storeCodeText: () => false }).record([shown('a', 100), accepted('a'), shown('b', 300)]);
    db.close();
    const j = io(t.home);
    assert.equal(await statsCommand.run({ values: { json: true }, positionals: [] }, j.io), 0);
    const parsed = JSON.parse(j.out.join('')) as { total: { shown: number; acceptanceRate: number } };
    assert.equal(parsed.total.shown, 2);
    assert.equal(parsed.total.acceptanceRate, 0.5);
    const txt = io(t.home);
    assert.equal(await statsCommand.run({ values: {}, positionals: [] }, txt.io), 0);
    assert.match(txt.out.join(''), /qwen · local · typescript\s+2\s+1\s+0\s+0\s+50\.0%/);
  });

  it('reports auto-fix success (diagnostic gone) and edit outcomes per model', async () => {
    const db = openUserDb(t.home);
    const outcomes = new EditOutcomeStore(db);
    const base = { model: 'qwen2.5-coder:7b-instruct', backend: 'local', diagnostics: 1, files: 1, resolvedDiagnostics: 0, at: Date.now() };
    outcomes.record({ ...base, id: 'f1', kind: 'fix', outcome: 'resolved', resolvedDiagnostics: 1, latencyMs: 900 });
    outcomes.record({ ...base, id: 'f2', kind: 'fix', outcome: 'resolved', resolvedDiagnostics: 1, latencyMs: 1100 });
    outcomes.record({ ...base, id: 'f3', kind: 'fix', outcome: 'unresolved', latencyMs: 1000 });
    outcomes.record({ ...base, id: 'e1', kind: 'edit', outcome: 'applied', files: 3, latencyMs: 5000 });
    db.close();
    const j = io(t.home);
    assert.equal(await statsCommand.run({ values: { json: true }, positionals: [] }, j.io), 0);
    const parsed = JSON.parse(j.out.join('')) as {
      fixes: { total: Array<{ kind: string; resolved: number; unresolved: number; successRate: number }> };
    };
    const fix = parsed.fixes.total.find((r) => r.kind === 'fix')!;
    assert.deepEqual([fix.resolved, fix.unresolved], [2, 1]);
    assert.ok(Math.abs(fix.successRate - 2 / 3) < 1e-3, String(fix.successRate));
    const txt = io(t.home);
    assert.equal(await statsCommand.run({ values: {}, positionals: [] }, txt.io), 0);
    assert.match(txt.out.join(''), /Auto-fix/);
    assert.match(txt.out.join(''), /fix\s+all\s+3\s+2\s+1\s+\d+\s+0\s+0\s+66\.7%/);
    assert.match(txt.out.join(''), /edit\s+qwen2\.5-coder:7b-instruct\s+1\s/);
  });

  it('says so when nothing was recorded yet', async () => {
    const j = io(t.home);
    assert.equal(await statsCommand.run({ values: { json: true }, positionals: [] }, j.io), 0);
    assert.equal((JSON.parse(j.out.join('')) as { total: { shown: number } }).total.shown, 0);
    assert.match(j.err.join(''), /No Tandem database/);
  });
});
