// Account streams: reqAccountUpdates (values, portfolio, time, download end),
// reqPositions, reqAccountSummary, reqAccountUpdatesMulti, reqPnL and reqPnLSingle.
// Everything is computed from the Account on request and re-sent when fills change it.
import { MONEY_TAGS } from '../../tws/accountTags';
import type { AccountSummary } from '../account/account';
import { nyParts } from '../market/marketTime';
import { round6, roundCents } from '../market/rounding';
import {
  encodeAccountDownloadEnd,
  encodeAccountSummary,
  encodeAccountSummaryEnd,
  encodeAccountUpdateMulti,
  encodeAccountUpdateMultiEnd,
  encodePnl,
  encodePnlSingle,
  encodePosition,
  encodePositionEnd,
  encodeUpdateAccountTime,
  encodeUpdateAccountValue,
  encodeUpdatePortfolio,
} from '../protocol/accountCodec';
import type { ClientConnection } from '../server/clientConnection';
import type { TwsSimulator } from '../server/twsSimulator';
import { RequestSubscriptions, type RequestSubscription } from './requestSubscriptions';

/**
 * The amount each amount tag of reqAccountSummary reports: the money tags their own, the
 * previous-day, full, look-ahead, Reg T and SMA values the current one (the simulator has
 * no overnight or look-ahead margin).
 */
const SUMMARY_AMOUNTS = new Map<string, keyof AccountSummary>([
  ...MONEY_TAGS.map((t): [string, keyof AccountSummary] => [t, t]),
  ['PreviousEquityWithLoanValue', 'EquityWithLoanValue'],
  ['RegTEquity', 'EquityWithLoanValue'],
  ['FullInitMarginReq', 'InitMarginReq'],
  ['LookAheadInitMarginReq', 'InitMarginReq'],
  ['RegTMargin', 'InitMarginReq'],
  ['FullMaintMarginReq', 'MaintMarginReq'],
  ['LookAheadMaintMarginReq', 'MaintMarginReq'],
  ['FullAvailableFunds', 'AvailableFunds'],
  ['LookAheadAvailableFunds', 'AvailableFunds'],
  ['SMA', 'AvailableFunds'],
  ['FullExcessLiquidity', 'ExcessLiquidity'],
  ['LookAheadExcessLiquidity', 'ExcessLiquidity'],
]);

/** The cash ledger `$LEDGER` adds to an account summary, in the account's currency. */
const LEDGER_AMOUNTS: ReadonlyArray<readonly [string, keyof AccountSummary]> = [
  ['CashBalance', 'TotalCashValue'],
  ['TotalCashBalance', 'TotalCashValue'],
  ['NetLiquidationByCurrency', 'NetLiquidation'],
  ['UnrealizedPnL', 'UnrealizedPnL'],
  ['RealizedPnL', 'RealizedPnL'],
];

export class AccountFeed {
  private readonly accountUpdates = new Set<ClientConnection>();
  private readonly positionSubs = new Set<ClientConnection>();
  private readonly summarySubs = new RequestSubscriptions<RequestSubscription & { tags: string[] }>();
  private readonly multiSubs = new RequestSubscriptions<RequestSubscription & { ledgerAndNLV: boolean }>();
  private readonly pnlSubs = new RequestSubscriptions<RequestSubscription>();
  private readonly pnlSingleSubs = new RequestSubscriptions<RequestSubscription & { conId: number }>();
  private lastPnlWall = 0;

  constructor(private readonly sim: TwsSimulator) {
    sim.engine.on('accountChanged', (conIds) => this.onAccountChanged(conIds));
    // The day's P&L is measured from NetLiquidation at the start; take it now, before
    // any fill, not lazily at the first account request (which may come after trades).
    this.summary();
  }

  private summary(): AccountSummary {
    return this.sim.account.summary((id) => this.sim.market.mid(id));
  }

  /** The (key, value, currency) rows of updateAccountValue. */
  private accountValues(): Array<[string, string, string]> {
    const s = this.summary();
    const acct = this.sim.account;
    const rows: Array<[string, string, string]> = [
      ['AccountCode', acct.id, ''],
      ['AccountType', 'INDIVIDUAL', ''],
      ['AccountReady', 'true', ''],
      ['Currency', acct.currency, acct.currency],
      ['RealCurrency', acct.currency, acct.currency],
      ['CashBalance', money(s.TotalCashValue), acct.currency],
      ['CashBalance', money(s.TotalCashValue), 'BASE'],
      ['TotalCashBalance', money(s.TotalCashValue), 'BASE'],
      ['UnrealizedPnL', money(s.UnrealizedPnL), acct.currency],
      ['RealizedPnL', money(s.RealizedPnL), acct.currency],
      ['OptionMarketValue', money(s.OptionMarketValue), acct.currency],
    ];
    for (const k of MONEY_TAGS) {
      rows.push([k, money(s[k]), acct.currency]);
    }
    rows.push(['Cushion', cushion(s), '']);
    rows.push(['Leverage-S', leverage(s), '']);
    rows.push(['DayTradesRemaining', '-1', '']);
    return rows;
  }

  private summaryValue(tag: string, s: AccountSummary): [string, string] | undefined {
    const cur = this.sim.account.currency;
    const amount = SUMMARY_AMOUNTS.get(tag);
    if (amount) return [money(s[amount]), cur];
    switch (tag) {
      case 'AccountType':
        return ['INDIVIDUAL', ''];
      case 'AccruedCash':
        return ['0.00', cur];
      case 'Cushion':
        return [cushion(s), ''];
      case 'LookAheadNextChange':
      case 'HighestSeverity':
        return ['0', ''];
      case 'DayTradesRemaining':
        return ['-1', ''];
      case 'Leverage':
        return [leverage(s), ''];
      default:
        return undefined;
    }
  }

  // ---- reqAccountUpdates ----

  subscribeAccountUpdates(conn: ClientConnection): void {
    this.accountUpdates.add(conn);
    this.sendAccountUpdates(conn, undefined);
    conn.send(encodeAccountDownloadEnd(conn.version, this.sim.account.id));
  }

  unsubscribeAccountUpdates(conn: ClientConnection): void {
    this.accountUpdates.delete(conn);
  }

  private sendAccountUpdates(conn: ClientConnection, conIds: number[] | undefined): void {
    const acct = this.sim.account;
    for (const [key, value, currency] of this.accountValues()) {
      conn.send(encodeUpdateAccountValue(conn.version, { key, value, currency, accountName: acct.id }));
    }
    for (const pos of acct.positions.values()) {
      if (conIds && !conIds.includes(pos.contract.conId)) continue;
      const mark = this.sim.market.mid(pos.contract.conId) ?? pos.avgCost / pos.multiplier;
      const { marketValue, unrealizedPnl } = acct.valuation(pos, mark);
      conn.send(
        encodeUpdatePortfolio(conn.version, {
          contract: pos.contract,
          position: pos.quantity,
          marketPrice: mark,
          marketValue: roundCents(marketValue),
          averageCost: round6(pos.avgCost),
          unrealizedPNL: roundCents(unrealizedPnl),
          realizedPNL: roundCents(pos.realizedPnl),
          accountName: acct.id,
        }),
      );
    }
    const p = nyParts(this.sim.market.now());
    conn.send(encodeUpdateAccountTime(conn.version, `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`));
  }

  // ---- reqPositions ----

  subscribePositions(conn: ClientConnection): void {
    this.positionSubs.add(conn);
    for (const pos of this.sim.account.positions.values()) this.sendPosition(conn, pos.contract.conId);
    conn.send(encodePositionEnd(conn.version));
  }

  cancelPositions(conn: ClientConnection): void {
    this.positionSubs.delete(conn);
  }

  private sendPosition(conn: ClientConnection, conId: number): void {
    const pos = this.sim.account.positions.get(conId);
    if (!pos) return;
    conn.send(encodePosition(conn.version, { account: this.sim.account.id, contract: pos.contract, position: pos.quantity, avgCost: round6(pos.avgCost) }));
  }

  // ---- reqAccountSummary ----

  subscribeSummary(conn: ClientConnection, reqId: number, tags: string[]): void {
    const expanded = tags.flatMap((t) => (t.startsWith('$LEDGER') ? ['$LEDGER'] : [t]));
    this.summarySubs.add({ conn, reqId, tags: expanded });
    this.sendSummary(conn, reqId, expanded);
    conn.send(encodeAccountSummaryEnd(conn.version, reqId));
  }

  cancelSummary(conn: ClientConnection, reqId: number): void {
    this.summarySubs.remove(conn, reqId);
  }

  private sendSummary(conn: ClientConnection, reqId: number, tags: string[]): void {
    const s = this.summary();
    const account = this.sim.account.id;
    for (const tag of tags) {
      if (tag === '$LEDGER') {
        for (const [t, amount] of LEDGER_AMOUNTS) {
          conn.send(encodeAccountSummary(conn.version, { reqId, account, tag: t, value: money(s[amount]), currency: this.sim.account.currency }));
        }
        continue;
      }
      const row = this.summaryValue(tag, s);
      if (row) conn.send(encodeAccountSummary(conn.version, { reqId, account, tag, value: row[0], currency: row[1] }));
    }
  }

  // ---- reqAccountUpdatesMulti ----

  subscribeMulti(conn: ClientConnection, reqId: number, ledgerAndNLV: boolean): void {
    this.multiSubs.add({ conn, reqId, ledgerAndNLV });
    this.sendMulti(conn, reqId, ledgerAndNLV);
    conn.send(encodeAccountUpdateMultiEnd(conn.version, reqId));
  }

  cancelMulti(conn: ClientConnection, reqId: number): void {
    this.multiSubs.remove(conn, reqId);
  }

  private sendMulti(conn: ClientConnection, reqId: number, ledgerAndNLV: boolean): void {
    const rows = this.accountValues().filter(([k]) => !ledgerAndNLV || ['NetLiquidation', 'CashBalance', 'TotalCashBalance', 'Currency'].includes(k));
    for (const [k, value, currency] of rows) {
      conn.send(encodeAccountUpdateMulti(conn.version, { reqId, account: this.sim.account.id, modelCode: '', key: k, value, currency }));
    }
  }

  // ---- reqPnL / reqPnLSingle ----

  subscribePnl(conn: ClientConnection, reqId: number): void {
    this.pnlSubs.add({ conn, reqId });
    this.sendPnl(conn, reqId);
  }

  cancelPnl(conn: ClientConnection, reqId: number): void {
    this.pnlSubs.remove(conn, reqId);
  }

  subscribePnlSingle(conn: ClientConnection, reqId: number, conId: number): void {
    this.pnlSingleSubs.add({ conn, reqId, conId });
    this.sendPnlSingle(conn, reqId, conId);
  }

  cancelPnlSingle(conn: ClientConnection, reqId: number): void {
    this.pnlSingleSubs.remove(conn, reqId);
  }

  private sendPnl(conn: ClientConnection, reqId: number): void {
    const s = this.summary();
    conn.send(
      encodePnl(conn.version, { reqId, dailyPnL: roundCents(s.DailyPnL), unrealizedPnL: roundCents(s.UnrealizedPnL), realizedPnL: roundCents(s.RealizedPnL) }),
    );
  }

  private sendPnlSingle(conn: ClientConnection, reqId: number, conId: number): void {
    const acct = this.sim.account;
    const pos = acct.positions.get(conId);
    const mark = this.sim.market.mid(conId);
    if (!pos || mark === undefined) {
      conn.send(encodePnlSingle(conn.version, { reqId, position: 0, dailyPnL: 0, unrealizedPnL: 0, realizedPnL: 0, value: 0 }));
      return;
    }
    const { marketValue, unrealizedPnl } = acct.valuation(pos, mark);
    conn.send(
      encodePnlSingle(conn.version, {
        reqId,
        position: pos.quantity,
        dailyPnL: roundCents(unrealizedPnl + pos.realizedPnl),
        unrealizedPnL: roundCents(unrealizedPnl),
        realizedPnL: roundCents(pos.realizedPnl),
        value: roundCents(marketValue),
      }),
    );
  }

  // ---- pushes ----

  private onAccountChanged(conIds: number[]): void {
    for (const conn of this.accountUpdates) if (conn.isOpen) this.sendAccountUpdates(conn, conIds);
    for (const conn of this.positionSubs) if (conn.isOpen) for (const id of conIds) this.sendPosition(conn, id);
    for (const s of this.summarySubs.values()) if (s.conn.isOpen) this.sendSummary(s.conn, s.reqId, s.tags);
    for (const s of this.multiSubs.values()) if (s.conn.isOpen) this.sendMulti(s.conn, s.reqId, s.ledgerAndNLV);
  }

  /** P&L streams update about once a second, as TWS's do. */
  onTick(): void {
    const now = Date.now();
    if (now - this.lastPnlWall < 1000) return;
    this.lastPnlWall = now;
    for (const s of this.pnlSubs.values()) if (s.conn.isOpen) this.sendPnl(s.conn, s.reqId);
    for (const s of this.pnlSingleSubs.values()) if (s.conn.isOpen) this.sendPnlSingle(s.conn, s.reqId, s.conId);
  }

  /** Every account stream of every client (after 1101). */
  dropAll(): void {
    this.accountUpdates.clear();
    this.positionSubs.clear();
    for (const subs of this.requestSubscriptions()) subs.clear();
  }

  dropConnection(conn: ClientConnection): void {
    this.accountUpdates.delete(conn);
    this.positionSubs.delete(conn);
    for (const subs of this.requestSubscriptions()) subs.dropConnection(conn);
  }

  private requestSubscriptions(): Array<RequestSubscriptions<RequestSubscription>> {
    return [this.summarySubs, this.multiSubs, this.pnlSubs, this.pnlSingleSubs];
  }
}

function money(x: number): string {
  return x.toFixed(2);
}

/** Excess liquidity as a share of net liquidation. */
function cushion(s: AccountSummary): string {
  return (s.ExcessLiquidity / Math.max(1, s.NetLiquidation)).toFixed(6);
}

/** Gross position value over net liquidation. */
function leverage(s: AccountSummary): string {
  return (s.GrossPositionValue / Math.max(1, s.NetLiquidation)).toFixed(2);
}
