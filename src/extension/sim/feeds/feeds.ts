// Every stream the simulator pushes, ticked together by the simulator's clock loop.
import type { ClientConnection } from '../server/clientConnection';
import type { TwsSimulator } from '../server/twsSimulator';
import { AccountFeed } from './accountFeed';
import { BarFeed } from './barFeed';
import { MarketDataFeed } from './marketDataFeed';
import { OrderFeed } from './orderFeed';

export class SimFeeds {
  readonly marketData: MarketDataFeed;
  readonly bars: BarFeed;
  readonly account: AccountFeed;
  readonly orders: OrderFeed;

  constructor(sim: TwsSimulator) {
    this.marketData = new MarketDataFeed(sim);
    this.bars = new BarFeed(sim);
    this.account = new AccountFeed(sim);
    this.orders = new OrderFeed(sim);
  }

  onTick(): void {
    this.marketData.onTick();
    this.bars.onTick();
    this.account.onTick();
  }

  dropConnection(conn: ClientConnection): void {
    this.marketData.dropConnection(conn);
    this.bars.dropConnection(conn);
    this.account.dropConnection(conn);
  }

  /** 1101 "data lost": market and account data subscriptions must be resubmitted. */
  dropSubscriptions(): void {
    this.marketData.dropAll();
    this.bars.dropAll();
    this.account.dropAll();
  }
}
