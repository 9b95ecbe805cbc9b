/**
 * The chat prompt, laid out for the backend's prompt cache: the stable system message
 * (instructions, then project rules) first, then the history exactly as it was sent on
 * earlier turns, then the new question with its context last. When the conversation
 * outgrows the budget, whole turns are dropped oldest first; nothing is shuffled.
 */
import type { ChatMessage } from '../router/types';

export interface TokenCount {
  count(text: string): number;
}

export const CHAT_SYSTEM_PROMPT = [
  "You are Tandem, a pair programmer inside the user's editor.",
  'Answer precisely and concisely in Markdown. Put code in fenced code blocks with a language tag;',
  'when you change existing code, give the complete changed function or file section so it can be applied as is.',
  'Use the context blocks the user attaches (their selection, files, retrieved code); say so when they are not enough.',
].join(' ');

/** A piece of context to attach to the question, already read. */
export interface ContextBlock {
  /** Shown above the code, e.g. `src/a.ts (lines 3-10)`. */
  title: string;
  /** Markdown language tag. */
  language: string;
  text: string;
}

/** A longer backtick fence than any run inside `text`, so the block cannot be closed early. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

export function renderBlock(block: ContextBlock): string {
  const fence = fenceFor(block.text);
  const body = block.text.endsWith('\n') ? block.text : `${block.text}\n`;
  return `${block.title}\n${fence}${block.language}\n${body}${fence}\n`;
}

/** The user message as sent: the context blocks, then the question. */
export function renderQuestion(question: string, blocks: ContextBlock[], retrieved = ''): string {
  const parts: string[] = [];
  if (blocks.length > 0) parts.push(`Context:\n\n${blocks.map(renderBlock).join('\n')}`);
  if (retrieved.trim() !== '') parts.push(`Relevant code from the workspace:\n\n${retrieved.trim()}\n`);
  parts.push(parts.length > 0 ? `Question:\n${question}` : question);
  return parts.join('\n');
}

export function renderSystem(rules: Array<{ path: string; text: string }>): string {
  if (rules.length === 0) return CHAT_SYSTEM_PROMPT;
  const blocks = rules.map((r) => `Project rules (${r.path}):\n${r.text.trim()}`);
  return `${CHAT_SYSTEM_PROMPT}\n\nFollow the project's rules:\n\n${blocks.join('\n\n')}`;
}

export interface HistoryTurn {
  /** The user message exactly as it was sent back then. */
  question: string;
  answer: string;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  tokens: number;
  droppedTurns: number;
}

/**
 * Fit system + history + question into `budgetTokens` (model context − output reserve).
 * The system message and the question are always kept (their size is bounded by the
 * caller's context budget); the oldest history turns go first.
 */
export function buildChatPrompt(
  counter: TokenCount,
  input: { system: string; history: HistoryTurn[]; question: string; budgetTokens: number },
): BuiltPrompt {
  // Per-message framing overhead of chat templates (role markers), counted conservatively.
  const overhead = 8;
  const fixed = counter.count(input.system) + counter.count(input.question) + 2 * overhead;
  const turnCost = input.history.map((t) => counter.count(t.question) + counter.count(t.answer) + 2 * overhead);
  let room = input.budgetTokens - fixed;
  let first = input.history.length;
  // Keep the newest turns that fit, contiguous up to the question.
  for (let i = input.history.length - 1; i >= 0; i--) {
    if (turnCost[i] > room) break;
    room -= turnCost[i];
    first = i;
  }
  const kept = input.history.slice(first);
  const messages: ChatMessage[] = [{ role: 'system', content: input.system }];
  for (const t of kept) {
    messages.push({ role: 'user', content: t.question });
    messages.push({ role: 'assistant', content: t.answer });
  }
  messages.push({ role: 'user', content: input.question });
  const tokens = fixed + turnCost.slice(first).reduce((a, b) => a + b, 0);
  return { messages, tokens, droppedTurns: first };
}
