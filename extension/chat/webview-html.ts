/**
 * The chat webview's page: a strict Content Security Policy (nothing but the bundled
 * script and stylesheet, both by nonce / webview source; no inline script, no eval,
 * no remote content) and the root element the view renders into. Pure, so the
 * Chromium test serves exactly the page VS Code shows.
 */
export interface ChatPageOptions {
  /** `webview.cspSource` (or the test server's origin). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function chatCsp(opts: Pick<ChatPageOptions, 'cspSource' | 'nonce'>): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${opts.nonce}'`,
    `style-src ${opts.cspSource} 'nonce-${opts.nonce}'`,
    `img-src ${opts.cspSource} data:`,
    `font-src ${opts.cspSource}`,
  ].join('; ');
}

export function chatPageHtml(opts: ChatPageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(chatCsp(opts))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${attr(opts.nonce)}" href="${attr(opts.styleUri)}">
<title>Tandem Chat</title>
</head>
<body>
<div id="root"></div>
<script nonce="${attr(opts.nonce)}" src="${attr(opts.scriptUri)}"></script>
</body>
</html>
`;
}
