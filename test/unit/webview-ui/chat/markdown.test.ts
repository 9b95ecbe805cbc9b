/**
 * Rendering model output: markdown with highlighted code blocks and their buttons, and
 * sanitisation — a `<script>`, an `onerror` handler or a `javascript:` link in model
 * output never runs (checked by executing the result in a script-enabled DOM, with the
 * unsanitised payload as the control that does run).
 */
import assert from 'node:assert/strict';
import { makeDom, makeRenderer } from './dom';
import { normaliseLanguage } from '../../../../webview-ui/chat/markdown';

const hostile = [
  '<script>window.pwned = "script"</script>',
  '<img src="x" onerror="window.pwned = \'img\'">',
  "[click](javascript:window.pwned='link')",
  '<a href="javascript:window.pwned=\'a\'">a</a>',
  '<svg onload="window.pwned=\'svg\'"></svg>',
  '<iframe srcdoc="<script>parent.pwned=1</script>"></iframe>',
  '<div style="background:url(javascript:alert(1))" onclick="window.pwned=\'click\'">x</div>',
].join('\n\n');

/** Put HTML into a DOM that runs scripts, fire every event a handler could hook, and report what ran. */
function execute(html: string): unknown {
  const dom = makeDom({ runScripts: 'dangerously' });
  const { document } = dom.window;
  const host = document.createElement('div');
  host.innerHTML = html;
  document.body.append(host);
  // innerHTML does not run <script>; re-create any that survived so they would run.
  for (const old of [...host.querySelectorAll('script')]) {
    const s = document.createElement('script');
    s.textContent = old.textContent;
    old.replaceWith(s);
  }
  for (const el of [...host.querySelectorAll('*')]) {
    for (const type of ['error', 'load', 'click', 'mouseover']) el.dispatchEvent(new dom.window.Event(type));
    const href = el.getAttribute('href');
    if (href?.startsWith('javascript:')) dom.window.eval(decodeURIComponent(href.slice('javascript:'.length)));
  }
  return (dom.window as unknown as { pwned?: unknown }).pwned;
}

describe('chat markdown rendering', () => {
  const dom = makeDom();
  const md = makeRenderer(dom);

  it('renders markdown: paragraphs, emphasis, lists, inline code, links', () => {
    const html = md.render('Hello **bold** and `code`.\n\n- one\n- two\n\n[docs](https://example.com/x)');
    const div = dom.window.document.createElement('div');
    div.innerHTML = html;
    assert.equal(div.querySelector('strong')?.textContent, 'bold');
    assert.equal(div.querySelector('p code')?.textContent, 'code');
    assert.equal(div.querySelectorAll('li').length, 2);
    const a = div.querySelector('a')!;
    assert.equal(a.getAttribute('href'), 'https://example.com/x');
    assert.equal(a.getAttribute('rel'), 'noopener noreferrer');
  });

  it('highlights fenced code and gives each block Copy, Insert and Apply buttons', () => {
    const html = md.render('```ts\nconst x: number = 1;\n```\n\n```\nplain <b>text</b>\n```');
    const div = dom.window.document.createElement('div');
    div.innerHTML = html;
    const blocks = div.querySelectorAll('.code-block');
    assert.equal(blocks.length, 2);
    assert.equal(blocks[0].getAttribute('data-lang'), 'ts');
    assert.deepEqual(
      [...blocks[0].querySelectorAll('button')].map((b) => b.getAttribute('data-action')),
      ['copy', 'insert', 'apply'],
    );
    assert.ok(blocks[0].querySelector('code.language-typescript .hljs-keyword'), 'keywords are highlighted');
    assert.equal(blocks[0].querySelector('pre code')?.textContent, 'const x: number = 1;\n', 'the code text is exact');
    assert.equal(blocks[1].querySelector('pre code')?.textContent, 'plain <b>text</b>\n', 'HTML in code stays text');
    assert.equal(blocks[1].querySelector('b'), null);
  });

  it('shows raw HTML in model output as text, not markup', () => {
    const div = dom.window.document.createElement('div');
    div.innerHTML = md.render('before <b onclick="x()">bold?</b> after');
    assert.equal(div.querySelector('b'), null);
    assert.match(div.textContent ?? '', /<b onclick="x\(\)">bold\?<\/b>/);
  });

  it('strips scripts, event handlers, javascript: links and styles', () => {
    const div = dom.window.document.createElement('div');
    div.innerHTML = md.render(hostile);
    assert.equal(div.querySelectorAll('script, iframe, svg, img, object, embed, style').length, 0);
    for (const el of [...div.querySelectorAll('*')]) {
      for (const attr of [...el.attributes]) {
        assert.doesNotMatch(attr.name, /^on/i, `${el.tagName} has ${attr.name}`);
        assert.notEqual(attr.name, 'style');
        assert.doesNotMatch(attr.value, /^\s*javascript:/i);
      }
    }
  });

  it('never executes hostile model output (and the check does catch the unsanitised payload)', () => {
    assert.notEqual(execute(hostile.replace(/\n\n/g, '')), undefined, 'control: the raw payload runs in this DOM');
    assert.equal(execute(md.render(hostile)), undefined);
  });

  it('renders an unterminated code block (mid-stream) as code, markup inside it as text', () => {
    const div = dom.window.document.createElement('div');
    div.innerHTML = md.render('```python\ndef f():\n    return "<img src=x onerror=alert(1)>"');
    assert.equal(div.querySelector('img'), null);
    assert.match(div.querySelector('pre code')?.textContent ?? '', /onerror=alert/);
  });

  it('maps editor language ids to highlight.js names', () => {
    assert.equal(normaliseLanguage('TypeScriptReact'), 'typescript');
    assert.equal(normaliseLanguage('py'), 'python');
    assert.equal(normaliseLanguage('go'), 'go');
  });
});
