/**
 * Keeping the agent's conversation within its context window (pure). When the
 * messages pass the limit, older tool results are compacted, oldest first, the newest
 * ones kept whole: first cut to their header and the lines that declare something
 * (signatures), then, if that is not enough, to one line saying what was there. The
 * model is told in the result itself, so it can read again what it needs; the server
 * never truncates the prompt silently.
 */
import type { ChatMessage } from '../router/types';

export interface CompactionResult {
  compacted: number;
  tokensBefore: number;
  tokensAfter: number;
}

const DECLARATION =
  /^\s*\d*\s*(export\s+|public\s+|private\s+|protected\s+|static\s+|async\s+|pub\s+)*(function|class|interface|type|enum|def|fn|func|struct|impl|trait|module|namespace|const\s+\w+\s*=\s*(\(|async|function)|let\s+\w+\s*=\s*\(|[A-Za-z_$][\w$]*\s*\([^)]*\)\s*[:{])/;

export const COMPACTED_MARK = '[compacted:';

/** A message's tokens as the prompt carries them (content, tool calls, a few tokens of framing). */
export function messageTokens(m: ChatMessage, count: (text: string) => number): number {
  return count(m.content) + (m.toolCalls ? count(JSON.stringify(m.toolCalls)) : 0) + 4;
}

/** The header line and the declaration lines of a tool result, with a note of what was cut. */
export function toSignatures(content: string): string {
  const lines = content.split('\n');
  const kept = [
    lines[0]!,
    ...lines
      .slice(1)
      .filter((l) => DECLARATION.test(l))
      .slice(0, 60),
  ];
  return `${kept.join('\n')}\n${COMPACTED_MARK} ${lines.length - kept.length} of ${lines.length} lines cut to the declarations to stay within the context window; call the tool again for the full text]`;
}

function toOneLine(content: string): string {
  const first = content.split('\n', 1)[0]!.slice(0, 200);
  return `${COMPACTED_MARK} an earlier result (${first}${content.length > first.length ? ', …' : ''}) was removed to stay within the context window; call the tool again if you need it]`;
}

/**
 * Compact `messages` in place until they fit `limitTokens`. The last `keepRecent` tool
 * results and every non-tool message stay as they are.
 */
export function compactMessages(
  messages: ChatMessage[],
  limitTokens: number,
  count: (text: string) => number,
  keepRecent = 2,
): CompactionResult {
  const tokens = messages.map((m) => messageTokens(m, count));
  const total = () => tokens.reduce((a, b) => a + b, 0);
  const before = total();
  if (before <= limitTokens) return { compacted: 0, tokensBefore: before, tokensAfter: before };
  const toolIdx = messages.map((m, i) => (m.role === 'tool' ? i : -1)).filter((i) => i >= 0);
  const candidates = toolIdx.slice(0, Math.max(0, toolIdx.length - keepRecent));
  const touched = new Set<number>();
  for (const pass of [toSignatures, toOneLine]) {
    for (const i of candidates) {
      if (total() <= limitTokens) break;
      const m = messages[i]!;
      if (pass === toSignatures && (m.content.includes(COMPACTED_MARK) || m.content.length < 400)) continue;
      if (pass === toOneLine && m.content.startsWith(COMPACTED_MARK)) continue;
      const next = pass(m.content);
      if (next.length >= m.content.length) continue;
      messages[i] = { ...m, content: next };
      tokens[i] = messageTokens(messages[i]!, count);
      touched.add(i);
    }
  }
  return { compacted: touched.size, tokensBefore: before, tokensAfter: total() };
}
