/**
 * The page every Tandem webview loads: a strict Content Security Policy (the bundled
 * script and stylesheet only, by nonce and webview source; no inline script, no eval,
 * no remote content) and the root element the view renders into. Pure, so the Chromium
 * tests serve exactly the page VS Code shows.
 */
export interface WebviewPageOptions {
  /** The document title, e.g. "Tandem Chat". */
  title: string;
  /** `webview.cspSource` (or the test server's origin). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function webviewCsp(opts: Pick<WebviewPageOptions, 'cspSource' | 'nonce'>): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${opts.nonce}'`,
    `style-src ${opts.cspSource} 'nonce-${opts.nonce}'`,
    `img-src ${opts.cspSource} data:`,
    `font-src ${opts.cspSource}`,
  ].join('; ');
}

export function webviewPageHtml(opts: WebviewPageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(opts))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${attr(opts.nonce)}" href="${attr(opts.styleUri)}">
<title>${attr(opts.title)}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${attr(opts.nonce)}" src="${attr(opts.scriptUri)}"></script>
</body>
</html>
`;
}
