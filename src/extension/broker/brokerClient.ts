// The broker layer's public face: one object per TWS connection, with the connection
// state as an observable value, promise / async-iterator APIs for contracts, orders,
// account and market data, and a reconciliation report after every (re)connect.
// No vscode and no @stoqey/ib types: the extension, the CLI, tests and benchmarks all
// use this same class.
import { AccountService, type LiveValue } from './account';
import { BarService, type BarStream, type BarSubscriptionOptions } from './bars';
import { resolveBrokerConfig, heartbeatBoundMs, reconnectBoundMs, type BrokerConfig, type ResolvedBrokerConfig } from './config';
import { ConnectionManager } from './connection';
import { ContractService, type ComboLegSpec, type OptionSpec, type StockSpec } from './contracts';
import { BrokerError } from './errors';
import { ClientCode, classifyCode, type CodeKind } from '../tws/errorCodes';
import { LinkHub } from './linkHub';
import { MarketDataService } from './marketData';
import type { QuoteStream } from './quoteStream';
import { DisposableStore } from '../core/disposables';
import { Observable, Stream, type ReadonlyObservable } from '../core/observable';
import { OrderService, type PlaceOptions } from './orders';
import { Reconciler } from './reconciler';
import type {
  AccountPnl,
  AccountSnapshot,
  AccountSummaryRow,
  Bar,
  BracketRequest,
  BrokerContract,
  BrokerMetrics,
  BrokerConnectionState,
  ContractDetails,
  Fill,
  HistoricalQuery,
  OptionChain,
  OrderChanges,
  OrderPreview,
  OrderRequest,
  Position,
  PositionPnl,
  Quote,
  ReconcileReport,
  TrackedOrder,
  WhatToShow,
} from './types';

export interface TwsNotice {
  code: number;
  message: string;
  kind: CodeKind;
  meaning: string;
  at: number;
}

export class BrokerClient {
  readonly config: ResolvedBrokerConfig;
  private readonly hub: LinkHub;
  private readonly connection: ConnectionManager;
  private readonly contracts: ContractService;
  private readonly orderService: OrderService;
  private readonly accountService: AccountService;
  private readonly marketData: MarketDataService;
  private readonly barService: BarService;
  private readonly reconciler: Reconciler;
  private readonly metricsValue: Observable<BrokerMetrics>;
  private pacingViolations = 0;
  private historicalPacingViolations = 0;
  private disposed = false;
  /** The client's own listeners (metrics and notices), undone by dispose(). */
  private readonly listeners = new DisposableStore();
  /** TWS's messages without a request id (connection notices, farm status, warnings). */
  readonly notices = new Stream<TwsNotice>();

  constructor(config: BrokerConfig) {
    this.config = resolveBrokerConfig(config);
    this.hub = new LinkHub(this.config, config.clock);
    this.contracts = new ContractService(this.hub);
    this.orderService = new OrderService(this.hub, this.contracts, () => this.tradingBlocked());
    this.accountService = new AccountService(this.hub);
    this.marketData = new MarketDataService(this.hub, this.contracts);
    this.barService = new BarService(this.hub, this.contracts);
    this.reconciler = new Reconciler(this.hub, this.orderService, this.accountService);
    this.connection = new ConnectionManager(this.hub, {
      sync: async (trigger) => {
        await this.reconciler.run(trigger);
      },
      onReady: () => {
        this.accountService.onReady();
        this.marketData.onReady();
        this.barService.onReady();
        this.refreshMetrics();
      },
      onLost: (err) => {
        this.orderService.linkLost(err);
        this.accountService.onLost();
        this.marketData.onLost();
        this.barService.onLost();
        this.refreshMetrics();
      },
      onConnectivityRestored: (dataLost) => {
        if (!dataLost) return;
        this.marketData.resubscribeAfterDataLoss();
        this.barService.resubscribeAfterDataLoss();
        this.accountService.resubscribeAfterDataLoss();
        this.reconciler.run('dataLost').catch((err: unknown) => this.config.log('warn', `reconciliation after 1101 failed: ${String(err)}`));
      },
    });
    this.metricsValue = new Observable<BrokerMetrics>(this.computeMetrics(), (a, b) => JSON.stringify(a) === JSON.stringify(b));
    this.listeners.add(this.hub.pacer.queueLength.subscribe(() => this.refreshMetrics()));
    this.listeners.add(this.hub.historicalPacer.queueLength.subscribe(() => this.refreshMetrics()));
    this.listeners.add(this.hub.registry.pendingCount.subscribe(() => this.refreshMetrics()));
    this.listeners.add(
      this.hub.events.on('notice', (code, message) => {
        if (code === 100) this.pacingViolations++;
        const info = classifyCode(code, message);
        this.config.log(info.kind === 'warning' || info.kind === 'dataFarm' ? 'debug' : 'info', `TWS ${code}: ${message}`);
        this.notices.emit({ code, message, kind: info.kind, meaning: info.meaning, at: this.hub.clock.now() });
        this.refreshMetrics();
      }),
    );
    this.listeners.add(
      this.hub.events.on('error', (_reqId, code, message) => {
        if (code === 162 && /pacing violation/i.test(message)) this.historicalPacingViolations++;
        if (code === 100) this.pacingViolations++;
        this.refreshMetrics();
      }),
    );
  }

  // ---------- connection ----------

  /** Connection state: disconnected, connecting, syncing, ready, reconnecting, failed (+ account, paper/live, server version, last error). */
  get state(): ReadonlyObservable<BrokerConnectionState> {
    return this.connection.state;
  }

  /** Queued messages and historical requests, pending requests, pacing violations, reconnects. */
  get metrics(): ReadonlyObservable<BrokerMetrics> {
    this.refreshMetrics();
    return this.metricsValue;
  }

  /** Staged connect (tcp -> handshake -> api (nextValidId, managedAccounts) -> sync); resolves when ready, rejects with the failing step's BrokerError. */
  connect(): Promise<BrokerConnectionState> {
    if (this.disposed) return Promise.reject(new BrokerError({ code: ClientCode.Disposed, message: 'the broker client is disposed' }));
    return this.connection.connect();
  }

  /** Closes the connection and stops reconnecting. Subscriptions stay and resume on the next connect. */
  disconnect(): Promise<void> {
    return this.connection.disconnect();
  }

  /** Closes everything; the client cannot be used afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.marketData.dispose();
    this.barService.dispose();
    await this.connection.disconnect();
    this.connection.dispose();
    this.orderService.updates.end();
    this.orderService.fills.end();
    this.reconciler.reports.end();
    this.notices.end();
    this.listeners.dispose();
  }

  get isReady(): boolean {
    return this.connection.state.value.status === 'ready';
  }

  /** The account traded (known once connected). */
  get accountId(): string | undefined {
    return this.connection.state.value.accountId;
  }

  /** Paper account (DU...)? Undefined until connected. The session refuses live accounts in paper mode. */
  get isPaper(): boolean | undefined {
    return this.connection.state.value.isPaper;
  }

  get clientId(): number {
    return this.connection.state.value.clientId;
  }

  /** A half-open socket is detected at most this long after TWS's last message. */
  get heartbeatBoundMs(): number {
    return heartbeatBoundMs(this.config.heartbeat);
  }

  /** The longest wait between reconnect attempts. */
  get reconnectBoundMs(): number {
    return reconnectBoundMs(this.config.reconnect);
  }

  /** TWS's clock (epoch ms). */
  twsTime(): Promise<number> {
    return this.barService.twsTime();
  }

  // ---------- contracts ----------

  resolveStock(symbol: string, spec?: StockSpec): Promise<BrokerContract> {
    return this.contracts.resolveStock(symbol, spec);
  }

  resolveOption(spec: OptionSpec): Promise<BrokerContract> {
    return this.contracts.resolveOption(spec);
  }

  resolveContract(contract: BrokerContract): Promise<BrokerContract> {
    return this.contracts.resolve(contract);
  }

  contractDetails(contract: BrokerContract): Promise<ContractDetails[]> {
    return this.contracts.details(contract);
  }

  optionChain(symbol: string, underlyingConId?: number): Promise<OptionChain[]> {
    return this.contracts.optionChain(symbol, underlyingConId);
  }

  /** A BAG contract from legs with conIds (or contracts that resolve to them). */
  comboContract(legs: ComboLegSpec[], opts?: { symbol?: string; currency?: string; exchange?: string }): Promise<BrokerContract> {
    return this.contracts.combo(legs, opts);
  }

  // ---------- orders ----------

  /**
   * Places one order (MKT, LMT, STP, STP LMT; stock, option or BAG). `beforeSend(intent)` is
   * awaited before anything is sent. Resolves when TWS acknowledges; rejects with the TWS
   * error (201, 321, ...) or TimeoutError. Refuses unless `ready`.
   */
  placeOrder(request: OrderRequest, opts?: PlaceOptions): Promise<TrackedOrder> {
    return this.orderService.place(request, opts);
  }

  /** Entry + take-profit + stop-loss; a fill of one exit cancels the other. */
  placeBracket(request: BracketRequest, opts?: PlaceOptions): Promise<{ parent: TrackedOrder; takeProfit: TrackedOrder; stopLoss: TrackedOrder }> {
    return this.orderService.placeBracket(request, opts);
  }

  /** Orders in one OCA group (type 1: a fill cancels the rest). */
  placeOcaGroup(requests: OrderRequest[], group: string, opts?: PlaceOptions & { ocaType?: 1 | 2 | 3 }): Promise<TrackedOrder[]> {
    return this.orderService.placeOcaGroup(requests, group, opts);
  }

  modifyOrder(orderId: number, changes: OrderChanges, timeoutMs?: number): Promise<TrackedOrder> {
    return this.orderService.modify(orderId, changes, timeoutMs);
  }

  cancelOrder(orderId: number, timeoutMs?: number): Promise<TrackedOrder> {
    return this.orderService.cancel(orderId, timeoutMs);
  }

  /** What-if: margin and commission, nothing placed. */
  previewOrder(request: OrderRequest, timeoutMs?: number): Promise<OrderPreview> {
    return this.orderService.preview(request, timeoutMs);
  }

  order(orderId: number): TrackedOrder | undefined {
    return this.orderService.get(orderId);
  }

  /**
   * reqIds: TWS's next valid order id, and the client's id sequence moved past it. After error
   * 103 (Duplicate order id: another program used the id) the next order gets a fresh id.
   * TWS API docs, "Next Valid Identifier": ids must increase; reqIds asks for the next one.
   */
  refreshOrderIds(timeoutMs = this.config.timeouts.syncStepMs): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new BrokerError({ code: ClientCode.Timeout, message: `reqIds: no nextValidId within ${timeoutMs} ms` }));
      }, timeoutMs);
      // the link hub's own listener (registered first) has already seeded the sequence when this runs
      const off = this.hub.events.on('nextValidId', (id) => {
        clearTimeout(timer);
        off();
        resolve(id);
      });
      this.hub
        .send('reqIds', (api) => api.reqIds(), { priority: true })
        .catch((err: unknown) => {
          clearTimeout(timer);
          off();
          reject(err instanceof BrokerError ? err : new BrokerError({ code: ClientCode.NotReady, message: `reqIds: ${String(err)}` }));
        });
    });
  }

  orders(): TrackedOrder[] {
    return this.orderService.all();
  }

  /** Every change of any order (listeners, or `for await`). */
  get orderUpdates(): Stream<TrackedOrder> {
    return this.orderService.updates;
  }

  /** Every execution of the account the first time it is seen. */
  get fills(): Stream<Fill> {
    return this.orderService.fills;
  }

  allFills(): Fill[] {
    return this.orderService.tracker.fills();
  }

  /** TWS knows (or this client placed) an order or execution with this orderRef; O(1). */
  knowsOrderRef(orderRef: string): boolean {
    return this.orderService.tracker.knowsOrderRef(orderRef);
  }

  waitForOrder(orderId: number, done: (o: TrackedOrder) => boolean, timeoutMs: number): Promise<TrackedOrder> {
    return this.orderService.waitFor(orderId, done, timeoutMs);
  }

  /** Resolves once the order is filled, cancelled, rejected or lost. */
  orderDone(orderId: number, timeoutMs?: number): Promise<TrackedOrder> {
    return this.orderService.done(orderId, timeoutMs);
  }

  // ---------- account ----------

  /** Positions by "account:conId", kept current by TWS's position stream. */
  get positions(): ReadonlyObservable<ReadonlyMap<string, Position>> {
    return this.accountService.positions;
  }

  positionList(includeClosed = false): Position[] {
    return this.accountService.list(includeClosed);
  }

  position(conId: number): Position | undefined {
    return this.accountService.position(conId);
  }

  /** Account values and portfolio (reqAccountUpdates), kept current. */
  get account(): ReadonlyObservable<AccountSnapshot | undefined> {
    return this.accountService.snapshot;
  }

  accountSummary(tags?: string[], group?: string): Promise<AccountSummaryRow[]> {
    return this.accountService.summary(tags, group);
  }

  subscribePnl(account?: string): LiveValue<AccountPnl> {
    return this.accountService.subscribePnl(account);
  }

  subscribePositionPnl(conId: number, account?: string): LiveValue<PositionPnl> {
    return this.accountService.subscribePositionPnl(conId, account);
  }

  // ---------- market data ----------

  /** Streaming quotes; delayed data when not subscribed. Resolves at the first price. */
  subscribeQuotes(contract: BrokerContract, timeoutMs?: number): Promise<QuoteStream> {
    return this.marketData.subscribe(contract, timeoutMs);
  }

  quoteSnapshot(contract: BrokerContract, timeoutMs?: number): Promise<Quote> {
    return this.marketData.snapshot(contract, timeoutMs);
  }

  /** 1 live, 3 delayed (after a 354 fallback). */
  get marketDataType(): 1 | 3 {
    return this.marketData.marketDataType;
  }

  historicalBars(contract: BrokerContract, query: HistoricalQuery, timeoutMs?: number): Promise<Bar[]> {
    return this.barService.historical(contract, query, timeoutMs);
  }

  realTimeBars(contract: BrokerContract, opts?: { whatToShow?: WhatToShow; useRth?: boolean }): Promise<BarStream> {
    return this.barService.realTimeBars(contract, opts);
  }

  /** Completed bars of the size a policy wants, from real-time bars or keepUpToDate history. */
  subscribeBars(contract: BrokerContract, opts: BarSubscriptionOptions): Promise<BarStream> {
    return this.barService.subscribe(contract, opts);
  }

  // ---------- reconciliation ----------

  /** Reports of every reconciliation ((re)connect, 1101, manual). */
  get reconciliations(): Stream<ReconcileReport> {
    return this.reconciler.reports;
  }

  get lastReconciliation(): ReconcileReport | undefined {
    return this.reconciler.last;
  }

  /** Runs a reconciliation now (ready only). */
  reconcile(): Promise<ReconcileReport> {
    if (!this.isReady) return Promise.reject(new BrokerError({ code: ClientCode.NotReady, message: 'reconcile: not connected' }));
    return this.reconciler.run('manual');
  }

  /** Positions the caller believes it holds (from its journal); the next sync reports differences. */
  believePositions(positions: Array<{ account?: string; conId: number; quantity: number; symbol?: string }>): void {
    this.reconciler.believePositions(positions);
  }

  // ---------- internals ----------

  private tradingBlocked(): BrokerError | undefined {
    const s = this.connection.state.value;
    if (s.status !== 'ready' || !this.hub.isReady)
      return new BrokerError({ code: ClientCode.NotReady, message: `not ready to trade (connection ${s.status})` });
    if (s.ibConnectivity === 'lost')
      return new BrokerError({ code: 1100, message: 'TWS has lost its connection to IB (1100): orders would not reach the exchange' });
    return undefined;
  }

  private computeMetrics(): BrokerMetrics {
    const m: BrokerMetrics = {
      queuedMessages: this.hub.pacer.length,
      queuedHistorical: this.hub.historicalPacer.queueLength.value,
      pendingRequests: this.hub.registry.size,
      sentMessages: this.hub.pacer.sent,
      maxQueuedMessages: this.hub.pacer.maxQueued,
      pacingViolations: this.pacingViolations,
      historicalPacingViolations: this.historicalPacingViolations,
      reconnects: this.connection?.state.value.reconnects ?? 0,
    };
    const rtt = this.connection?.heartbeatRttMs;
    if (rtt !== undefined) m.heartbeatRttMs = rtt;
    return m;
  }

  private refreshMetrics(): void {
    if (this.metricsValue) this.metricsValue.set(this.computeMetrics());
  }
}

export function createBrokerClient(config: BrokerConfig): BrokerClient {
  return new BrokerClient(config);
}
