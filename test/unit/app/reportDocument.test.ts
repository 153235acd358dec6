// The backtest report as a webview document: rendered HTML under a CSP without scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPORT_CSP, reportDocument } from '../../../src/extension/app/reportDocument';

test("the report file's HTML gets the no-script CSP first in its head", () => {
  const file = '<!DOCTYPE html><html><head><meta charset="utf-8"><style>td{}</style></head><body><table></table><svg></svg></body></html>';
  const doc = reportDocument({ fileHtml: file, title: 't' });
  assert.ok(doc.startsWith('<!DOCTYPE html><html><head>\n<meta http-equiv="Content-Security-Policy"'), doc.slice(0, 120));
  assert.ok(doc.includes(REPORT_CSP));
  assert.ok(doc.includes('<table></table><svg></svg>'), 'the report itself, not its source');
  assert.doesNotMatch(REPORT_CSP, /script-src|unsafe-eval|connect-src [^']/);
});

test('without the file, the body is wrapped in a document; the title is escaped', () => {
  const doc = reportDocument({ body: '<h2>Metrics</h2>', title: 'a <b> & c' });
  assert.match(doc, /<title>a &lt;b&gt; &amp; c<\/title>/);
  assert.match(doc, /<body><h2>Metrics<\/h2><\/body>/);
  assert.ok(doc.includes(REPORT_CSP));
});
