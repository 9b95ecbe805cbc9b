/**
 * The webview panel hosting webview-ui/inspector.main.ts: CSP with a per-load nonce,
 * resources confined to dist/webview, theme colours through CSS variables.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { InspectorController, type InspectorDeps, type InspectorMessenger } from './inspector-controller';

export class InspectorPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private controller: InspectorController | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: InspectorDeps,
  ) {}

  show(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      void this.controller?.refresh();
      return;
    }
    const distWebview = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(
      'tandem.inspector',
      'Tandem: Why This Suggestion?',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        localResourceRoots: [distWebview],
        retainContextWhenHidden: false,
      },
    );
    this.panel = panel;
    const messenger: InspectorMessenger = {
      post: (message) => void panel.webview.postMessage(message),
      onMessage: (listener) => panel.webview.onDidReceiveMessage(listener),
    };
    this.controller = new InspectorController(messenger, this.deps);
    panel.webview.html = this.html(panel.webview, vscode.Uri.joinPath(distWebview, 'inspector.main.js'));
    panel.onDidDispose(() => {
      this.controller?.dispose();
      this.controller = undefined;
      this.panel = undefined;
    });
  }

  private html(webview: vscode.Webview, script: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const csp = [`default-src 'none'`, `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource}`].join(
      '; ',
    );
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Why This Suggestion?</title>
<style nonce="${nonce}">
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px 16px; }
  .bar { display: flex; align-items: center; justify-content: space-between; }
  h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.4em; }
  button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 10px; cursor: pointer; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  .meta { color: var(--vscode-descriptionForeground); margin: 2px 0; }
  .error { color: var(--vscode-errorForeground); }
  pre.suggestion { background: var(--vscode-textCodeBlock-background); font-family: var(--vscode-editor-font-family); padding: 8px; white-space: pre-wrap; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
  a { color: var(--vscode-textLink-foreground); }
  .outcome.selected, .outcome.compacted { color: var(--vscode-testing-iconPassed); }
  .outcome.dropped, .outcome.capped, .outcome.duplicate { color: var(--vscode-descriptionForeground); }
</style>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${webview.asWebviewUri(script).toString()}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
