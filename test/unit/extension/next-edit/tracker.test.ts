import assert from 'node:assert/strict';
import type { SuggestionEvent } from '../../../../protocol';
import type { NextEditOutcome } from '../../../../extension/next-edit/cadence';
import { NextEditTracker, type ShownNextEdit } from '../../../../extension/next-edit/tracker';
import { FakeClock } from '../fake-clock';

function setup() {
  const clock = new FakeClock();
  const events: SuggestionEvent[] = [];
  const outcomes: NextEditOutcome[] = [];
  const tracker = new NextEditTracker({ clock, now: () => 5_000, emit: (e) => events.push(e), onOutcome: (o) => outcomes.push(o) });
  return { clock, events, outcomes, tracker };
}

const info = (id: string): ShownNextEdit => ({
  suggestionId: id,
  model: 'sweep',
  backend: 'local',
  languageId: 'typescript',
  firstTokenMs: 120,
  totalMs: 300,
  overheadMs: 1.5,
  inserted: 'count',
});

describe('next-edit tracker', () => {
  it('reports shown once and accepted, as next-edit events', () => {
    const { events, outcomes, tracker } = setup();
    tracker.shown(info('a'));
    tracker.shown(info('a'));
    tracker.accepted('a');
    tracker.accepted('a');
    assert.deepEqual(
      events.map((e) => [e.kind, e.completionId, e.suggestionKind]),
      [
        ['shown', 'a', 'nextEdit'],
        ['accepted', 'a', 'nextEdit'],
      ],
    );
    const shown = events[0] as Extract<SuggestionEvent, { kind: 'shown' }>;
    assert.deepEqual([shown.totalMs, shown.firstTokenMs, shown.overheadMs, shown.chars, shown.lines], [300, 120, 1.5, 5, 1]);
    assert.deepEqual(outcomes, ['accepted']);
  });

  it('tells rejected (Escape) from ignored (typed over, moved away, replaced)', async () => {
    const { clock, events, outcomes, tracker } = setup();
    tracker.shown(info('a'));
    await clock.advance(800);
    tracker.rejected();
    tracker.shown(info('b'));
    tracker.ignored('typed_over');
    tracker.shown(info('c'));
    tracker.shown(info('d'));
    const dismissed = events.filter((e): e is Extract<SuggestionEvent, { kind: 'dismissed' }> => e.kind === 'dismissed');
    assert.deepEqual(
      dismissed.map((e) => [e.completionId, e.reason]),
      [
        ['a', 'escaped'],
        ['b', 'typed_over'],
        ['c', 'replaced'],
      ],
    );
    assert.equal(dismissed[0].shownForMs, 800);
    assert.deepEqual(outcomes, ['rejected', 'ignored', 'ignored']);
    tracker.accepted('c');
    assert.equal(events.filter((e) => e.kind === 'accepted').length, 0, 'no longer live');
  });
});
