// What one broker connection feeds the panel besides its orders: the positions with live
// prices, the account strip's values and P&L (AccountFeed) and the watchlist's quotes
// (WatchlistQuotes), each following the connection's state. Made by the Trader with the
// broker, undone with it by dispose().
import type { BrokerClient } from '../broker/brokerClient';
import type { LogLevel } from '../broker/config';
import { DisposableStore } from '../core/disposables';
import { AccountFeed } from './accountFeed';
import type { PanelStore } from './panelStore';
import { WatchlistQuotes } from './watchlistQuotes';

export class PanelFeeds {
  private readonly scope = new DisposableStore();

  constructor(broker: BrokerClient, store: PanelStore, log: (level: LogLevel, message: string) => void) {
    const account = this.scope.add(new AccountFeed(broker, store, (message) => log('debug', message)));
    const watchlist = new WatchlistQuotes(broker, store.watchlist, (message) => log('info', message));
    this.scope.add(() => watchlist.close());
    this.scope.add(store.watchlist.onSymbols((symbols) => watchlist.sync(symbols)));
    watchlist.sync(store.watchlist.symbols());
    this.scope.add(
      broker.state.subscribe((s, prev) => {
        if (s.status === prev.status) return;
        account.onState(s);
        watchlist.onState(s);
      }),
    );
  }

  dispose(): void {
    this.scope.dispose();
  }
}
