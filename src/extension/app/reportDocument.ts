// The backtest report as a webview document: the report file's own HTML (tables, inline SVG
// charts, inline styles), or the panel's body of it when the file is gone, always under a CSP
// that allows no script, no connection and nothing loaded from anywhere. No vscode.

/** Nothing runs and nothing loads: inline styles and data: images only. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`;

const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function reportDocument(input: { fileHtml?: string; body?: string; title: string }): string {
  const file = input.fileHtml;
  if (file && /<head[^>]*>/i.test(file)) {
    // Ours first: a second policy can only narrow what the first allows.
    return file.replace(/<head[^>]*>/i, (head) => `${head}\n${CSP_META}`);
  }
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
${CSP_META}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(input.title)}</title></head>
<body>${input.body ?? file ?? '<p>The report is empty.</p>'}</body></html>
`;
}
