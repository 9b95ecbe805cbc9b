import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractJson, MAX_PLAN_STEPS, PlanError, validatePlan, type PlanContext } from '../../../../daemon/edit/plan';

describe('edit plan validation', () => {
  let tmp: string;
  let ws: string;
  let ctx: PlanContext;

  before(() => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'tandem-plan-')));
    ws = join(tmp, 'ws');
    mkdirSync(join(ws, 'src'), { recursive: true });
    mkdirSync(join(ws, '.git'));
    writeFileSync(join(ws, 'src', 'a.ts'), 'a');
    writeFileSync(join(ws, 'src', 'b.ts'), 'b');
    ctx = {
      roots: [ws],
      exists: (p) => {
        try {
          realpathSync(p);
          return true;
        } catch {
          return false;
        }
      },
    };
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('extracts JSON from a bare answer, a fence or prose, and arrays of steps', () => {
    assert.deepEqual(extractJson('{"a":1}'), { a: 1 });
    assert.deepEqual(extractJson('Plan:\n```json\n{"a": 2}\n```\nDone.'), { a: 2 });
    assert.deepEqual(extractJson('Sure! {"s": "}{", "b": [1, {"c": 3}]} hope it helps'), { s: '}{', b: [1, { c: 3 }] });
    assert.deepEqual(extractJson('[{"action":"create","path":"x"}]'), { steps: [{ action: 'create', path: 'x' }] });
    assert.throws(
      () => extractJson('I cannot do that.'),
      (e: unknown) => e instanceof PlanError && /not valid JSON/.test(e.message),
    );
  });

  it("accepts a valid plan and orders it by dependencies, then by the model's order", () => {
    const plan = validatePlan(
      JSON.stringify({
        summary: 'Add a logger',
        steps: [
          { id: 'use', action: 'modify', path: 'src/a.ts', description: 'use the logger', dependsOn: ['log'] },
          { id: 'log', action: 'create', path: 'src/log.ts', description: 'the logger' },
          { id: 'b', action: 'edit', path: 'src/b.ts' },
        ],
      }),
      ctx,
    );
    assert.equal(plan.summary, 'Add a logger');
    assert.deepEqual(plan.rejected, []);
    assert.deepEqual(
      plan.steps.map((s) => [s.id, s.action, s.relativePath]),
      [
        ['log', 'create', 'src/log.ts'],
        ['use', 'modify', 'src/a.ts'],
        ['b', 'modify', 'src/b.ts'],
      ],
    );
    assert.equal(plan.steps[0]!.path, join(ws, 'src', 'log.ts'));
    assert.equal(plan.steps[2]!.description, 'modify src/b.ts');
  });

  it('numbers steps without ids and accepts snake_case fields and synonyms', () => {
    const plan = validatePlan(
      {
        steps: [
          { action: 'Move', path: 'src/b.ts', new_path: 'src/c.ts' },
          { action: 'remove', path: 'src/a.ts', depends_on: ['step1'] },
        ],
      },
      ctx,
    );
    assert.deepEqual(plan.rejected, []);
    assert.deepEqual(
      plan.steps.map((s) => [s.id, s.action, s.newRelativePath ?? null]),
      [
        ['step1', 'rename', 'src/c.ts'],
        ['step2', 'delete', null],
      ],
    );
  });

  it('rejects a malformed plan with the schema problems', () => {
    assert.throws(() => validatePlan({ steps: [] }, ctx), /the plan has no steps/);
    assert.throws(() => validatePlan({ steps: [{ action: 'explode', path: 'x' }] }, ctx), /steps\.0\.action: action must be one of/);
    assert.throws(() => validatePlan({ steps: [{ action: 'modify' }] }, ctx), /steps\.0\.path/);
    const many = Array.from({ length: MAX_PLAN_STEPS + 1 }, (_, k) => ({ action: 'create', path: `f${k}.ts` }));
    assert.throws(() => validatePlan({ steps: many }, ctx), /at most 20 steps/);
  });

  it('refuses unsafe paths, actions that do not fit the file, duplicates, unknown dependencies and cycles', () => {
    const plan = validatePlan(
      {
        steps: [
          { id: 'out', action: 'create', path: '../evil.ts' },
          { id: 'git', action: 'modify', path: '.git/config' },
          { id: 'abs', action: 'create', path: '/etc/cron.d/x' },
          { id: 'win', action: 'create', path: 'C:\\evil.ts' },
          { id: 'ren', action: 'rename', path: 'src/a.ts', newPath: '../../x.ts' },
          { id: 'gone', action: 'modify', path: 'src/missing.ts' },
          { id: 'dup-create', action: 'create', path: 'src/b.ts' },
          { id: 'ok', action: 'modify', path: 'src/b.ts' },
          { id: 'ok', action: 'modify', path: 'src/a.ts' },
          { id: 'again', action: 'delete', path: 'src/b.ts' },
          { id: 'ghost', action: 'create', path: 'src/g.ts', dependsOn: ['nope'] },
          { id: 'after-out', action: 'create', path: 'src/h.ts', dependsOn: ['out'] },
          { id: 'x', action: 'create', path: 'src/x.ts', dependsOn: ['y'] },
          { id: 'y', action: 'create', path: 'src/y.ts', dependsOn: ['x'] },
        ],
      },
      ctx,
    );
    const got = Object.fromEntries(plan.rejected.map((r) => [`${r.stepId}:${r.kind}`, r.reason]));
    assert.match(got['out:unsafe_path']!, /climbs out of the workspace/);
    assert.match(got['git:unsafe_path']!, /\.git directory/);
    assert.match(got['abs:unsafe_path']!, /outside every workspace folder/);
    assert.match(got['win:unsafe_path']!, /Windows/);
    assert.match(got['ren:unsafe_path']!, /rename to \.\.\/\.\.\/x\.ts/);
    assert.match(got['gone:missing']!, /does not exist/);
    assert.match(got['dup-create:exists']!, /exists already; it must be modified/);
    assert.match(got['ok:invalid_plan']!, /reuses the id "ok"/);
    assert.match(got['again:invalid_plan']!, /second step for src\/b\.ts/);
    assert.match(got['ghost:invalid_plan']!, /depends on "nope", which is not a step/);
    assert.match(got['after-out:dependency_failed']!, /depends on step "out", which was refused/);
    assert.match(got['x:invalid_plan']!, /dependency cycle/);
    assert.match(got['y:invalid_plan']!, /dependency cycle/);
    assert.deepEqual(
      plan.steps.map((s) => s.id),
      ['ok'],
    );
    assert.equal(plan.rejected.length, 13);
  });
});
