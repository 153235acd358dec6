// The account strip's state: TWS's account values (reqAccountUpdates), the account's P&L
// (reqPnL), each position's day P&L (reqPnLSingle) and the AI session's book, kept raw and
// turned into the protocol's AccountView and the positions' account columns on demand.
// Every figure is TWS's; only the share of net liquidation and the owner are derived here.
import type { AccountPnl, AccountSnapshot, Position } from '../broker/types';
import type { AccountView, PositionOwner, PositionRow } from '../../webview/protocol';

/** Whose shares a position of `quantity` is when the session's book holds `book` of them. */
export function positionOwner(quantity: number, book: number | undefined): PositionOwner {
  if (!book || Math.sign(book) !== Math.sign(quantity)) return 'external';
  return Math.abs(book) >= Math.abs(quantity) ? 'session' : 'shared';
}

export function accountView(snap: AccountSnapshot | undefined, pnl: AccountPnl | undefined): AccountView {
  const values = snap?.values ?? {};
  const num = (k: string): number | undefined => {
    const v = values[k];
    const n = v === undefined || v.trim() === '' ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  // reqPnL is TWS's own day P&L; the account values' P&L is the fallback until it arrives.
  const realized = pnl?.realized ?? num('RealizedPnL');
  const unrealized = pnl?.unrealized ?? num('UnrealizedPnL');
  const account = snap?.account || pnl?.account;
  return {
    ...(account ? { account } : {}),
    ...(snap?.currency ? { currency: snap.currency } : {}),
    ...(snap?.netLiquidation !== undefined ? { netLiquidation: snap.netLiquidation } : {}),
    ...(snap?.totalCashValue !== undefined ? { cash: snap.totalCashValue } : {}),
    ...(snap?.buyingPower !== undefined ? { buyingPower: snap.buyingPower } : {}),
    ...(pnl ? { dailyPnl: pnl.daily } : {}),
    ...(realized !== undefined ? { realizedPnl: realized } : {}),
    ...(unrealized !== undefined ? { unrealizedPnl: unrealized } : {}),
    ...(snap && Object.keys(snap.values).length ? { updatedAt: snap.updatedAt } : {}),
  };
}

export class AccountState {
  private snapshot: AccountSnapshot | undefined;
  private pnl: AccountPnl | undefined;
  /** the day's P&L by position key (account:conId) */
  private readonly dayChange = new Map<string, number>();
  /** the session book's shares by symbol, and its account */
  private book: { account: string | undefined; shares: ReadonlyMap<string, number> } | undefined;

  constructor(private readonly changed: (topic: 'account' | 'positions') => void) {}

  setSnapshot(s: AccountSnapshot | undefined): void {
    this.snapshot = s;
    this.changed('account');
    // the share of net liquidation of every position moves with it
    this.changed('positions');
  }

  setPnl(p: AccountPnl): void {
    this.pnl = p;
    this.changed('account');
  }

  setDayChange(key: string, daily: number | undefined): void {
    if (this.dayChange.get(key) === daily) return;
    if (daily === undefined) this.dayChange.delete(key);
    else this.dayChange.set(key, daily);
    this.changed('positions');
  }

  /** The session's book (symbol -> shares), from its cycles; undefined: no session's book known. */
  setBook(account: string | undefined, shares: ReadonlyMap<string, number> | undefined): void {
    this.book = shares ? { account, shares: new Map(shares) } : undefined;
    this.changed('positions');
  }

  clear(): void {
    this.snapshot = undefined;
    this.pnl = undefined;
    this.dayChange.clear();
    this.changed('account');
  }

  view(): AccountView {
    return accountView(this.snapshot, this.pnl);
  }

  get netLiquidation(): number | undefined {
    return this.snapshot?.netLiquidation;
  }

  /** A position's row with its market value, share of net liquidation, day P&L and owner. */
  decorate(row: PositionRow, p: Position): PositionRow {
    const mult = p.contract.multiplier && p.contract.multiplier > 0 ? p.contract.multiplier : 1;
    const marketValue = row.last !== undefined ? row.last * p.quantity * mult : undefined;
    const nlv = this.snapshot?.netLiquidation;
    const daily = this.dayChange.get(row.key);
    const b = this.book;
    const bookQuantity = b && (!b.account || b.account === p.account) && p.contract.secType === 'STK' ? (b.shares.get(p.contract.symbol) ?? 0) : undefined;
    return {
      ...row,
      ...(marketValue !== undefined ? { marketValue } : {}),
      ...(marketValue !== undefined && nlv ? { pctOfNetLiq: (100 * marketValue) / nlv } : {}),
      ...(daily !== undefined ? { dayChange: daily } : {}),
      owner: positionOwner(p.quantity, bookQuantity),
      ...(bookQuantity !== undefined ? { bookQuantity } : {}),
    };
  }
}
