import { strict as assert } from 'node:assert';
import type { SuggestionEvent } from '../../../../protocol';
import { RetentionTracker } from '../../../../extension/tracking/retention';
import { FakeClock } from '../fake-clock';

function setup(initial: string) {
  const clock = new FakeClock();
  let doc = initial;
  const events: Array<Extract<SuggestionEvent, { kind: 'retention' }>> = [];
  const tracker = new RetentionTracker({
    clock,
    now: () => clock.now(),
    readRegion: (path, start, end) => (path === '/a.ts' ? doc.slice(start, end) : undefined),
    emit: (e) => events.push(e),
  });
  const edit = (offset: number, removed: number, inserted: string) => {
    doc = doc.slice(0, offset) + inserted + doc.slice(offset + removed);
    tracker.onDocumentChange('/a.ts', [{ offset, removedLength: removed, insertedLength: inserted.length }]);
  };
  return { clock, events, tracker, edit, doc: () => doc };
}

const accepted = { completionId: 'c1', model: 'm', backend: 'local', languageId: 'ts', path: '/a.ts' };

describe('RetentionTracker', () => {
  it('checks at 30 s, 2 min and 10 min, following the region through edits', async () => {
    const text = 'return a + b;';
    const { clock, events, tracker, edit } = setup(`function f() {\n  ${text}\n}\n`);
    tracker.track({ ...accepted, offset: 17, text });
    await clock.advance(29_999);
    assert.equal(events.length, 0);
    await clock.advance(1);
    assert.deepEqual(
      events.map((e) => [e.checkpointSec, e.acceptedChars, e.retainedChars, e.editDistance]),
      [[30, 13, 13, 0]],
    );
    edit(0, 0, '// header\n'); // before: shifts the region
    edit(27 + 9, 1, '-'); // replace "+" by "-" inside the region
    await clock.advance(90_000);
    assert.deepEqual(
      events.at(-1) && [events.at(-1)!.checkpointSec, events.at(-1)!.retainedChars, events.at(-1)!.editDistance],
      [120, 12, 1],
    );
    edit(27, 13, ''); // the user deletes it all
    await clock.advance(480_000);
    assert.deepEqual(events.at(-1) && [events.at(-1)!.checkpointSec, events.at(-1)!.retainedChars], [600, 0]);
    assert.equal(tracker.size, 0, 'nothing tracked after the last checkpoint');
  });

  it('skips a checkpoint when the document is gone, and dispose cancels all checks', async () => {
    const { clock, events, tracker } = setup('xyz');
    tracker.track({ ...accepted, path: '/gone.ts', offset: 0, text: 'xyz' });
    await clock.advance(30_000);
    assert.equal(events.length, 0);
    tracker.track({ ...accepted, offset: 0, text: 'xyz' });
    tracker.dispose();
    await clock.advance(600_000);
    assert.equal(events.length, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('ignores empty accepts and bounds how many it follows', () => {
    const { tracker } = setup('');
    tracker.track({ ...accepted, offset: 0, text: '' });
    assert.equal(tracker.size, 0);
  });
});
