/**
 * The chat panel's DOM: a header (title, model picker in advanced/expert, History, New),
 * the conversation, and the composer with `@` completion. Renders a `ChatState`
 * incrementally (each message is re-rendered only when it changed, so streaming stays
 * cheap) and turns clicks and keys into `WebviewToHost` messages. No vscode, no globals:
 * the document, the markdown renderer, the host messenger and the scheduler come in
 * through the constructor, so the same code runs in jsdom, Chromium and the webview.
 *
 * Its parts: `message-view.ts` (one message), `context-list.ts` (an answer's used
 * context), `history-list.ts` (the history panel), `composer.ts` (chips, question box,
 * suggestions, Send/Stop/Retry), `dom.ts` (the element factory), and for Agent mode
 * `agent-view.ts` (the task, its steps and approvals, the tool list).
 */
import { AgentView, renderToolsPanel } from './agent-view';
import { Composer } from './composer';
import { BUTTON, elementFactory, type ElementFactory } from './dom';
import { renderHistoryList } from './history-list';
import type { MarkdownRenderer } from './markdown';
import { renderMessage } from './message-view';
import { isPanelMode, type HostToWebview, type WebviewToHost } from './messages';
import { persistable, reduce, type ChatState } from './state';

export interface ViewHost {
  post(msg: WebviewToHost): void;
  saveState(state: ChatState): void;
}

export interface ChatViewOptions {
  document: Document;
  root: HTMLElement;
  renderer: MarkdownRenderer;
  host: ViewHost;
  initial: ChatState;
  /** Runs `fn` before the next paint (requestAnimationFrame in the browser). */
  schedule?: (fn: () => void) => void;
}

export class ChatView {
  state: ChatState;
  private readonly h: ElementFactory;
  private readonly host: ViewHost;
  private readonly renderer: MarkdownRenderer;
  private readonly schedule: (fn: () => void) => void;
  private readonly composer: Composer;
  private readonly agent: AgentView;
  private pending = false;
  /** Scroll to the end on the next render (a new question or conversation). */
  private scrollToEnd = true;
  private readonly rendered = new Map<string, { key: string; el: HTMLElement }>();

  private readonly el: {
    title: HTMLElement;
    model: HTMLSelectElement;
    banner: HTMLElement;
    history: HTMLElement;
    messages: HTMLElement;
    empty: HTMLElement;
    ask: HTMLElement;
    agentMode: HTMLElement;
    tools: HTMLElement;
    toolsButton: HTMLElement;
    historyButton: HTMLElement;
  };

  constructor(opts: ChatViewOptions) {
    this.host = opts.host;
    this.renderer = opts.renderer;
    this.state = opts.initial;
    this.schedule = opts.schedule ?? ((fn) => setTimeout(fn, 0));
    const h = (this.h = elementFactory(opts.document));

    const model = h('select', { class: 'model-picker', title: 'Model for the next question', 'aria-label': 'Model' }) as HTMLSelectElement;
    this.composer = new Composer(h, {
      post: (msg) => this.host.post(msg),
      state: () => this.state,
      update: (state) => {
        this.state = state;
        this.save();
      },
      notice: (text) => this.dispatchLocal({ ...this.state, notice: { level: 'error', text } }),
    });
    this.el = {
      title: h('span', { class: 'chat-title' }),
      model,
      banner: h('div', { class: 'banner', role: 'status', hidden: true }),
      history: h('section', { class: 'history-panel', hidden: true, 'aria-label': 'Chat history' }),
      messages: h('main', { class: 'messages', role: 'log', 'aria-live': 'polite' }),
      empty: h('div', { class: 'empty' }, [
        h('p', {}, ['Ask Tandem about your code.']),
        h('p', { class: 'dim' }, [
          'The selection or the active file is attached automatically. Type @ to attach a file, @codebase to search the workspace, / for commands.',
        ]),
      ]),
      ask: h('button', { type: 'button', class: 'mode-tab', 'data-action': 'panel-mode', 'data-mode': 'ask', title: 'Chat answers' }, [
        'Ask',
      ]),
      agentMode: h(
        'button',
        { type: 'button', class: 'mode-tab', 'data-action': 'panel-mode', 'data-mode': 'agent', title: 'Agent tasks' },
        ['Agent'],
      ),
      tools: h('section', { class: 'history-panel tools-panel', hidden: true, 'aria-label': 'Agent tools' }),
      toolsButton: h(BUTTON, { secondary: true, 'data-action': 'tools', title: 'Tools the agent may use' }, ['Tools']),
      historyButton: h(BUTTON, { secondary: true, 'data-action': 'history', title: 'Chat history' }, ['History']),
    };
    this.agent = new AgentView(h, this.renderer);
    const header = h('header', { class: 'chat-header' }, [
      h('div', { class: 'mode-tabs', role: 'group', 'aria-label': 'Panel mode' }, [this.el.ask, this.el.agentMode]),
      this.el.title,
      this.el.model,
      this.el.toolsButton,
      this.el.historyButton,
      h(BUTTON, { secondary: true, 'data-action': 'new-chat', title: 'New chat or task' }, ['New']),
    ]);
    this.el.messages.append(this.el.empty);
    opts.root.replaceChildren(
      h('div', { class: 'chat' }, [
        header,
        this.el.banner,
        this.el.history,
        this.el.tools,
        this.el.messages,
        this.agent.el,
        this.composer.el,
      ]),
    );

    opts.root.addEventListener('click', (e) => this.onClick(e));
    model.addEventListener('change', () => {
      this.state = { ...this.state, model: model.value };
      this.host.post({ type: 'selectModel', model: model.value });
      this.save();
    });
    this.render();
  }

  /** Apply a message from the host. */
  dispatch(msg: HostToWebview): void {
    if (msg.type === 'prefill' || (msg.type === 'turnStarted' && !msg.replaceFromUserId)) this.composer.takeDraftFromHost();
    if (msg.type === 'conversation' || msg.type === 'turnStarted' || msg.type === 'agentTask') this.scrollToEnd = true;
    this.state = reduce(this.state, msg);
    if (msg.type === 'fileSuggestions') this.composer.resetSuggestion();
    if (msg.type === 'prefill') this.composer.focus();
    this.save();
    this.requestRender();
  }

  /** Render now (tests; the browser renders on the next frame). */
  flush(): void {
    this.pending = false;
    this.render();
  }

  /** Send the input as a question (ignored while an answer streams or when empty). */
  send(): void {
    this.composer.submit();
  }

  private requestRender(): void {
    if (this.pending) return;
    this.pending = true;
    this.schedule(() => {
      if (!this.pending) return;
      this.pending = false;
      this.render();
    });
  }

  private save(): void {
    this.host.saveState(persistable(this.state));
  }

  // ------------------------------------------------------------------ rendering

  private render(): void {
    const s = this.state;
    const advanced = s.mode !== 'simple';
    const expert = s.mode === 'expert';
    const agentMode = s.panelMode === 'agent';
    this.el.title.textContent = agentMode ? (s.agent ? 'Agent task' : 'New agent task') : (s.conversation?.title ?? 'New chat');
    this.el.title.title = agentMode ? (s.agent?.task ?? '') : this.el.title.textContent;
    this.el.ask.setAttribute('aria-pressed', String(!agentMode));
    this.el.agentMode.setAttribute('aria-pressed', String(agentMode));
    this.el.toolsButton.hidden = !agentMode;
    this.el.historyButton.hidden = agentMode;
    renderToolsPanel(this.h, this.el.tools, agentMode ? s.tools : undefined);
    this.el.messages.hidden = agentMode;
    this.agent.el.hidden = !agentMode;

    // Model picker: advanced and expert only.
    this.el.model.hidden = !advanced || s.models.length === 0 || agentMode;
    const options = ['', ...s.models];
    const current = [...this.el.model.options].map((o) => o.value);
    if (current.join('\n') !== options.join('\n')) {
      this.el.model.replaceChildren(...options.map((m) => this.h('option', { value: m }, [m === '' ? 'Default model' : m])));
    }
    this.el.model.value = s.model && s.models.includes(s.model) ? s.model : '';

    this.renderBanner();
    renderHistoryList(this.h, this.el.history, agentMode ? undefined : s.history, s.conversation?.id);

    if (agentMode) {
      const box = this.agent.el;
      const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
      this.agent.render(s.agent, s.mode);
      if (atEnd || this.scrollToEnd) box.scrollTop = box.scrollHeight;
      this.scrollToEnd = false;
      this.composer.render(s);
      return;
    }

    const list = this.el.messages;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const keep = new Set<string>();
    const lastId = s.messages.at(-1)?.id;
    let previous: Element = this.el.empty;
    this.el.empty.hidden = s.messages.length > 0;
    for (const m of s.messages) {
      keep.add(m.id);
      const key = [
        m.status,
        m.content,
        s.mode,
        m.id === lastId,
        JSON.stringify(m.error ?? null),
        m.stats ? 1 : 0,
        m.context?.length ?? 0,
        s.prompts[m.id] ? 1 : 0,
      ].join('\u0000');
      let entry = this.rendered.get(m.id);
      if (!entry || entry.key !== key) {
        const el = renderMessage(this.h, this.renderer, m, { last: m.id === lastId, advanced, expert, prompt: s.prompts[m.id] });
        if (entry) entry.el.replaceWith(el);
        entry = { key, el };
        this.rendered.set(m.id, entry);
      }
      if (previous.nextSibling !== entry.el) previous.after(entry.el);
      previous = entry.el;
    }
    for (const [id, entry] of this.rendered) {
      if (!keep.has(id)) {
        entry.el.remove();
        this.rendered.delete(id);
      }
    }
    // Follow a streaming answer only while the reader is at the end; never yank them back up.
    if (atBottom || this.scrollToEnd) list.scrollTop = list.scrollHeight;
    this.scrollToEnd = false;

    this.composer.render(s);
  }

  private renderBanner(): void {
    const s = this.state;
    const banner = this.el.banner;
    if (!s.connected) {
      banner.hidden = false;
      banner.className = 'banner error';
      banner.replaceChildren(
        this.h('span', {}, [s.connectionMessage ?? 'Not connected to tandemd; reconnecting…']),
        this.h(BUTTON, { secondary: true, 'data-action': 'doctor' }, ['Run doctor']),
      );
    } else if (s.notice) {
      banner.hidden = false;
      banner.className = `banner ${s.notice.level}`;
      banner.replaceChildren(this.h('span', {}, [s.notice.text]));
    } else {
      banner.hidden = true;
      banner.replaceChildren();
    }
  }

  // ------------------------------------------------------------------ events

  private onClick(e: Event): void {
    const target = (e.target as Element | null)?.closest?.('[data-action]');
    if (!target) return;
    const action = target.getAttribute('data-action');
    switch (action) {
      case 'send':
        this.composer.submit();
        break;
      case 'stop':
        this.host.post({ type: this.state.panelMode === 'agent' && this.state.agent?.status === 'running' ? 'cancelAgent' : 'stop' });
        break;
      case 'panel-mode': {
        const panelMode = target.getAttribute('data-mode');
        if (!isPanelMode(panelMode) || panelMode === this.state.panelMode) break;
        this.scrollToEnd = true;
        this.dispatchLocal({ ...this.state, panelMode, history: undefined, notice: undefined });
        this.save();
        this.host.post({ type: 'setPanelMode', panelMode });
        this.composer.focus();
        break;
      }
      case 'approve': {
        const approvalId = target.getAttribute('data-approval');
        const choice = target.getAttribute('data-choice');
        if (approvalId && (choice === 'allowOnce' || choice === 'allowTask' || choice === 'deny'))
          this.host.post({ type: 'approve', approvalId, choice });
        break;
      }
      case 'open-diff': {
        const approvalId = target.getAttribute('data-approval');
        const path = target.getAttribute('data-path');
        if (approvalId && path) this.host.post({ type: 'openDiff', approvalId, path });
        break;
      }
      case 'undo-agent': {
        const taskId = target.getAttribute('data-task');
        if (taskId) this.host.post({ type: 'undoAgent', taskId });
        break;
      }
      case 'tools':
        if (this.state.tools) this.dispatchLocal({ ...this.state, tools: undefined });
        else this.host.post({ type: 'showTools' });
        break;
      case 'close-tools':
        this.dispatchLocal({ ...this.state, tools: undefined });
        break;
      case 'toggle-tool': {
        const tool = target.getAttribute('data-tool');
        if (tool) this.host.post({ type: 'toggleTool', tool, enabled: (target as HTMLInputElement).checked });
        break;
      }
      case 'retry':
        this.host.post({ type: 'retry' });
        break;
      case 'doctor':
        this.host.post({ type: 'runDoctor' });
        break;
      case 'new-chat':
        this.host.post({ type: this.state.panelMode === 'agent' ? 'newAgentTask' : 'newChat' });
        break;
      case 'history':
        if (this.state.history) this.dispatchLocal({ ...this.state, history: undefined });
        else this.host.post({ type: 'showHistory' });
        break;
      case 'close-history':
        this.dispatchLocal({ ...this.state, history: undefined });
        break;
      case 'open-conversation': {
        const id = target.getAttribute('data-id');
        if (id) this.host.post({ type: 'openConversation', id });
        break;
      }
      case 'delete-conversation': {
        const id = target.getAttribute('data-id');
        if (id) this.host.post({ type: 'deleteConversation', id });
        break;
      }
      case 'open-context': {
        const path = target.getAttribute('data-path');
        const line = Number(target.getAttribute('data-line'));
        if (path) this.host.post({ type: 'openContext', path, ...(line > 0 ? { line } : {}) });
        break;
      }
      case 'pick-suggestion': {
        const label = target.getAttribute('data-label');
        if (label) this.composer.pickSuggestion(label);
        break;
      }
      case 'copy':
      case 'insert':
      case 'apply': {
        const block = target.closest('.code-block');
        const code = block?.querySelector('pre code')?.textContent;
        if (code === undefined || code === null) break;
        const language = block?.getAttribute('data-lang') || undefined;
        this.host.post({ type: 'codeAction', action, code, ...(language ? { language } : {}) });
        break;
      }
    }
  }

  private dispatchLocal(state: ChatState): void {
    this.state = state;
    this.requestRender();
  }
}
