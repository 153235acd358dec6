// The protocol's view rows, built from the broker's, the session's and the setup checks'
// records: pure functions, called by the PanelStore only when a consumer asks for a view
// (after coalescing), and unit-tested on their own.
import type { Position } from '../broker/types';
import type { Check, Report } from '../doctor/types';
import type { DecisionRecord } from '../session/decision';
import type { OrderUpdate } from '../session/orderManager';
import type { CheckRow, ConnectionView, DecisionRow, PositionRow } from '../../webview/protocol';
import { fmt } from '../../webview/format';
import { featureText, outputText } from './featureText';
import type { RunningSimulator } from './simulatorHost';
import type { ConnectionHealth } from './statusView';

/** The portfolio's view of a position (TWS's price and P&L, when no live quote is known). */
export interface Portfolio {
  marketPrice: number;
  unrealizedPnl?: number;
}

/** "close $127.33 · return 1 bar +0.07% · RSI 14 bars 51.2 · ..." (every feature, named, with its unit). */
export function featureSummary(d: DecisionRecord): string {
  const parts: string[] = [];
  if (d.close !== undefined) parts.push(`close ${fmt.money(d.close)}`);
  if (d.features) for (const [k, v] of Object.entries(d.features)) parts.push(featureText(k, v));
  return parts.join(' · ') || `${d.bars} bars`;
}

export function orderText(o: Pick<OrderUpdate, 'state' | 'filled' | 'quantity' | 'avgFillPrice' | 'note'>): string {
  if (o.state === 'filled') return `filled ${o.filled} @ ${fmt.price(o.avgFillPrice)}`;
  if (o.filled > 0) return `${o.state} ${o.filled}/${o.quantity} @ ${fmt.price(o.avgFillPrice)}`;
  return `${o.state}${o.note ? ` (${o.note})` : ''}`;
}

export function decisionRow(seq: number, d: DecisionRecord, order?: OrderUpdate): DecisionRow {
  const out = d.output;
  const action = out ? outputText(out, d.targetQuantity) : '—';
  const p = d.proposal;
  const verdict = !d.verdict || !p ? '' : d.verdict.allowed ? 'ok' : `BLOCKED ${d.verdict.rule}: ${d.verdict.reason}`;
  let orderCell: string;
  switch (d.outcome) {
    case 'order':
      orderCell = `${p!.action} ${p!.quantity}${p!.kind !== 'policy' ? ` (${p!.kind})` : ''} → ${order ? orderText(order) : 'sending'}`;
      break;
    case 'shadow':
      orderCell = `would ${p!.action} ${p!.quantity} (shadow)`;
      break;
    case 'blocked':
      orderCell = `${p ? `${p.action} ${p.quantity} ` : ''}not sent`;
      break;
    case 'no-order':
      orderCell = `no order (holds ${d.position})`;
      break;
    default:
      orderCell = 'skipped';
  }
  return {
    seq,
    cycle: d.cycle,
    symbol: d.symbol,
    marketTime: d.marketTime,
    features: featureSummary(d),
    action,
    ...(out?.probabilities ? { probabilities: out.probabilities } : {}),
    ...(out?.raw !== undefined ? { raw: out.raw } : {}),
    verdict,
    blocked: d.outcome === 'blocked',
    order: orderCell,
    outcome: d.outcome,
    reason: d.reason,
  };
}

export function positionRow(p: Position, last: number | undefined, portfolio: Portfolio | undefined): PositionRow {
  const mult = p.contract.multiplier && p.contract.multiplier > 0 ? p.contract.multiplier : 1;
  const avg = p.avgCost / mult;
  const price = last ?? portfolio?.marketPrice;
  const unrealized = price !== undefined ? (price - avg) * p.quantity * mult : portfolio?.unrealizedPnl;
  return {
    key: `${p.account}:${p.contract.conId ?? p.contract.symbol}`,
    symbol: p.contract.localSymbol && p.contract.secType !== 'STK' ? p.contract.localSymbol : p.contract.symbol,
    secType: p.contract.secType,
    quantity: p.quantity,
    avgCost: Math.round(avg * 1e4) / 1e4,
    ...(price !== undefined ? { last: price } : {}),
    ...(unrealized !== undefined ? { unrealized: Math.round(unrealized * 100) / 100 } : {}),
  };
}

export function checkRow(c: Check | { id: string; title: string; status: 'running' }): CheckRow {
  if (c.status === 'running') return { id: c.id, title: c.title, status: 'running', finding: 'Checking…', evidence: [], fix: '' };
  const k = c as Check;
  return {
    id: k.id,
    title: k.title,
    status: k.status,
    finding: k.finding,
    evidence: k.evidence.map((e) => ({ ...e })),
    fix: k.fix,
    ...(k.cause ? { cause: k.cause } : {}),
  };
}

/** The first failing (else warning) check: what the status bar names as the cause. */
export function firstProblem(r: Report): Check | undefined {
  return r.checks.find((c) => c.status === 'fail') ?? r.checks.find((c) => c.status === 'warn');
}

/** The header shows the status ("Not connected", "Ready · DU1234567"...) before this detail: the detail does not repeat it. */
export function connectionView(h: ConnectionHealth, sim: RunningSimulator | undefined): ConnectionView {
  const simulator = sim ? { simulator: { host: sim.host, port: sim.port, account: sim.account } } : {};
  const target = 'host' in h && 'clientId' in h ? { host: h.host, port: h.port, clientId: h.clientId, ...(h.sources ? { sources: h.sources } : {}) } : {};
  switch (h.kind) {
    case 'restricted':
      return { status: 'restricted', detail: 'Trust this workspace to connect or trade.', ...simulator };
    case 'off':
    case 'starting':
    case 'simulator':
      return {
        status: 'off',
        detail: sim ? `The embedded simulator listens on ${sim.host}:${sim.port}.` : 'Start the TWS simulator, or connect to TWS or IB Gateway.',
        ...simulator,
      };
    case 'connecting':
      return { status: 'connecting', detail: `${h.host}:${h.port}${h.step ? `, step: ${h.step}` : ''}`, ...target, ...simulator };
    case 'ready':
      return {
        status: 'ready',
        badge: h.badge,
        account: h.account,
        detail: `On ${h.host}:${h.port} as client ${h.clientId}${h.serverVersion ? `, server version ${h.serverVersion}` : ''}.`,
        ...target,
        ...simulator,
      };
    case 'reconnecting':
      return {
        status: 'reconnecting',
        ...(h.account ? { account: h.account } : {}),
        detail: `The connection was lost${h.reason ? ` (${h.reason})` : ''}${h.attempt ? `; attempt ${h.attempt}` : ''}. No orders until reconciled.`,
        ...target,
        ...simulator,
      };
    case 'failed':
      return { status: 'failed', detail: h.cause ? `${h.cause.title}: ${h.cause.finding}` : h.reason, ...target, ...simulator };
    case 'error':
      return { status: 'failed', detail: h.message, ...simulator };
  }
}
