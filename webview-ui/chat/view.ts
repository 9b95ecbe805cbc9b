/**
 * The chat panel's DOM: a header (title, model picker in advanced/expert, History, New),
 * the conversation, and the composer with `@` completion. Renders a `ChatState`
 * incrementally (each message is re-rendered only when it changed, so streaming stays
 * cheap) and turns clicks and keys into `WebviewToHost` messages. No vscode, no globals:
 * the document, the markdown renderer, the host messenger and the scheduler come in
 * through the constructor, so the same code runs in jsdom, Chromium and the webview.
 */
import type { ChatContextItem, ChatMessageInfo } from '../../protocol';
import type { MarkdownRenderer } from './markdown';
import type { HostToWebview, WebviewToHost } from './messages';
import { CODEBASE_MENTION, applyMention, mentionAt, type MentionAtCaret } from './mentions';
import { canRetry, errorOf, persistable, reduce, type ChatState } from './state';

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

type Attrs = Record<string, string | number | boolean | undefined>;

/**
 * The panel's buttons are `@vscode-elements/elements` buttons (registered by the entry
 * point), so they look and behave like VS Code's own; in a DOM without the element
 * definitions they are plain elements that still carry `data-action`.
 */
const BUTTON = 'vscode-button';

export class ChatView {
  state: ChatState;
  private readonly doc: Document;
  private readonly host: ViewHost;
  private readonly renderer: MarkdownRenderer;
  private readonly schedule: (fn: () => void) => void;
  private pending = false;
  private draftFromHost = true;
  /** Scroll to the end on the next render (a new question or conversation). */
  private scrollToEnd = true;
  private fileRequestId = 0;
  private mention: MentionAtCaret | undefined;
  private activeSuggestion = 0;
  private readonly rendered = new Map<string, { key: string; el: HTMLElement }>();

  private readonly el: {
    title: HTMLElement;
    model: HTMLSelectElement;
    banner: HTMLElement;
    history: HTMLElement;
    messages: HTMLElement;
    empty: HTMLElement;
    chips: HTMLElement;
    suggestions: HTMLElement;
    input: HTMLTextAreaElement;
    send: HTMLElement;
    stop: HTMLElement;
    retry: HTMLElement;
  };

  constructor(opts: ChatViewOptions) {
    this.doc = opts.document;
    this.host = opts.host;
    this.renderer = opts.renderer;
    this.state = opts.initial;
    this.schedule = opts.schedule ?? ((fn) => setTimeout(fn, 0));
    const h = this.h.bind(this);

    const model = h('select', { class: 'model-picker', title: 'Model for the next question', 'aria-label': 'Model' }) as HTMLSelectElement;
    const input = h('textarea', {
      class: 'input',
      rows: 3,
      placeholder: 'Ask about your code — @ mentions a file, @codebase searches the workspace. Enter sends, Shift+Enter adds a line.',
      'aria-label': 'Question',
    }) as HTMLTextAreaElement;
    this.el = {
      title: h('span', { class: 'chat-title' }),
      model,
      banner: h('div', { class: 'banner', role: 'status', hidden: true }),
      history: h('section', { class: 'history-panel', hidden: true, 'aria-label': 'Chat history' }),
      messages: h('main', { class: 'messages', role: 'log', 'aria-live': 'polite' }),
      empty: h('div', { class: 'empty' }, [
        h('p', {}, ['Ask Tandem about your code.']),
        h('p', { class: 'dim' }, [
          'The selection or the active file is attached automatically. Type @ to attach a file, @codebase to search the workspace.',
        ]),
      ]),
      chips: h('div', { class: 'context-chips' }),
      suggestions: h('ul', { class: 'suggestions', role: 'listbox', hidden: true }),
      input,
      send: h(BUTTON, { class: 'send', 'data-action': 'send' }, ['Send']),
      stop: h(BUTTON, { class: 'stop', 'data-action': 'stop', hidden: true }, ['Stop']),
      retry: h(BUTTON, { class: 'retry-last', secondary: true, 'data-action': 'retry', hidden: true }, ['Retry']),
    };
    const header = h('header', { class: 'chat-header' }, [
      this.el.title,
      this.el.model,
      h(BUTTON, { secondary: true, 'data-action': 'history', title: 'Chat history' }, ['History']),
      h(BUTTON, { secondary: true, 'data-action': 'new-chat', title: 'New chat' }, ['New']),
    ]);
    const composer = h('footer', { class: 'composer' }, [
      this.el.chips,
      this.el.suggestions,
      this.el.input,
      h('div', { class: 'composer-actions' }, [this.el.retry, this.el.stop, this.el.send]),
    ]);
    this.el.messages.append(this.el.empty);
    opts.root.replaceChildren(h('div', { class: 'chat' }, [header, this.el.banner, this.el.history, this.el.messages, composer]));

    opts.root.addEventListener('click', (e) => this.onClick(e));
    input.addEventListener('keydown', (e) => this.onKeyDown(e));
    input.addEventListener('input', () => this.onInput());
    model.addEventListener('change', () => {
      this.state = { ...this.state, model: model.value };
      this.host.post({ type: 'selectModel', model: model.value });
      this.save();
    });
    this.render();
  }

  /** Apply a message from the host. */
  dispatch(msg: HostToWebview): void {
    if (msg.type === 'prefill' || (msg.type === 'turnStarted' && !msg.replaceFromUserId)) this.draftFromHost = true;
    if (msg.type === 'conversation' || msg.type === 'turnStarted') this.scrollToEnd = true;
    this.state = reduce(this.state, msg);
    if (msg.type === 'fileSuggestions') this.activeSuggestion = 0;
    if (msg.type === 'prefill') this.el.input.focus();
    this.save();
    this.requestRender();
  }

  /** Render now (tests; the browser renders on the next frame). */
  flush(): void {
    this.pending = false;
    this.render();
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

  private h(tag: string, attrs: Attrs = {}, children: Array<Node | string> = []): HTMLElement {
    const el = this.doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === false) continue;
      el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) el.append(typeof c === 'string' ? this.doc.createTextNode(c) : c);
    return el;
  }

  private render(): void {
    const s = this.state;
    const advanced = s.mode !== 'simple';
    const expert = s.mode === 'expert';
    this.el.title.textContent = s.conversation?.title ?? 'New chat';
    this.el.title.title = this.el.title.textContent;

    // Model picker: advanced and expert only.
    this.el.model.hidden = !advanced || s.models.length === 0;
    const options = ['', ...s.models];
    const current = [...this.el.model.options].map((o) => o.value);
    if (current.join('\n') !== options.join('\n')) {
      this.el.model.replaceChildren(...options.map((m) => this.h('option', { value: m }, [m === '' ? 'Default model' : m])));
    }
    this.el.model.value = s.model && s.models.includes(s.model) ? s.model : '';

    this.renderBanner();
    this.renderHistory();

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
        const el = this.renderMessage(m, m.id === lastId, advanced, expert);
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

    this.renderChips();
    this.renderSuggestions();
    if (this.draftFromHost) {
      this.el.input.value = s.draft;
      this.draftFromHost = false;
    }
    const streaming = s.streamingId !== undefined;
    this.el.stop.hidden = !streaming;
    this.el.send.hidden = streaming;
    this.el.send.toggleAttribute('disabled', !s.connected);
    this.el.retry.hidden = !canRetry(s);
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

  private renderHistory(): void {
    const panel = this.el.history;
    const items = this.state.history;
    panel.hidden = items === undefined;
    if (!items) {
      panel.replaceChildren();
      return;
    }
    const rows = items.map((c) =>
      this.h('li', { class: c.id === this.state.conversation?.id ? 'current' : undefined }, [
        this.h('button', { type: 'button', class: 'link', 'data-action': 'open-conversation', 'data-id': c.id, title: c.title }, [c.title]),
        this.h('span', { class: 'dim' }, [`${new Date(c.updatedAt).toLocaleString()} · ${c.messageCount} messages`]),
        this.h(BUTTON, { secondary: true, 'data-action': 'delete-conversation', 'data-id': c.id, title: `Delete “${c.title}”` }, [
          'Delete',
        ]),
      ]),
    );
    panel.replaceChildren(
      this.h('div', { class: 'history-header' }, [
        this.h('strong', {}, ['History']),
        this.h(BUTTON, { secondary: true, 'data-action': 'close-history' }, ['Close']),
      ]),
      items.length === 0 ? this.h('p', { class: 'dim' }, ['No conversations in this workspace yet.']) : this.h('ul', {}, rows),
    );
  }

  private renderMessage(m: ChatMessageInfo, last: boolean, advanced: boolean, expert: boolean): HTMLElement {
    const el = this.h('article', { class: `message ${m.role} ${m.status}`, 'data-id': m.id });
    if (m.role === 'user') {
      el.append(this.h('div', { class: 'message-body user-text' }, [m.content]));
      const a = m.attachments;
      const chips: string[] = [];
      if (a?.selection) chips.push(`${basename(a.selection.path)}:${a.selection.startLine}-${a.selection.endLine}`);
      for (const f of a?.files ?? []) chips.push(basename(f));
      if (a?.codebase) chips.push('@codebase');
      if (chips.length > 0)
        el.append(
          this.h(
            'div',
            { class: 'attachments' },
            chips.map((c) => this.h('span', { class: 'chip' }, [c])),
          ),
        );
      return el;
    }
    const body = this.h('div', { class: 'message-body markdown' });
    body.innerHTML = this.renderer.render(m.content);
    if (m.status === 'streaming') body.append(this.h('span', { class: 'cursor', 'aria-hidden': 'true' }));
    if (m.status === 'streaming' && m.content === '') body.prepend(this.h('span', { class: 'dim thinking' }, ['Thinking…']));
    el.append(body);

    const error = errorOf(m);
    if (error) {
      const box = this.h('div', { class: 'message-error', role: 'alert' }, [this.h('strong', {}, [error.message])]);
      if (error.hint) box.append(this.h('div', { class: 'hint' }, [error.hint]));
      if (error.backendUrl) box.append(this.h('div', { class: 'backend' }, ['Backend: ', this.h('code', {}, [error.backendUrl])]));
      const actions = this.h('div', { class: 'actions' });
      if (last) actions.append(this.h(BUTTON, { 'data-action': 'retry' }, ['Retry']));
      actions.append(this.h(BUTTON, { secondary: true, 'data-action': 'doctor' }, ['Run doctor']));
      box.append(actions);
      el.append(box);
    } else if (m.status === 'cancelled') {
      el.append(this.h('div', { class: 'dim stopped' }, ['Stopped.']));
    }

    if (advanced && m.context && m.context.length > 0) el.append(this.renderContext(m.context));
    if (expert && m.stats) {
      const st = m.stats;
      const tokens = [
        st.tokens.prompt !== undefined ? `prompt ${st.tokens.prompt} tok` : undefined,
        `estimate ${st.tokens.promptEstimate} tok`,
        st.tokens.output !== undefined ? `output ${st.tokens.output} tok` : undefined,
      ].filter(Boolean);
      const parts = [
        `${st.model} @ ${st.backend}`,
        tokens.join(', '),
        `context ${st.timings.contextMs} ms · first token ${st.timings.firstTokenMs} ms · total ${st.timings.totalMs} ms`,
        st.droppedTurns > 0 ? `${st.droppedTurns} old turns left out` : undefined,
      ].filter(Boolean) as string[];
      el.append(this.h('div', { class: 'stats' }, [parts.join(' · ')]));
    }
    const prompt = this.state.prompts[m.id];
    if (expert && prompt) {
      el.append(
        this.h('details', { class: 'raw-prompt' }, [
          this.h('summary', {}, [`Raw prompt (${prompt.length} messages)`]),
          ...prompt.map((p) =>
            this.h('div', { class: 'prompt-message' }, [this.h('div', { class: 'role' }, [p.role]), this.h('pre', {}, [p.content])]),
          ),
        ]),
      );
    }
    return el;
  }

  private renderContext(items: ChatContextItem[]): HTMLElement {
    const used = items.filter((i) => i.outcome !== 'omitted').length;
    return this.h('details', { class: 'used-context' }, [
      this.h('summary', {}, [`Used context (${used} of ${items.length})`]),
      this.h(
        'ul',
        {},
        items.map((i) => {
          const where =
            i.startLine !== undefined
              ? `${i.label}:${i.startLine}${i.endLine !== undefined && i.endLine !== i.startLine ? `-${i.endLine}` : ''}`
              : i.label;
          const link =
            i.path !== ''
              ? this.h(
                  'button',
                  {
                    type: 'button',
                    class: 'link',
                    'data-action': 'open-context',
                    'data-path': i.path,
                    'data-line': i.startLine ?? 1,
                    title: i.path,
                  },
                  [where],
                )
              : this.h('span', {}, [where]);
          const note =
            i.outcome === 'omitted' ? `left out: ${i.reason ?? ''}` : `${i.tokens} tok${i.outcome === 'clipped' ? ', clipped' : ''}`;
          return this.h('li', { class: i.outcome }, [
            this.h('span', { class: 'kind' }, [i.kind]),
            link,
            this.h('span', { class: 'dim' }, [note]),
          ]);
        }),
      ),
    ]);
  }

  private renderChips(): void {
    const p = this.state.preview;
    const chips: HTMLElement[] = [];
    if (p.selection)
      chips.push(
        this.h('span', { class: 'chip', title: 'The selection is attached to the next question' }, [
          `Selection ${p.selection.label}:${p.selection.startLine}-${p.selection.endLine}`,
        ]),
      );
    else if (p.activeFile)
      chips.push(
        this.h('span', { class: 'chip', title: 'The active file is attached to the next question' }, [`File ${p.activeFile.label}`]),
      );
    this.el.chips.replaceChildren(...chips);
    this.el.chips.hidden = chips.length === 0;
  }

  private suggestionItems(): Array<{ label: string; detail?: string }> {
    if (!this.mention) return [];
    const q = this.mention.query.toLowerCase();
    const items: Array<{ label: string; detail?: string }> = [];
    if (CODEBASE_MENTION.startsWith(q)) items.push({ label: CODEBASE_MENTION, detail: 'search the workspace' });
    const fromHost = this.state.suggestions?.requestId === this.fileRequestId ? this.state.suggestions.items : [];
    return [...items, ...fromHost].slice(0, 12);
  }

  private renderSuggestions(): void {
    const items = this.suggestionItems();
    const list = this.el.suggestions;
    list.hidden = items.length === 0;
    if (this.activeSuggestion >= items.length) this.activeSuggestion = 0;
    list.replaceChildren(
      ...items.map((it, i) =>
        this.h(
          'li',
          {
            role: 'option',
            class: i === this.activeSuggestion ? 'active' : undefined,
            'aria-selected': i === this.activeSuggestion ? 'true' : 'false',
            'data-action': 'pick-suggestion',
            'data-label': it.label,
          },
          [`@${it.label}`, ...(it.detail ? [this.h('span', { class: 'dim' }, [` ${it.detail}`])] : [])],
        ),
      ),
    );
  }

  // ------------------------------------------------------------------ events

  private onInput(): void {
    const input = this.el.input;
    this.state = { ...this.state, draft: input.value };
    this.save();
    this.mention = mentionAt(input.value, input.selectionStart ?? input.value.length);
    if (this.mention) {
      this.fileRequestId++;
      this.host.post({ type: 'fileQuery', requestId: this.fileRequestId, query: this.mention.query });
    }
    this.renderSuggestions();
  }

  private pickSuggestion(label: string): void {
    if (!this.mention) return;
    const next = applyMention(this.el.input.value, this.mention, label);
    this.el.input.value = next.text;
    this.el.input.setSelectionRange(next.caret, next.caret);
    this.mention = undefined;
    this.state = { ...this.state, draft: next.text };
    this.save();
    this.renderSuggestions();
    this.el.input.focus();
  }

  private onKeyDown(e: KeyboardEvent): void {
    const items = this.suggestionItems();
    if (items.length > 0 && !this.el.suggestions.hidden) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        this.activeSuggestion = (this.activeSuggestion + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
        this.renderSuggestions();
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        this.pickSuggestion(items[this.activeSuggestion].label);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        this.mention = undefined;
        this.renderSuggestions();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.send();
    }
  }

  /** Send the input as a question (ignored while an answer streams or when empty). */
  send(): void {
    const text = this.el.input.value.trim();
    if (text === '' || this.state.streamingId || !this.state.connected) return;
    this.mention = undefined;
    this.host.post({ type: 'send', text, ...(this.state.model && this.state.mode !== 'simple' ? { model: this.state.model } : {}) });
    // The host answers with turnStarted, which shows the question and the streaming answer.
    this.state = { ...this.state, draft: '' };
    this.el.input.value = '';
    this.save();
    this.renderSuggestions();
  }

  private onClick(e: Event): void {
    const target = (e.target as Element | null)?.closest?.('[data-action]');
    if (!target) return;
    const action = target.getAttribute('data-action');
    switch (action) {
      case 'send':
        this.send();
        break;
      case 'stop':
        this.host.post({ type: 'stop' });
        break;
      case 'retry':
        this.host.post({ type: 'retry' });
        break;
      case 'doctor':
        this.host.post({ type: 'runDoctor' });
        break;
      case 'new-chat':
        this.host.post({ type: 'newChat' });
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
        if (label) this.pickSuggestion(label);
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

function basename(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}
