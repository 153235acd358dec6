// The panel's Content-Security-Policy and its HTML: nonce-only scripts, no inline code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCsp, makeNonce, panelHtml } from '../../../src/extension/app/csp';

test('CSP: nonce-only scripts, own styles and images, no connections; the nonce is fresh and long', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
  assert.notEqual(makeNonce(), nonce);
  const csp = buildCsp('https://file+.vscode-resource.vscode-cdn.net', nonce);
  assert.match(csp, /^default-src 'none'; /);
  assert.ok(csp.includes(`script-src 'nonce-${nonce}'`));
  assert.ok(csp.includes('style-src https://file+.vscode-resource.vscode-cdn.net;'));
  assert.ok(csp.includes('img-src https://file+.vscode-resource.vscode-cdn.net data:'));
  assert.ok(csp.includes("connect-src 'none'"));
  assert.ok(!/unsafe-inline|unsafe-eval|\*(?!\.)/.test(csp), csp);
  assert.throws(() => buildCsp('x; script-src *', nonce));
  assert.throws(() => buildCsp('x', 'short'));
  const html = panelHtml({
    cspSource: 'vscode-webview://abc',
    nonce,
    scriptUri: 'vscode-webview://abc/dist/webview.js',
    styleUri: 'vscode-webview://abc/media/panel.css',
    title: 'T',
  });
  assert.ok(html.includes(`<script nonce="${nonce}" src="vscode-webview://abc/dist/webview.js"></script>`));
  assert.equal((html.match(/<script/g) ?? []).length, 1, "one script, the nonce'd bundle");
  assert.ok(!/<style|style=/.test(html), 'no inline styles');
});
