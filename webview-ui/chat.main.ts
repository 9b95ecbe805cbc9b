/**
 * Entry of the chat webview (built to dist/webview/chat.main.js). Wires the view to
 * the VS Code webview API: messages from the extension host go to the view, the view's
 * messages go to the host, and the state is kept with `setState` so a hidden or
 * reloaded panel comes back as it was.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { createMarkdownRenderer } from './chat/markdown';
import type { HostToWebview } from './chat/messages';
import { restore } from './chat/state';
import { ChatView } from './chat/view';
import './chat/chat.css';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const languages = { bash, c, cpp, csharp, css, diff, go, java, javascript, json, markdown, python, rust, sql, typescript, xml, yaml };
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang);

const vscode = acquireVsCodeApi();
const root = document.getElementById('root');
if (!root) throw new Error('chat webview: #root is missing from the page');

const view = new ChatView({
  document,
  root,
  renderer: createMarkdownRenderer({ purify: DOMPurify, hljs }),
  host: { post: (msg) => vscode.postMessage(msg), saveState: (state) => vscode.setState(state) },
  initial: restore(vscode.getState()),
  schedule: (fn) => requestAnimationFrame(() => fn()),
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = event.data as HostToWebview | undefined;
  if (msg && typeof msg === 'object' && typeof msg.type === 'string') view.dispatch(msg);
});
vscode.postMessage({ type: 'ready' });
