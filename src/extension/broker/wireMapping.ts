// @stoqey/ib's types <-> the broker's own. The only module besides ibLink.ts that knows
// @stoqey/ib's shapes; everything it returns is plain broker types.
import type {
  CommissionReport,
  Contract as IbContract,
  ContractDetails as IbContractDetails,
  Execution as IbExecution,
  Order as IbOrder,
  OrderState as IbOrderState,
} from '@stoqey/ib';
import type { OpenOrderEvent, CompletedOrderEvent, CommissionEvent, WireOrderSpec } from './linkEvents';
import type { Bar, BrokerContract, ContractDetails, Fill, OrderAction, OrderPreview, SecType } from './types';
import { zoneOffsetMs } from '../core/marketHours';

const UNSET_DOUBLE = 1.7976931348623157e308;
const UNSET_INT = 2147483647;

/** Numbers TWS uses for "unset" (Double.MAX_VALUE, Integer.MAX_VALUE) become undefined. */
export function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || n === UNSET_DOUBLE || n === UNSET_INT || Math.abs(n) >= 1e300) return undefined;
  return n;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function toIbContract(c: BrokerContract): IbContract {
  const out: Record<string, unknown> = {
    symbol: c.symbol,
    secType: c.secType,
    exchange: c.exchange,
    currency: c.currency,
  };
  if (c.conId) out.conId = c.conId;
  if (c.primaryExchange) out.primaryExch = c.primaryExchange;
  if (c.expiry) out.lastTradeDateOrContractMonth = c.expiry;
  if (c.strike !== undefined) out.strike = c.strike;
  if (c.right) out.right = c.right;
  if (c.multiplier !== undefined) out.multiplier = c.multiplier;
  if (c.localSymbol) out.localSymbol = c.localSymbol;
  if (c.tradingClass) out.tradingClass = c.tradingClass;
  if (c.legs?.length) {
    out.comboLegs = c.legs.map((l) => ({ conId: l.conId, ratio: l.ratio, action: l.action, exchange: l.exchange ?? c.exchange ?? 'SMART' }));
  }
  return out as IbContract;
}

export function fromIbContract(c: IbContract): BrokerContract {
  const secType = (String(c.secType ?? 'STK') || 'STK') as SecType;
  const out: BrokerContract = {
    symbol: c.symbol ?? '',
    secType,
    exchange: c.exchange || 'SMART',
    currency: c.currency || 'USD',
  };
  if (c.conId) out.conId = c.conId;
  if (c.primaryExch) out.primaryExchange = c.primaryExch;
  if (c.lastTradeDateOrContractMonth) out.expiry = c.lastTradeDateOrContractMonth;
  if (secType === 'OPT' || secType === 'FUT') {
    const strike = num(c.strike);
    if (strike) out.strike = strike;
    const right = String(c.right ?? '').toUpperCase();
    if (right === 'C' || right === 'CALL') out.right = 'C';
    else if (right === 'P' || right === 'PUT') out.right = 'P';
  }
  const mult = num(c.multiplier);
  if (mult) out.multiplier = mult;
  if (c.localSymbol) out.localSymbol = c.localSymbol;
  if (c.tradingClass) out.tradingClass = c.tradingClass;
  if (c.comboLegs?.length) {
    out.legs = c.comboLegs.map((l) => ({
      conId: l.conId ?? 0,
      ratio: l.ratio ?? 1,
      action: (String(l.action).toUpperCase() === 'SELL' ? 'SELL' : 'BUY') as OrderAction,
      ...(l.exchange ? { exchange: l.exchange } : {}),
    }));
  }
  return out;
}

export function fromIbContractDetails(d: IbContractDetails): ContractDetails {
  return {
    contract: fromIbContract(d.contract),
    longName: d.longName ?? '',
    minTick: num(d.minTick) ?? 0.01,
    orderTypes: (d.orderTypes ?? '').split(',').filter(Boolean),
    validExchanges: (d.validExchanges ?? '').split(',').filter(Boolean),
    timeZoneId: d.timeZoneId ?? '',
    tradingHours: d.tradingHours ?? '',
    liquidHours: d.liquidHours ?? '',
    ...(d.underConId ? { underConId: d.underConId } : {}),
    ...(d.industry ? { industry: d.industry } : {}),
    ...(d.category ? { category: d.category } : {}),
  };
}

export function toIbOrder(o: WireOrderSpec): IbOrder {
  const out: Record<string, unknown> = {
    action: o.action,
    totalQuantity: o.totalQuantity,
    orderType: o.orderType,
    tif: o.tif,
    outsideRth: o.outsideRth,
    orderRef: o.orderRef,
    transmit: o.transmit,
    account: o.account,
    whatIf: o.whatIf,
  };
  if (o.lmtPrice !== undefined) out.lmtPrice = o.lmtPrice;
  if (o.auxPrice !== undefined) out.auxPrice = o.auxPrice;
  if (o.ocaGroup) {
    out.ocaGroup = o.ocaGroup;
    out.ocaType = o.ocaType;
  }
  if (o.parentId) out.parentId = o.parentId;
  return out as unknown as IbOrder;
}

function action(v: unknown): OrderAction {
  const s = String(v ?? '').toUpperCase();
  return s === 'SELL' || s === 'SSHORT' || s === 'SLD' ? 'SELL' : 'BUY';
}

export function fromIbOpenOrder(orderId: number, c: IbContract, o: IbOrder, s: IbOrderState): OpenOrderEvent {
  const whatIf = Boolean(o.whatIf);
  const ev: OpenOrderEvent = {
    orderId,
    contract: fromIbContract(c),
    action: action(o.action),
    totalQuantity: num(o.totalQuantity) ?? 0,
    orderType: String(o.orderType ?? ''),
    whatIf,
    status: String(s?.status ?? ''),
  };
  const permId = num(o.permId);
  if (permId) ev.permId = permId;
  const clientId = num(o.clientId);
  if (clientId !== undefined) ev.clientId = clientId;
  const parentId = num(o.parentId);
  if (parentId) ev.parentId = parentId;
  const lmt = num(o.lmtPrice);
  if (lmt !== undefined && (o.orderType === 'LMT' || o.orderType === 'STP LMT')) ev.lmtPrice = lmt;
  const aux = num(o.auxPrice);
  if (aux !== undefined && (o.orderType === 'STP' || o.orderType === 'STP LMT')) ev.auxPrice = aux;
  if (str(o.tif)) ev.tif = o.tif as string;
  if (str(o.ocaGroup)) ev.ocaGroup = o.ocaGroup as string;
  if (str(o.orderRef)) ev.orderRef = o.orderRef as string;
  if (str(o.account)) ev.account = o.account as string;
  if (whatIf) ev.preview = previewOf(s);
  return ev;
}

/** The what-if figures: the same names in @stoqey/ib's OrderState and in OrderPreview. */
const PREVIEW_FIGURES = [
  'initMarginBefore',
  'initMarginChange',
  'initMarginAfter',
  'maintMarginBefore',
  'maintMarginChange',
  'maintMarginAfter',
  'equityWithLoanBefore',
  'equityWithLoanChange',
  'equityWithLoanAfter',
  'commission',
  'minCommission',
  'maxCommission',
] as const satisfies readonly (keyof OrderPreview & keyof IbOrderState)[];

export function previewOf(s: IbOrderState): OrderPreview {
  const p: OrderPreview = {};
  for (const k of PREVIEW_FIGURES) {
    const n = num(s[k]);
    if (n !== undefined) p[k] = n;
  }
  if (s.commissionCurrency) p.commissionCurrency = s.commissionCurrency;
  if (s.warningText) p.warningText = s.warningText;
  return p;
}

export function fromIbCompletedOrder(c: IbContract, o: IbOrder, s: IbOrderState): CompletedOrderEvent {
  const ev: CompletedOrderEvent = {
    contract: fromIbContract(c),
    action: action(o.action),
    totalQuantity: num(o.totalQuantity) ?? 0,
    status: String(s?.status ?? ''),
  };
  const permId = num(o.permId);
  if (permId) ev.permId = permId;
  if (str(o.orderRef)) ev.orderRef = o.orderRef as string;
  const filled = num((o as { filledQuantity?: unknown }).filledQuantity);
  if (filled !== undefined) ev.filledQuantity = filled;
  if (s?.completedStatus) ev.completedStatus = s.completedStatus;
  return ev;
}

export function fromIbExecution(c: IbContract, e: IbExecution): Fill {
  const f: Fill = {
    execId: e.execId ?? '',
    orderId: num(e.orderId) ?? 0,
    contract: fromIbContract(c),
    side: action(e.side),
    shares: num(e.shares) ?? 0,
    price: num(e.price) ?? 0,
    cumQty: num(e.cumQty) ?? 0,
    avgPrice: num(e.avgPrice) ?? 0,
    time: e.time ?? '',
    account: e.acctNumber ?? '',
    exchange: e.exchange ?? '',
  };
  const permId = num(e.permId);
  if (permId) f.permId = permId;
  const clientId = num(e.clientId);
  if (clientId !== undefined) f.clientId = clientId;
  if (e.orderRef) f.orderRef = e.orderRef;
  return f;
}

export function fromIbCommission(r: CommissionReport): CommissionEvent {
  const ev: CommissionEvent = { execId: r.execId ?? '', commission: num(r.commission) ?? 0 };
  if (r.currency) ev.currency = r.currency;
  const realized = num(r.realizedPNL);
  if (realized !== undefined) ev.realizedPnl = realized;
  return ev;
}

/** A historical bar's date: epoch seconds (formatDate 2), yyyyMMdd (daily), or "yyyyMMdd HH:mm:ss[ zone]". */
export function barTimeMs(date: string): number {
  const t = date.trim();
  if (/^\d{9,11}$/.test(t)) return Number(t) * 1000;
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (d) return newYorkWallToUtc(+d[1]!, +d[2]!, +d[3]!, 0, 0, 0);
  const m = /^(\d{4})(\d{2})(\d{2})[ -]+(\d{2}):(\d{2}):(\d{2})(?:\s+(\S+))?$/.exec(t);
  if (m) {
    const [y, mo, da, h, mi, s] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
    const zone = (m[7] ?? '').toUpperCase();
    if (zone === 'UTC' || zone === 'GMT' || t.includes('-')) return Date.UTC(y, mo - 1, da, h, mi, s);
    return newYorkWallToUtc(y, mo, da, h, mi, s);
  }
  return Number.NaN;
}

export function historicalBar(date: string, open: number, high: number, low: number, close: number, volume: unknown, count: unknown, wap: unknown): Bar {
  const bar: Bar = { time: barTimeMs(date), open, high, low, close, volume: num(volume) ?? 0 };
  const w = num(wap);
  if (w !== undefined) bar.wap = w;
  const c = num(count);
  if (c !== undefined) bar.count = c;
  return bar;
}

function nyOffsetMs(utcMs: number): number {
  return zoneOffsetMs(utcMs, 'America/New_York');
}

/** Epoch ms of a New York wall-clock time (the zone IB reports US equities in). */
export function newYorkWallToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  const first = guess - nyOffsetMs(guess);
  const second = guess - nyOffsetMs(first);
  return second;
}
