/**
 * Chat persistence on a real SQLite file (the user database with its migrations):
 * turns, per-workspace lists, retry, delete, and recovery of answers cut off by a crash.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openUserDb, type Db } from '../../../../daemon/storage/db';
import { ChatStore, INTERRUPTED_MESSAGE, titleFrom, toMessageInfo } from '../../../../daemon/chat/store';

describe('chat store (SQLite)', () => {
  let home: string;
  let db: Db;
  let clock: number;
  let store: ChatStore;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'tandem-chat-store-'));
    db = openUserDb(home);
    clock = 1_000;
    store = new ChatStore(db, () => clock);
  });

  afterEach(() => {
    if (db.open) db.close();
    rmSync(home, { recursive: true, force: true });
  });

  const turn = (conversationId: string, n: number, workspace = '/ws') =>
    store.beginTurn({
      conversationId,
      workspace,
      userId: `u${n}`,
      assistantId: `a${n}`,
      question: `question ${n}`,
      userMeta: { prompt: `prompt ${n}` },
    });

  it('stores the question and a streaming answer in one step, and finishes the answer', () => {
    const { user, assistant } = turn('c1', 1);
    assert.equal(user.seq, 0);
    assert.equal(assistant.seq, 1);
    assert.equal(assistant.status, 'streaming');
    clock = 2_000;
    const done = store.finish('a1', {
      content: 'the answer',
      status: 'done',
      meta: {
        stats: {
          model: 'm',
          backend: 'b',
          timings: { contextMs: 1, firstTokenMs: 2, totalMs: 3 },
          tokens: { promptEstimate: 10 },
          droppedTurns: 0,
        },
      },
    });
    assert.equal(done?.content, 'the answer');
    const msgs = store.messages('c1');
    assert.deepEqual(
      msgs.map((m) => [m.role, m.content, m.status]),
      [
        ['user', 'question 1', 'done'],
        ['assistant', 'the answer', 'done'],
      ],
    );
    assert.equal(msgs[0].meta.prompt, 'prompt 1');
    assert.equal(toMessageInfo(msgs[0]).content, 'question 1');
    assert.equal((toMessageInfo(msgs[0]) as unknown as { prompt?: string }).prompt, undefined, 'the prompt text is not sent to clients');
    assert.equal(store.conversation('c1')?.updatedAt, 2_000);
  });

  it('lists conversations per workspace, newest first, with titles from the first question', () => {
    turn('c1', 1);
    clock = 5_000;
    turn('c2', 2);
    turn('c3', 3, '/other');
    assert.deepEqual(
      store.list('/ws', 10).map((c) => [c.id, c.title, c.messageCount]),
      [
        ['c2', 'question 2', 2],
        ['c1', 'question 1', 2],
      ],
    );
    assert.deepEqual(
      store.list('/other', 10).map((c) => c.id),
      ['c3'],
    );
    assert.deepEqual(
      store.list('/ws', 1).map((c) => c.id),
      ['c2'],
    );
  });

  it('keeps the first title when the conversation goes on', () => {
    turn('c1', 1);
    store.beginTurn({ conversationId: 'c1', workspace: '/ws', userId: 'u2', assistantId: 'a2', question: 'something else', userMeta: {} });
    assert.equal(store.conversation('c1')?.title, 'question 1');
    assert.deepEqual(
      store.messages('c1').map((m) => m.seq),
      [0, 1, 2, 3],
    );
  });

  it('retry replaces everything after the last question with a new streaming answer', () => {
    turn('c1', 1);
    store.finish('a1', { content: 'partial', status: 'error', error: { message: 'down', kind: 'upstream_error', backendUrl: 'http://x' } });
    const retry = store.beginRetry('c1', 'a1b');
    assert.equal(retry?.user.id, 'u1');
    assert.deepEqual(
      store.messages('c1').map((m) => [m.id, m.status]),
      [
        ['u1', 'done'],
        ['a1b', 'streaming'],
      ],
    );
    assert.equal(store.beginRetry('missing', 'x'), undefined);
  });

  it('keeps the error of a failed answer for the panel', () => {
    turn('c1', 1);
    store.finish('a1', {
      content: '',
      status: 'error',
      error: {
        message: 'Cannot reach backend local (http://127.0.0.1:9).',
        hint: 'Start Ollama.',
        kind: 'upstream_error',
        backendUrl: 'http://127.0.0.1:9',
      },
    });
    const info = toMessageInfo(store.messages('c1')[1]);
    assert.equal(info.error?.backendUrl, 'http://127.0.0.1:9');
    assert.equal(info.error?.hint, 'Start Ollama.');
  });

  it('deletes a conversation with its messages', () => {
    turn('c1', 1);
    assert.equal(store.delete('c1'), true);
    assert.equal(store.delete('c1'), false);
    assert.equal(store.conversation('c1'), undefined);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM chat_messages').get() as { n: number }).n, 0);
  });

  it('survives closing and reopening the database, and marks answers cut off by a crash for retry', () => {
    turn('c1', 1);
    store.saveProgress('a1', 'half an ans');
    db.close();
    db = openUserDb(home);
    store = new ChatStore(db, () => clock);
    assert.equal(store.recoverInterrupted(), 1);
    const [q, a] = store.messages('c1');
    assert.equal(q.content, 'question 1');
    assert.equal(a.content, 'half an ans');
    assert.equal(a.status, 'error');
    assert.equal(a.error?.message, INTERRUPTED_MESSAGE);
    assert.equal(store.recoverInterrupted(), 0);
  });

  it('makes one-line titles', () => {
    assert.equal(titleFrom('  how\n does   this work?  '), 'how does this work?');
    assert.equal(titleFrom('x'.repeat(100)).length, 60);
    assert.equal(titleFrom('   '), 'New chat');
  });
});
