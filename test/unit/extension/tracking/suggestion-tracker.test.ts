import { strict as assert } from 'node:assert';
import type { SuggestionEvent } from '../../../../protocol';
import type { AcceptedSuggestion } from '../../../../extension/tracking/retention';
import { SuggestionTracker, type ShownInfo } from '../../../../extension/tracking/suggestion-tracker';
import { FakeClock } from '../fake-clock';

function setup() {
  const clock = new FakeClock();
  const events: SuggestionEvent[] = [];
  const accepted: AcceptedSuggestion[] = [];
  const tracker = new SuggestionTracker({
    clock,
    now: () => 1_700_000_000_000 + clock.now(),
    emit: (e) => events.push(e),
    onAccepted: (a) => accepted.push(a),
  });
  return { clock, events, accepted, tracker };
}

function info(id: string, text = 'compute(1, 2);', extra: Partial<ShownInfo> = {}): ShownInfo {
  return {
    completionId: id,
    model: 'm',
    backend: 'local',
    languageId: 'typescript',
    path: '/a.ts',
    anchorOffset: 100,
    text,
    firstTokenMs: 40,
    totalMs: 90,
    overheadMs: 3,
    multiline: false,
    ...extra,
  };
}

describe('SuggestionTracker', () => {
  it('reports shown once per completionId with latency, size and model', () => {
    const { tracker, events } = setup();
    tracker.shown(info('c1', 'a\nbc'));
    tracker.shown(info('c1', 'a\nbc'));
    assert.equal(events.length, 1);
    assert.deepEqual(events[0], {
      kind: 'shown',
      completionId: 'c1',
      at: 1_700_000_000_000,
      model: 'm',
      backend: 'local',
      languageId: 'typescript',
      firstTokenMs: 40,
      totalMs: 90,
      overheadMs: 3,
      lines: 2,
      chars: 4,
      multiline: false,
    });
  });

  it('accept → accepted event and the whole text handed to retention', () => {
    const { tracker, events, accepted } = setup();
    tracker.shown(info('c1'));
    tracker.edited('/a.ts', 'compute(1, 2);'); // the editor inserts it
    tracker.accepted('c1');
    assert.deepEqual(
      events.map((e) => e.kind),
      ['shown', 'accepted'],
    );
    assert.deepEqual(accepted, [
      { completionId: 'c1', model: 'm', backend: 'local', languageId: 'typescript', path: '/a.ts', offset: 100, text: 'compute(1, 2);' },
    ]);
    assert.equal(tracker.current, undefined);
  });

  it('typing the suggestion keeps it alive; typing something else dismisses it as typed_over', () => {
    const { tracker, events, clock } = setup();
    tracker.shown(info('c1'));
    tracker.edited('/a.ts', 'comp');
    tracker.cursorMoved('/a.ts', 'comp');
    assert.equal(events.length, 1);
    void clock.advance(1500);
    tracker.edited('/a.ts', 'compX');
    const dismissed = events[1];
    assert.equal(dismissed.kind, 'dismissed');
    assert.equal(dismissed.kind === 'dismissed' && dismissed.reason, 'typed_over');
  });

  it('Escape → dismissed escaped; another suggestion → dismissed replaced; moving away → cursor_moved', () => {
    const { tracker, events } = setup();
    tracker.shown(info('c1'));
    tracker.escaped();
    tracker.shown(info('c2'));
    tracker.shown(info('c3'));
    tracker.cursorMoved('/a.ts', undefined);
    const reasons = events.filter((e) => e.kind === 'dismissed').map((e) => (e.kind === 'dismissed' ? [e.completionId, e.reason] : []));
    assert.deepEqual(reasons, [
      ['c1', 'escaped'],
      ['c2', 'replaced'],
      ['c3', 'cursor_moved'],
    ]);
  });

  it('partial accepts report cumulative characters; the last word completes an accept', () => {
    const { tracker, events, accepted } = setup();
    tracker.shown(info('c1', 'foo bar baz'));
    tracker.partiallyAccepted('word', 'foo ');
    tracker.partiallyAccepted('word', 'foo bar ');
    tracker.partiallyAccepted('word', 'foo bar baz');
    assert.deepEqual(
      events.map((e) => (e.kind === 'partially_accepted' ? `partial:${e.acceptedChars}` : e.kind)),
      ['shown', 'partial:4', 'partial:8', 'accepted'],
    );
    assert.equal(accepted.length, 1);
  });

  it('after a partial accept, moving on is not a dismissal (but Escape is)', () => {
    const { tracker, events } = setup();
    tracker.shown(info('c1', 'foo bar'));
    tracker.partiallyAccepted('line', 'foo ');
    tracker.cursorMoved('/b.ts', undefined);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['shown', 'partially_accepted'],
    );
  });

  it('ignores accepts of other ids and typing it all by hand is neither accepted nor dismissed', () => {
    const { tracker, events } = setup();
    tracker.shown(info('c1', 'ab'));
    tracker.accepted('zzz');
    tracker.edited('/a.ts', 'ab');
    tracker.shown(info('c2'));
    assert.deepEqual(
      events.map((e) => e.kind),
      ['shown', 'shown'],
    );
  });

  it('closing the document dismisses as closed and measures how long it was shown', async () => {
    const { tracker, events, clock } = setup();
    tracker.shown(info('c1'));
    await clock.advance(2500);
    tracker.closed('/a.ts');
    const d = events[1];
    assert.equal(d.kind === 'dismissed' && d.reason, 'closed');
    assert.equal(d.kind === 'dismissed' && d.shownForMs, 2500);
  });
});
