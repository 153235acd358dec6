// One broker connection's account data into the PanelStore: positions with live prices
// (HeldQuotes), TWS's account values and portfolio, the account's P&L (reqPnL) and each held
// position's day P&L (reqPnLSingle, opened when the position appears, closed when it is gone).
// The P&L subscriptions follow the broker across reconnects; everything is undone by dispose().
import type { LiveValue } from '../broker/account';
import type { BrokerClient } from '../broker/brokerClient';
import type { BrokerConnectionState, Position, PositionPnl } from '../broker/types';
import { DisposableStore } from '../core/disposables';
import { HeldQuotes } from './heldQuotes';
import type { PanelStore } from './panelStore';

type FeedBroker = Pick<BrokerClient, 'isReady' | 'subscribeQuotes' | 'positions' | 'account' | 'subscribePnl' | 'subscribePositionPnl' | 'state'>;

export class AccountFeed {
  private readonly scope = new DisposableStore();
  private readonly quotes: HeldQuotes;
  /** reqPnLSingle per held position, by account:conId */
  private readonly positionPnl = new Map<string, LiveValue<PositionPnl>>();

  constructor(
    private readonly broker: FeedBroker,
    private readonly store: PanelStore,
    private readonly log: (message: string) => void,
  ) {
    const quotes = (this.quotes = new HeldQuotes(broker, (key, price) => store.setQuote(key, price), log));
    this.scope.add(() => quotes.close());
    this.scope.add(() => this.closePositionPnl());
    this.scope.add(
      broker.positions.subscribe((m) => {
        store.setPositions(m.values());
        quotes.sync([...m.values()]);
        this.syncPositionPnl([...m.values()]);
      }, true),
    );
    this.scope.add(
      broker.account.subscribe((snap) => {
        if (snap) store.setPortfolio(snap.portfolio);
        store.account.setSnapshot(snap);
      }, true),
    );
    const pnl = broker.subscribePnl();
    this.scope.add(() => pnl.close());
    this.scope.add(pnl.value.subscribe((v) => v && store.account.setPnl(v), true));
    this.scope.add(
      pnl.lastError.subscribe((e) => {
        if (e) log(`no account P&L: ${e.message}`);
      }),
    );
  }

  /** A connection state change: a connection that is gone takes its quote streams with it. */
  onState(s: BrokerConnectionState): void {
    if (s.status === 'disconnected' || s.status === 'failed') this.quotes.close();
  }

  private syncPositionPnl(positions: readonly Position[]): void {
    const wanted = new Map<string, Position>();
    for (const p of positions) if (p.quantity !== 0 && p.contract.conId) wanted.set(`${p.account}:${p.contract.conId}`, p);
    for (const [key, live] of this.positionPnl) {
      if (wanted.has(key)) continue;
      live.close();
      this.positionPnl.delete(key);
      this.store.account.setDayChange(key, undefined);
    }
    for (const [key, p] of wanted) {
      if (this.positionPnl.has(key)) continue;
      let live: LiveValue<PositionPnl>;
      try {
        live = this.broker.subscribePositionPnl(p.contract.conId!, p.account);
      } catch (err) {
        this.log(`no day P&L for ${p.contract.symbol}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      this.positionPnl.set(key, live);
      live.updates.on((v) => this.store.account.setDayChange(key, v.daily));
    }
  }

  private closePositionPnl(): void {
    for (const live of this.positionPnl.values()) live.close();
    this.positionPnl.clear();
  }

  dispose(): void {
    this.scope.dispose();
  }
}
