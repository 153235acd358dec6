// The one Content-Security-Policy of the extension's webviews, and the panel's HTML shell.
// Scripts run only by nonce, styles and images come only from the extension's own files
// (webview.cspSource), nothing connects anywhere (only the extension host talks to TWS).
// No vscode here: the host passes webview.cspSource and resource URIs as strings.
import { randomBytes } from 'node:crypto';

/** 128 random bits, base64: a fresh one per HTML document. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function buildCsp(cspSource: string, nonce: string): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) throw new Error('buildCsp: the nonce must be base64 of at least 16 characters');
  if (/[;,\r\n]/.test(cspSource) || cspSource.trim() === '') throw new Error(`buildCsp: unexpected cspSource ${JSON.stringify(cspSource)}`);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
  ].join('; ');
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export interface PanelHtmlInput {
  cspSource: string;
  nonce: string;
  /** webview URIs (as strings) of the bundle and the stylesheet */
  scriptUri: string;
  styleUri: string;
  title: string;
}

/** The panel's document: the CSP, the stylesheet, a mount point and the nonce'd bundle. */
export function panelHtml(i: PanelHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(buildCsp(i.cspSource, i.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeAttr(i.styleUri)}">
<title>${escapeAttr(i.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>
<script nonce="${escapeAttr(i.nonce)}" src="${escapeAttr(i.scriptUri)}"></script>
</body>
</html>
`;
}
