// The words of the order ticket's confirmation: what the order is, what TWS's what-if says
// it costs (commission, margin, funds after), what it does to the position and what the
// user should know. One place for the palette's modal and the panel.
import type { OrderPreview, TrackedOrder } from '../broker/types';
import type { ManualPreview } from '../session/manualOrders';
import { MINUS } from '../../webview/format';

function money(v: number | undefined): string | undefined {
  if (v === undefined || !Number.isFinite(v)) return undefined;
  return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** TWS's what-if, line by line (IB sends a huge sentinel for values it does not know: those are left out). */
export function whatIfLines(w: OrderPreview | undefined): string[] {
  if (!w) return [];
  const known = (v: number | undefined) => (v !== undefined && Math.abs(v) < 1e300 ? v : undefined);
  const lines: string[] = [];
  const ccy = w.commissionCurrency ? ` ${w.commissionCurrency}` : '';
  const commission = money(known(w.commission));
  const range =
    money(known(w.minCommission)) !== undefined && money(known(w.maxCommission)) !== undefined
      ? `${money(w.minCommission)}-${money(w.maxCommission)}`
      : undefined;
  if (commission !== undefined) lines.push(`Commission: ${commission}${ccy}`);
  else if (range) lines.push(`Commission: ${range}${ccy}`);
  // signed: a closing order frees margin (a true minus, as the panel writes it)
  const delta = known(w.initMarginChange);
  const change = delta === undefined ? undefined : `${delta < 0 ? MINUS : '+'}${money(Math.abs(delta))}`;
  const after = money(known(w.initMarginAfter));
  if (change !== undefined || after !== undefined) lines.push(`Initial margin: ${change ?? '?'} (after: ${after ?? '?'})`);
  const maint = money(known(w.maintMarginAfter));
  if (maint !== undefined) lines.push(`Maintenance margin after: ${maint}`);
  const ewl = known(w.equityWithLoanAfter);
  const init = known(w.initMarginAfter);
  if (ewl !== undefined) lines.push(`Equity with loan after: ${money(ewl)}`);
  if (ewl !== undefined && init !== undefined) lines.push(`Funds available after (equity with loan - initial margin): ${money(ewl - init)}`);
  if (w.warningText) lines.push(`TWS: ${w.warningText}`);
  return lines;
}

/** The modal's detail for a previewed ticket (a stock, an option or a combo). */
export function previewDetail(p: ManualPreview): string {
  const lines = [`Account ${p.account} (${p.live ? 'LIVE: real money' : 'paper'})`, ...(p.legs ? derivativeLines(p) : stockLines(p)), ...whatIfLines(p.whatIf)];
  lines.push(
    `Risk checks: ${p.verdict.reason}${p.hoursOverridden ? ' (trading hours overridden for this order)' : ''}`,
    ...p.warnings.map((w) => `Note: ${w}`),
  );
  if (p.live) lines.push('', 'A live order is confirmed by typing the account id next.');
  return lines.join('\n');
}

function stockLines(p: ManualPreview): string[] {
  const t = p.ticket;
  const priced = t.orderType === 'MKT' ? 'at the market (now' : t.orderType === 'STP' ? 'at the stop (' : 'at the limit (';
  return [
    `About ${money(t.quantity * p.referencePrice)} ${priced}${t.orderType === 'MKT' ? ' ' : ''}${money(p.referencePrice)})`,
    `${t.symbol} held: ${p.positionBefore} -> ${p.positionAfter} after a full fill`,
  ];
}

/** An option's or a combo's lines: its value (premium x contracts x multiplier), each option's quote and holding. */
function derivativeLines(p: ManualPreview): string[] {
  const t = p.ticket;
  const m = p.multiplier ?? 100;
  const value = t.quantity * m * p.referencePrice;
  const how = t.orderType === 'MKT' ? 'at the market now' : 'at the limit';
  const net = p.net ? [`Net quote per share: bid ${p.net.bid.toFixed(2)} / ask ${p.net.ask.toFixed(2)}`] : [];
  const about =
    value < 0
      ? `A credit of about ${money(-value)} ${how} (${money(p.referencePrice)} x ${m} x ${t.quantity})`
      : `About ${money(value)} ${how} (${money(p.referencePrice)} x ${m} x ${t.quantity})`;
  const legs = (p.legs ?? []).map(
    (l) =>
      `${l.action} ${l.contracts} ${l.label} (bid ${l.bid?.toFixed(2) ?? '?'} / ask ${l.ask?.toFixed(2) ?? '?'}): held ${l.before} -> ${l.after} contracts after a full fill`,
  );
  return [about, ...net, ...legs];
}

/** e.g. `#12 BUY 2 MSFT LMT 1.05 GTC, submitted (0/2 filled)`. */
export function describeOrder(o: TrackedOrder): string {
  const prices = [
    o.stopPrice !== undefined ? `stop ${o.stopPrice}` : '',
    o.limitPrice !== undefined ? `${o.type === 'LMT' ? '' : 'limit '}${o.limitPrice}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `#${o.orderId} ${o.action ?? '?'} ${o.quantity} ${o.contract?.symbol ?? '?'} ${o.type ?? '?'}${prices ? ` ${prices}` : ''} ${o.tif ?? 'DAY'}, ${o.state} (${o.filled}/${o.quantity} filled)`;
}
