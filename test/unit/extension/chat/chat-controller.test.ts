/**
 * The extension-side chat controller with a fake daemon, editor and memento: turns
 * (streaming, done, stop, failures with and without a stored question), retry, reload
 * of a running turn into a new webview, history, mode-dependent params, and validation
 * of webview messages.
 */
import assert from 'node:assert/strict';
import {
  ErrorCodes,
  type ChatConversationSummary,
  type ChatGetRequest,
  type ChatMessageInfo,
  type ChatTurnResult,
} from '../../../../protocol';
import { ChatController, errorView, type ChatEditor } from '../../../../extension/chat/chat-controller';
import type { ChatDaemon, RetryParams, SendParams } from '../../../../extension/chat/chat-daemon';
import { nullLogger } from '../../../../extension/log';
import type { CodeAction, HostToWebview, ChatUiMode } from '../../../../webview-ui/chat/messages';

class Deferred<T> {
  promise: Promise<T>;
  resolve!: (v: T) => void;
  reject!: (e: unknown) => void;
  constructor() {
    this.promise = new Promise<T>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }
}

interface Call {
  kind: 'send' | 'retry';
  params: SendParams | RetryParams;
  onDelta: (t: string) => void;
  signal: AbortSignal;
  result: Deferred<ChatTurnResult>;
}

class FakeDaemon implements ChatDaemon {
  isConnected = true;
  calls: Call[] = [];
  stored = new Map<string, ChatGetRequest.Result>();
  deleted: string[] = [];
  private connListeners: Array<(c: boolean, m?: string) => void> = [];
  connected() {
    return this.isConnected;
  }
  onConnectionChange(l: (c: boolean, m?: string) => void) {
    this.connListeners.push(l);
    return { dispose: () => undefined };
  }
  fireConnection(c: boolean, m?: string) {
    this.isConnected = c;
    for (const l of this.connListeners) l(c, m);
  }
  private call(kind: Call['kind'], params: SendParams | RetryParams, onDelta: (t: string) => void, signal: AbortSignal) {
    if (!this.isConnected)
      return Promise.reject(new Error('Not connected to tandemd; it is starting or reconnecting. Try again in a moment.'));
    const c: Call = { kind, params, onDelta, signal, result: new Deferred() };
    signal.addEventListener('abort', () =>
      c.result.reject(
        Object.assign(new Error('tandem/chat/send was cancelled.'), { code: ErrorCodes.RequestCancelled, data: { kind: 'cancelled' } }),
      ),
    );
    this.calls.push(c);
    return c.result.promise;
  }
  send(p: SendParams, d: (t: string) => void, s: AbortSignal) {
    return this.call('send', p, d, s);
  }
  retry(p: RetryParams, d: (t: string) => void, s: AbortSignal) {
    return this.call('retry', p, d, s);
  }
  async list(): Promise<ChatConversationSummary[]> {
    return [...this.stored.values()].map((g) => g.conversation);
  }
  async get(id: string) {
    const g = this.stored.get(id);
    if (!g) throw Object.assign(new Error(`No conversation ${id}`), { code: ErrorCodes.NotFound });
    return g;
  }
  async delete(id: string) {
    this.deleted.push(id);
    return this.stored.delete(id);
  }
  models() {
    return ['m1', 'm2'];
  }
  defaultModel() {
    return 'm1';
  }
  onModelsChange() {
    return { dispose: () => undefined };
  }
}

class FakeEditor implements ChatEditor {
  selection: ReturnType<ChatEditor['context']>['selection'];
  actions: Array<[CodeAction, string]> = [];
  opened: Array<[string, number | undefined]> = [];
  doctorRuns = 0;
  context() {
    return { ...(this.selection ? { selection: this.selection } : {}), activeFile: { path: '/ws/src/a.ts', languageId: 'typescript' } };
  }
  preview() {
    return this.selection
      ? { selection: { label: 'src/a.ts', startLine: this.selection.startLine, endLine: this.selection.endLine } }
      : { activeFile: { label: 'src/a.ts' } };
  }
  resolveMention(label: string) {
    return label === 'src/b.ts' ? '/ws/src/b.ts' : undefined;
  }
  async findFiles(query: string) {
    return [{ label: `src/${query}.ts` }];
  }
  async codeAction(action: CodeAction, code: string) {
    this.actions.push([action, code]);
  }
  async openFile(path: string, line?: number) {
    this.opened.push([path, line]);
  }
  async runDoctor() {
    this.doctorRuns++;
  }
}

const summary = (id: string, title = 'q'): ChatConversationSummary => ({
  id,
  title,
  workspace: '/ws',
  createdAt: 1,
  updatedAt: 2,
  messageCount: 2,
});
const msg = (id: string, role: 'user' | 'assistant', content: string, extra: Partial<ChatMessageInfo> = {}): ChatMessageInfo => ({
  id,
  role,
  content,
  status: 'done',
  createdAt: 1,
  ...extra,
});

function setup(opts: { mode?: ChatUiMode; conversationId?: string } = {}) {
  const daemon = new FakeDaemon();
  const editor = new FakeEditor();
  const posted: HostToWebview[] = [];
  const memory = new Map<string, string | undefined>(opts.conversationId ? [['conversationId', opts.conversationId]] : []);
  let mode: ChatUiMode = opts.mode ?? 'simple';
  let n = 0;
  const controller = new ChatController({
    post: (m) => posted.push(m),
    daemon,
    editor,
    memento: { get: (k) => memory.get(k), set: (k, v) => void memory.set(k, v) },
    workspace: () => '/ws',
    mode: () => mode,
    newId: () => `id${++n}`,
    log: nullLogger,
  });
  return { controller, daemon, editor, posted, memory, setMode: (m: ChatUiMode) => (mode = m), types: () => posted.map((p) => p.type) };
}

/** Let pending promise callbacks run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('chat controller (extension side)', () => {
  it('on ready sends mode, models, context and the remembered conversation from the daemon', async () => {
    const t = setup({ conversationId: 'c1', mode: 'advanced' });
    t.daemon.stored.set('c1', { conversation: summary('c1', 'Earlier'), messages: [msg('u1', 'user', 'q'), msg('a1', 'assistant', 'a')] });
    await t.controller.handle({ type: 'ready' });
    assert.deepEqual(t.posted[0], { type: 'init', mode: 'advanced', models: ['m1', 'm2'], model: 'm1', connected: true });
    assert.deepEqual(t.types(), ['init', 'contextPreview', 'conversation']);
    const conv = t.posted[2] as Extract<HostToWebview, { type: 'conversation' }>;
    assert.deepEqual(conv.conversation, { id: 'c1', title: 'Earlier' });
    assert.equal(conv.messages.length, 2);
  });

  it('starts a new conversation when the remembered one is gone', async () => {
    const t = setup({ conversationId: 'gone' });
    await t.controller.handle({ type: 'ready' });
    assert.deepEqual(t.posted.at(-1), { type: 'conversation', conversation: null, messages: [] });
    assert.equal(t.memory.get('conversationId'), undefined);
  });

  it('runs a turn: selection and @file attached, deltas streamed, result posted', async () => {
    const t = setup();
    t.editor.selection = { path: '/ws/src/a.ts', languageId: 'typescript', startLine: 2, endLine: 3, text: 'x()' };
    const done = t.controller.handle({ type: 'send', text: 'What about @src/b.ts and @codebase?' });
    await settle();
    const call = t.daemon.calls[0];
    const p = call.params as SendParams;
    assert.equal(p.conversationId, 'id1');
    assert.equal(p.workspace, '/ws');
    assert.deepEqual(p.context, { selection: t.editor.selection, files: ['/ws/src/b.ts'], codebase: true });
    assert.equal(p.model, undefined, 'simple mode uses the default model');
    assert.equal(p.includePrompt, false);
    const started = t.posted.find((m) => m.type === 'turnStarted') as Extract<HostToWebview, { type: 'turnStarted' }>;
    assert.equal(started.user.content, 'What about @src/b.ts and @codebase?');
    assert.deepEqual(started.user.attachments, {
      selection: { path: '/ws/src/a.ts', startLine: 2, endLine: 3 },
      files: ['/ws/src/b.ts'],
      codebase: true,
    });
    call.onDelta('Hel');
    call.onDelta('lo');
    assert.deepEqual(
      t.posted.filter((m) => m.type === 'delta'),
      [
        { type: 'delta', assistantId: started.assistantId, text: 'Hel' },
        { type: 'delta', assistantId: started.assistantId, text: 'lo' },
      ],
    );
    const result: ChatTurnResult = {
      conversation: summary('id1', 'What about'),
      user: msg('u1', 'user', p.text),
      assistant: msg('a1', 'assistant', 'Hello'),
    };
    t.daemon.stored.set('id1', { conversation: result.conversation, messages: [result.user, result.assistant] });
    call.result.resolve(result);
    await done;
    const fin = t.posted.at(-1) as Extract<HostToWebview, { type: 'turnDone' }>;
    assert.equal(fin.type, 'turnDone');
    assert.equal(fin.assistant.id, started.assistantId, 'the streamed message is the one completed');
    assert.equal(fin.assistant.content, 'Hello');
    assert.equal(t.memory.get('conversationId'), 'id1');
  });

  it('passes the picked model in advanced mode and asks for the raw prompt in expert mode', async () => {
    const t = setup({ mode: 'advanced' });
    await t.controller.handle({ type: 'selectModel', model: 'm2' });
    void t.controller.handle({ type: 'send', text: 'q' });
    await settle();
    assert.equal((t.daemon.calls[0].params as SendParams).model, 'm2');
    const t2 = setup({ mode: 'expert' });
    void t2.controller.handle({ type: 'send', text: 'q' });
    await settle();
    assert.equal((t2.daemon.calls[0].params as SendParams).includePrompt, true);
  });

  it('Stop aborts the request; the stored partial answer is shown', async () => {
    const t = setup();
    const done = t.controller.handle({ type: 'send', text: 'long' });
    await settle();
    const call = t.daemon.calls[0];
    call.onDelta('part');
    t.daemon.stored.set('id1', {
      conversation: summary('id1', 'long'),
      messages: [msg('u1', 'user', 'long'), msg('a1', 'assistant', 'part', { status: 'cancelled' })],
    });
    await t.controller.handle({ type: 'stop' });
    await done;
    assert.equal(call.signal.aborted, true);
    const failed = t.posted.find((m) => m.type === 'turnFailed') as Extract<HostToWebview, { type: 'turnFailed' }>;
    assert.equal(failed.cancelled, true);
    assert.equal(failed.error, undefined, 'a stop is not an error');
    const conv = t.posted.at(-1) as Extract<HostToWebview, { type: 'conversation' }>;
    assert.deepEqual(
      conv.messages.map((m) => m.status),
      ['done', 'cancelled'],
    );
    assert.equal(
      t.posted.some((m) => m.type === 'prefill'),
      false,
    );
  });

  it('a failed answer whose question was stored shows the stored error (with its backend URL)', async () => {
    const t = setup();
    const done = t.controller.handle({ type: 'send', text: 'hello?' });
    await settle();
    const stored = msg('a1', 'assistant', '', {
      status: 'error',
      error: {
        message: 'Cannot reach backend local (http://127.0.0.1:11434): connection refused.',
        kind: 'upstream_error',
        backendUrl: 'http://127.0.0.1:11434',
      },
    });
    t.daemon.stored.set('id1', { conversation: summary('id1', 'hello?'), messages: [msg('u1', 'user', 'hello?'), stored] });
    t.daemon.calls[0].result.reject(
      Object.assign(new Error('Cannot reach backend local (http://127.0.0.1:11434): connection refused.'), {
        code: ErrorCodes.UpstreamError,
        data: { kind: 'upstream_error', hint: 'Start Ollama.' },
      }),
    );
    await done;
    const failed = t.posted.find((m) => m.type === 'turnFailed') as Extract<HostToWebview, { type: 'turnFailed' }>;
    assert.deepEqual(failed.error, {
      message: 'Cannot reach backend local (http://127.0.0.1:11434): connection refused.',
      kind: 'upstream_error',
      hint: 'Start Ollama.',
    });
    const conv = t.posted.at(-1) as Extract<HostToWebview, { type: 'conversation' }>;
    assert.equal(conv.messages[1].error?.backendUrl, 'http://127.0.0.1:11434');
  });

  it('a question the daemon never stored goes back into the input with the error', async () => {
    const t = setup();
    const done = t.controller.handle({ type: 'send', text: 'read @../secret' });
    await settle();
    t.daemon.calls[0].result.reject(
      Object.assign(new Error('@/secret is outside the workspace folders.'), {
        code: ErrorCodes.PathOutsideWorkspace,
        data: { kind: 'path_outside_workspace' },
      }),
    );
    await done;
    assert.deepEqual(t.posted.slice(-3), [
      { type: 'conversation', conversation: null, messages: [] },
      { type: 'prefill', text: 'read @../secret' },
      { type: 'notice', level: 'error', text: '@/secret is outside the workspace folders.' },
    ]);
  });

  it('while disconnected, a question is kept in the input with the reason', async () => {
    const t = setup();
    t.daemon.isConnected = false;
    await t.controller.handle({ type: 'send', text: 'anyone?' });
    assert.deepEqual(
      t.posted.find((m) => m.type === 'prefill'),
      { type: 'prefill', text: 'anyone?' },
    );
    assert.match((t.posted.find((m) => m.type === 'notice') as { text: string }).text, /Not connected to tandemd/);
  });

  it('retries the last question of the conversation, replacing its answer', async () => {
    const t = setup({ conversationId: 'c1' });
    t.daemon.stored.set('c1', {
      conversation: summary('c1'),
      messages: [msg('u1', 'user', 'q'), msg('a1', 'assistant', '', { status: 'error' })],
    });
    await t.controller.handle({ type: 'ready' });
    const done = t.controller.handle({ type: 'retry' });
    await settle();
    assert.equal(t.daemon.calls[0].kind, 'retry');
    assert.deepEqual(t.daemon.calls[0].params, { conversationId: 'c1', includePrompt: false });
    const started = t.posted.find((m) => m.type === 'turnStarted') as Extract<HostToWebview, { type: 'turnStarted' }>;
    assert.equal(started.replaceFromUserId, 'u1');
    t.daemon.calls[0].result.resolve({
      conversation: summary('c1'),
      user: msg('u1', 'user', 'q'),
      assistant: msg('a2', 'assistant', 'ok'),
    });
    await done;
    assert.equal(t.posted.at(-1)?.type, 'turnDone');
  });

  it('refuses a second question while an answer streams', async () => {
    const t = setup();
    void t.controller.handle({ type: 'send', text: 'one' });
    await settle();
    await t.controller.handle({ type: 'send', text: 'two' });
    assert.equal(t.daemon.calls.length, 1);
    assert.equal(t.posted.at(-1)?.type, 'notice');
  });

  it('replays a running turn into a reloaded webview', async () => {
    const t = setup();
    void t.controller.handle({ type: 'send', text: 'q' });
    await settle();
    t.daemon.calls[0].onDelta('so far');
    t.daemon.stored.set('id1', {
      conversation: summary('id1'),
      messages: [msg('u1', 'user', 'q'), msg('a1', 'assistant', '', { status: 'streaming' })],
    });
    t.posted.length = 0;
    await t.controller.handle({ type: 'ready' });
    const types = t.types();
    assert.deepEqual(types.slice(-2), ['turnStarted', 'delta']);
    assert.deepEqual(t.posted.at(-1), {
      type: 'delta',
      assistantId: (t.posted.at(-2) as { assistantId: string }).assistantId,
      text: 'so far',
    });
  });

  it('history, open, delete and new chat', async () => {
    const t = setup();
    t.daemon.stored.set('c1', { conversation: summary('c1', 'First'), messages: [] });
    await t.controller.handle({ type: 'showHistory' });
    assert.deepEqual(t.posted.at(-1), { type: 'history', conversations: [summary('c1', 'First')] });
    await t.controller.handle({ type: 'openConversation', id: 'c1' });
    assert.equal(t.memory.get('conversationId'), 'c1');
    await t.controller.handle({ type: 'deleteConversation', id: 'c1' });
    assert.deepEqual(t.daemon.deleted, ['c1']);
    assert.equal(t.memory.get('conversationId'), undefined, 'deleting the open conversation starts a new one');
    assert.deepEqual(t.posted.slice(-2), [
      { type: 'conversation', conversation: null, messages: [] },
      { type: 'history', conversations: [] },
    ]);
  });

  it('forwards code actions, context links, file queries and the doctor to the editor', async () => {
    const t = setup();
    await t.controller.handle({ type: 'codeAction', action: 'insert', code: 'x();\n' });
    await t.controller.handle({ type: 'openContext', path: '/ws/a.ts', line: 4 });
    await t.controller.handle({ type: 'fileQuery', requestId: 7, query: 'mat' });
    await t.controller.handle({ type: 'runDoctor' });
    assert.deepEqual(t.editor.actions, [['insert', 'x();\n']]);
    assert.deepEqual(t.editor.opened, [['/ws/a.ts', 4]]);
    assert.deepEqual(t.posted.at(-1), { type: 'fileSuggestions', requestId: 7, items: [{ label: 'src/mat.ts' }] });
    assert.equal(t.editor.doctorRuns, 1);
  });

  it('ignores malformed webview messages', async () => {
    const t = setup();
    for (const bad of [
      null,
      'send',
      { type: 'send' },
      { type: 'send', text: '   ' },
      { type: 'codeAction', action: 'rm -rf', code: 'x' },
      { type: 'eval', code: '1' },
    ])
      await t.controller.handle(bad);
    assert.equal(t.posted.length, 0);
    assert.equal(t.daemon.calls.length, 0);
  });

  it('reloads the conversation when the daemon comes back and reports the outage', async () => {
    const t = setup({ conversationId: 'c1' });
    t.daemon.stored.set('c1', { conversation: summary('c1'), messages: [msg('u1', 'user', 'q')] });
    t.daemon.fireConnection(false, 'tandemd is not reachable; reconnecting…');
    assert.deepEqual(t.posted.at(-1), { type: 'connection', connected: false, message: 'tandemd is not reachable; reconnecting…' });
    t.daemon.fireConnection(true);
    await settle();
    assert.equal(t.posted.at(-1)?.type, 'conversation');
  });

  it('mode changes and Ask About Selection reach the webview', () => {
    const t = setup();
    t.setMode('expert');
    t.controller.modeChanged();
    t.editor.selection = { path: '/ws/src/a.ts', languageId: 'typescript', startLine: 5, endLine: 9, text: 'y' };
    t.controller.askAboutSelection();
    assert.deepEqual(t.posted, [
      { type: 'mode', mode: 'expert' },
      { type: 'contextPreview', preview: { selection: { label: 'src/a.ts', startLine: 5, endLine: 9 } } },
      { type: 'prefill', text: 'Explain this code: ' },
    ]);
  });

  it('describes errors for the panel', () => {
    assert.deepEqual(errorView(Object.assign(new Error('x'), { code: 1100, data: { kind: 'no_backend', hint: 'h' } })), {
      message: 'x',
      kind: 'no_backend',
      hint: 'h',
    });
    assert.deepEqual(errorView(new Error('socket closed')), { message: 'socket closed', kind: 'disconnected' });
  });
});
