// Renders a report: JSON for machines, and text for people with the first failing
// check first (or, when nothing failed, the first warning), then the rest in order.
import { describeServer } from './serverInfo';
import { hostPort, type Check, type Report } from './types';

const TAG: Record<Check['status'], string> = { pass: '[PASS]', warn: '[WARN]', fail: '[FAIL]', skip: '[SKIP]' };

export function formatJson(report: Report): string {
  return JSON.stringify(report, null, 2);
}

/** The checks in display order: the first failing one (else the first warning) first. */
export function displayOrder(checks: readonly Check[]): Check[] {
  const lead = checks.find((c) => c.status === 'fail') ?? checks.find((c) => c.status === 'warn');
  return lead ? [lead, ...checks.filter((c) => c !== lead)] : [...checks];
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms * 10) / 10} ms`;
}

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

export interface TextOptions {
  /** Evidence for passing checks too (default: only for fail and warn). */
  verbose?: boolean;
}

export function formatText(report: Report, o: TextOptions = {}): string {
  const t = report.target;
  const target = t.host !== undefined && t.port !== undefined ? `${hostPort(t.host, t.port)}, client id ${t.clientId ?? '?'}` : 'invalid configuration';
  const server = report.server ? ` (${describeServer(report.server)})` : '';
  const out: string[] = [`IBKR setup checks: ${target}${server}: ${report.verdict.toUpperCase()} in ${fmtMs(report.durationMs)}`, ''];
  const ordered = displayOrder(report.checks);
  ordered.forEach((c, i) => {
    out.push(`${TAG[c.status]} ${c.title} (${c.id})`);
    out.push(indent(c.finding, '       '));
    if (c.fix) {
      out.push('       Fix:');
      out.push(indent(c.fix, '         '));
    }
    if (c.evidence.length && (o.verbose || c.status === 'fail' || c.status === 'warn')) {
      out.push('       Tried:');
      for (const e of c.evidence) out.push(`         - ${e.step}: ${e.detail}${e.ms ? ` (${fmtMs(e.ms)})` : ''}`);
    }
    if (i === 0 && c.status !== 'pass' && ordered.length > 1) out.push('', 'Other checks:');
  });
  return out.join('\n');
}
