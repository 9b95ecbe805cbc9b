import assert from 'node:assert/strict';
import { ErrorCodes, TandemError } from '../../../../protocol';
import { UpstreamScheduler, type Slot, type SlotRequest, type SchedulerLimits } from '../../../../daemon/router/scheduler';

const limits = (over: Partial<SchedulerLimits> = {}): (() => SchedulerLimits) => {
  const l = { maxConcurrent: 4, reservedInteractive: 1, maxQueued: 100, ...over };
  return () => l;
};

const req = (task: string, owner = 'a', extra: Partial<SlotRequest> = {}): SlotRequest => ({
  backend: 'local',
  task,
  owner,
  timeoutMs: 60_000,
  ...extra,
});

/** Resolves on the next turn of the event loop with whether `p` has settled. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('router/scheduler', () => {
  it('runs at most maxConcurrent calls per backend and keeps the reserve for completions', async () => {
    const s = new UpstreamScheduler(limits());
    const chats = await Promise.all([0, 1, 2].map(() => s.acquire(req('chat'))));
    assert.deepEqual(s.load('local'), { running: 3, interactive: 0, queued: 0 });
    const fourthChat = s.acquire(req('chat'));
    assert.equal(await settled(fourthChat), false, 'the last slot is reserved');
    const completion = await s.acquire(req('complete', 'b'));
    assert.equal(completion.waitedMs, 0, 'a completion takes the reserved slot at once');
    assert.deepEqual(s.load('local'), { running: 4, interactive: 1, queued: 1 });
    // Another backend has its own capacity.
    const other = await s.acquire(req('chat', 'a', { backend: 'dgx' }));
    other.release();
    chats[0].release();
    const granted = await fourthChat;
    assert.ok(granted.waitedMs >= 0);
    assert.deepEqual(s.load('local'), { running: 4, interactive: 1, queued: 0 });
    completion.release();
    completion.release(); // idempotent
    assert.deepEqual(s.load('local'), { running: 3, interactive: 0, queued: 0 });
  });

  it('hands a freed slot to a waiting completion before any waiting chat', async () => {
    const s = new UpstreamScheduler(limits({ maxConcurrent: 2, reservedInteractive: 0 }));
    const held = [await s.acquire(req('chat')), await s.acquire(req('chat'))];
    const order: string[] = [];
    const chat = s.acquire(req('chat', 'x')).then((slot) => (order.push('chat'), slot));
    const edit = s.acquire(req('edit', 'y')).then((slot) => (order.push('edit'), slot));
    const complete = s.acquire(req('complete', 'z')).then((slot) => (order.push('complete'), slot));
    held[0].release();
    (await complete).release();
    held[1].release();
    for (const slot of await Promise.all([chat, edit])) slot.release();
    assert.deepEqual(order, ['complete', 'chat', 'edit']);
    const nextEdit = await s.acquire(req('nextEdit'));
    assert.equal(s.load('local').interactive, 1, 'next-edit suggestions are interactive too');
    nextEdit.release();
  });

  it('serves the sessions in turn: one owner with many waiting calls does not hold another behind all of them', async () => {
    const s = new UpstreamScheduler(limits({ maxConcurrent: 1, reservedInteractive: 0 }));
    const first = await s.acquire(req('chat', 'flood'));
    const order: string[] = [];
    const waiting: Array<Promise<Slot>> = [];
    for (let i = 0; i < 5; i++) waiting.push(s.acquire(req('chat', 'flood')).then((slot) => (order.push(`flood${i}`), slot)));
    waiting.push(s.acquire(req('chat', 'victim')).then((slot) => (order.push('victim'), slot)));
    let current = first;
    for (let i = 0; i < 6; i++) {
      current.release();
      current = await Promise.race(waiting.filter((_, k) => !order.includes(k === 5 ? 'victim' : `flood${k}`)));
    }
    current.release();
    assert.deepEqual(order, ['flood0', 'victim', 'flood1', 'flood2', 'flood3', 'flood4']);
  });

  it('a waiting call leaves the queue when cancelled or when its time runs out, and a full queue refuses at once', async () => {
    const s = new UpstreamScheduler(limits({ maxConcurrent: 1, reservedInteractive: 0, maxQueued: 2 }));
    const held = await s.acquire(req('chat'));
    const ac = new AbortController();
    const cancelledWait = s.acquire(req('chat', 'a', { signal: ac.signal }));
    const timedOut = s.acquire(req('chat', 'b', { timeoutMs: 10 }));
    const full = await s.acquire(req('chat', 'c')).catch((e: unknown) => e);
    assert.ok(full instanceof TandemError);
    assert.equal(full.code, ErrorCodes.Overloaded);
    assert.equal(full.message, 'Backend local is busy: 1 call running, 2 waiting, and no more calls can wait.');
    ac.abort();
    const c = await cancelledWait.catch((e: unknown) => e);
    assert.ok(c instanceof TandemError && c.code === ErrorCodes.RequestCancelled);
    const t = await timedOut.catch((e: unknown) => e);
    assert.ok(t instanceof TandemError && t.code === ErrorCodes.UpstreamTimeout);
    assert.match(t.message, /^Waited \d+ ms for backend local without a free slot \(1 call running, 0 waiting\)\.$/);
    assert.deepEqual(s.load('local'), { running: 1, interactive: 0, queued: 0 }, 'neither left anything behind');
    held.release();
    const next = await s.acquire(req('chat'));
    assert.equal(next.waitedMs, 0);
    next.release();
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(s.acquire(req('chat', 'a', { signal: pre.signal })), (e: TandemError) => e.code === ErrorCodes.RequestCancelled);
  });

  it('reads its limits on every call (a new config applies at once)', async () => {
    let max = 1;
    const s = new UpstreamScheduler(() => ({ maxConcurrent: max, reservedInteractive: 0, maxQueued: 10 }));
    const a = await s.acquire(req('chat'));
    const b = s.acquire(req('chat'));
    assert.equal(await settled(b), false);
    max = 2;
    const c = await s.acquire(req('complete'));
    assert.equal(s.load('local').running, 2);
    for (const slot of [a, c, await (a.release(), b)]) slot.release();
    assert.equal(s.load('local').running, 0);
  });
});
