/**
 * VS Code glue of the stats dashboard: one webview panel (revealed when it exists),
 * the page from extension/webview-page.ts with local resources from dist/webview only, and the
 * messages routed to the StatsController.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { HostToStats } from '../../webview-ui/stats/messages';
import type { StatsSource } from './dashboard-data';
import { StatsController } from './stats-controller';
import { webviewPageHtml } from '../webview-page';

export class StatsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private controller: StatsController | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: { source(): StatsSource | undefined; log(message: string): void },
  ) {}

  show(): void {
    if (this.panel && this.controller) {
      this.panel.reveal();
      void this.controller.reload();
      return;
    }
    const distWebview = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel('tandem.stats', 'Tandem Stats', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [distWebview],
    });
    const controller = new StatsController({
      messenger: { post: (msg: HostToStats) => void panel.webview.postMessage(msg) },
      source: () => this.deps.source(),
      now: () => Date.now(),
      log: (m) => this.deps.log(m),
    });
    panel.webview.html = webviewPageHtml({
      title: 'Tandem Stats',
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(distWebview, 'stats.main.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(distWebview, 'stats.main.css')).toString(),
    });
    const sub = panel.webview.onDidReceiveMessage((raw: unknown) => void controller.receive(raw));
    panel.onDidDispose(() => {
      sub.dispose();
      this.panel = undefined;
      this.controller = undefined;
    });
    this.panel = panel;
    this.controller = controller;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
