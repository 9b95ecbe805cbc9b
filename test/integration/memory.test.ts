/**
 * Project memory through the real daemon: notes added, edited, archived past the limit
 * (kept and searchable, never sent), deleted, `tandem/memory/changed` broadcast; the
 * relevant notes (BM25) in chat, fix and agent prompts and in the chat's used context.
 */
import assert from 'node:assert/strict';
import {
  ChatSendRequest,
  FixProposeRequest,
  MemoryAddRequest,
  MemoryChangedNotification,
  MemoryDeleteRequest,
  MemoryListRequest,
  MemoryUpdateRequest,
  WorkspaceRegisterRequest,
} from '../../protocol';
import type { DaemonConnection } from '../../protocol/client';
import { FakeOllama, tandemDefaultModels } from '../fake-ollama';
import { makeWorkspace, SUM } from './agent-workspace';
import { eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from './daemon-harness';
import { join } from 'node:path';

describe('project memory (integration, real daemon)', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let home: string;
  let ws: string;
  let daemon: RunningDaemon;
  let conn: DaemonConnection;

  beforeEach(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels() });
    await fake.start();
    home = tempHome('tandem-memory-');
    ws = makeWorkspace(home);
    daemon = await startDaemon(join(home, 'tandem'), { backends: [{ name: 'local', url: fake.url }], memory: { maxActiveNotes: 2 } });
    conn = await daemon.connect({ statusNotifications: true });
    await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [ws] });
  });

  afterEach(async () => {
    conn.close();
    await daemon.stop();
    await fake.stop();
    removeHome(home);
  });

  it('adds, edits, archives past the limit, searches and deletes notes, telling subscribed clients', async () => {
    const changed: MemoryChangedNotification.Params[] = [];
    conn.connection.onNotification(MemoryChangedNotification.type, (p) => changed.push(p));
    const send = conn.connection.sendRequest.bind(conn.connection);
    const a = await send(MemoryAddRequest.type, {
      workspace: ws,
      kind: 'decision',
      title: 'Money is integer cents',
      body: 'Never floats for amounts.',
      tags: ['money'],
    });
    await new Promise((r) => setTimeout(r, 5));
    const b = await send(MemoryAddRequest.type, { workspace: ws, kind: 'glossary', title: 'SKU', body: 'Stock keeping unit' });
    await new Promise((r) => setTimeout(r, 5));
    const c = await send(MemoryAddRequest.type, { workspace: ws, kind: 'constraint', title: 'No network in tests', body: '' });
    assert.deepEqual(c.archivedIds, [a.note.id], 'the oldest note is archived, not dropped');
    let list = await send(MemoryListRequest.type, { workspace: ws });
    assert.deepEqual(
      list.notes.map((n) => n.title),
      ['No network in tests', 'SKU'],
    );
    assert.deepEqual([list.active, list.archived], [2, 1]);
    const found = await send(MemoryListRequest.type, { workspace: ws, query: 'cents amounts', includeArchived: true });
    assert.deepEqual(
      found.notes.map((n) => [n.title, n.archived]),
      [['Money is integer cents', true]],
    );
    assert.deepEqual((await send(MemoryListRequest.type, { workspace: ws, query: 'cents amounts' })).notes, []);

    const edited = await send(MemoryUpdateRequest.type, { id: a.note.id, body: 'Amounts are integer cents, never floats.' });
    assert.equal(edited.note.archived, false, 'editing brings an archived note back');
    assert.deepEqual(edited.archivedIds, [b.note.id]);
    assert.equal((await send(MemoryDeleteRequest.type, { id: c.note.id })).deleted, true);
    assert.equal((await send(MemoryDeleteRequest.type, { id: c.note.id })).deleted, false);
    list = await send(MemoryListRequest.type, { workspace: ws, includeArchived: true });
    assert.deepEqual(list.notes.map((n) => n.title).sort(), ['Money is integer cents', 'SKU']);
    await eventually(() => changed.length >= 5, 5000, 'memory/changed notifications');
    assert.ok(changed.every((p) => p.workspace === ws));
    await assert.rejects(send(MemoryAddRequest.type, { workspace: ws, kind: 'todo', title: '  ' }), /the title is empty/);
  });

  it('puts the relevant notes into chat and fix prompts and lists them in the used context', async () => {
    const send = conn.connection.sendRequest.bind(conn.connection);
    await send(MemoryAddRequest.type, {
      workspace: ws,
      kind: 'decision',
      title: 'sum must add',
      body: 'The sum function adds its two operands.',
      tags: ['sum'],
    });
    await send(MemoryAddRequest.type, { workspace: ws, kind: 'link', title: 'Design doc', body: 'https://example.invalid/design' });
    fake.setDefaultReply({ chunks: ['ok'] });
    const turn = await send(ChatSendRequest.type, { conversationId: 'c1', workspace: ws, text: 'What should the sum function do?' });
    const memory = turn.assistant.context!.filter((i) => i.kind === 'memory');
    assert.deepEqual(
      memory.map((i) => [i.label, i.outcome]),
      [['sum must add', 'included']],
    );
    const chatBody = fake.requestsTo('/api/chat').at(-1)!.body as { messages: Array<{ content: string }> };
    assert.ok(chatBody.messages.some((m) => m.content.includes('sum must add') && m.content.includes('adds its two operands')));
    assert.ok(!chatBody.messages.some((m) => m.content.includes('Design doc')), 'unrelated notes stay out');

    await send(FixProposeRequest.type, {
      document: { path: join(ws, 'src', 'sum.ts'), languageId: 'typescript', text: SUM },
      diagnostics: [
        {
          message: 'sum subtracts instead of adding',
          severity: 'error',
          range: { start: { line: 1, character: 2 }, end: { line: 1, character: 15 } },
        },
      ],
    });
    const fixBody = fake.requestsTo('/api/chat').at(-1)!.body as { messages: Array<{ content: string }> };
    assert.ok(fixBody.messages.some((m) => m.content.includes('sum must add')));
  });
});
