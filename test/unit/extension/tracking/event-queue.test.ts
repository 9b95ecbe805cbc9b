import { strict as assert } from 'node:assert';
import type { SuggestionEvent } from '../../../../protocol';
import { EventQueue } from '../../../../extension/tracking/event-queue';
import { nullLogger } from '../../../../extension/log';
import { FakeClock, flushAsync } from '../fake-clock';

function ev(id: string): SuggestionEvent {
  return { kind: 'dismissed', completionId: id, at: 1, model: 'm', backend: 'b', languageId: 'ts', reason: 'escaped' };
}

describe('EventQueue', () => {
  it('batches events and sends them after the flush delay', async () => {
    const clock = new FakeClock();
    const sent: string[][] = [];
    const q = new EventQueue(
      { clock, log: nullLogger, send: async (b) => void sent.push(b.map((e) => e.completionId)) },
      { flushDelayMs: 1000, maxBatch: 3 },
    );
    q.push(ev('a'));
    q.push(ev('b'));
    await flushAsync();
    assert.equal(sent.length, 0);
    await clock.advance(1000);
    assert.deepEqual(sent, [['a', 'b']]);
  });

  it('sends at once when a batch is full', async () => {
    const clock = new FakeClock();
    const sent: string[][] = [];
    const q = new EventQueue({ clock, log: nullLogger, send: async (b) => void sent.push(b.map((e) => e.completionId)) }, { maxBatch: 2 });
    q.push(ev('a'));
    q.push(ev('b'));
    await flushAsync();
    assert.deepEqual(sent, [['a', 'b']]);
  });

  it('keeps events while the daemon is unreachable and sends them later, in order', async () => {
    const clock = new FakeClock();
    const sent: string[][] = [];
    let up = false;
    const q = new EventQueue(
      {
        clock,
        log: nullLogger,
        send: async (b) => {
          if (!up) throw new Error('not connected');
          sent.push(b.map((e) => e.completionId));
        },
      },
      { flushDelayMs: 100, retryDelayMs: 1000 },
    );
    q.push(ev('a'));
    await clock.advance(100);
    q.push(ev('b'));
    assert.equal(q.size, 2);
    up = true;
    await clock.advance(1000);
    assert.deepEqual(sent.flat(), ['a', 'b']);
    assert.equal(q.size, 0);
  });

  it('drops the oldest beyond its bound', async () => {
    const clock = new FakeClock();
    const q = new EventQueue(
      { clock, log: nullLogger, send: async () => Promise.reject(new Error('down')) },
      { maxPending: 2, maxBatch: 100 },
    );
    q.push(ev('a'));
    q.push(ev('b'));
    q.push(ev('c'));
    assert.equal(q.size, 2);
    q.dispose();
  });
});
