/**
 * The built stats dashboard (dist/webview/stats.main.js + .css, the page from
 * extension/webview-page.ts with its CSP) in headless Chromium, driven by the real
 * host controller over a fake daemon source with known data: the tiles, tables and
 * chart descriptions show exactly those numbers, the bars are drawn at the heights of
 * the data, the period filter asks the host for the new period, the theme colours the
 * charts, and nothing violates the CSP. A second suite draws what a real daemon stored
 * (events reported, completions served through the fake Ollama).
 *
 * Skips (loudly) without Chromium unless TANDEM_E2E=required.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  CommandOutcomeRequest,
  EventsReportRequest,
  InlineCompletionRequest,
  type CommandKind,
  type CommandStatsRequest,
  type FixStatsRequest,
  type HealthHistoryRequest,
  type Percentiles,
  type StatsGetRequest,
  type StatsRow,
  type StatsTimeseriesRequest,
  type SuggestionEvent,
  type UsageGetRequest,
} from '../../../../protocol';
import type { DaemonConnection } from '../../../../protocol/client';
import { statsSourceFor } from '../../../../extension/ops/daemon-source';
import { FakeOllama, tandemDefaultModels } from '../../../fake-ollama';
import { removeHome, startDaemon, tempHome, type RunningDaemon } from '../../../integration/daemon-harness';
import type { StatsSource } from '../../../../extension/ops/dashboard-data';
import { StatsController } from '../../../../extension/ops/stats-controller';
import { webviewPageHtml } from '../../../../extension/webview-page';
import type { HostToStats } from '../../../../webview-ui/stats/messages';

const CHROMIUM = process.env.TANDEM_E2E_CHROMIUM ?? '/usr/bin/chromium';
const DIST = resolve(__dirname, '../../../../dist/webview');
const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

function pct(count: number, p50: number | null, p95: number | null, p99 = p95): Percentiles {
  return { count, p50, p90: p95, p95, p99 };
}
const noRetention = { checked: 0, acceptedChars: 0, retainedChars: 0, rate: null };
function row(
  dims: Partial<StatsRow>,
  shown: number,
  accepted: number,
  partially = 0,
  latency?: { ft: [number, number]; total: [number, number] },
): StatsRow {
  return {
    ...dims,
    shown,
    accepted,
    partiallyAccepted: partially,
    dismissed: shown - accepted - partially,
    acceptanceRate: shown > 0 ? (accepted + partially) / shown : null,
    acceptedChars: accepted * 20,
    retention: { '30': noRetention, '120': noRetention, '600': noRetention },
    latency: {
      firstTokenMs: latency ? pct(shown, latency.ft[0], latency.ft[1]) : pct(0, null, null),
      totalMs: latency ? pct(shown, latency.total[0], latency.total[1]) : pct(0, null, null),
      overheadMs: pct(0, null, null),
    },
    dismissReasons: {},
  };
}

/** A daemon with known data; records the params of every call. */
class KnownSource implements StatsSource {
  readonly calls: Array<{ method: string; params: unknown }> = [];
  failNext = false;

  async stats(params: NonNullable<StatsGetRequest.Params>): Promise<StatsGetRequest.Result> {
    this.calls.push({ method: 'stats', params });
    if (this.failNext) {
      this.failNext = false;
      throw Object.assign(new Error('Could not read the suggestion events: disk I/O error'), { data: { hint: 'Check the disk.' } });
    }
    const groupBy = params.groupBy ?? [];
    if (params.suggestionKind === 'nextEdit') return this.nextEdits(params, groupBy);
    const total = {
      ...row({}, 10, 5, 1),
      retention: {
        '30': { checked: 6, acceptedChars: 200, retainedChars: 180, rate: 0.9 },
        '120': { checked: 6, acceptedChars: 200, retainedChars: 150, rate: 0.75 },
        '600': { checked: 5, acceptedChars: 160, retainedChars: 96, rate: 0.6 },
      },
    };
    const rows =
      groupBy.join() === 'model,backend'
        ? [
            row({ model: 'qwen2.5-coder:1.5b-base', backend: 'local' }, 7, 4, 0, { ft: [120, 300], total: [250, 600] }),
            row({ model: 'qwen2.5-coder:7b-base', backend: 'dgx' }, 3, 1, 1, { ft: [80, 95], total: [180, 210] }),
          ]
        : groupBy.join() === 'language'
          ? [row({ language: 'typescript' }, 6, 4), row({ language: 'python' }, 4, 1, 1)]
          : [];
    return { sinceMs: params.sinceMs ?? null, untilMs: params.untilMs ?? null, groupBy, total, rows };
  }

  /** Next edits: sweep on the laptop 8 shown, 3 accepted, 2 escaped, 3 ignored; zeta on the DGX 2 shown, 1 accepted, 1 ignored. */
  private nextEdits(params: NonNullable<StatsGetRequest.Params>, groupBy: NonNullable<NonNullable<StatsGetRequest.Params>['groupBy']>) {
    const nextEdit = (dims: Partial<StatsRow>, shown: number, accepted: number, escaped: number, total: [number, number]) => ({
      ...row(dims, shown, accepted, 0, { ft: [0, 0], total }),
      dismissReasons: { ...(escaped > 0 ? { escaped } : {}), typed_over: shown - accepted - escaped },
    });
    const rows =
      groupBy.join() === 'model,backend'
        ? [
            nextEdit({ model: 'hf.co/sweepai/sweep-next-edit-1.5B', backend: 'local' }, 8, 3, 2, [210, 480]),
            nextEdit({ model: 'zeta', backend: 'dgx' }, 2, 1, 0, [350, 400]),
          ]
        : [];
    return {
      suggestionKind: 'nextEdit' as const,
      sinceMs: params.sinceMs ?? null,
      untilMs: params.untilMs ?? null,
      groupBy,
      total: nextEdit({}, 10, 4, 2, [230, 470]),
      rows,
    };
  }

  async timeseries(params: NonNullable<StatsTimeseriesRequest.Params>): Promise<StatsTimeseriesRequest.Result> {
    this.calls.push({ method: 'timeseries', params });
    const start = NOW - 3 * H;
    const bucket = (i: number, shown: number, accepted: number, r30: number | null) => ({
      startMs: start + i * H,
      shown,
      accepted,
      acceptanceRate: shown > 0 ? accepted / shown : null,
      acceptedChars: accepted * 20,
      retention: {
        '30': r30 === null ? noRetention : { checked: accepted, acceptedChars: 100, retainedChars: r30 * 100, rate: r30 },
        '120': noRetention,
        '600': noRetention,
      },
    });
    return { sinceMs: start, untilMs: NOW, bucketMs: H, buckets: [bucket(0, 4, 2, 0.5), bucket(1, 0, 0, null), bucket(2, 6, 4, 1)] };
  }

  async fixStats(params: NonNullable<FixStatsRequest.Params>): Promise<FixStatsRequest.Result> {
    this.calls.push({ method: 'fixStats', params });
    const fix = (model: string | undefined, total: number, resolved: number, unresolved: number) => ({
      kind: 'fix' as const,
      ...(model ? { model } : {}),
      total,
      resolved,
      unresolved,
      rejected: total - resolved - unresolved,
      failed: 0,
      applied: 0,
      successRate: resolved / (resolved + unresolved),
      latencyMs: { count: total, p50: 900, p95: 1500 },
    });
    return { total: [fix(undefined, 15, 8, 7)], byModel: [fix('model-a', 5, 4, 1), fix('model-b', 10, 4, 6)] };
  }

  async commandStats(params: NonNullable<CommandStatsRequest.Params>): Promise<CommandStatsRequest.Result> {
    this.calls.push({ method: 'commandStats', params });
    const cmd = (command: CommandKind, model: string | undefined, accepted: number, rejected: number, shown: number) => ({
      command,
      ...(model ? { model } : {}),
      used: accepted + rejected + shown,
      shown,
      accepted,
      rejected,
      failed: 0,
      cancelled: 0,
      acceptanceRate: accepted + rejected > 0 ? accepted / (accepted + rejected) : null,
      latencyMs: { count: accepted + rejected + shown, p50: 1200, p95: 2400 },
    });
    return {
      total: [cmd('inlineEdit', undefined, 6, 2, 0), cmd('explain', undefined, 0, 0, 3)],
      byModel: [cmd('inlineEdit', 'model-a', 6, 2, 0), cmd('explain', 'model-c', 0, 0, 3)],
    };
  }

  async usage(params: NonNullable<UsageGetRequest.Params>): Promise<UsageGetRequest.Result> {
    this.calls.push({ method: 'usage', params });
    return {
      rows: [
        {
          task: 'complete',
          model: 'qwen2.5-coder:1.5b-base',
          backend: 'local',
          calls: 40,
          promptTokens: 32_000,
          outputTokens: 1_200,
          firstTokenMs: pct(40, 110, 290),
          totalMs: pct(40, 240, 580),
        },
        {
          task: 'chat',
          model: 'qwen2.5-coder:7b-instruct',
          backend: 'dgx',
          calls: 3,
          promptTokens: 9_000,
          outputTokens: 2_400,
          firstTokenMs: pct(3, 400, 700),
          totalMs: pct(3, 5_000, 9_000),
        },
      ],
      byTask: [
        { task: 'complete', calls: 40, promptTokens: 32_000, outputTokens: 1_200 },
        { task: 'chat', calls: 3, promptTokens: 9_000, outputTokens: 2_400 },
      ],
    };
  }

  async health(params: NonNullable<HealthHistoryRequest.Params>): Promise<HealthHistoryRequest.Result> {
    this.calls.push({ method: 'health', params });
    return {
      truncated: false,
      entries: [
        { at: NOW - 2 * H, backend: 'dgx', health: 'up', circuit: 'closed', latencyMs: 42 },
        {
          at: NOW - H,
          backend: 'dgx',
          health: 'down',
          circuit: 'open',
          latencyMs: 42,
          error: 'dgx (https://dgx.example:8443) connection refused',
        },
        { at: NOW - H / 2, backend: 'local', health: 'up', circuit: 'closed', latencyMs: 12 },
      ],
    };
  }
}

interface Dashboard {
  page: Page;
  /** Messages the page posted to the host. */
  posted: unknown[];
  /** Console errors and page errors (CSP violations show up here). */
  errors: string[];
  close(): Promise<void>;
}

/** Chromium unavailable: skip loudly (or fail with TANDEM_E2E=required). */
function requireChromium(ctx: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  const msg = `SKIPPED: Chromium not found at ${CHROMIUM}; the stats dashboard was NOT tested in a browser (set TANDEM_E2E=required to make this a failure).`;
  if (process.env.TANDEM_E2E === 'required') throw new Error(msg);
  console.warn(`\n  !!! ${msg}\n`);
  ctx.skip();
}

/** Serve the built page with its CSP on 127.0.0.1, open it in Chromium, wire it to a host controller. */
async function openDashboard(makeController: (post: (m: HostToStats) => void) => StatsController): Promise<Dashboard> {
  const js = join(DIST, 'stats.main.js');
  const css = join(DIST, 'stats.main.css');
  assert.ok(existsSync(js) && existsSync(css), `${js} is missing: run \`npm run build\` first`);
  let origin = '';
  const server: Server = createServer((req, res) => {
    const nonce = 'test-nonce-0123456789';
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        webviewPageHtml({
          title: 'Tandem Stats',
          cspSource: origin,
          nonce,
          scriptUri: `${origin}/stats.main.js`,
          styleUri: `${origin}/stats.main.css`,
        }),
      );
    } else if (req.url === '/stats.main.js' || req.url === '/stats.main.css') {
      res.writeHead(200, { 'content-type': req.url.endsWith('.js') ? 'text/javascript' : 'text/css' });
      res.end(readFileSync(req.url.endsWith('.js') ? js : css));
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
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
  const context = await browser.newContext({ timezoneId: 'UTC', viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  const posted: unknown[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const controller = makeController((msg) => void page.evaluate((m) => window.postMessage(m, '*'), msg));
  await page.exposeFunction('__toHost', (m: unknown) => {
    posted.push(m);
    void controller.receive(m);
  });
  // A string, not a function: the test runner's transpiler would add helpers the page lacks.
  await page.addInitScript(`
    let state;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.__toHost(m),
      getState: () => state,
      setState: (s) => { state = s; },
    });
  `);
  await page.goto(`${origin}/`);
  return {
    page,
    posted,
    errors,
    close: async () => {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('ops: stats dashboard in headless Chromium', function () {
  this.timeout(60_000);
  let dashboard: Dashboard | undefined;
  let page: Page;
  let source: KnownSource;
  let cspErrors: string[] = [];
  let posted: unknown[] = [];

  before(async function () {
    requireChromium(this);
    source = new KnownSource();
    dashboard = await openDashboard((post) => new StatsController({ messenger: { post }, source: () => source, now: () => NOW }));
    ({ page, posted, errors: cspErrors } = dashboard);
    await page.waitForSelector('[data-section="health"]');
  });

  after(async () => dashboard?.close());

  const cells = (section: string) =>
    page.$$eval(`[data-section="${section}"] tbody tr`, (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
  const aria = (chart: string) => page.$eval(`canvas[data-chart="${chart}"]`, (c) => c.getAttribute('aria-label') ?? '');
  /** Heights (px, device scale 1) of the bars drawn in exactly this colour (clusters of columns). */
  const barHeights = (chart: string, rgb: [number, number, number]) =>
    page.$eval(
      `canvas[data-chart="${chart}"]`,
      (c, rgb) => {
        const canvas = c as HTMLCanvasElement;
        const ctx = canvas.getContext('2d')!;
        const { width, height } = canvas;
        const img = ctx.getImageData(0, 0, width, height).data;
        const columns: number[] = [];
        for (let x = 0; x < width; x++) {
          let n = 0;
          // Below the legend (its colour boxes would count as bars); the chart area starts lower.
          for (let y = 40; y < height; y++) {
            const i = (y * width + x) * 4;
            if (img[i] === rgb[0] && img[i + 1] === rgb[1] && img[i + 2] === rgb[2] && img[i + 3] === 255) n++;
          }
          columns.push(n);
        }
        // Bars: runs of consecutive columns with pixels of the colour; height = the run's max column count.
        const bars: number[] = [];
        let current = 0;
        for (const n of [...columns, 0]) {
          if (n > 0) current = Math.max(current, n);
          else if (current > 0) {
            bars.push(current);
            current = 0;
          }
        }
        return bars.filter((h) => h > 3);
      },
      rgb,
    );

  it('asks the host for the default period, and the host gathers it from the daemon', () => {
    assert.deepEqual(posted[0], { type: 'ready', period: '7d' });
    const stats = source.calls.filter((c) => c.method === 'stats').map((c) => c.params as StatsGetRequest.Params);
    assert.deepEqual(stats[0], { sinceMs: NOW - 7 * 24 * H, untilMs: NOW, groupBy: [] });
    assert.deepEqual(source.calls.find((c) => c.method === 'timeseries')!.params, {
      sinceMs: NOW - 7 * 24 * H,
      untilMs: NOW,
      bucketMs: 6 * H,
    });
  });

  it('shows the headline numbers of the data', async () => {
    const tiles = await page.$$eval('[data-tile]', (els) =>
      els.map((e) => [(e as HTMLElement).dataset.tile, e.querySelector('.tile-value')!.textContent]),
    );
    assert.deepEqual(tiles, [
      ['shown', '10'],
      ['acceptance', '60.0%'],
      ['retained-30', '90.0%'],
      ['retained-120', '75.0%'],
      ['retained-600', '60.0%'],
      ['fix-success', '53.3%'],
      ['next-edit-acceptance', '40.0%'],
      ['tokens-in', '41,000'],
      ['tokens-out', '3,600'],
    ]);
  });

  it('draws acceptance and retention over time with the values of each bucket', async () => {
    assert.deepEqual(await cells('acceptance'), [
      ['2026-11-20 09:00', '4', '2', '50.0%', '50.0%', '—', '—'],
      ['2026-11-20 11:00', '6', '4', '66.7%', '100.0%', '—', '—'],
    ]);
    const label = await aria('acceptance');
    assert.match(label, /Acceptance rate: 2026-11-20 09:00 50\.0%, 2026-11-20 10:00 —, 2026-11-20 11:00 66\.7%/);
    assert.match(label, /Retained after 30 s: 2026-11-20 09:00 50\.0%, 2026-11-20 10:00 —, 2026-11-20 11:00 100\.0%/);
  });

  it('draws latency percentiles per model and backend', async () => {
    assert.deepEqual(await cells('latency'), [
      ['qwen2.5-coder:1.5b-base @ local', '7', '120 ms', '300 ms', '300 ms', '250 ms', '600 ms', '600 ms'],
      ['qwen2.5-coder:7b-base @ dgx', '3', '80 ms', '95 ms', '95 ms', '180 ms', '210 ms', '210 ms'],
    ]);
    assert.match(await aria('latency'), /Total p95: qwen2\.5-coder:1\.5b-base @ local 600 ms, qwen2\.5-coder:7b-base @ dgx 210 ms/);
  });

  it('draws completions per language at the heights of the data', async () => {
    assert.deepEqual(await cells('languages'), [
      ['typescript', '6', '4', '66.7%', '2'],
      ['python', '4', '2', '50.0%', '2'],
    ]);
    // "Shown" bars in the fallback blue #3794ff: 6 and 4 → heights in ratio 1.5.
    const shown = await barHeights('languages', [0x37, 0x94, 0xff]);
    assert.equal(shown.length, 2, `two shown bars, got ${JSON.stringify(shown)}`);
    assert.ok(Math.abs(shown[0] / shown[1] - 1.5) < 0.06, `bar heights ${JSON.stringify(shown)} should be in ratio 6:4`);
  });

  it('draws next-edit outcomes per model and backend: accepted, rejected with Escape, ignored', async () => {
    assert.deepEqual(await cells('next-edit'), [
      ['hf.co/sweepai/sweep-next-edit-1.5B @ local', '8', '3', '2', '3', '37.5%', '210 ms', '480 ms'],
      ['zeta @ dgx', '2', '1', '0', '1', '50.0%', '350 ms', '400 ms'],
      ['All', '10', '4', '2', '4', '40.0%', '230 ms', '470 ms'],
    ]);
    assert.match(
      await aria('next-edit'),
      /Accepted: hf\.co\/sweepai\/sweep-next-edit-1\.5B @ local 3, zeta @ dgx 1; Rejected: .* 2, zeta @ dgx 0; Ignored: .* 3, zeta @ dgx 1/,
    );
    const kinds = source.calls
      .filter((c) => c.method === 'stats')
      .map((c) => (c.params as StatsGetRequest.Params)?.suggestionKind ?? 'completion');
    assert.ok(kinds.includes('nextEdit') && kinds.includes('completion'), JSON.stringify(kinds));
  });

  it('draws auto-fix success per model at the heights of the data', async () => {
    assert.deepEqual(await cells('fixes'), [
      ['model-a', '5', '4', '1', '0', '0', '80.0%', '900 ms'],
      ['model-b', '10', '4', '6', '0', '0', '40.0%', '900 ms'],
    ]);
    const bars = await barHeights('fixes', [0x89, 0xd1, 0x85]);
    assert.equal(bars.length, 2, `two bars, got ${JSON.stringify(bars)}`);
    assert.ok(Math.abs(bars[0] / bars[1] - 2) < 0.06, `bar heights ${JSON.stringify(bars)} should be in ratio 80:40`);
  });

  it('lists the everyday commands with their outcomes per model, and draws uses per command', async () => {
    assert.deepEqual(await cells('commands'), [
      ['Edit Selection', 'model-a', '8', '6', '2', '0', '0', '75.0%', '1,200 ms', '2,400 ms'],
      ['Explain', 'model-c', '3', '0', '0', '0', '0', '—', '1,200 ms', '2,400 ms'],
    ]);
    const accepted = await barHeights('commands', [0x89, 0xd1, 0x85]);
    assert.equal(accepted.length, 1, `one accepted bar, got ${JSON.stringify(accepted)}`);
  });

  it('draws tokens in and out per task', async () => {
    assert.deepEqual(await cells('tokens'), [
      ['complete', 'qwen2.5-coder:1.5b-base', 'local', '40', '32,000', '1,200', '110 ms', '240 ms', '580 ms'],
      ['chat', 'qwen2.5-coder:7b-instruct', 'dgx', '3', '9,000', '2,400', '400 ms', '5,000 ms', '9,000 ms'],
    ]);
    assert.match(await aria('tokens'), /Tokens in: complete 32,000, chat 9,000; Tokens out: complete 1,200, chat 2,400/);
  });

  it('draws the backend health history, newest change first in the table', async () => {
    assert.deepEqual(await cells('health'), [
      ['2026-11-20 11:30:00', 'local', 'up', 'closed', '12 ms', ''],
      ['2026-11-20 11:00:00', 'dgx', 'down', 'open', '42 ms', 'dgx (https://dgx.example:8443) connection refused'],
      ['2026-11-20 10:00:00', 'dgx', 'up', 'closed', '42 ms', ''],
    ]);
    assert.match(
      await aria('health'),
      /dgx 2026-11-20 10:00:00 up, 2026-11-20 11:00:00 down, 2026-11-20 12:00:00 down; local 2026-11-20 11:30:00 up/,
    );
  });

  it('filters by period: the host loads the chosen period and the page marks it', async () => {
    source.calls.length = 0;
    await page.click('button[data-period="30d"]');
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('Last 30 days:'));
    assert.deepEqual(posted.at(-1), { type: 'setPeriod', period: '30d' });
    assert.deepEqual(source.calls.find((c) => c.method === 'usage')!.params, { sinceMs: NOW - 30 * 24 * H, untilMs: NOW });
    assert.deepEqual(source.calls.find((c) => c.method === 'timeseries')!.params, {
      sinceMs: NOW - 30 * 24 * H,
      untilMs: NOW,
      bucketMs: 24 * H,
    });
    assert.equal(await page.getAttribute('button[data-period="30d"]', 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('button[data-period="7d"]', 'aria-pressed'), 'false');

    source.calls.length = 0;
    await page.click('button[data-period="all"]');
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('All time:'));
    assert.deepEqual(source.calls.find((c) => c.method === 'health')!.params, { untilMs: NOW, limit: 2000 });
  });

  it('follows the theme: chart colours come from the VS Code variables', async () => {
    await page.evaluate(() => {
      document.body.style.setProperty('--vscode-charts-green', '#ff00ff');
      document.body.className = 'vscode-light';
    });
    await page.waitForFunction(() => true);
    const magenta = await barHeights('fixes', [255, 0, 255]);
    assert.equal(magenta.length, 2, `bars re-coloured magenta, got ${JSON.stringify(magenta)}`);
    assert.deepEqual(await barHeights('fixes', [0x89, 0xd1, 0x85]), [], 'the old colour is gone');
  });

  it('shows a daemon error with its hint and keeps the page usable', async () => {
    source.failNext = true;
    await page.click('button.refresh');
    await page.waitForSelector('.status.error');
    assert.equal(
      await page.textContent('.status.error'),
      'Could not load the stats: Could not read the suggestion events: disk I/O error Check the disk.',
    );
    await page.click('button.refresh');
    await page.waitForFunction(() => !document.querySelector('.status.error'));
  });

  it('loads without CSP violations or page errors', () => {
    assert.deepEqual(cspErrors, []);
  });
});

describe('ops: stats dashboard on a real daemon in headless Chromium', function () {
  this.timeout(60_000);
  let fake: FakeOllama;
  let home: string;
  let daemon: RunningDaemon | undefined;
  let conn: DaemonConnection | undefined;
  let dashboard: Dashboard | undefined;

  before(async function () {
    requireChromium(this);
    fake = new FakeOllama({
      models: tandemDefaultModels(),
      defaultReply: { chunks: ['return', ' a + b;'], promptEvalCount: 100, evalCount: 2 },
    });
    await fake.start();
    home = tempHome('tandem-stats-page-');
    daemon = await startDaemon(home, { backends: [{ name: 'local', url: fake.url }] });
    conn = await daemon.connect();
    const c = conn;
    for (let i = 0; i < 2; i++)
      await c.connection.sendRequest(InlineCompletionRequest.type, {
        document: { path: '/tmp/x.ts', languageId: 'typescript', prefix: `// ${i}\n`, suffix: '', line: 1, character: 0 },
      });
    const at = Date.now() - 60_000;
    const meta = (id: string, languageId: string) => ({
      completionId: id,
      at,
      model: 'qwen2.5-coder:1.5b-base',
      backend: 'local',
      languageId,
    });
    const events: SuggestionEvent[] = [
      ...['t1', 't2', 't3', 't4'].map((id) => ({
        kind: 'shown' as const,
        ...meta(id, 'typescript'),
        firstTokenMs: 100,
        totalMs: 200,
        lines: 1,
        chars: 10,
      })),
      ...['p1', 'p2'].map((id) => ({
        kind: 'shown' as const,
        ...meta(id, 'python'),
        firstTokenMs: 300,
        totalMs: 400,
        lines: 1,
        chars: 10,
      })),
      ...['t1', 't2', 'p1'].map((id) => ({
        kind: 'accepted' as const,
        ...meta(id, id.startsWith('t') ? 'typescript' : 'python'),
        lines: 1,
        chars: 10,
      })),
      ...['t1', 't2', 'p1'].map((id) => ({
        kind: 'retention' as const,
        ...meta(id, id.startsWith('t') ? 'typescript' : 'python'),
        checkpointSec: 30 as const,
        acceptedChars: 10,
        retainedChars: 8,
        editDistance: 2,
      })),
    ];
    const nextEdit = (id: string) => ({
      ...meta(id, 'typescript'),
      suggestionKind: 'nextEdit' as const,
      model: 'hf.co/sweepai/sweep-next-edit-1.5B',
    });
    const nextEdits: SuggestionEvent[] = [
      ...['n1', 'n2', 'n3'].map((id) => ({ kind: 'shown' as const, ...nextEdit(id), firstTokenMs: 150, totalMs: 300, lines: 1, chars: 5 })),
      { kind: 'accepted', ...nextEdit('n1'), lines: 1, chars: 5 },
      { kind: 'dismissed', ...nextEdit('n2'), reason: 'escaped' },
      { kind: 'dismissed', ...nextEdit('n3'), reason: 'cursor_moved' },
    ];
    await c.connection.sendRequest(EventsReportRequest.type, { events: [...events, ...nextEdits] });
    await c.connection.sendRequest(CommandOutcomeRequest.type, {
      id: 'edit-1',
      command: 'inlineEdit',
      at: Date.now(),
      outcome: 'accepted',
      model: 'qwen2.5-coder:7b-instruct',
      backend: 'local',
      latencyMs: 1500,
    });
    dashboard = await openDashboard(
      (post) => new StatsController({ messenger: { post }, source: () => statsSourceFor(c.connection), now: () => Date.now() }),
    );
    await dashboard.page.waitForSelector('[data-section="health"]');
  });

  after(async () => {
    await dashboard?.close();
    conn?.close();
    await daemon?.stop();
    await fake?.stop();
    if (home) removeHome(home);
  });

  it('draws what the daemon stored', async () => {
    const page = dashboard!.page;
    const tiles = Object.fromEntries(
      await page.$$eval('[data-tile]', (els) =>
        els.map((e) => [(e as HTMLElement).dataset.tile, e.querySelector('.tile-value')!.textContent]),
      ),
    );
    assert.deepEqual(tiles, {
      shown: '6',
      acceptance: '50.0%',
      'retained-30': '80.0%',
      'retained-120': '—',
      'retained-600': '—',
      'fix-success': '—',
      'next-edit-acceptance': '33.3%',
      'tokens-in': '200',
      'tokens-out': '4',
    });
    const rows = (section: string) =>
      page.$$eval(`[data-section="${section}"] tbody tr`, (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
    assert.deepEqual(await rows('languages'), [
      ['typescript', '4', '2', '50.0%', '0'],
      ['python', '2', '1', '50.0%', '0'],
    ]);
    assert.deepEqual(await rows('latency'), [
      ['qwen2.5-coder:1.5b-base @ local', '6', '100 ms', '300 ms', '300 ms', '200 ms', '400 ms', '400 ms'],
    ]);
    assert.deepEqual(await rows('next-edit'), [
      ['hf.co/sweepai/sweep-next-edit-1.5B @ local', '3', '1', '1', '1', '33.3%', '300 ms', '300 ms'],
    ]);
    const tokens = await rows('tokens');
    assert.deepEqual(
      tokens.map((r) => r.slice(0, 6)),
      [['complete', 'qwen2.5-coder:1.5b-base', 'local', '2', '200', '4']],
    );
    const health = await rows('health');
    assert.ok(
      health.some((r) => r[1] === 'local' && r[2] === 'up'),
      JSON.stringify(health),
    );
    assert.equal(await page.textContent('[data-section="fixes"] .empty'), 'No auto-fixes in this period.');
    assert.deepEqual(await rows('commands'), [
      ['Edit Selection', 'qwen2.5-coder:7b-instruct', '1', '1', '0', '0', '0', '100.0%', '1,500 ms', '1,500 ms'],
    ]);
    assert.deepEqual(dashboard!.errors, []);
  });
});
