/**
 * Model output → safe HTML. markdown-it parses with raw HTML disabled (HTML in the
 * output is shown as text), highlight.js colours code blocks, and DOMPurify sanitises
 * the result as a second line of defence (no scripts, event handlers, styles, forms,
 * or `javascript:` links; links are limited to http(s), mailto and anchors by the
 * parser), so nothing a model writes can run in the webview.
 *
 * Each fenced code block is wrapped with a toolbar of Copy / Insert / Apply buttons;
 * the buttons carry only `data-action`, the code is read from the block when clicked.
 */
import MarkdownIt from 'markdown-it';
import type { HLJSApi } from 'highlight.js';
import type { Config, DOMPurify } from 'dompurify';

export interface MarkdownRenderer {
  /** Sanitised HTML for a message's markdown. */
  render(markdown: string): string;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Languages whose blocks get highlighted; aliases map editor ids to highlight.js names. */
const LANGUAGE_ALIASES: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescript',
  typescriptreact: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  javascriptreact: 'javascript',
  py: 'python',
  sh: 'bash',
  shell: 'bash',
  shellscript: 'bash',
  zsh: 'bash',
  rs: 'rust',
  yml: 'yaml',
  md: 'markdown',
  'c++': 'cpp',
  cs: 'csharp',
  html: 'xml',
  jsonc: 'json',
};

export function normaliseLanguage(lang: string): string {
  const l = lang.trim().toLowerCase();
  return LANGUAGE_ALIASES[l] ?? l;
}

const ALLOWED_URI = /^(?:https?:|mailto:|#)/i;

export function createMarkdownRenderer(deps: { purify: DOMPurify; hljs: HLJSApi }): MarkdownRenderer {
  const { purify, hljs } = deps;
  const md = new MarkdownIt({ html: false, linkify: true, breaks: false });
  // markdown-it's own link check blocks javascript:/vbscript:/data:; keep only web and mail links.
  const defaultValidate = md.validateLink.bind(md);
  md.validateLink = (url: string) => defaultValidate(url) && ALLOWED_URI.test(url.trim());

  md.renderer.rules.fence = (tokens, idx) => {
    const token = tokens[idx];
    const info = token.info.trim().split(/\s+/)[0] ?? '';
    const lang = normaliseLanguage(info);
    const code = token.content;
    let body: string;
    if (lang !== '' && hljs.getLanguage(lang)) {
      body = hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
    } else {
      body = escapeHtml(code);
    }
    const label = escapeHtml(info || 'text');
    return (
      `<div class="code-block" data-lang="${escapeHtml(info)}">` +
      `<div class="code-toolbar"><span class="code-lang">${label}</span>` +
      `<button type="button" data-action="copy" title="Copy to clipboard">Copy</button>` +
      `<button type="button" data-action="insert" title="Insert at the cursor in the active editor">Insert</button>` +
      `<button type="button" data-action="apply" title="Apply to the active file (shows a diff first)">Apply</button>` +
      `</div><pre><code class="hljs${lang ? ` language-${escapeHtml(lang)}` : ''}">${body}</code></pre></div>\n`
    );
  };
  // Links open outside the webview (the host's link handler); never a new browsing context here.
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx].attrSet('rel', 'noopener noreferrer');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };

  const config: Config & { RETURN_TRUSTED_TYPE: false } = {
    FORBID_TAGS: ['style', 'script', 'form', 'input', 'textarea', 'select', 'iframe', 'object', 'embed', 'svg', 'math'],
    FORBID_ATTR: ['style', 'srcset'],
    ALLOW_DATA_ATTR: true,
    RETURN_TRUSTED_TYPE: false,
  };

  return {
    render(markdown: string): string {
      return purify.sanitize(md.render(markdown), config);
    },
  };
}
