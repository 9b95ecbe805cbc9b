/**
 * Chat as a daemon feature: `tandem/chat/send|retry` (`turn.ts`, answers in `answer.ts`)
 * and `tandem/chat/list|get|delete` over the conversations in the user database.
 */
import {
  ChatDeleteRequest,
  ChatGetRequest,
  ChatListRequest,
  ChatRetryRequest,
  ChatSendRequest,
  StreamDeltaNotification,
  type z,
} from '../../protocol';
import type { DaemonFeature } from '../host/types';
import { conversationNotFound, createChatState, disposeChatState, type ChatState } from './state';
import { toMessageInfo } from './store';
import { retryTurn, sendTurn } from './turn';

export const chatFeature: DaemonFeature = {
  name: 'chat',
  capabilities: ['chat'],
  requests: [ChatSendRequest, ChatRetryRequest, ChatListRequest, ChatGetRequest, ChatDeleteRequest],
  notifications: [StreamDeltaNotification],
  register(host) {
    const chat = createChatState(host);
    host.handle(ChatSendRequest, (params, ctx) => sendTurn(chat, params, ctx));
    host.handle(ChatRetryRequest, (params, ctx) => retryTurn(chat, params, ctx));
    host.handle(ChatListRequest, (params) => listConversations(chat, params));
    host.handle(ChatGetRequest, (params) => getConversation(chat, params));
    host.handle(ChatDeleteRequest, (params) => deleteConversation(chat, params));
    return { dispose: () => disposeChatState(chat) };
  },
};

function listConversations(chat: ChatState, params: z.output<typeof ChatListRequest.params>): ChatListRequest.Result {
  return { conversations: chat.store.list(params.workspace, params.limit) };
}

function getConversation(chat: ChatState, params: z.output<typeof ChatGetRequest.params>): ChatGetRequest.Result {
  const conversation = chat.store.conversation(params.conversationId);
  if (!conversation) throw conversationNotFound(params.conversationId);
  return { conversation, messages: chat.store.messages(params.conversationId).map(toMessageInfo) };
}

/** `tandem/chat/delete`: stop the answer being written, if any, and delete the conversation. */
function deleteConversation(chat: ChatState, params: z.output<typeof ChatDeleteRequest.params>): ChatDeleteRequest.Result {
  chat.running.abort(params.conversationId);
  return { deleted: chat.store.delete(params.conversationId) };
}
