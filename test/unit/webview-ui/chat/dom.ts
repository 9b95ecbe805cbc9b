/**
 * A DOM for the webview code in plain Node (jsdom), with the real DOMPurify and
 * highlight.js the bundle uses.
 */
import { JSDOM } from 'jsdom';
import createDOMPurify, { type WindowLike } from 'dompurify';
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import typescript from 'highlight.js/lib/languages/typescript';
import { createMarkdownRenderer, type MarkdownRenderer } from '../../../../webview-ui/chat/markdown';

hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('python', python);

export function makeDom(opts: { runScripts?: 'dangerously' | 'outside-only' } = {}): JSDOM {
  return new JSDOM('<!DOCTYPE html><html><body><div id="root"></div></body></html>', {
    runScripts: opts.runScripts ?? 'outside-only',
    pretendToBeVisual: true,
  });
}

export function makeRenderer(dom: JSDOM): MarkdownRenderer {
  return createMarkdownRenderer({ purify: createDOMPurify(dom.window as unknown as WindowLike), hljs });
}
