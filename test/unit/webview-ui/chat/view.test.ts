/**
 * The chat webview's view in jsdom with a fake host: rendering host messages
 * (streaming, done, errors), the messages it posts (send, stop, retry, doctor, code
 * actions, @ completion), the three modes, and state that survives a reload.
 */
import assert from 'node:assert/strict';
import type { ChatMessageInfo } from '../../../../protocol';
import type { WebviewToHost } from '../../../../webview-ui/chat/messages';
import { initialState, restore } from '../../../../webview-ui/chat/state';
import { viewHarness as harness } from './view-harness';

const user = (id: string, content: string, extra: Partial<ChatMessageInfo> = {}): ChatMessageInfo => ({
  id,
  role: 'user',
  content,
  status: 'done',
  createdAt: 1,
  ...extra,
});
const answer = (id: string, content: string, extra: Partial<ChatMessageInfo> = {}): ChatMessageInfo => ({
  id,
  role: 'assistant',
  content,
  status: 'done',
  createdAt: 2,
  ...extra,
});

const stats = {
  model: 'qwen2.5-coder:7b-instruct',
  backend: 'local',
  timings: { contextMs: 3, firstTokenMs: 120, totalMs: 900 },
  tokens: { prompt: 321, output: 45, promptEstimate: 330 },
  droppedTurns: 0,
};
const context = [
  { kind: 'rules' as const, path: '/ws/AGENTS.md', label: 'AGENTS.md', tokens: 12, outcome: 'included' as const },
  {
    kind: 'selection' as const,
    path: '/ws/src/a.ts',
    label: 'src/a.ts',
    startLine: 3,
    endLine: 7,
    tokens: 40,
    outcome: 'included' as const,
  },
  {
    kind: 'file' as const,
    path: '/ws/big.ts',
    label: 'big.ts',
    tokens: 0,
    outcome: 'omitted' as const,
    reason: 'no room left in the context budget',
  },
];

describe('chat webview view', () => {
  it('sends the typed question on Enter and clears the input; Shift+Enter does not send', () => {
    const h = harness();
    h.type('How does sum work?');
    h.key('Enter', { shiftKey: true });
    assert.deepEqual(
      h.posted.filter((m) => m.type === 'send'),
      [],
    );
    h.key('Enter');
    assert.deepEqual(
      h.posted.filter((m) => m.type === 'send'),
      [{ type: 'send', text: 'How does sum work?' }],
    );
    assert.equal((h.$('textarea.input') as HTMLTextAreaElement).value, '');
  });

  it('streams an answer token by token, shows Stop while streaming, and renders the final markdown', () => {
    const h = harness();
    h.send({ type: 'turnStarted', conversationId: 'c1', user: user('pending-1', 'Explain'), assistantId: 'a1' });
    assert.equal(h.$('.message.user .user-text')?.textContent, 'Explain');
    assert.equal(h.$('.stop')?.hidden, false);
    assert.equal(h.$('.send')?.hidden, true);
    h.send({ type: 'delta', assistantId: 'a1', text: 'Use ' });
    h.send({ type: 'delta', assistantId: 'a1', text: '**sum**' });
    assert.equal(h.$('.message.assistant strong')?.textContent, 'sum');
    assert.ok(h.$('.message.assistant .cursor'), 'a cursor shows the answer is still coming');
    h.click(h.$('.stop'));
    assert.deepEqual(h.posted.at(-1), { type: 'stop' });
    h.send({
      type: 'turnDone',
      conversation: { id: 'c1', title: 'Explain' },
      user: user('u1', 'Explain'),
      assistant: answer('a1', 'Use **sum**.\n\n```ts\nsum(1, 2);\n```'),
    });
    assert.equal(h.$('.stop')?.hidden, true);
    assert.equal(h.$('.message.assistant .cursor'), null);
    assert.equal(h.$$('.message.user').length, 1, 'the pending question was replaced, not duplicated');
    assert.equal(h.$('.chat-title')?.textContent, 'Explain');
  });

  it('posts Copy, Insert and Apply with the exact code of the block', () => {
    const h = harness();
    h.send({
      type: 'conversation',
      conversation: { id: 'c1', title: 't' },
      messages: [user('u1', 'q'), answer('a1', 'Two blocks:\n\n```ts\nconst a = 1;\n```\n\n```python\nprint("<hi>")\n```')],
    });
    const blocks = h.$$('.code-block');
    h.click(blocks[0].querySelector('[data-action="copy"]'));
    h.click(blocks[0].querySelector('[data-action="insert"]'));
    h.click(blocks[1].querySelector('[data-action="apply"]'));
    assert.deepEqual(
      h.posted.filter((m) => m.type === 'codeAction'),
      [
        { type: 'codeAction', action: 'copy', code: 'const a = 1;\n', language: 'ts' },
        { type: 'codeAction', action: 'insert', code: 'const a = 1;\n', language: 'ts' },
        { type: 'codeAction', action: 'apply', code: 'print("<hi>")\n', language: 'python' },
      ],
    );
  });

  it('shows a failed answer with its URL, hint, Retry and Run doctor', () => {
    const h = harness();
    h.send({
      type: 'conversation',
      conversation: { id: 'c1', title: 't' },
      messages: [
        user('u1', 'Are you there?'),
        answer('a1', '', {
          status: 'error',
          error: {
            message: 'Cannot reach backend local (http://127.0.0.1:11434): connection refused.',
            hint: 'Start Ollama (`ollama serve`).',
            kind: 'upstream_error',
            backendUrl: 'http://127.0.0.1:11434',
          },
        }),
      ],
    });
    const box = h.$('.message-error')!;
    assert.match(box.textContent ?? '', /connection refused/);
    assert.match(box.textContent ?? '', /Start Ollama/);
    assert.equal(box.querySelector('.backend code')?.textContent, 'http://127.0.0.1:11434');
    assert.equal(h.$('.message.user .user-text')?.textContent, 'Are you there?', 'the question is still shown');
    h.click(box.querySelector('[data-action="retry"]'));
    h.click(box.querySelector('[data-action="doctor"]'));
    assert.deepEqual(h.posted.slice(-2), [{ type: 'retry' }, { type: 'runDoctor' }]);
  });

  it('simple mode shows only the conversation; advanced adds the model picker and used context; expert adds tokens, timings and the raw prompt', () => {
    const h = harness();
    h.send({ type: 'init', mode: 'simple', models: ['m1', 'm2'], model: 'm2', connected: true });
    h.send({ type: 'turnStarted', conversationId: 'c1', user: user('pending-1', 'q'), assistantId: 'a1' });
    h.send({
      type: 'turnDone',
      conversation: { id: 'c1', title: 'q' },
      user: user('u1', 'q'),
      assistant: answer('a1', 'answer', { context, stats }),
      prompt: [
        { role: 'system', content: 'SYSTEM TEXT' },
        { role: 'user', content: 'q' },
      ],
    });
    assert.equal(h.$('.model-picker')?.hidden, true);
    assert.equal(h.$('.used-context'), null);
    assert.equal(h.$('.stats'), null);
    assert.equal(h.$('.raw-prompt'), null);

    h.send({ type: 'mode', mode: 'advanced' });
    assert.equal(h.$('.model-picker')?.hidden, false);
    assert.equal((h.$('.model-picker') as HTMLSelectElement).value, 'm2');
    assert.match(h.$('.used-context summary')?.textContent ?? '', /Used context \(2 of 3\)/);
    const link = h.$('.used-context [data-action="open-context"][data-path="/ws/src/a.ts"]');
    assert.equal(link?.textContent, 'src/a.ts:3-7');
    assert.match(h.$('.used-context li.omitted')?.textContent ?? '', /left out: no room/);
    assert.equal(h.$('.stats'), null);
    h.click(link);
    assert.deepEqual(h.posted.at(-1), { type: 'openContext', path: '/ws/src/a.ts', line: 3 });

    h.send({ type: 'mode', mode: 'expert' });
    assert.match(h.$('.stats')?.textContent ?? '', /prompt 321 tok.*output 45 tok.*first token 120 ms.*total 900 ms/);
    assert.match(h.$('.raw-prompt')?.textContent ?? '', /SYSTEM TEXT/);
  });

  it('sends the picked model only outside simple mode', () => {
    const h = harness();
    h.send({ type: 'init', mode: 'advanced', models: ['m1', 'm2'], connected: true });
    const picker = h.$('.model-picker') as HTMLSelectElement;
    picker.value = 'm1';
    picker.dispatchEvent(new h.dom.window.Event('change'));
    assert.deepEqual(h.posted.at(-1), { type: 'selectModel', model: 'm1' });
    h.type('q');
    h.click(h.$('.send'));
    assert.deepEqual(h.posted.at(-1), { type: 'send', text: 'q', model: 'm1' });
    h.send({ type: 'mode', mode: 'simple' });
    h.type('q2');
    h.key('Enter');
    assert.deepEqual(h.posted.at(-1), { type: 'send', text: 'q2' });
  });

  it('completes @mentions: asks the host for files and inserts the picked path', () => {
    const h = harness();
    h.type('look at @ma');
    const query = h.posted.filter((m) => m.type === 'fileQuery').at(-1) as Extract<WebviewToHost, { type: 'fileQuery' }>;
    assert.equal(query.query, 'ma');
    h.send({ type: 'fileSuggestions', requestId: query.requestId, items: [{ label: 'src/math.ts' }, { label: 'src/main.ts' }] });
    assert.deepEqual(
      h.$$('.suggestions li').map((li) => li.getAttribute('data-label')),
      ['src/math.ts', 'src/main.ts'],
    );
    h.key('ArrowDown');
    h.key('Enter');
    assert.equal((h.$('textarea.input') as HTMLTextAreaElement).value, 'look at @src/main.ts ');
    assert.equal(h.$('.suggestions')?.hidden, true);
    assert.equal(h.posted.filter((m) => m.type === 'send').length, 0, 'Enter picked the suggestion instead of sending');
    h.type('and @code');
    assert.equal(h.$$('.suggestions li')[0]?.getAttribute('data-label'), 'codebase');
  });

  it('ignores suggestions for an older query', () => {
    const h = harness();
    h.type('@a');
    h.type('@ab');
    const first = (h.posted.find((m) => m.type === 'fileQuery') as Extract<WebviewToHost, { type: 'fileQuery' }>).requestId;
    h.send({ type: 'fileSuggestions', requestId: first, items: [{ label: 'stale.ts' }] });
    assert.equal(h.$$('.suggestions li').length, 0);
  });

  it('opens, closes and acts on the history list', () => {
    const h = harness();
    h.click(h.$('[data-action="history"]'));
    assert.deepEqual(h.posted.at(-1), { type: 'showHistory' });
    h.send({
      type: 'history',
      conversations: [{ id: 'c9', title: 'Old chat', workspace: '/ws', createdAt: 1, updatedAt: 2, messageCount: 4 }],
    });
    assert.equal(h.$('.history-panel')?.hidden, false);
    h.click(h.$('[data-action="open-conversation"][data-id="c9"]'));
    h.click(h.$('[data-action="delete-conversation"][data-id="c9"]'));
    assert.deepEqual(h.posted.slice(-2), [
      { type: 'openConversation', id: 'c9' },
      { type: 'deleteConversation', id: 'c9' },
    ]);
    h.click(h.$('[data-action="close-history"]'));
    assert.equal(h.$('.history-panel')?.hidden, true);
    h.click(h.$('[data-action="new-chat"]'));
    assert.deepEqual(h.posted.at(-1), { type: 'newChat' });
  });

  it('shows the disconnected banner with Run doctor and blocks sending', () => {
    const h = harness();
    h.send({ type: 'connection', connected: false, message: 'tandemd is not reachable (ECONNREFUSED); reconnecting…' });
    assert.match(h.$('.banner')?.textContent ?? '', /not reachable/);
    assert.equal(h.$('.send')?.hasAttribute('disabled'), true);
    h.type('q');
    h.key('Enter');
    assert.equal(h.posted.filter((m) => m.type === 'send').length, 0);
    h.click(h.$('.banner [data-action="doctor"]'));
    assert.deepEqual(h.posted.at(-1), { type: 'runDoctor' });
  });

  it('keeps the conversation and draft across a reload through the saved state', () => {
    const h = harness();
    h.send({ type: 'init', mode: 'expert', models: [], connected: true });
    h.send({ type: 'conversation', conversation: { id: 'c1', title: 'Kept' }, messages: [user('u1', 'q'), answer('a1', 'kept answer')] });
    h.type('half-typed');
    const reloaded = harness(restore(JSON.parse(JSON.stringify(h.saved.at(-1)))));
    assert.equal(reloaded.$('.chat-title')?.textContent, 'Kept');
    assert.match(reloaded.$('.message.assistant')?.textContent ?? '', /kept answer/);
    assert.equal((reloaded.$('textarea.input') as HTMLTextAreaElement).value, 'half-typed');
    assert.equal(reloaded.view.state.mode, 'expert');
  });

  it('prefills the input for Ask About Selection and shows what will be attached', () => {
    const h = harness();
    h.send({ type: 'contextPreview', preview: { selection: { label: 'src/a.ts', startLine: 2, endLine: 4 } } });
    h.send({ type: 'prefill', text: 'Explain this code: ' });
    assert.equal((h.$('textarea.input') as HTMLTextAreaElement).value, 'Explain this code: ');
    assert.equal(h.$('.context-chips')?.textContent, 'Selection src/a.ts:2-4');
  });

  it('a restored state never claims an answer is still streaming', () => {
    const s = restore({ ...initialState(), streamingId: 'a1', messages: [answer('a1', 'x', { status: 'streaming' })] });
    assert.equal(s.streamingId, undefined);
    assert.deepEqual(restore('garbage'), initialState());
  });
});
