// The setup-check report as Markdown a user can paste into a forum or an IBKR ticket:
// what ran where (tool version, OS, node, the TWS / IB Gateway server version and product
// when known), then each check (first problem first) with status, finding, fix and
// evidence. Account ids are masked and the home folder shortened to ~ in every field (redact.ts). One formatter for
// `doctor --markdown` and the extension's Copy report.
import { arch, platform, release } from 'node:os';
import { version as TOOL_VERSION } from '../../../package.json';
import { displayOrder } from './formatReport';
import { redactForSharing } from './redact';
import { describeServer } from './serverInfo';
import { hostPort, type Check, type Report } from './types';

/** Where the report was made (defaults: this process). */
export interface ReportOrigin {
  /** e.g. "IBKR AI Trader 0.1.0 (CLI)". */
  tool: string;
  /** e.g. "linux 6.1.0 x64". */
  os: string;
  /** e.g. "node v22.11.0". */
  node: string;
  /** More context, e.g. "VS Code 1.96.0, remote wsl". */
  host?: string;
}

export function thisOrigin(via: 'CLI' | 'VS Code extension', host?: string): ReportOrigin {
  return {
    tool: `IBKR AI Trader ${TOOL_VERSION} (${via})`,
    os: `${platform()} ${release()} ${arch()}`,
    node: `node ${process.version}`,
    ...(host ? { host } : {}),
  };
}

const STATUS: Record<Check['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** Inline text, redacted for sharing, then Markdown's emphasis, code, link and HTML characters escaped (the mask's * too), on one line. */
function inline(text: string): string {
  return redactForSharing(text)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

/** A fenced block (redacted for sharing) that no backtick run inside the text can close early. */
function fenced(raw: string): string {
  const text = redactForSharing(raw);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms * 10) / 10} ms`;
}

function checkSection(c: Check): string[] {
  const out = [`### ${STATUS[c.status]}: ${inline(c.title)} (${c.id})`, '', inline(c.finding)];
  if (c.cause) out.push('', `Cause: \`${c.cause}\``);
  if (c.fix) out.push('', '**Fix:**', '', fenced(c.fix));
  if (c.evidence.length)
    out.push('', '**Evidence:**', '', fenced(c.evidence.map((e) => `- ${e.step}: ${e.detail}${e.ms ? ` (${fmtMs(e.ms)})` : ''}`).join('\n')));
  return out;
}

export function formatMarkdown(report: Report, origin: ReportOrigin = thisOrigin('CLI')): string {
  const t = report.target;
  const target = t.host !== undefined && t.port !== undefined ? `${hostPort(t.host, t.port)}, client id ${t.clientId ?? '(invalid)'}` : 'invalid configuration';
  const rows: Array<[string, string]> = [
    ['Verdict', STATUS[report.verdict]],
    ['Tool', origin.tool],
    ['OS / Node', `${origin.os} / ${origin.node}`],
    ...(origin.host ? ([['Host', origin.host]] as Array<[string, string]>) : []),
    ['Target', target],
    ['TWS / IB Gateway', describeServer(report.server)],
    ['Run', `${report.startedAt}, ${fmtMs(report.durationMs)}`],
  ];
  const counts = (['fail', 'warn', 'pass', 'skip'] as const)
    .map((s) => `${report.checks.filter((c) => c.status === s).length} ${STATUS[s].toLowerCase()}`)
    .join(', ');
  const out = [
    `## IBKR setup checks: ${STATUS[report.verdict]}`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${inline(v)} |`),
    '',
    `Checks: ${counts}. Account ids are masked.`,
  ];
  for (const c of displayOrder(report.checks)) out.push('', ...checkSection(c));
  // Every field is masked as it is written; this pass is the safety net for any text added later.
  return redactForSharing(out.join('\n')) + '\n';
}
