/**
 * The built chat webview (dist/webview/chat.main.js + .css, served with the exact page
 * and CSP the extension uses) in headless Chromium, with a fake host in place of VS
 * Code's `acquireVsCodeApi`: streaming, Stop, Copy/Insert/Apply messages, hostile model
 * output that must not run, and state restored after a reload. A screenshot is kept
 * under test-results/. Skips loudly without Chromium unless TANDEM_E2E=required.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { webviewPageHtml } from '../../../extension/webview-page';
import type { HostToWebview, WebviewToHost } from '../../../webview-ui/chat/messages';

const CHROMIUM = process.env.TANDEM_E2E_CHROMIUM ?? '/usr/bin/chromium';
const repo = resolve(__dirname, '../../..');
const dist = join(repo, 'dist', 'webview');
const results = join(repo, 'test-results');

/** Stands in for VS Code: records posts and keeps getState/setState in sessionStorage (survives reload). */
const fakeVsCodeApi = `
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => { const s = sessionStorage.getItem('state'); return s ? JSON.parse(s) : undefined; },
    setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)),
  });
`;

function skipWithBanner(ctx: Mocha.Context, why: string): void {
  if (process.env.TANDEM_E2E === 'required') throw new Error(`${why} — and TANDEM_E2E=required`);
  const line = `CHAT WEBVIEW BROWSER TEST NOT RUN: ${why}`;
  const bar = '!'.repeat(line.length + 4);
  console.warn(`\n${bar}\n! ${line} !\n${bar}\n`);
  ctx.skip();
}

describe('chat webview page in headless Chromium', function () {
  this.timeout(60_000);
  let server: Server;
  let origin: string;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) return skipWithBanner(this, `no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    if (!existsSync(join(dist, 'chat.main.js'))) throw new Error('dist/webview/chat.main.js is missing: run `npm run build` first');
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/' || url.startsWith('/?')) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(
          webviewPageHtml({
            title: 'Tandem Chat',
            cspSource: origin,
            nonce: 'dGVzdC1ub25jZQ==',
            scriptUri: `${origin}/chat.main.js`,
            styleUri: `${origin}/chat.main.css`,
          }),
        );
        return;
      }
      const file = url === '/chat.main.js' ? 'chat.main.js' : url === '/chat.main.css' ? 'chat.main.css' : undefined;
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': file.endsWith('.js') ? 'text/javascript' : 'text/css' });
      res.end(readFileSync(join(dist, file)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  beforeEach(async function () {
    if (!browser) return this.skip();
    const context = await browser.newContext({ viewport: { width: 420, height: 720 } });
    await context.addInitScript(fakeVsCodeApi);
    page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(origin);
    await waitForPosted((p) => p.some((m) => m.type === 'ready'), 'the ready message');
  });

  afterEach(async () => {
    await page?.context().close();
  });

  const posted = (): Promise<WebviewToHost[]> => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
  const host = (msg: HostToWebview) => page.evaluate((m) => window.postMessage(m, '*'), msg);
  async function waitForPosted(pred: (p: WebviewToHost[]) => boolean, what: string): Promise<WebviewToHost[]> {
    for (let i = 0; i < 200; i++) {
      const p = await posted();
      if (pred(p)) return p;
      await page.waitForTimeout(25);
    }
    throw new Error(`the webview never posted ${what}; posted: ${JSON.stringify(await posted())}`);
  }

  it('streams an answer, offers Stop, and posts Copy/Insert/Apply with the block’s code', async () => {
    await host({ type: 'init', mode: 'expert', models: ['qwen2.5-coder:7b-instruct'], connected: true });
    assert.equal(
      await page.evaluate(() => customElements.get('vscode-button') !== undefined && document.querySelector('.send')?.shadowRoot !== null),
      true,
      'the buttons are vscode-elements components',
    );
    await page.locator('textarea.input').fill('How do I add two numbers?');
    await page.keyboard.press('Enter');
    await waitForPosted((p) => p.some((m) => m.type === 'send'), 'send');
    assert.deepEqual(
      (await posted()).find((m) => m.type === 'send'),
      { type: 'send', text: 'How do I add two numbers?' },
    );

    await host({
      type: 'turnStarted',
      conversationId: 'c1',
      user: { id: 'pending-1', role: 'user', content: 'How do I add two numbers?', status: 'done', createdAt: 1 },
      assistantId: 'a1',
    });
    await page.locator('.stop').waitFor({ state: 'visible' });
    for (const piece of ['Use ', '`sum`', ':\n\n```ts\n', 'export const sum = (a: number, b: number) => a + b;\n', '```\n'])
      await host({ type: 'delta', assistantId: 'a1', text: piece });
    await page.locator('.message.assistant .code-block').waitFor();
    assert.equal(await page.locator('.message.assistant p code').first().textContent(), 'sum');

    await page.locator('.stop').click();
    await waitForPosted((p) => p.some((m) => m.type === 'stop'), 'stop');

    await host({
      type: 'turnDone',
      conversation: { id: 'c1', title: 'How do I add two numbers?' },
      user: { id: 'u1', role: 'user', content: 'How do I add two numbers?', status: 'done', createdAt: 1 },
      assistant: {
        id: 'a1',
        role: 'assistant',
        content: 'Use `sum`:\n\n```ts\nexport const sum = (a: number, b: number) => a + b;\n```\n',
        status: 'done',
        createdAt: 2,
        stats: {
          model: 'qwen2.5-coder:7b-instruct',
          backend: 'local',
          timings: { contextMs: 2, firstTokenMs: 80, totalMs: 400 },
          tokens: { prompt: 200, output: 30, promptEstimate: 210 },
          droppedTurns: 0,
        },
      },
    });
    await page.locator('.stop').waitFor({ state: 'hidden' });
    await page.locator('.stats').waitFor();
    const block = page.locator('.message.assistant .code-block').first();
    for (const action of ['copy', 'insert', 'apply'] as const) await block.locator(`[data-action="${action}"]`).click();
    const actions = (await waitForPosted((p) => p.filter((m) => m.type === 'codeAction').length === 3, 'three code actions')).filter(
      (m) => m.type === 'codeAction',
    );
    const code = 'export const sum = (a: number, b: number) => a + b;\n';
    assert.deepEqual(actions, [
      { type: 'codeAction', action: 'copy', code, language: 'ts' },
      { type: 'codeAction', action: 'insert', code, language: 'ts' },
      { type: 'codeAction', action: 'apply', code, language: 'ts' },
    ]);
    mkdirSync(results, { recursive: true });
    await page.screenshot({ path: join(results, 'chat-webview.png') });
  });

  it('never runs scripts or handlers from model output', async () => {
    const hostile =
      '<script>window.__pwned="script"</script>\n\n<img src="/nope" onerror="window.__pwned=\'img\'">\n\n[x](javascript:window.__pwned=1)\n\n<svg onload="window.__pwned=\'svg\'"></svg>';
    await host({
      type: 'conversation',
      conversation: { id: 'c2', title: 'x' },
      messages: [{ id: 'a9', role: 'assistant', content: hostile, status: 'done', createdAt: 1 }],
    });
    await page.locator('.message.assistant').waitFor();
    await page.locator('.message.assistant').click();
    // Give an image error or load handler every chance to fire before checking.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(await page.locator('.message.assistant img, .message.assistant script, .message.assistant svg').count(), 0);
    assert.match((await page.locator('.message.assistant').textContent()) ?? '', /<script>/, 'the markup is shown as text');
  });

  it('comes back after a reload with the conversation and the draft (webview state)', async () => {
    await host({ type: 'init', mode: 'simple', models: [], connected: true });
    await host({
      type: 'conversation',
      conversation: { id: 'c3', title: 'Persisted chat' },
      messages: [
        { id: 'u', role: 'user', content: 'q', status: 'done', createdAt: 1 },
        { id: 'a', role: 'assistant', content: 'the **kept** answer', status: 'done', createdAt: 2 },
      ],
    });
    await page.locator('.message.assistant strong').waitFor();
    await page.locator('textarea.input').fill('half typed');
    await page.reload();
    await page.locator('.message.assistant strong').waitFor();
    assert.equal(await page.locator('.chat-title').textContent(), 'Persisted chat');
    assert.equal(await page.locator('textarea.input').inputValue(), 'half typed');
    await waitForPosted((p) => p.some((m) => m.type === 'ready'), 'ready after reload');
  });

  it('Agent mode: approval choices are buttons reached with Tab and pressed with Enter; the task is back after a reload', async () => {
    await host({ type: 'init', mode: 'advanced', models: [], connected: true });
    await host({ type: 'panelMode', panelMode: 'agent' });
    await host({
      type: 'agentTask',
      task: {
        id: 't1',
        task: 'run the tests',
        status: 'running',
        steps: [{ kind: 'approval', id: 'a1', approvalId: 'ap1', ask: { type: 'command', command: 'npm test', cwd: '/w' } }],
      },
    });
    const once = page.locator('[data-action="approve"][data-choice="allowOnce"]');
    await once.waitFor();
    await once.focus();
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-choice')),
      'allowTask',
      'Tab moves to the next choice',
    );
    await page.keyboard.press('Enter');
    await waitForPosted((p) => p.some((m) => m.type === 'approve' && m.approvalId === 'ap1' && m.choice === 'allowTask'), 'the approval');
    await page.keyboard.press('Tab');
    await page.keyboard.press(' ');
    await waitForPosted((p) => p.some((m) => m.type === 'approve' && m.choice === 'deny'), 'Deny pressed with Space');
    await page.reload();
    await page.locator('.agent-step.approval.pending pre.command', { hasText: 'npm test' }).waitFor();
    assert.equal(await page.locator('[data-mode="agent"]').getAttribute('aria-pressed'), 'true');
    mkdirSync(results, { recursive: true });
    await page.screenshot({ path: join(results, 'chat-agent-webview.png') });
  });

  it('runs under the page CSP without violations', () => {
    assert.deepEqual(cspViolations, []);
  });
});
