/**
 * The "Used context" list under an answer (advanced and expert modes): each item the
 * prompt used or left out, with its kind, a link that opens it, and its tokens or why it
 * was left out.
 */
import type { ChatContextItem } from '../../protocol';
import type { ElementFactory } from './dom';

export function renderContextList(h: ElementFactory, items: ChatContextItem[]): HTMLElement {
  const used = items.filter((i) => i.outcome !== 'omitted').length;
  return h('details', { class: 'used-context' }, [
    h('summary', {}, [`Used context (${used} of ${items.length})`]),
    h(
      'ul',
      {},
      items.map((i) => {
        const where =
          i.startLine !== undefined
            ? `${i.label}:${i.startLine}${i.endLine !== undefined && i.endLine !== i.startLine ? `-${i.endLine}` : ''}`
            : i.label;
        const link =
          i.path !== ''
            ? h(
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
            : h('span', {}, [where]);
        const note =
          i.outcome === 'omitted' ? `left out: ${i.reason ?? ''}` : `${i.tokens} tok${i.outcome === 'clipped' ? ', clipped' : ''}`;
        return h('li', { class: i.outcome }, [h('span', { class: 'kind' }, [i.kind]), link, h('span', { class: 'dim' }, [note])]);
      }),
    ),
  ]);
}
