/**
 * The chat controller's routing through the panel bridge: slash commands to their
 * strategy (`/explain` a chat turn in Ask mode, an agent task in Agent mode; `/fix`,
 * `/edit`, `/test`, `/agent` agent tasks with their default task; `/remember` a note),
 * Agent mode's input as a task, an unknown command back in the input, Agent-mode
 * messages to the agent handler, the mode kept by the bridge, and `open` for other
 * features.
 */
import assert from 'node:assert/strict';
import type { AgentStrategy, ChatTurnResult } from '../../../../protocol';
import { ChatController, type ChatEditor } from '../../../../extension/chat/chat-controller';
import type { ChatDaemon, SendParams } from '../../../../extension/chat/chat-daemon';
import { ChatPanelBridge, type AgentModeHandler, type ChatEntry } from '../../../../extension/chat/panel-bridge';
import { nullLogger } from '../../../../extension/log';
import type { HostToWebview, PanelMode } from '../../../../webview-ui/chat/messages';

function setup(initialMode?: PanelMode) {
  const sent: SendParams[] = [];
  const daemon: ChatDaemon = {
    connected: () => true,
    onConnectionChange: () => ({ dispose: () => undefined }),
    send: (p) => {
      sent.push(p);
      // The turn itself is the chat controller's own test; here it only has to end.
      return Promise.reject<ChatTurnResult>(new Error('the fake answers nothing'));
    },
    retry: () => new Promise<ChatTurnResult>(() => undefined),
    list: async () => [],
    get: async () => {
      throw Object.assign(new Error('none'), { code: -1 });
    },
    delete: async () => true,
    models: () => [],
    defaultModel: () => undefined,
    onModelsChange: () => ({ dispose: () => undefined }),
  };
  const editor: ChatEditor = {
    context: () => ({}),
    preview: () => ({}),
    resolveMention: () => undefined,
    findFiles: async () => [],
    codeAction: async () => undefined,
    openFile: async () => undefined,
    runDoctor: async () => undefined,
  };
  let savedMode: PanelMode | undefined = initialMode;
  const bridge = new ChatPanelBridge({ get: () => savedMode, set: (m) => (savedMode = m) });
  const posted: HostToWebview[] = [];
  const opened: ChatEntry[] = [];
  bridge.attach({ post: (m) => posted.push(m), visible: () => true, setBadge: () => undefined, open: async (e) => void opened.push(e) });
  const starts: Array<[string, AgentStrategy | undefined]> = [];
  const remembered: string[] = [];
  const handled: unknown[] = [];
  let readies = 0;
  const agent: AgentModeHandler = {
    ready: () => void readies++,
    handle: async (m) => void handled.push(m),
    start: async (text, strategy) => void starts.push([text, strategy]),
    remember: async (args) => void remembered.push(args),
    busy: () => false,
  };
  bridge.registerAgent(agent);
  let n = 0;
  const controller = new ChatController({
    post: (m) => bridge.post(m),
    daemon,
    editor,
    memento: { get: () => undefined, set: () => undefined },
    workspace: () => '/ws',
    mode: () => 'simple',
    newId: () => String(++n),
    log: nullLogger,
    panel: bridge,
  });
  return { controller, bridge, posted, sent, starts, remembered, handled, opened, readies: () => readies, savedMode: () => savedMode };
}

describe('chat panel routing', () => {
  it('routes slash commands to their strategies', async () => {
    const t = setup();
    await t.controller.handle({ type: 'send', text: '/fix' });
    await t.controller.handle({ type: 'send', text: '/edit rename foo to bar' });
    await t.controller.handle({ type: 'send', text: '/test the parser' });
    await t.controller.handle({ type: 'send', text: '/agent make it faster' });
    await t.controller.handle({ type: 'send', text: '/remember todo: drop v1' });
    assert.deepEqual(t.starts, [
      ['Fix the problems reported in the active file.', 'fix'],
      ['rename foo to bar', 'edit'],
      ['the parser', 'test'],
      ['make it faster', 'agent'],
    ]);
    assert.deepEqual(t.remembered, ['todo: drop v1']);
    assert.equal(t.sent.length, 0, 'none of these is a chat turn');
  });

  it('/explain is a chat turn in Ask mode and an agent task in Agent mode', async () => {
    const t = setup();
    await t.controller.handle({ type: 'send', text: '/explain' });
    assert.equal(t.sent[0]?.text, 'Explain this code.');
    const a = setup('agent');
    await a.controller.handle({ type: 'send', text: '/explain the retry loop' });
    assert.deepEqual(a.starts, [['the retry loop', 'explain']]);
  });

  it('in Agent mode the input is a task; in Ask mode a question', async () => {
    const t = setup();
    await t.controller.handle({ type: 'send', text: 'make the tests pass', panelMode: 'agent' });
    assert.deepEqual(t.starts, [['make the tests pass', undefined]]);
    await t.controller.handle({ type: 'send', text: 'what is this?' });
    assert.equal(t.sent[0]?.text, 'what is this?');
  });

  it('an unknown command goes back to the input with a message', async () => {
    const t = setup();
    await t.controller.handle({ type: 'send', text: '/deploy now' });
    assert.deepEqual(t.posted.slice(-2), [
      { type: 'notice', level: 'error', text: 'Unknown command /deploy. Try /explain, /fix, /edit, /test, /agent, /remember.' },
      { type: 'prefill', text: '/deploy now' },
    ]);
    assert.equal(t.starts.length + t.sent.length, 0);
  });

  it('keeps the panel mode, hands Agent-mode messages to the agent, and replays it on ready', async () => {
    const t = setup();
    await t.controller.handle({ type: 'setPanelMode', panelMode: 'agent' });
    assert.equal(t.savedMode(), 'agent');
    await t.controller.handle({ type: 'approve', approvalId: 'a1', choice: 'deny' });
    await t.controller.handle({ type: 'cancelAgent' });
    assert.deepEqual(t.handled, [{ type: 'approve', approvalId: 'a1', choice: 'deny' }, { type: 'cancelAgent' }]);
    t.posted.length = 0;
    await t.controller.handle({ type: 'ready' });
    assert.ok(t.posted.some((m) => m.type === 'panelMode' && m.panelMode === 'agent'));
    assert.equal(t.readies(), 1);
    // The agent switching the panel to Agent mode is remembered too.
    t.bridge.post({ type: 'panelMode', panelMode: 'ask' });
    assert.equal(t.bridge.panelMode(), 'ask');
  });

  it('other features open the panel through the bridge', async () => {
    const t = setup();
    await t.bridge.open({ panelMode: 'ask', prefill: 'Explain this code: ', send: false });
    assert.deepEqual(t.opened, [{ panelMode: 'ask', prefill: 'Explain this code: ', send: false }]);
    const detached = new ChatPanelBridge();
    await assert.rejects(detached.open({}), /not available/);
  });
});
