/**
 * What the chat feature's handlers share: the host, the conversation store, one token
 * counter, the project-rules readers and the answers being written.
 */
import { ErrorCodes, TandemError } from '../../protocol';
import { TokenCounter } from '../context/budget';
import type { FeatureHost } from '../host/types';
import { ChatRules } from './rules';
import { RunningTurns } from './running';
import { ChatStore } from './store';

export interface ChatState {
  readonly host: FeatureHost;
  readonly store: ChatStore;
  readonly counter: TokenCounter;
  readonly rules: ChatRules;
  readonly running: RunningTurns;
}

/** Open the store (answers cut off by the last shutdown are marked for retry) and the rest. */
export function createChatState(host: FeatureHost): ChatState {
  const store = new ChatStore(host.db);
  const recovered = store.recoverInterrupted();
  if (recovered > 0) host.logger.info(`Chat: ${recovered} answer(s) cut off by the last shutdown are marked for retry.`);
  const counter = new TokenCounter();
  return { host, store, counter, rules: new ChatRules(counter, host.logger), running: new RunningTurns() };
}

/** Stop the answers being written and free the token counter. */
export function disposeChatState(chat: ChatState): void {
  chat.running.abortAll();
  chat.counter.dispose();
}

export function conversationNotFound(id: string): TandemError {
  return new TandemError(ErrorCodes.NotFound, `No conversation ${id}; it may have been deleted.`, { hint: 'Start a new chat.' });
}
