/**
 * Project memory: typed notes per workspace (decision, constraint, todo, glossary,
 * link) with a title, a body and tags, stored in the daemon's user database. The user
 * adds them (a command, the chat, the memory view), the agent proposes them with its
 * `remember` tool (stored only after the user approved). The notes relevant to a
 * request (BM25 over title, body and tags) go into chat, agent, fix and edit prompts
 * within their budget and are listed in the used context (`kind: 'memory'`).
 *
 * A workspace is keyed by its root's real path (`''` for notes outside any workspace).
 * Past `memory.maxActiveNotes` notes per workspace the oldest (by last update) are
 * archived: kept and searchable, but no longer sent to models. Editing an archived
 * note, or un-archiving it, makes it active again (archiving another if needed).
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { MessageDirection, z, zId } from '../define';
import type { TandemErrorData } from '../errors';

export const MemoryKinds = ['decision', 'constraint', 'todo', 'glossary', 'link'] as const;
export type MemoryKind = (typeof MemoryKinds)[number];

export interface MemoryNote {
  id: string;
  workspace: string;
  kind: MemoryKind;
  title: string;
  body: string;
  tags: string[];
  /** Who added it: the user, or the agent's `remember` tool (after approval). */
  source: 'user' | 'agent';
  createdAt: number;
  updatedAt: number;
  /** Archived notes are kept and searchable but not sent to models. */
  archived: boolean;
}

const zWorkspace = z.string().max(4096);
const zTitle = z.string().trim().min(1, 'the title is empty').max(200);
const zBody = z.string().max(20_000);
const zTags = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(50)
      .regex(/^[^\s,]+$/, 'a tag is one word (no spaces or commas)'),
  )
  .max(20);

/**
 * `tandem/memory/list` — client → daemon. The notes of a workspace, most recently
 * updated first; `query` filters by BM25 relevance (best first), `kind` by kind,
 * `includeArchived` adds the archived ones. Result: the notes, and how many are active
 * and archived in the workspace. Since 1.1 (feature `memory`).
 */
export namespace MemoryListRequest {
  export const method = 'tandem/memory/list' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    workspace: zWorkspace.default(''),
    query: z.string().max(2000).optional(),
    kind: z.enum(MemoryKinds).optional(),
    includeArchived: z.boolean().default(false),
    limit: z.number().int().min(1).max(1000).default(200),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    notes: MemoryNote[];
    active: number;
    archived: number;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/memory/add` — client → daemon. Add a note (source `user`). Result: the note
 * and the ids of notes archived to stay within `memory.maxActiveNotes`. Errors:
 * `InvalidParams` (empty title, bad tag), `StorageError`. Since 1.1.
 */
export namespace MemoryAddRequest {
  export const method = 'tandem/memory/add' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    workspace: zWorkspace.default(''),
    kind: z.enum(MemoryKinds),
    title: zTitle,
    body: zBody.default(''),
    tags: zTags.default([]),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    note: MemoryNote;
    archivedIds: string[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/memory/update` — client → daemon. Change a note's fields (those given), or
 * archive / un-archive it. Result: the note, and the ids of notes archived to make room.
 * Errors: `NotFound`, `InvalidParams`, `StorageError`. Since 1.1.
 */
export namespace MemoryUpdateRequest {
  export const method = 'tandem/memory/update' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({
    id: zId,
    kind: z.enum(MemoryKinds).optional(),
    title: zTitle.optional(),
    body: zBody.optional(),
    tags: zTags.optional(),
    archived: z.boolean().optional(),
  });
  export type Params = z.input<typeof params>;
  export interface Result {
    note: MemoryNote;
    archivedIds: string[];
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/** `tandem/memory/delete` — client → daemon. Delete a note for good. Result: whether it existed. Since 1.1. */
export namespace MemoryDeleteRequest {
  export const method = 'tandem/memory/delete' as const;
  export const messageDirection = MessageDirection.clientToServer;
  export const params = z.object({ id: zId });
  export type Params = z.input<typeof params>;
  export interface Result {
    deleted: boolean;
  }
  export const type = new RequestType<Params, Result, TandemErrorData>(method);
}

/**
 * `tandem/memory/changed` — daemon → client, broadcast (sessions that asked for status
 * notifications) when a workspace's notes changed: added, edited, archived, deleted,
 * or stored by the agent. The memory view reloads with `tandem/memory/list`. Since 1.1.
 */
export namespace MemoryChangedNotification {
  export const method = 'tandem/memory/changed' as const;
  export const messageDirection = MessageDirection.serverToClient;
  export interface Params {
    workspace: string;
    /** The notes added, changed, archived or deleted. */
    ids: string[];
  }
  export const type = new NotificationType<Params>(method);
}
