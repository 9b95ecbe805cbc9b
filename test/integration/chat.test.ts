/**
 * Chat through the real daemon process and its WebSocket, against the fake Ollama:
 * streaming, context (selection, @file, rules, @codebase), history, cancellation that
 * reaches upstream, failures that keep the question, retry, and persistence across a
 * daemon restart.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { CancellationTokenSource, type ResponseError } from 'vscode-jsonrpc/node';
import {
  ChatDeleteRequest,
  ChatGetRequest,
  ChatListRequest,
  ChatRetryRequest,
  ChatSendRequest,
  ErrorCodes,
  StatusRequest,
  StreamDeltaNotification,
  WorkspaceRegisterRequest,
  type TandemErrorData,
} from '../../protocol';
import type { DaemonConnection } from '../../protocol/client';
import { FakeOllama } from '../fake-ollama';
import { eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from './daemon-harness';

const CHAT_MODEL = 'qwen2.5-coder:7b-instruct';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
}

function lastChatBody(fake: FakeOllama): ChatBody {
  const reqs = fake.requestsTo('/api/chat');
  assert.ok(reqs.length > 0, 'the fake Ollama received no chat request');
  return reqs[reqs.length - 1].body as ChatBody;
}

function collectDeltas(conn: DaemonConnection): Map<string, Array<{ seq: number; delta: string }>> {
  const byStream = new Map<string, Array<{ seq: number; delta: string }>>();
  conn.connection.onNotification(StreamDeltaNotification.type, (p) => {
    const list = byStream.get(p.streamId) ?? [];
    list.push({ seq: p.seq, delta: p.delta });
    byStream.set(p.streamId, list);
  });
  return byStream;
}

describe('chat (integration, real daemon)', function () {
  this.timeout(40_000);
  let fake: FakeOllama;
  let home: string;
  const tandemHome = () => join(home, 'tandem');
  let workspace: string;
  let daemon: RunningDaemon | undefined;
  let conn: DaemonConnection | undefined;

  const models = () => [
    { name: 'qwen2.5-coder:1.5b-base', capabilities: ['completion', 'insert'] },
    { name: CHAT_MODEL },
    { name: 'nomic-embed-text', capabilities: ['embedding'] },
  ];

  async function connect(): Promise<DaemonConnection> {
    conn = await daemon!.connect();
    await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [workspace] });
    return conn;
  }

  beforeEach(async () => {
    fake = new FakeOllama({ models: models(), defaultReply: { chunks: ['Use ', '`sum`', ' like ', 'this.'] } });
    await fake.start();
    home = tempHome();
    workspace = join(home, 'ws'); // the daemon's home is a sibling: a root inside it is refused
    mkdirSync(join(workspace, 'src'), { recursive: true });
    writeFileSync(join(workspace, 'src', 'math.ts'), 'export function sum(a: number, b: number): number {\n  return a + b;\n}\n');
    writeFileSync(join(workspace, 'AGENTS.md'), 'Always answer in British English.\n');
  });

  afterEach(async () => {
    conn?.close();
    conn = undefined;
    await daemon?.stop();
    daemon = undefined;
    await fake.stop();
    removeHome(home);
  });

  it('streams an answer with the selection and project rules in the prompt, and stores the turn', async () => {
    daemon = await startDaemon(tandemHome(), { backends: [{ name: 'local', url: fake.url }] });
    const c = await connect();
    const deltas = collectDeltas(c);
    const result = await c.connection.sendRequest(ChatSendRequest.type, {
      conversationId: 'conv-1',
      workspace,
      text: 'What does this do?',
      streamId: 's1',
      includePrompt: true,
      context: {
        selection: { path: join(workspace, 'src', 'math.ts'), languageId: 'typescript', startLine: 2, endLine: 2, text: '  return a + b;' },
      },
    });
    assert.equal(result.assistant.content, 'Use `sum` like this.');
    assert.equal(result.assistant.status, 'done');
    const streamed = deltas.get('s1') ?? [];
    assert.deepEqual(
      streamed.map((d) => d.seq),
      [0, 1, 2, 3],
    );
    assert.equal(streamed.map((d) => d.delta).join(''), result.assistant.content);

    const body = lastChatBody(fake);
    assert.equal(body.model, CHAT_MODEL);
    assert.equal(body.messages[0].role, 'system');
    assert.match(body.messages[0].content, /Always answer in British English/);
    const question = body.messages.at(-1)!;
    assert.equal(question.role, 'user');
    assert.match(question.content, /Selection from src\/math\.ts \(lines 2-2\)/);
    assert.match(question.content, /return a \+ b;/);
    assert.match(question.content, /What does this do\?$/);
    assert.deepEqual(result.prompt?.at(-1), question);

    const kinds = result.assistant.context?.map((i) => `${i.kind}:${i.label}`);
    assert.deepEqual(kinds, ['rules:AGENTS.md', 'selection:src/math.ts']);
    assert.equal(result.assistant.stats?.model, CHAT_MODEL);
    assert.equal(result.assistant.stats?.backend, 'local');
    assert.ok(result.assistant.stats!.tokens.promptEstimate > 0);

    const list = await c.connection.sendRequest(ChatListRequest.type, { workspace });
    assert.deepEqual(
      list.conversations.map((x) => [x.id, x.title, x.messageCount]),
      [['conv-1', 'What does this do?', 2]],
    );
    const other = await c.connection.sendRequest(ChatListRequest.type, { workspace: '/some/other/folder' });
    assert.equal(other.conversations.length, 0);
  });

  it('reads @file mentions inside the workspace, refuses those outside, and sends the history on the next turn', async () => {
    daemon = await startDaemon(tandemHome(), { backends: [{ name: 'local', url: fake.url }] });
    const c = await connect();
    const first = await c.connection.sendRequest(ChatSendRequest.type, {
      conversationId: 'conv-2',
      workspace,
      text: 'Explain @src/math.ts',
      context: { files: [join(workspace, 'src', 'math.ts')] },
    });
    assert.match(
      lastChatBody(fake).messages.at(-1)!.content,
      /File src\/math\.ts:\n```typescript\nexport function sum|File src\/math\.ts:\n```ts\nexport function sum/,
    );
    assert.equal(first.assistant.context?.find((i) => i.kind === 'file')?.label, 'src/math.ts');

    const outside = join(home, 'secret.txt');
    writeFileSync(outside, 'do not read');
    await assert.rejects(
      c.connection.sendRequest(ChatSendRequest.type, {
        conversationId: 'conv-2',
        workspace,
        text: 'And this?',
        context: { files: [outside] },
      }),
      (err: ResponseError<TandemErrorData>) => {
        assert.equal(err.code, ErrorCodes.PathOutsideWorkspace);
        assert.match(err.message, /outside the workspace/);
        return true;
      },
    );
    const afterRefusal = await c.connection.sendRequest(ChatGetRequest.type, { conversationId: 'conv-2' });
    assert.equal(afterRefusal.messages.length, 2, 'a refused question stores nothing');

    fake.setDefaultReply({ chunks: ['Second answer.'] });
    await c.connection.sendRequest(ChatSendRequest.type, { conversationId: 'conv-2', workspace, text: 'And the return type?' });
    const roles = lastChatBody(fake).messages.map((m) => m.role);
    assert.deepEqual(roles, ['system', 'user', 'assistant', 'user']);
    const msgs = lastChatBody(fake).messages;
    assert.match(msgs[1].content, /export function sum/, 'history repeats the first question as it was sent');
    assert.equal(msgs[2].content, 'Use `sum` like this.');
    assert.equal(msgs[3].content, 'And the return type?');
  });

  it('Stop cancels the upstream stream at once and keeps the partial answer', async () => {
    daemon = await startDaemon(tandemHome(), { backends: [{ name: 'local', url: fake.url }] });
    const c = await connect();
    fake.addRule({ path: '/api/chat', match: 'long story', chunks: ['Once', ' upon'], hangAfterChunks: 2 }, true);
    const deltas = collectDeltas(c);
    const source = new CancellationTokenSource();
    const pending = c.connection.sendRequest(
      ChatSendRequest.type,
      { conversationId: 'conv-3', workspace, text: 'Tell me a long story', streamId: 's3' },
      source.token,
    );
    await eventually(() => (deltas.get('s3')?.length ?? 0) >= 2, 10_000, 'two streamed deltas');
    const abortsBefore = fake.clientAborts;
    source.cancel();
    await assert.rejects(pending, (err: ResponseError<TandemErrorData>) => err.code === ErrorCodes.RequestCancelled);
    await fake.waitFor(() => fake.clientAborts > abortsBefore, 10_000, 'the upstream stream to be closed');
    const got = await eventually(
      async () => {
        const g = await c.connection.sendRequest(ChatGetRequest.type, { conversationId: 'conv-3' });
        return g.messages[1]?.status === 'cancelled' ? g : undefined;
      },
      10_000,
      'the cancelled answer to be stored',
    );
    assert.equal(got.messages[0].content, 'Tell me a long story');
    assert.equal(got.messages[1].content, 'Once upon');
  });

  it('keeps the question when the backend is down, names its URL, and answers on Retry', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    daemon = await startDaemon(tandemHome(), { backends: [{ name: 'local', url }] });
    const c = await connect();
    await assert.rejects(
      c.connection.sendRequest(ChatSendRequest.type, { conversationId: 'conv-4', workspace, text: 'Are you there?' }),
      (err: ResponseError<TandemErrorData>) => {
        assert.notEqual(err.code, ErrorCodes.InternalError);
        assert.ok(err.message.includes(url), `error names the URL: ${err.message}`);
        return true;
      },
    );
    const failed = await c.connection.sendRequest(ChatGetRequest.type, { conversationId: 'conv-4' });
    assert.equal(failed.messages.length, 2);
    assert.equal(failed.messages[0].content, 'Are you there?');
    assert.equal(failed.messages[1].status, 'error');
    assert.equal(failed.messages[1].error?.backendUrl, url);
    assert.ok(failed.messages[1].error?.hint, 'the failure says what to do');

    await fake.stop();
    fake = new FakeOllama({ models: models(), defaultReply: { chunks: ['Yes', ', I am.'] } });
    await fake.start(port);
    const retried = await eventually(
      () =>
        c.connection
          .sendRequest(ChatRetryRequest.type, { conversationId: 'conv-4' })
          .catch((err: ResponseError<TandemErrorData>) => (err.code === ErrorCodes.NoBackendAvailable ? undefined : Promise.reject(err))),
      20_000,
      'a retry to reach the restarted backend',
    );
    assert.equal(retried.assistant.content, 'Yes, I am.');
    const fixed = await c.connection.sendRequest(ChatGetRequest.type, { conversationId: 'conv-4' });
    assert.deepEqual(
      fixed.messages.map((m) => [m.role, m.status]),
      [
        ['user', 'done'],
        ['assistant', 'done'],
      ],
    );
  });

  it('keeps conversations across a daemon restart and deletes them on request', async () => {
    daemon = await startDaemon(tandemHome(), { backends: [{ name: 'local', url: fake.url }] });
    let c = await connect();
    await c.connection.sendRequest(ChatSendRequest.type, { conversationId: 'conv-5', workspace, text: 'Remember me' });
    c.close();
    conn = undefined;
    await daemon.stop();

    daemon = await startDaemon(tandemHome(), { backends: [{ name: 'local', url: fake.url }] });
    c = await connect();
    const list = await c.connection.sendRequest(ChatListRequest.type, { workspace });
    assert.deepEqual(
      list.conversations.map((x) => x.id),
      ['conv-5'],
    );
    const got = await c.connection.sendRequest(ChatGetRequest.type, { conversationId: 'conv-5' });
    assert.deepEqual(
      got.messages.map((m) => m.content),
      ['Remember me', 'Use `sum` like this.'],
    );

    assert.deepEqual(await c.connection.sendRequest(ChatDeleteRequest.type, { conversationId: 'conv-5' }), { deleted: true });
    assert.equal((await c.connection.sendRequest(ChatListRequest.type, { workspace })).conversations.length, 0);
    await assert.rejects(
      c.connection.sendRequest(ChatGetRequest.type, { conversationId: 'conv-5' }),
      (err: ResponseError<TandemErrorData>) => err.code === ErrorCodes.NotFound,
    );
  });

  it('@codebase retrieves workspace code relevant to the question', async () => {
    writeFileSync(
      join(workspace, 'src', 'invoice.ts'),
      'export function computeInvoiceTotal(lines: number[]): number {\n  return lines.reduce((a, b) => a + b, 0);\n}\n',
    );
    daemon = await startDaemon(tandemHome(), { backends: [{ name: 'local', url: fake.url }] });
    const c = await connect();
    await eventually(
      async () => {
        const s = await c.connection.sendRequest(StatusRequest.type);
        return s.indexing?.some((i) => i.state === 'ready' && i.filesDone >= 2);
      },
      20_000,
      'the workspace index to be ready',
    );
    const result = await c.connection.sendRequest(ChatSendRequest.type, {
      conversationId: 'conv-6',
      workspace,
      text: 'Where is computeInvoiceTotal implemented?',
      context: { codebase: true },
    });
    assert.match(lastChatBody(fake).messages.at(-1)!.content, /lines\.reduce/);
    assert.ok(result.assistant.context?.some((i) => i.kind === 'codebase' && i.label === 'src/invoice.ts' && i.outcome === 'included'));
  });
});
