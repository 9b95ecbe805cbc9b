/**
 * Approval bookkeeping: one answer per approval, "Allow for this task" remembered for
 * the task only, rule decisions, cancellation denying what is pending, and the list a
 * reloaded panel shows again.
 */
import assert from 'node:assert/strict';
import { ApprovalBook } from '../../../../extension/agent/approvals';

describe('agent approvals', () => {
  it('settles each approval once, with the user as the decider', async () => {
    const book = new ApprovalBook<{ command: string }>(() => 1);
    let changes = 0;
    book.onDidChange(() => changes++);
    const a = book.ask('t1', { command: 'npm test' }, 'x1');
    assert.equal(book.size, 1);
    assert.equal(book.answer('x1', 'allowOnce'), true);
    assert.equal(book.answer('x1', 'deny'), false, 'a second click changes nothing');
    assert.deepEqual(await a.decision, { choice: 'allowOnce', by: 'user' });
    assert.equal(book.size, 0);
    assert.equal(changes, 2);
    assert.equal(book.answer('unknown', 'allowOnce'), false);
  });

  it('asking again with a pending id waits for the same decision', async () => {
    const book = new ApprovalBook<string>();
    const a = book.ask('t1', 'p', 'same');
    const b = book.ask('t1', 'p', 'same');
    assert.equal(book.size, 1);
    book.answer('same', 'deny');
    assert.deepEqual(await a.decision, await b.decision);
  });

  it('"Allow for this task" allows the same key later in that task only', () => {
    const book = new ApprovalBook<string>();
    book.ask('t1', 'npm test', 'a');
    book.answer('a', 'allowTask', 'command:npm test');
    assert.equal(book.isAllowedForTask('t1', 'command:npm test'), true);
    assert.equal(book.isAllowedForTask('t1', 'command:npm run build'), false);
    assert.equal(book.isAllowedForTask('t2', 'command:npm test'), false);
    book.endTask('t1');
    assert.equal(book.isAllowedForTask('t1', 'command:npm test'), false, 'forgotten when the task ends');
  });

  it('ending a task denies its pending approvals and leaves other tasks alone', async () => {
    let now = 0;
    const book = new ApprovalBook<string>(() => ++now);
    const a = book.ask('t1', 'first');
    const b = book.ask('t2', 'other');
    const c = book.ask('t1', 'second');
    assert.deepEqual(
      book.pending('t1').map((p) => p.payload),
      ['first', 'second'],
    );
    assert.equal(book.endTask('t1'), 2);
    for (const d of [await a.decision, await c.decision]) {
      assert.equal(d.choice, 'deny');
      assert.equal(d.by, 'cancelled');
      assert.match(d.reason ?? '', /cancelled/);
    }
    assert.deepEqual(
      book.pending().map((p) => p.id),
      [b.id],
    );
    assert.equal(book.decide(b.id, { choice: 'allowOnce', by: 'allowlist', reason: 'npm test' }), true);
    assert.deepEqual(await b.decision, { choice: 'allowOnce', by: 'allowlist', reason: 'npm test' });
  });
});
