// Positions, account values and summary, P&L per account and per position. Positions and
// account values are streamed for the whole session (reqPositions, reqAccountUpdates) and
// rebuilt from scratch by every (re)connect's sync; P&L subscriptions survive reconnects.
import { BrokerError } from './errors';
import { ClientCode } from '../tws/errorCodes';
import type { LinkHub } from './linkHub';
import { Observable, Stream } from '../core/observable';
import { MONEY_TAGS } from '../tws/accountTags';
import type { AccountPnl, AccountSnapshot, AccountSummaryRow, PortfolioItem, Position, PositionPnl } from './types';

export const DEFAULT_SUMMARY_TAGS = [...MONEY_TAGS, 'Cushion', 'DayTradesRemaining', 'Leverage'];

export function positionKey(account: string, conId: number | undefined): string {
  return `${account}:${conId ?? 0}`;
}

/** A live value (P&L) that follows the session across reconnects. */
export class LiveValue<T> {
  readonly value = new Observable<T | undefined>(undefined);
  readonly updates = new Stream<T>();
  readonly lastError = new Observable<BrokerError | undefined>(undefined);
  constructor(private readonly closer: () => void) {}
  close(): void {
    this.closer();
    this.updates.end();
  }
}

interface PnlSub {
  kind: 'account' | 'position';
  account: string;
  conId?: number;
  reqId?: number;
  live: LiveValue<AccountPnl> | LiveValue<PositionPnl>;
}

export class AccountService {
  /** Positions by account:conId, as TWS last reported them (quantity 0 = closed today). */
  readonly positions = new Observable<ReadonlyMap<string, Position>>(new Map());
  readonly positionUpdates = new Stream<Position>();
  readonly snapshot = new Observable<AccountSnapshot | undefined>(undefined);
  private publishQueued = false;
  private staging: Map<string, Position> | undefined;
  private values: Record<string, string> = {};
  private portfolio = new Map<number, PortfolioItem>();
  private readonly pnlSubs = new Set<PnlSub>();

  constructor(private readonly hub: LinkHub) {
    const events = hub.events;
    events.on('position', (p) => {
      if (this.staging) {
        this.staging.set(positionKey(p.account, p.contract.conId), p);
        return;
      }
      const next = new Map(this.positions.value);
      next.set(positionKey(p.account, p.contract.conId), p);
      this.positions.set(next);
      this.positionUpdates.emit(p);
    });
    events.on('positionEnd', () => {
      const req = hub.registry.get<Map<string, Position>>('positions');
      if (req && this.staging) {
        const staged = this.staging;
        this.staging = undefined;
        req.resolve(staged);
      }
    });
    events.on('accountValue', (v) => {
      if (v.account && hub.facts && v.account !== hub.facts.accountId) return;
      this.values[v.currency && v.currency !== '' ? `${v.key}:${v.currency}` : v.key] = v.value;
      if (!this.values[v.key] || v.currency === '' || v.currency === this.values.Currency || v.currency === 'BASE') this.values[v.key] = v.value;
      this.publishSoon();
    });
    events.on('portfolio', (item) => {
      if (item.account && hub.facts && item.account !== hub.facts.accountId) return;
      if (item.contract.conId) this.portfolio.set(item.contract.conId, item);
      this.publishSoon();
    });
    events.on('accountDownloadEnd', (account) => {
      this.publish();
      hub.registry.get<AccountSnapshot | undefined>('accountUpdates')?.resolve(this.snapshot.value ?? emptySnapshot(account, hub.clock.now()));
    });
    events.on('accountSummary', (reqId, account, tag, value, currency) =>
      hub.registry.get<AccountSummaryRow[], AccountSummaryRow>(reqId)?.push({ account, tag, value, currency }),
    );
    events.on('accountSummaryEnd', (reqId) => {
      const req = hub.registry.get<AccountSummaryRow[], AccountSummaryRow>(reqId);
      req?.resolve(req.rows);
    });
    events.on('pnl', (reqId, daily, unrealized, realized) =>
      this.publishPnl(reqId, 'account', unrealized, realized, (s): AccountPnl => ({ account: s.account, daily, at: hub.clock.now() })),
    );
    events.on('pnlSingle', (reqId, position, daily, unrealized, realized, value) =>
      this.publishPnl(reqId, 'position', unrealized, realized, (s): PositionPnl => ({
        account: s.account,
        conId: s.conId!,
        position,
        daily,
        value,
        at: hub.clock.now(),
      })),
    );
    events.on('error', (reqId, code, message) => {
      for (const s of this.pnlSubs) if (s.reqId === reqId) s.live.lastError.set(new BrokerError({ reqId, code, message }));
    });
  }

  /** Positions as a list (non-zero only unless `includeClosed`). */
  list(includeClosed = false): Position[] {
    return [...this.positions.value.values()].filter((p) => includeClosed || p.quantity !== 0);
  }

  position(conId: number, account = this.hub.facts?.accountId): Position | undefined {
    return account ? this.positions.value.get(positionKey(account, conId)) : undefined;
  }

  // ---------- sync (called by the reconciler on every session) ----------

  /** reqPositions until positionEnd; replaces the position map. The subscription stays on. */
  async syncPositions(timeoutMs: number): Promise<Map<string, Position>> {
    this.staging = new Map();
    const req = this.hub.request<Map<string, Position>>({
      key: 'positions',
      kind: 'positions',
      timeoutMs,
      send: (api) => api.reqPositions(),
      onSettle: () => {
        this.staging = undefined;
      },
    });
    const staged = await req.promise;
    this.positions.set(staged);
    return staged;
  }

  /** reqAccountUpdates(true) until accountDownloadEnd; values and portfolio keep streaming. */
  async syncAccountValues(timeoutMs: number): Promise<AccountSnapshot | undefined> {
    const facts = this.hub.requireLink('account values');
    this.values = {};
    this.portfolio = new Map();
    const req = this.hub.request<AccountSnapshot | undefined>({
      key: 'accountUpdates',
      kind: 'account values',
      timeoutMs,
      send: (api) => api.reqAccountUpdates(true, facts.accountId),
    });
    return req.promise;
  }

  // ---------- one-shot ----------

  /** reqAccountSummary for `tags`, then cancelled. */
  async summary(tags: string[] = DEFAULT_SUMMARY_TAGS, group = 'All', timeoutMs = this.hub.config.timeouts.requestMs): Promise<AccountSummaryRow[]> {
    this.hub.requireLink('account summary');
    const reqId = this.hub.takeId();
    const req = this.hub.request<AccountSummaryRow[], AccountSummaryRow>({
      key: reqId,
      kind: 'account summary',
      timeoutMs,
      send: (api) => api.reqAccountSummary(reqId, group, tags.join(',')),
      onSettle: () => void this.hub.send('cancelAccountSummary', (api) => api.cancelAccountSummary(reqId)).catch(() => {}),
    });
    return req.promise;
  }

  // ---------- P&L ----------

  /** Daily / unrealized / realized P&L of the account, updated by TWS about once a second. */
  subscribePnl(account?: string): LiveValue<AccountPnl> {
    const sub: PnlSub = { kind: 'account', account: account ?? this.hub.facts?.accountId ?? this.hub.config.account ?? '', live: undefined as never };
    sub.live = new LiveValue<AccountPnl>(() => this.closePnl(sub));
    this.pnlSubs.add(sub);
    this.activatePnl(sub);
    return sub.live as LiveValue<AccountPnl>;
  }

  /** P&L of one position (by conId). */
  subscribePositionPnl(conId: number, account?: string): LiveValue<PositionPnl> {
    if (!conId) throw new BrokerError({ code: ClientCode.InvalidRequest, message: 'position P&L needs a conId' });
    const sub: PnlSub = { kind: 'position', conId, account: account ?? this.hub.facts?.accountId ?? this.hub.config.account ?? '', live: undefined as never };
    sub.live = new LiveValue<PositionPnl>(() => this.closePnl(sub));
    this.pnlSubs.add(sub);
    this.activatePnl(sub);
    return sub.live as LiveValue<PositionPnl>;
  }

  private activatePnl(sub: PnlSub): void {
    if (!this.hub.isReady) return;
    const facts = this.hub.facts!;
    if (!sub.account) sub.account = facts.accountId;
    const reqId = this.hub.takeId();
    sub.reqId = reqId;
    const send =
      sub.kind === 'account'
        ? this.hub.send('reqPnL', (api) => api.reqPnL(reqId, sub.account))
        : this.hub.send('reqPnLSingle', (api) => api.reqPnLSingle(reqId, sub.account, sub.conId!));
    send.catch((err: unknown) =>
      sub.live.lastError.set(err instanceof BrokerError ? err : new BrokerError({ reqId, code: ClientCode.ConnectionLost, message: String(err) })),
    );
  }

  /** A P&L update for the `kind` subscriptions of `reqId`: the figures `base` gives, then unrealized and realized when TWS sent them. */
  private publishPnl(
    reqId: number,
    kind: PnlSub['kind'],
    unrealized: number | undefined,
    realized: number | undefined,
    base: (s: PnlSub) => AccountPnl | PositionPnl,
  ): void {
    for (const s of this.pnlSubs) {
      if (s.reqId !== reqId || s.kind !== kind) continue;
      const v: AccountPnl | PositionPnl = { ...base(s), ...(unrealized !== undefined ? { unrealized } : {}), ...(realized !== undefined ? { realized } : {}) };
      // the subscription's kind says which figures its live value holds
      const live = s.live as LiveValue<AccountPnl | PositionPnl>;
      live.value.set(v);
      live.updates.emit(v);
    }
  }

  private closePnl(sub: PnlSub): void {
    if (!this.pnlSubs.delete(sub)) return;
    const reqId = sub.reqId;
    if (reqId === undefined || !this.hub.isLinked) return;
    void this.hub.send('cancelPnL', (api) => (sub.kind === 'account' ? api.cancelPnL(reqId) : api.cancelPnLSingle(reqId))).catch(() => {});
  }

  /** Session ready: (re)subscribe every P&L stream with fresh request ids. */
  onReady(): void {
    for (const sub of this.pnlSubs) this.activatePnl(sub);
  }

  onLost(): void {
    this.staging = undefined;
    for (const sub of this.pnlSubs) delete sub.reqId;
  }

  /** 1101: TWS dropped account subscriptions too. */
  resubscribeAfterDataLoss(): void {
    for (const sub of this.pnlSubs) {
      const old = sub.reqId;
      if (old !== undefined) void this.hub.send('cancelPnL', (api) => (sub.kind === 'account' ? api.cancelPnL(old) : api.cancelPnLSingle(old))).catch(() => {});
      this.activatePnl(sub);
    }
  }

  /**
   * TWS sends account values in bursts (dozens after every fill, each its own message): one
   * snapshot per burst, built once the messages decoded together are all in (a microtask),
   * instead of a copy of every value per message.
   */
  private publishSoon(): void {
    if (this.publishQueued) return;
    this.publishQueued = true;
    queueMicrotask(() => {
      if (this.publishQueued) this.publish();
    });
  }

  private publish(): void {
    this.publishQueued = false;
    const account = this.hub.facts?.accountId ?? this.values.AccountCode ?? '';
    const n = (k: string) => {
      const v = Number(this.values[k]);
      return Number.isFinite(v) && this.values[k] !== undefined ? v : undefined;
    };
    const snap: AccountSnapshot = { account, values: { ...this.values }, portfolio: [...this.portfolio.values()], updatedAt: this.hub.clock.now() };
    const set = (k: 'netLiquidation' | 'totalCashValue' | 'buyingPower' | 'availableFunds' | 'excessLiquidity', key: string) => {
      const v = n(key);
      if (v !== undefined) snap[k] = v;
    };
    set('netLiquidation', 'NetLiquidation');
    set('totalCashValue', 'TotalCashValue');
    set('buyingPower', 'BuyingPower');
    set('availableFunds', 'AvailableFunds');
    set('excessLiquidity', 'ExcessLiquidity');
    if (this.values.Currency) snap.currency = this.values.Currency;
    this.snapshot.set(snap);
  }
}

function emptySnapshot(account: string, at: number): AccountSnapshot {
  return { account, values: {}, portfolio: [], updatedAt: at };
}
