/**
 * One message of the conversation as an `<article>`: a question with its attachment
 * chips, or an answer (markdown, the streaming cursor, an error with its hint and
 * actions or "Stopped."), plus the used context (advanced and expert), the figures and
 * the raw prompt (expert).
 */
import type { ChatMessageInfo } from '../../protocol';
import { renderContextList } from './context-list';
import { BUTTON, type ElementFactory } from './dom';
import type { MarkdownRenderer } from './markdown';
import type { PromptMessage } from './messages';
import { errorOf } from './state';

export interface MessageViewOptions {
  /** The last message of the conversation (its error offers Retry). */
  last: boolean;
  advanced: boolean;
  expert: boolean;
  /** The raw prompt of this answer, if the host sent it. */
  prompt: PromptMessage[] | undefined;
}

export function renderMessage(h: ElementFactory, renderer: MarkdownRenderer, m: ChatMessageInfo, opts: MessageViewOptions): HTMLElement {
  const el = h('article', { class: `message ${m.role} ${m.status}`, 'data-id': m.id });
  if (m.role === 'user') {
    el.append(h('div', { class: 'message-body user-text' }, [m.content]));
    const a = m.attachments;
    const chips: string[] = [];
    if (a?.selection) chips.push(`${basename(a.selection.path)}:${a.selection.startLine}-${a.selection.endLine}`);
    for (const f of a?.files ?? []) chips.push(basename(f));
    if (a?.codebase) chips.push('@codebase');
    if (chips.length > 0)
      el.append(
        h(
          'div',
          { class: 'attachments' },
          chips.map((c) => h('span', { class: 'chip' }, [c])),
        ),
      );
    return el;
  }
  const body = h('div', { class: 'message-body markdown' });
  body.innerHTML = renderer.render(m.content);
  if (m.status === 'streaming') body.append(h('span', { class: 'cursor', 'aria-hidden': 'true' }));
  if (m.status === 'streaming' && m.content === '') body.prepend(h('span', { class: 'dim thinking' }, ['Thinking…']));
  el.append(body);

  const error = errorOf(m);
  if (error) {
    const box = h('div', { class: 'message-error', role: 'alert' }, [h('strong', {}, [error.message])]);
    if (error.hint) box.append(h('div', { class: 'hint' }, [error.hint]));
    if (error.backendUrl) box.append(h('div', { class: 'backend' }, ['Backend: ', h('code', {}, [error.backendUrl])]));
    const actions = h('div', { class: 'actions' });
    if (opts.last) actions.append(h(BUTTON, { 'data-action': 'retry' }, ['Retry']));
    actions.append(h(BUTTON, { secondary: true, 'data-action': 'doctor' }, ['Run doctor']));
    box.append(actions);
    el.append(box);
  } else if (m.status === 'cancelled') {
    el.append(h('div', { class: 'dim stopped' }, ['Stopped.']));
  }

  if (opts.advanced && m.context && m.context.length > 0) el.append(renderContextList(h, m.context));
  if (opts.expert && m.stats) {
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
    el.append(h('div', { class: 'stats' }, [parts.join(' · ')]));
  }
  const prompt = opts.prompt;
  if (opts.expert && prompt) {
    el.append(
      h('details', { class: 'raw-prompt' }, [
        h('summary', {}, [`Raw prompt (${prompt.length} messages)`]),
        ...prompt.map((p) => h('div', { class: 'prompt-message' }, [h('div', { class: 'role' }, [p.role]), h('pre', {}, [p.content])])),
      ]),
    );
  }
  return el;
}

function basename(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}
