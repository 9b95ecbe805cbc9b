/**
 * Entry of the stats dashboard webview (built to dist/webview/stats.main.js): registers
 * the Chart.js parts the dashboard uses, wires the view to the VS Code webview API
 * (messages both ways, the chosen period kept with `setState`), and re-colours the
 * charts when the theme changes (VS Code swaps the body's theme class).
 */
import { isPeriod, type HostToStats } from './stats/messages';
import { readTheme } from './stats/theme';
import { StatsView } from './stats/view';
import './stats/stats.css';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

async function main(): Promise<void> {
  // chart.js is an ES module; esbuild inlines it into this bundle.
  const { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } =
    await import('chart.js');
  Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

  const vscode = acquireVsCodeApi();
  const root = document.getElementById('root');
  if (!root) throw new Error('stats webview: #root is missing from the page');
  const saved = vscode.getState() as { period?: unknown } | undefined;

  const view = new StatsView({
    document,
    root,
    host: { post: (msg) => vscode.postMessage(msg), saveState: (state) => vscode.setState(state) },
    Chart,
    theme: () => readTheme(document.body, (e) => getComputedStyle(e)),
    initialPeriod: isPeriod(saved?.period) ? saved.period : undefined,
  });

  window.addEventListener('message', (event: MessageEvent<HostToStats>) => {
    const msg = event.data;
    if (typeof msg === 'object' && msg !== null && typeof msg.type === 'string') view.handle(msg);
  });
  new MutationObserver(() => view.rethemed()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  view.start();
}

void main();
