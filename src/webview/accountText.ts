// The text of the account strip's figures and of the account columns of the positions and
// watchlist tabs: pure functions of the protocol's views (no DOM), unit-tested in node.
import { fmt, signClass } from './format';
import type { AccountView, PositionRow, WatchlistRow } from './protocol';

export type Figure = 'netLiquidation' | 'cash' | 'buyingPower' | 'dailyPnl' | 'realizedPnl' | 'unrealizedPnl';

export const FIGURES: ReadonlyArray<{ key: Figure; label: string; signed: boolean; title: string }> = [
  { key: 'netLiquidation', label: 'Net Liq', signed: false, title: 'Net liquidation value (TWS NetLiquidation)' },
  { key: 'cash', label: 'Cash', signed: false, title: 'Total cash value (TWS TotalCashValue)' },
  { key: 'buyingPower', label: 'Buying Power', signed: false, title: 'Buying power (TWS BuyingPower)' },
  { key: 'dailyPnl', label: 'Day P&L', signed: true, title: "Today's P&L of the account (TWS reqPnL)" },
  { key: 'realizedPnl', label: 'Realized', signed: true, title: "Today's realized P&L" },
  { key: 'unrealizedPnl', label: 'Unrealized', signed: true, title: 'Unrealized P&L of the open positions' },
];

/** Each figure of the strip: its text in the account's currency, its value and its up/down class. */
export function accountFigures(a: AccountView): Array<{ key: Figure; label: string; title: string; text: string; value: number | undefined; cls: string }> {
  return FIGURES.map((f) => {
    const value = a[f.key];
    return {
      key: f.key,
      label: f.label,
      title: f.title,
      value,
      text: f.signed ? fmt.signedMoney(value, a.currency) : fmt.money(value, a.currency),
      cls: f.signed ? signClass(value) : '',
    };
  });
}

/** "AI session", "external", or the split "session 100 · external 400". */
export function ownerText(r: Pick<PositionRow, 'owner' | 'quantity' | 'bookQuantity'>): string {
  switch (r.owner) {
    case 'session':
      return 'AI session';
    case 'shared': {
      const book = r.bookQuantity ?? 0;
      return `session ${fmt.qty(book)} · external ${fmt.qty(r.quantity - book)}`;
    }
    case 'external':
      return 'external';
    default:
      return '—';
  }
}

/** "session", "yours" or both: where a watchlist row comes from. */
export function watchlistSource(r: Pick<WatchlistRow, 'inSession' | 'inUserList'>): string {
  return [r.inSession ? 'session' : '', r.inUserList ? 'yours' : ''].filter(Boolean).join(' · ');
}

/** "+1.25 (+0.98%)", or "—" before the first last price. */
export function changeText(r: Pick<WatchlistRow, 'change' | 'changePct'>): string {
  if (r.change === undefined) return '—';
  return `${fmt.change(r.change)}${r.changePct !== undefined ? ` (${fmt.signedPct(r.changePct)})` : ''}`;
}

/** What kind of data a watchlist row shows: live, delayed, none yet, or no quotes (an error). */
export function dataText(r: Pick<WatchlistRow, 'error' | 'delayed' | 'last' | 'bid'>): string {
  if (r.error) return 'no quotes';
  if (r.last === undefined && r.bid === undefined) return '—';
  return r.delayed ? 'delayed' : 'live';
}

/** The symbol as typed, tidied the way the host checks it (the host decides). */
export function typedSymbol(text: string): string {
  return text.trim().toUpperCase();
}
