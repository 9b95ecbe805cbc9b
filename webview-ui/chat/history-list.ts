/**
 * The history panel: the workspace's conversations (the current one marked), each with
 * an open link, when it was last updated, its size and a delete button.
 */
import type { ChatConversationSummary } from '../../protocol';
import { BUTTON, type ElementFactory } from './dom';

/** Fill `panel` with the list, or hide and empty it when the history is closed (`items` undefined). */
export function renderHistoryList(
  h: ElementFactory,
  panel: HTMLElement,
  items: ChatConversationSummary[] | undefined,
  currentId: string | undefined,
): void {
  panel.hidden = items === undefined;
  if (!items) {
    panel.replaceChildren();
    return;
  }
  const rows = items.map((c) =>
    h('li', { class: c.id === currentId ? 'current' : undefined }, [
      h('button', { type: 'button', class: 'link', 'data-action': 'open-conversation', 'data-id': c.id, title: c.title }, [c.title]),
      h('span', { class: 'dim' }, [`${new Date(c.updatedAt).toLocaleString()} · ${c.messageCount} messages`]),
      h(BUTTON, { secondary: true, 'data-action': 'delete-conversation', 'data-id': c.id, title: `Delete “${c.title}”` }, ['Delete']),
    ]),
  );
  panel.replaceChildren(
    h('div', { class: 'history-header' }, [
      h('strong', {}, ['History']),
      h(BUTTON, { secondary: true, 'data-action': 'close-history' }, ['Close']),
    ]),
    items.length === 0 ? h('p', { class: 'dim' }, ['No conversations in this workspace yet.']) : h('ul', {}, rows),
  );
}
