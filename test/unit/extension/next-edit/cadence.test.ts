import assert from 'node:assert/strict';
import { Cadence } from '../../../../extension/next-edit/cadence';

describe('next-edit cadence', () => {
  it('asks after the base pause with the normal region until there is enough to judge', () => {
    const c = new Cadence();
    for (let i = 0; i < 5; i++) c.record('rejected');
    assert.equal(c.rate, null);
    assert.equal(c.pauseMs, 350);
    assert.equal(c.strictness, 'normal');
  });

  it('gets rarer and stricter when few suggestions are accepted, and recovers when they are', () => {
    const c = new Cadence();
    for (let i = 0; i < 8; i++) c.record(i < 1 ? 'accepted' : 'ignored');
    assert.equal(c.rate, 1 / 8);
    assert.equal(c.pauseMs, 900);
    assert.equal(c.strictness, 'strict');
    for (let i = 0; i < 12; i++) c.record('rejected');
    assert.equal(c.pauseMs, 2_000, 'almost none accepted');
    for (let i = 0; i < 20; i++) c.record('accepted');
    assert.equal(c.rate, 1, 'only the last 20 count');
    assert.equal(c.pauseMs, 350);
    assert.equal(c.strictness, 'normal');
  });

  it('starts from the stored acceptance rate, but never over what this window saw', () => {
    const seeded = new Cadence();
    seeded.seed(100, 5);
    assert.equal(seeded.rate, 0.05);
    assert.equal(seeded.strictness, 'strict');
    const busy = new Cadence();
    busy.record('accepted');
    busy.seed(100, 0);
    assert.equal(busy.rate, null, 'already recording: the seed is ignored');
  });
});
