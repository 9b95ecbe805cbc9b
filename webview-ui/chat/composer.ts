/**
 * The composer at the bottom of the panel: the context chips (what the next question
 * carries), the question box with `@` completion (files from the host, `@codebase`),
 * and the Send / Stop / Retry buttons. Keys: Enter sends, Shift+Enter adds a line;
 * with the suggestion list open, arrows move, Enter or Tab picks, Escape closes it.
 */
import { BUTTON, type ElementFactory } from './dom';
import type { WebviewToHost } from './messages';
import { isRunning } from './agent-state';
import { CODEBASE_MENTION, applyMention, mentionAt, type MentionAtCaret } from './mentions';
import { parseSlashCommand, slashSuggestions } from './slash-commands';
import { canRetry, type ChatState } from './state';

export interface ComposerHost {
  post(msg: WebviewToHost): void;
  /** The panel's current state. */
  state(): ChatState;
  /** Replace the panel's state and save it. */
  update(state: ChatState): void;
  /** Show a message above the input (a mistyped slash command). */
  notice(text: string): void;
}

const ASK_PLACEHOLDER =
  'Ask about your code — @ mentions a file, @codebase searches the workspace, / for commands. Enter sends, Shift+Enter adds a line.';
const AGENT_PLACEHOLDER = 'Describe a task for the agent — it reads, edits and runs commands with your approval. Enter starts it.';

export class Composer {
  /** The `<footer>` holding the composer. */
  readonly el: HTMLElement;
  readonly input: HTMLTextAreaElement;
  private readonly chips: HTMLElement;
  private readonly suggestions: HTMLElement;
  private readonly send: HTMLElement;
  private readonly stop: HTMLElement;
  private readonly retry: HTMLElement;
  /** Take the draft from the state on the next render (a prefill, a new turn, the first render). */
  private draftFromHost = true;
  private fileRequestId = 0;
  private mention: MentionAtCaret | undefined;
  private activeSuggestion = 0;

  constructor(
    private readonly h: ElementFactory,
    private readonly host: ComposerHost,
  ) {
    this.input = h('textarea', {
      class: 'input',
      rows: 3,
      placeholder: ASK_PLACEHOLDER,
      'aria-label': 'Question',
    }) as HTMLTextAreaElement;
    this.chips = h('div', { class: 'context-chips' });
    this.suggestions = h('ul', { class: 'suggestions', role: 'listbox', hidden: true });
    this.send = h(BUTTON, { class: 'send', 'data-action': 'send' }, ['Send']);
    this.stop = h(BUTTON, { class: 'stop', 'data-action': 'stop', hidden: true }, ['Stop']);
    this.retry = h(BUTTON, { class: 'retry-last', secondary: true, 'data-action': 'retry', hidden: true }, ['Retry']);
    this.el = h('footer', { class: 'composer' }, [
      this.chips,
      this.suggestions,
      this.input,
      h('div', { class: 'composer-actions' }, [this.retry, this.stop, this.send]),
    ]);
    this.input.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.input.addEventListener('input', () => this.onInput());
  }

  /** The next render shows the state's draft (the host set it). */
  takeDraftFromHost(): void {
    this.draftFromHost = true;
  }

  /** New file suggestions arrived: the first one is active. */
  resetSuggestion(): void {
    this.activeSuggestion = 0;
  }

  focus(): void {
    this.input.focus();
  }

  render(s: ChatState): void {
    this.renderChips(s);
    this.renderSuggestions();
    if (this.draftFromHost) {
      this.input.value = s.draft;
      this.draftFromHost = false;
    }
    const agent = s.panelMode === 'agent';
    this.input.placeholder = agent ? AGENT_PLACEHOLDER : ASK_PLACEHOLDER;
    this.input.setAttribute('aria-label', agent ? 'Agent task' : 'Question');
    const streaming = agent ? isRunning(s.agent) : s.streamingId !== undefined;
    this.stop.hidden = !streaming;
    this.send.hidden = streaming;
    this.send.toggleAttribute('disabled', !s.connected);
    this.retry.hidden = agent || !canRetry(s);
    this.send.textContent = agent ? 'Start' : 'Send';
  }

  /** Send the input as a question (ignored while an answer streams or when empty). */
  submit(): void {
    const state = this.host.state();
    const text = this.input.value.trim();
    const busy = state.panelMode === 'agent' ? isRunning(state.agent) : state.streamingId !== undefined;
    if (text === '' || busy || !state.connected) return;
    const slash = parseSlashCommand(text);
    if (slash.kind === 'invalid') {
      // Shown above the input; the text stays for the user to correct.
      this.host.notice(slash.message);
      return;
    }
    this.mention = undefined;
    this.host.post({
      type: 'send',
      text,
      ...(state.model && state.mode !== 'simple' ? { model: state.model } : {}),
      ...(state.panelMode === 'agent' ? { panelMode: 'agent' } : {}),
    });
    // The host answers with turnStarted, which shows the question and the streaming answer.
    this.host.update({ ...state, draft: '' });
    this.input.value = '';
    this.renderSuggestions();
  }

  /** Complete the `@` mention at the caret with `label`, or the slash command (`/agent`). */
  pickSuggestion(label: string): void {
    if (label.startsWith('/')) {
      this.input.value = `${label} `;
      this.input.setSelectionRange(this.input.value.length, this.input.value.length);
      this.host.update({ ...this.host.state(), draft: this.input.value });
      this.renderSuggestions();
      this.input.focus();
      return;
    }
    if (!this.mention) return;
    const next = applyMention(this.input.value, this.mention, label);
    this.input.value = next.text;
    this.input.setSelectionRange(next.caret, next.caret);
    this.mention = undefined;
    this.host.update({ ...this.host.state(), draft: next.text });
    this.renderSuggestions();
    this.input.focus();
  }

  private renderChips(s: ChatState): void {
    const p = s.preview;
    const h = this.h;
    const chips: HTMLElement[] = [];
    if (p.selection)
      chips.push(
        h('span', { class: 'chip', title: 'The selection is attached to the next question' }, [
          `Selection ${p.selection.label}:${p.selection.startLine}-${p.selection.endLine}`,
        ]),
      );
    else if (p.activeFile)
      chips.push(h('span', { class: 'chip', title: 'The active file is attached to the next question' }, [`File ${p.activeFile.label}`]));
    this.chips.replaceChildren(...chips);
    this.chips.hidden = chips.length === 0;
  }

  private suggestionItems(): Array<{ label: string; detail?: string }> {
    const slash = slashSuggestions(this.input.value);
    if (slash.length > 0) return slash.map((c) => ({ label: `/${c.name}`, detail: `${c.args ? `${c.args} ` : ''}— ${c.summary}` }));
    if (!this.mention) return [];
    const q = this.mention.query.toLowerCase();
    const items: Array<{ label: string; detail?: string }> = [];
    if (CODEBASE_MENTION.startsWith(q)) items.push({ label: CODEBASE_MENTION, detail: 'search the workspace' });
    const suggestions = this.host.state().suggestions;
    const fromHost = suggestions?.requestId === this.fileRequestId ? suggestions.items : [];
    return [...items, ...fromHost].slice(0, 12);
  }

  private renderSuggestions(): void {
    const items = this.suggestionItems();
    const list = this.suggestions;
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
          [
            it.label.startsWith('/') ? it.label : `@${it.label}`,
            ...(it.detail ? [this.h('span', { class: 'dim' }, [` ${it.detail}`])] : []),
          ],
        ),
      ),
    );
  }

  private onInput(): void {
    const input = this.input;
    this.host.update({ ...this.host.state(), draft: input.value });
    this.mention = mentionAt(input.value, input.selectionStart ?? input.value.length);
    if (this.mention) {
      this.fileRequestId++;
      this.host.post({ type: 'fileQuery', requestId: this.fileRequestId, query: this.mention.query });
    }
    this.renderSuggestions();
  }

  private onKeyDown(e: KeyboardEvent): void {
    const items = this.suggestionItems();
    if (items.length > 0 && !this.suggestions.hidden) {
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
      this.submit();
    }
  }
}
