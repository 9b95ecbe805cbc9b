/**
 * The chat view in jsdom with a fake host, for the chat view's and Agent mode's tests: what it posted,
 * what it saved, and helpers to click, type and press keys.
 */
import assert from 'node:assert/strict';
import type { JSDOM } from 'jsdom';
import type { HostToWebview, WebviewToHost } from '../../../../webview-ui/chat/messages';
import { initialState, type ChatState } from '../../../../webview-ui/chat/state';
import { ChatView } from '../../../../webview-ui/chat/view';
import { makeDom, makeRenderer } from './dom';

export interface ViewHarness {
  dom: JSDOM;
  view: ChatView;
  posted: WebviewToHost[];
  saved: ChatState[];
  $(selector: string): HTMLElement | null;
  $$(selector: string): HTMLElement[];
  send(msg: HostToWebview): void;
  click(el: Element | null): void;
  type(text: string): void;
  key(key: string, opts?: { shiftKey?: boolean }): void;
}

export function viewHarness(initial: ChatState = initialState()): ViewHarness {
  const dom = makeDom();
  const doc = dom.window.document;
  const posted: WebviewToHost[] = [];
  const saved: ChatState[] = [];
  const view = new ChatView({
    document: doc,
    root: doc.getElementById('root')!,
    renderer: makeRenderer(dom),
    host: { post: (m) => posted.push(m), saveState: (s) => saved.push(s) },
    initial,
    schedule: () => undefined,
  });
  const input = () => doc.querySelector('textarea.input') as HTMLTextAreaElement;
  return {
    dom,
    view,
    posted,
    saved,
    $: (s) => doc.querySelector(s),
    $$: (s) => [...doc.querySelectorAll(s)] as HTMLElement[],
    send: (msg) => {
      view.dispatch(msg);
      view.flush();
    },
    click: (el) => {
      assert.ok(el, 'element to click exists');
      el.dispatchEvent(new dom.window.MouseEvent('click', { bubbles: true }));
      view.flush();
    },
    type: (text) => {
      const el = input();
      el.value = text;
      el.setSelectionRange(text.length, text.length);
      el.dispatchEvent(new dom.window.Event('input', { bubbles: true }));
      view.flush();
    },
    key: (key, opts = {}) => {
      input().dispatchEvent(new dom.window.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...opts }));
      view.flush();
    },
  };
}
