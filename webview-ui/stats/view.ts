/**
 * The stats dashboard page: period filter, headline tiles, and one section per view of
 * the data (chart + the table of its numbers). Charts are Chart.js on canvas, coloured
 * from the VS Code theme, without animation; each canvas carries an accessible
 * description listing the values it draws.
 */
import type { Chart as ChartJs, ChartConfiguration, ChartDataset } from 'chart.js' with { 'resolution-mode': 'import' };
import { Periods, periodLabels, type DashboardData, type HostToStats, type PeriodId, type StatsToHost } from './messages';
import {
  describeChart,
  formatValue,
  sections,
  tiles,
  timeLabel,
  type CategoryChart,
  type HealthChart,
  type Section,
  type Table,
} from './series';
import type { ChartTheme } from './theme';

export interface StatsHost {
  post(message: StatsToHost): void;
  saveState(state: { period: PeriodId }): void;
}

export interface StatsViewDeps {
  document: Document;
  root: HTMLElement;
  host: StatsHost;
  /** Chart.js' constructor (registered by the entry point). */
  Chart: new (canvas: HTMLCanvasElement, config: ChartConfiguration) => ChartJs;
  theme(): ChartTheme;
  initialPeriod?: PeriodId;
}

export class StatsView {
  private period: PeriodId;
  private data: DashboardData | undefined;
  private charts: ChartJs[] = [];
  private readonly status: HTMLElement;
  private readonly body: HTMLElement;
  private readonly buttons = new Map<PeriodId, HTMLButtonElement>();

  constructor(private readonly deps: StatsViewDeps) {
    this.period = deps.initialPeriod ?? '7d';
    const { document, root } = deps;
    root.textContent = '';
    const header = this.el('header', 'toolbar');
    const h1 = this.el('h1');
    h1.textContent = 'Tandem stats';
    header.append(h1);
    const group = this.el('div', 'periods');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Period');
    for (const p of Periods) {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.period = p;
      b.textContent = periodLabels[p];
      b.addEventListener('click', () => this.choose(p));
      this.buttons.set(p, b);
      group.append(b);
    }
    const refresh = document.createElement('button');
    refresh.type = 'button';
    refresh.className = 'refresh';
    refresh.textContent = 'Refresh';
    refresh.addEventListener('click', () => deps.host.post({ type: 'refresh' }));
    header.append(group, refresh);
    this.status = this.el('p', 'status');
    this.status.setAttribute('role', 'status');
    this.body = this.el('main');
    root.append(header, this.status, this.body);
    this.markPeriod();
  }

  /** Tell the host the page is ready (with the period restored from state). */
  start(): void {
    this.deps.host.post({ type: 'ready', period: this.period });
  }

  handle(msg: HostToStats): void {
    switch (msg.type) {
      case 'loading':
        this.period = msg.period;
        this.markPeriod();
        this.status.textContent = `Loading ${periodLabels[msg.period].toLowerCase()}…`;
        this.status.className = 'status';
        return;
      case 'error':
        this.status.textContent = `Could not load the stats: ${msg.message}${msg.hint ? ` ${msg.hint}` : ''}`;
        this.status.className = 'status error';
        return;
      case 'data':
        this.period = msg.data.period;
        this.markPeriod();
        this.data = msg.data;
        this.render();
        return;
    }
  }

  /** Re-colour the charts after a theme change. */
  rethemed(): void {
    if (this.data) this.render();
  }

  private choose(p: PeriodId): void {
    if (p === this.period && this.data) return;
    this.period = p;
    this.markPeriod();
    this.deps.host.saveState({ period: p });
    this.deps.host.post({ type: 'setPeriod', period: p });
  }

  private markPeriod(): void {
    for (const [p, b] of this.buttons) b.setAttribute('aria-pressed', String(p === this.period));
  }

  private el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
    const e = this.deps.document.createElement(tag);
    if (className) e.className = className;
    return e;
  }

  private render(): void {
    const data = this.data!;
    for (const c of this.charts) c.destroy();
    this.charts = [];
    this.body.textContent = '';
    const range =
      data.sinceMs === null
        ? `all stored data until ${timeLabel(data.untilMs)}`
        : `${timeLabel(data.sinceMs)} – ${timeLabel(data.untilMs)}`;
    this.status.textContent = `${periodLabels[data.period]}: ${range}`;
    this.status.className = 'status';

    const tileList = this.el('section', 'tiles');
    tileList.setAttribute('aria-label', 'Summary');
    for (const t of tiles(data)) {
      const tile = this.el('div', 'tile');
      tile.dataset.tile = t.id;
      const value = this.el('div', 'tile-value');
      value.textContent = t.value;
      const label = this.el('div', 'tile-label');
      label.textContent = t.label;
      tile.append(value, label);
      if (t.detail) {
        const detail = this.el('div', 'tile-detail');
        detail.textContent = t.detail;
        tile.append(detail);
      }
      tileList.append(tile);
    }
    this.body.append(tileList);
    const theme = this.deps.theme();
    for (const s of sections(data)) this.body.append(this.section(s, theme));
  }

  private section(s: Section, theme: ChartTheme): HTMLElement {
    const section = this.el('section', 'card');
    section.dataset.section = s.id;
    const h2 = this.el('h2');
    h2.textContent = s.title;
    const p = this.el('p', 'description');
    p.textContent = s.description;
    section.append(h2, p);
    if (s.empty !== undefined) {
      const empty = this.el('p', 'empty');
      empty.textContent = s.empty;
      section.append(empty);
      return section;
    }
    if (s.chart) {
      const wrap = this.el('div', 'chart');
      const canvas = this.el('canvas');
      canvas.dataset.chart = s.chart.id;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', describeChart(s.chart));
      wrap.append(canvas);
      section.append(wrap);
      this.charts.push(
        new this.deps.Chart(canvas, s.chart.kind === 'health' ? healthConfig(s.chart, theme) : categoryConfig(s.chart, theme)),
      );
    }
    section.append(this.table(s.table, s.title));
    return section;
  }

  private table(t: Table, caption: string): HTMLElement {
    const details = this.el('details', 'data');
    const summary = this.el('summary');
    summary.textContent = 'Numbers';
    const table = this.el('table');
    const cap = this.el('caption');
    cap.textContent = caption;
    const thead = this.el('thead');
    const hr = this.el('tr');
    for (const c of t.columns) {
      const th = this.el('th');
      th.scope = 'col';
      th.textContent = c;
      hr.append(th);
    }
    thead.append(hr);
    const tbody = this.el('tbody');
    for (const row of t.rows) {
      const tr = this.el('tr');
      for (const cell of row) {
        const td = this.el('td');
        td.textContent = cell;
        tr.append(td);
      }
      tbody.append(tr);
    }
    table.append(cap, thead, tbody);
    details.append(summary, table);
    return details;
  }
}

function baseOptions(theme: ChartTheme) {
  return {
    animation: false as const,
    responsive: true,
    maintainAspectRatio: false,
    color: theme.foreground,
    font: { family: theme.font },
    plugins: { legend: { labels: { color: theme.foreground, boxWidth: 12 } }, tooltip: { enabled: true } },
  };
}

export function categoryConfig(chart: CategoryChart, theme: ChartTheme): ChartConfiguration {
  const scale = (value: number, format: CategoryChart['datasets'][number]['format']) =>
    chart.percentAxis ? `${value}%` : formatValue(value, format === 'ms' ? 'ms' : 'count');
  const format = chart.datasets[0]?.format ?? 'count';
  const datasets = chart.datasets.map(
    (ds) =>
      ({
        label: ds.label,
        data: ds.data.map((v) => (v === null ? null : chart.percentAxis ? Math.round(v * 1000) / 10 : v)),
        borderColor: theme.colors[ds.color],
        backgroundColor: theme.colors[ds.color],
        spanGaps: false,
        pointRadius: 3,
        ...(ds.stack ? { stack: ds.stack } : {}),
      }) as ChartDataset,
  );
  return {
    type: chart.kind,
    data: { labels: chart.labels, datasets },
    options: {
      ...baseOptions(theme),
      scales: {
        x: { stacked: chart.stacked === true, ticks: { color: theme.foreground }, grid: { color: theme.grid } },
        y: {
          stacked: chart.stacked === true,
          beginAtZero: true,
          ...(chart.percentAxis ? { max: 100 } : {}),
          ticks: { color: theme.foreground, callback: (v: string | number) => scale(Number(v), format) },
          grid: { color: theme.grid },
        },
      },
    },
  } as ChartConfiguration;
}

export function healthConfig(chart: HealthChart, theme: ChartTheme): ChartConfiguration {
  return {
    type: 'line',
    data: {
      datasets: chart.backends.map((b) => ({
        label: b.name,
        data: b.points,
        borderColor: theme.colors[b.color],
        backgroundColor: theme.colors[b.color],
        stepped: 'before' as const,
        pointRadius: 2,
      })),
    },
    options: {
      ...baseOptions(theme),
      parsing: false,
      scales: {
        x: {
          type: 'linear',
          min: chart.minMs,
          max: chart.maxMs,
          ticks: { color: theme.foreground, maxTicksLimit: 6, callback: (v: string | number) => timeLabel(Number(v)) },
          grid: { color: theme.grid },
        },
        y: {
          min: -0.1,
          max: 1.1,
          ticks: {
            color: theme.foreground,
            stepSize: 0.5,
            callback: (v: string | number) => (Number(v) === 1 ? 'up' : Number(v) === 0 ? 'down' : Number(v) === 0.5 ? 'unknown' : ''),
          },
          grid: { color: theme.grid },
        },
      },
    },
  } as ChartConfiguration;
}
