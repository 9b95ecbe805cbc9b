/**
 * Conversations and their messages in the user database (tables of the `chat`
 * migration). Every write is one statement or one transaction, so a crash or kill -9
 * never leaves half a turn behind: the question is stored before the model is called,
 * the answer row is created as `streaming` and finished (`done`, `cancelled`, `error`)
 * when the turn ends. Rows still `streaming` when a daemon starts were cut off by a
 * crash and are marked as failed by `recoverInterrupted`.
 */
import type { Db } from '../storage/db';
import type { ChatContextItem, ChatConversationSummary, ChatMessageInfo, ChatMessageStatus, ChatTurnStats } from '../../protocol';

/** What is kept with a message besides its text. */
export interface StoredMessageMeta {
  /** User messages: the exact text sent to the model for this question (context + question). */
  prompt?: string;
  context?: ChatContextItem[];
  stats?: ChatTurnStats;
  attachments?: ChatMessageInfo['attachments'];
  /** Model override the question was asked with (re-used by retry). */
  model?: string;
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  status: ChatMessageStatus;
  error?: ChatMessageInfo['error'];
  meta: StoredMessageMeta;
  createdAt: number;
}

interface ConversationRow {
  id: string;
  workspace: string;
  title: string;
  created_at: number;
  updated_at: number;
  message_count: number;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  role: string;
  content: string;
  status: string;
  error: string | null;
  meta: string | null;
  created_at: number;
}

export const INTERRUPTED_MESSAGE = 'The answer was interrupted: tandemd stopped while it was being written.';

function summary(row: ConversationRow): ChatConversationSummary {
  return {
    id: row.id,
    title: row.title,
    workspace: row.workspace,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    messageCount: row.message_count,
  };
}

function parseJson<T>(text: string | null): T | undefined {
  if (text === null || text === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function message(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    role: row.role === 'assistant' ? 'assistant' : 'user',
    content: row.content,
    status: row.status as ChatMessageStatus,
    error: parseJson<ChatMessageInfo['error']>(row.error),
    meta: parseJson<StoredMessageMeta>(row.meta) ?? {},
    createdAt: row.created_at,
  };
}

/** The wire form of a stored message (the prompt text stays in the daemon). */
export function toMessageInfo(m: StoredMessage): ChatMessageInfo {
  const info: ChatMessageInfo = { id: m.id, role: m.role, content: m.content, status: m.status, createdAt: m.createdAt };
  if (m.error) info.error = m.error;
  if (m.meta.context) info.context = m.meta.context;
  if (m.meta.stats) info.stats = m.meta.stats;
  if (m.meta.attachments) info.attachments = m.meta.attachments;
  return info;
}

/** A one-line title from the first question. */
export function titleFrom(text: string, max = 60): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line || 'New chat';
}

const CONVERSATION_COLUMNS = `c.id, c.workspace, c.title, c.created_at, c.updated_at,
  (SELECT COUNT(*) FROM chat_messages m WHERE m.conversation_id = c.id) AS message_count`;

export class ChatStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  conversation(id: string): ChatConversationSummary | undefined {
    const row = this.db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM chat_conversations c WHERE c.id = ?`).get(id) as
      ConversationRow | undefined;
    return row ? summary(row) : undefined;
  }

  list(workspace: string, limit: number): ChatConversationSummary[] {
    const rows = this.db
      .prepare(
        `SELECT ${CONVERSATION_COLUMNS} FROM chat_conversations c WHERE c.workspace = ? ORDER BY c.updated_at DESC, c.rowid DESC LIMIT ?`,
      )
      .all(workspace, limit) as ConversationRow[];
    return rows.map(summary);
  }

  messages(conversationId: string): StoredMessage[] {
    const rows = this.db.prepare('SELECT * FROM chat_messages WHERE conversation_id = ? ORDER BY seq').all(conversationId) as MessageRow[];
    return rows.map(message);
  }

  /**
   * Store a question and the empty answer that will stream into it, creating the
   * conversation on first use. One transaction: both rows or neither.
   */
  beginTurn(turn: {
    conversationId: string;
    workspace: string;
    userId: string;
    assistantId: string;
    question: string;
    userMeta: StoredMessageMeta;
  }): { user: StoredMessage; assistant: StoredMessage } {
    const t = this.now();
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO chat_conversations (id, workspace, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at`,
        )
        .run(turn.conversationId, turn.workspace, titleFrom(turn.question), t, t);
      const user = this.insert(turn.conversationId, turn.userId, 'user', turn.question, 'done', turn.userMeta, t);
      const assistant = this.insert(turn.conversationId, turn.assistantId, 'assistant', '', 'streaming', {}, t);
      return { user, assistant };
    })();
  }

  /** Replace everything after the conversation's last question with a new empty answer (retry). */
  beginRetry(conversationId: string, assistantId: string): { user: StoredMessage; assistant: StoredMessage } | undefined {
    const t = this.now();
    return this.db.transaction(() => {
      const last = this.db
        .prepare("SELECT * FROM chat_messages WHERE conversation_id = ? AND role = 'user' ORDER BY seq DESC LIMIT 1")
        .get(conversationId) as MessageRow | undefined;
      if (!last) return undefined;
      this.db.prepare('DELETE FROM chat_messages WHERE conversation_id = ? AND seq > ?').run(conversationId, last.seq);
      this.db.prepare('UPDATE chat_conversations SET updated_at = ? WHERE id = ?').run(t, conversationId);
      const assistant = this.insert(conversationId, assistantId, 'assistant', '', 'streaming', {}, t);
      return { user: message(last), assistant };
    })();
  }

  /** Finish an answer: its final text, status, error and figures. */
  finish(
    id: string,
    update: {
      content: string;
      status: Exclude<ChatMessageStatus, 'streaming'>;
      error?: ChatMessageInfo['error'];
      meta?: StoredMessageMeta;
    },
  ): StoredMessage | undefined {
    const t = this.now();
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT * FROM chat_messages WHERE id = ?').get(id) as MessageRow | undefined;
      if (!row) return undefined;
      const meta = { ...(parseJson<StoredMessageMeta>(row.meta) ?? {}), ...(update.meta ?? {}) };
      this.db
        .prepare('UPDATE chat_messages SET content = ?, status = ?, error = ?, meta = ? WHERE id = ?')
        .run(update.content, update.status, update.error ? JSON.stringify(update.error) : null, JSON.stringify(meta), id);
      this.db.prepare('UPDATE chat_conversations SET updated_at = ? WHERE id = ?').run(t, row.conversation_id);
      return message({
        ...row,
        content: update.content,
        status: update.status,
        error: update.error ? JSON.stringify(update.error) : null,
        meta: JSON.stringify(meta),
      });
    })();
  }

  /** Keep the text streamed so far (a kill -9 then loses at most the last interval). */
  saveProgress(id: string, content: string): void {
    this.db.prepare("UPDATE chat_messages SET content = ? WHERE id = ? AND status = 'streaming'").run(content, id);
  }

  delete(conversationId: string): boolean {
    return this.db.prepare('DELETE FROM chat_conversations WHERE id = ?').run(conversationId).changes > 0;
  }

  /** Answers left `streaming` by a daemon that died mid-turn become failed answers the user can retry. */
  recoverInterrupted(): number {
    const error = JSON.stringify({ message: INTERRUPTED_MESSAGE, hint: 'Press Retry to ask again.', kind: 'interrupted' });
    return this.db.prepare("UPDATE chat_messages SET status = 'error', error = ? WHERE status = 'streaming'").run(error).changes;
  }

  private insert(
    conversationId: string,
    id: string,
    role: 'user' | 'assistant',
    content: string,
    status: ChatMessageStatus,
    meta: StoredMessageMeta,
    t: number,
  ): StoredMessage {
    const next = this.db
      .prepare('SELECT COALESCE(MAX(seq), -1) + 1 AS seq FROM chat_messages WHERE conversation_id = ?')
      .get(conversationId) as { seq: number };
    this.db
      .prepare(
        'INSERT INTO chat_messages (id, conversation_id, seq, role, content, status, error, meta, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)',
      )
      .run(id, conversationId, next.seq, role, content, status, JSON.stringify(meta), t);
    return { id, conversationId, seq: next.seq, role, content, status, meta, createdAt: t };
  }
}
