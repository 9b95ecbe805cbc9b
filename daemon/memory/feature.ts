/**
 * Project memory as a daemon feature: `tandem/memory/list|add|update|delete` over the
 * notes in the user database (`store.ts`), and `tandem/memory/changed` to every
 * subscribed client when a workspace's notes change. Prompts read the notes through
 * `relevantNotes` (`prompt-notes.ts`).
 */
import { realpathSync } from 'node:fs';
import {
  MemoryAddRequest,
  MemoryChangedNotification,
  MemoryDeleteRequest,
  MemoryListRequest,
  MemoryUpdateRequest,
  type z,
} from '../../protocol';
import type { DaemonFeature, FeatureHost } from '../host/types';
import { MemoryStore } from './store';

export const memoryFeature: DaemonFeature = {
  name: 'memory',
  capabilities: ['memory'],
  requests: [MemoryListRequest, MemoryAddRequest, MemoryUpdateRequest, MemoryDeleteRequest],
  notifications: [MemoryChangedNotification],
  register(host) {
    const store = memoryStoreOf(host);
    host.handle(MemoryListRequest, (params) => listNotes(store, params));
    host.handle(MemoryAddRequest, (params) => addNote(host, store, params));
    host.handle(MemoryUpdateRequest, (params) => updateNote(host, store, params));
    host.handle(MemoryDeleteRequest, (params) => deleteNote(host, store, params));
    return { dispose: () => undefined };
  },
};

/** The memory store over the host's user database, limited by `memory.maxActiveNotes` as configured now. */
export function memoryStoreOf(host: Pick<FeatureHost, 'db' | 'config'>): MemoryStore {
  return new MemoryStore(host.db, () => host.config().memory);
}

/** A workspace key: the real path of a root ('' stays ''; a path that no longer exists is kept as given). */
export function workspaceKey(workspace: string): string {
  if (workspace === '') return '';
  try {
    return realpathSync(workspace);
  } catch {
    return workspace;
  }
}

function listNotes(store: MemoryStore, params: z.output<typeof MemoryListRequest.params>): MemoryListRequest.Result {
  const workspace = workspaceKey(params.workspace);
  const notes = store.list({ ...params, workspace });
  return { notes, ...store.counts(workspace) };
}

function addNote(host: FeatureHost, store: MemoryStore, params: z.output<typeof MemoryAddRequest.params>): MemoryAddRequest.Result {
  const workspace = workspaceKey(params.workspace);
  const result = store.add({ ...params, workspace, source: 'user' });
  host.broadcast(MemoryChangedNotification, { workspace, ids: [result.note.id, ...result.archivedIds] });
  return result;
}

function updateNote(
  host: FeatureHost,
  store: MemoryStore,
  params: z.output<typeof MemoryUpdateRequest.params>,
): MemoryUpdateRequest.Result {
  const { id, ...patch } = params;
  const result = store.update(id, patch);
  host.broadcast(MemoryChangedNotification, { workspace: result.note.workspace, ids: [id, ...result.archivedIds] });
  return result;
}

function deleteNote(
  host: FeatureHost,
  store: MemoryStore,
  params: z.output<typeof MemoryDeleteRequest.params>,
): MemoryDeleteRequest.Result {
  const note = store.delete(params.id);
  if (note) host.broadcast(MemoryChangedNotification, { workspace: note.workspace, ids: [note.id] });
  return { deleted: note !== undefined };
}
