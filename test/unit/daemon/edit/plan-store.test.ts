/**
 * The edit plan store: a plan is found by the session that made it until it is 30
 * minutes old, and at most MAX_PLANS are kept (the oldest dropped first).
 */
import assert from 'node:assert/strict';
import { MAX_PLANS, PLAN_TTL_MS, PlanStore } from '../../../../daemon/edit/plan-store';

function plan(sessionId: string, instruction = 'rename x') {
  return { sessionId, roots: ['/w'], root: '/w', instruction, summary: '', steps: [], hashes: new Map<string, string>() };
}

describe('edit plan store', () => {
  it('gives a plan to the session that made it, not to another one', () => {
    const store = new PlanStore();
    const stored = store.add(plan('s1'));
    assert.equal(store.get(stored.id, 's1'), stored);
    assert.equal(store.get(stored.id, 's2'), undefined);
    assert.equal(store.get('no-such-plan', 's1'), undefined);
  });

  it('forgets a plan once it is older than the TTL', () => {
    let now = 1_000_000;
    const store = new PlanStore(() => now);
    const stored = store.add(plan('s1'));
    now += PLAN_TTL_MS;
    assert.equal(store.get(stored.id, 's1'), stored, 'still there at exactly the TTL');
    now += 1;
    assert.equal(store.get(stored.id, 's1'), undefined);
    store.add(plan('s1'));
    assert.equal(store.size, 1, 'expired plans are dropped when the next one is added');
  });

  it(`keeps at most ${MAX_PLANS} plans, dropping the oldest first`, () => {
    const store = new PlanStore();
    const ids = Array.from({ length: MAX_PLANS + 2 }, (_, i) => store.add(plan('s1', `step ${i}`)).id);
    assert.equal(store.size, MAX_PLANS);
    assert.equal(store.get(ids[0]!, 's1'), undefined);
    assert.equal(store.get(ids[1]!, 's1'), undefined);
    assert.equal(store.get(ids[2]!, 's1')?.instruction, 'step 2');
    assert.equal(store.get(ids.at(-1)!, 's1')?.instruction, `step ${MAX_PLANS + 1}`);
  });
});
