/**
 * The stats dashboard's host-side logic, free of VS Code: answers the page's messages
 * (ready, period change, refresh) with data loaded from the daemon, through a messenger
 * interface (the webview panel in VS Code, a fake in tests). A slow answer for an old
 * period never overwrites a newer one.
 */
import { parseStatsToHost, type HostToStats, type PeriodId } from '../../webview-ui/stats/messages';
import { loadDashboard, type StatsSource } from './dashboard-data';

export interface StatsMessenger {
  post(message: HostToStats): void;
}

export interface StatsControllerDeps {
  messenger: StatsMessenger;
  /** The source, or undefined while not connected to tandemd. */
  source(): StatsSource | undefined;
  now(): number;
  log?(message: string): void;
}

export class StatsController {
  private period: PeriodId = '7d';
  private generation = 0;

  constructor(private readonly deps: StatsControllerDeps) {}

  /** Handle a raw message from the page; unknown messages are ignored. */
  async receive(raw: unknown): Promise<void> {
    const msg = parseStatsToHost(raw);
    if (!msg) {
      this.deps.log?.(`stats dashboard: ignored a malformed message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (msg.type === 'ready' && msg.period) this.period = msg.period;
    if (msg.type === 'setPeriod') this.period = msg.period;
    await this.reload();
  }

  /** Load the current period again (the Refresh button, the command run again). */
  async reload(): Promise<void> {
    const period = this.period;
    const generation = ++this.generation;
    const source = this.deps.source();
    if (!source) {
      this.deps.messenger.post({
        type: 'error',
        period,
        message: 'Tandem is not connected to tandemd.',
        hint: 'It reconnects by itself; see "Tandem: Show Logs" if it does not.',
      });
      return;
    }
    this.deps.messenger.post({ type: 'loading', period });
    try {
      const data = await loadDashboard(source, period, this.deps.now());
      if (generation === this.generation) this.deps.messenger.post({ type: 'data', data });
    } catch (err) {
      if (generation !== this.generation) return;
      const e = err as { message?: string; data?: { hint?: string } };
      this.deps.log?.(`stats dashboard: loading ${period} failed: ${e.message ?? String(err)}`);
      this.deps.messenger.post({
        type: 'error',
        period,
        message: e.message ?? String(err),
        ...(e.data?.hint ? { hint: e.data.hint } : {}),
      });
    }
  }
}
