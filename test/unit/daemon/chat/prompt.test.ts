/**
 * Prompt layout: stable system message first, history as sent, question last; oldest
 * turns dropped whole when over budget; fences that cannot be closed by the content.
 */
import assert from 'node:assert/strict';
import { buildChatPrompt, CHAT_SYSTEM_PROMPT, fenceFor, renderBlock, renderQuestion, renderSystem } from '../../../../daemon/chat/prompt';
import { historyBefore } from '../../../../daemon/chat/answer';
import type { StoredMessage } from '../../../../daemon/chat/store';

/** One token per character keeps the arithmetic visible. */
const chars = { count: (t: string) => t.length };

describe('chat prompt', () => {
  it('puts the system message first, the history in order and the question last', () => {
    const p = buildChatPrompt(chars, {
      system: 'SYS',
      history: [
        { question: 'q1', answer: 'a1' },
        { question: 'q2', answer: 'a2' },
      ],
      question: 'now?',
      budgetTokens: 10_000,
    });
    assert.deepEqual(
      p.messages.map((m) => `${m.role}:${m.content}`),
      ['system:SYS', 'user:q1', 'assistant:a1', 'user:q2', 'assistant:a2', 'user:now?'],
    );
    assert.equal(p.droppedTurns, 0);
  });

  it('drops whole turns, oldest first, to fit the budget', () => {
    const history = [
      { question: 'x'.repeat(100), answer: 'y'.repeat(100) },
      { question: 'q2', answer: 'a2' },
    ];
    const p = buildChatPrompt(chars, { system: 'SYS', history, question: 'now?', budgetTokens: 100 });
    assert.deepEqual(
      p.messages.map((m) => m.content),
      ['SYS', 'q2', 'a2', 'now?'],
    );
    assert.equal(p.droppedTurns, 1);
    assert.ok(p.tokens <= 100);
  });

  it('never drops a newer turn while keeping an older one', () => {
    const history = [
      { question: 'a', answer: 'b' },
      { question: 'x'.repeat(500), answer: 'y' },
      { question: 'c', answer: 'd' },
    ];
    const p = buildChatPrompt(chars, { system: 'S', history, question: 'q', budgetTokens: 80 });
    assert.deepEqual(
      p.messages.map((m) => m.content),
      ['S', 'c', 'd', 'q'],
    );
    assert.equal(p.droppedTurns, 2);
  });

  it('fences code with more backticks than it contains', () => {
    assert.equal(fenceFor('plain'), '```');
    assert.equal(fenceFor('has ``` inside'), '````');
    const block = renderBlock({ title: 'File a.md:', language: 'md', text: '```js\nx\n```' });
    assert.match(block, /^File a\.md:\n````md\n```js\nx\n```\n````\n$/);
  });

  it('renders the question after its context, and the rules into the system message', () => {
    assert.equal(renderQuestion('why?', []), 'why?');
    const q = renderQuestion('why?', [{ title: 'Selection from a.ts (lines 1-1):', language: 'typescript', text: 'let x = 1;' }]);
    assert.match(q, /^Context:\n\nSelection from a\.ts \(lines 1-1\):\n```typescript\nlet x = 1;\n```\n\nQuestion:\nwhy\?$/);
    assert.equal(renderSystem([]), CHAT_SYSTEM_PROMPT);
    assert.match(renderSystem([{ path: 'AGENTS.md', text: 'Use tabs.' }]), /Project rules \(AGENTS\.md\):\nUse tabs\.$/);
  });

  it('builds history from answered turns as they were sent, leaving failed answers out', () => {
    const m = (
      seq: number,
      role: 'user' | 'assistant',
      content: string,
      status: StoredMessage['status'] = 'done',
      prompt?: string,
    ): StoredMessage => ({
      id: `m${seq}`,
      conversationId: 'c',
      seq,
      role,
      content,
      status,
      meta: prompt ? { prompt } : {},
      createdAt: 0,
    });
    const messages = [
      m(0, 'user', 'q1', 'done', 'context + q1'),
      m(1, 'assistant', 'a1'),
      m(2, 'user', 'q2'),
      m(3, 'assistant', '', 'error'),
      m(4, 'user', 'q3'),
      m(5, 'assistant', 'partial', 'cancelled'),
      m(6, 'user', 'q4'),
      m(7, 'assistant', '', 'streaming'),
    ];
    assert.deepEqual(historyBefore(messages, 6), [
      { question: 'context + q1', answer: 'a1' },
      { question: 'q3', answer: 'partial' },
    ]);
  });
});
