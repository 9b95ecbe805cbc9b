import assert from 'node:assert/strict';
import { COMPACTED_MARK, compactMessages, toSignatures } from '../../../../daemon/agent/compaction';
import type { ChatMessage } from '../../../../daemon/router/types';

const count = (t: string) => Math.ceil(t.length / 4);
const code = (n: number) =>
  [
    'src/a.ts (lines 1–40 of 40)',
    ...Array.from({ length: n }, (_, i) =>
      i % 10 === 0 ? `${i + 1}  export function f${i}(x: number) {` : `${i + 1}    const v = x * ${i}; // body line`,
    ),
  ].join('\n');

describe('compaction', () => {
  it('cuts a code result to its header and declarations, saying so', () => {
    const out = toSignatures(code(40));
    assert.match(out, /^src\/a\.ts \(lines 1–40 of 40\)/);
    assert.match(out, /export function f0/);
    assert.match(out, /export function f30/);
    assert.doesNotMatch(out, /body line/);
    assert.ok(out.includes(COMPACTED_MARK));
  });

  it('compacts the oldest tool results first, keeps the newest two and every other message, and stops once it fits', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'system' },
      { role: 'user', content: 'task' },
      ...[1, 2, 3, 4].flatMap((i): ChatMessage[] => [
        { role: 'assistant', content: '', toolCalls: [{ name: 'read_file', arguments: { path: `f${i}` } }] },
        { role: 'tool', content: code(60), toolName: 'read_file' },
      ]),
    ];
    const total = messages.reduce((n, m) => n + count(m.content), 0);
    const r = compactMessages(messages, total - 500, count);
    assert.ok(r.compacted >= 1);
    assert.ok(r.tokensAfter <= total - 500);
    assert.ok(messages[3]!.content.includes(COMPACTED_MARK), 'the oldest result went first');
    assert.ok(
      !messages[7]!.content.includes(COMPACTED_MARK) && !messages[9]!.content.includes(COMPACTED_MARK),
      'the newest two stay whole',
    );
    assert.equal(messages[0]!.content, 'system');
    const none = compactMessages(messages, 1_000_000, count);
    assert.equal(none.compacted, 0);
  });

  it('goes down to one line per result when signatures are not enough', () => {
    const messages: ChatMessage[] = [
      { role: 'tool', content: code(60) },
      { role: 'tool', content: code(60) },
      { role: 'tool', content: 'recent 1' },
      { role: 'tool', content: 'recent 2' },
    ];
    compactMessages(messages, 60, count);
    assert.ok(messages[0]!.content.startsWith(COMPACTED_MARK));
    assert.match(messages[0]!.content, /call the tool again/);
  });
});
