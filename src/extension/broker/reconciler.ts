// Reconciliation, run by every (re)connect as its initial sync and after 1101: rebuild
// positions, open orders, today's executions and account values from TWS, then report
// how that differs from what the client believed - fills that happened while it was
// away, orders that finished or never arrived, positions that moved.
//
// No order is ever re-sent here: an order TWS does not know after a reconnect is marked
// `lost` and reported; deciding to place it again is the trading session's call.
import type { AccountService } from './account';
import { positionKey } from './account';
import { BrokerError } from './errors';
import type { LinkHub } from './linkHub';
import { Stream } from '../core/observable';
import type { OrderService } from './orders';
import { TERMINAL_STATES, type Fill, type OrderDifference, type OrderLifecycle, type PositionDifference, type ReconcileReport } from './types';

/** completedOrder decodes correctly in @stoqey/ib 1.6.10 only from server version 177 on. */
const COMPLETED_ORDERS_MIN_SERVER_VERSION = 177;

export type ReconcileTrigger = ReconcileReport['trigger'];

export class Reconciler {
  readonly reports = new Stream<ReconcileReport>();
  last: ReconcileReport | undefined;
  /** Positions the caller says it holds (e.g. from its journal), compared on the next sync. */
  private seededBeliefs: Array<{ account?: string; conId: number; quantity: number; symbol?: string }> | undefined;
  private hadLink = false;
  private running: Promise<ReconcileReport> | undefined;

  constructor(
    private readonly hub: LinkHub,
    private readonly orders: OrderService,
    private readonly account: AccountService,
  ) {
    hub.events.on('openOrder', (ev) => {
      if (!ev.whatIf) hub.registry.get<Set<number>, number>('openOrders')?.push(ev.orderId);
    });
    hub.events.on('openOrderEnd', () => {
      const req = hub.registry.get<Set<number>, number>('openOrders');
      req?.resolve(new Set(req.rows));
    });
    hub.events.on('execDetails', (reqId, fill) => hub.registry.get<Fill[], Fill>(reqId)?.push(fill));
    hub.events.on('execDetailsEnd', (reqId) => {
      const req = hub.registry.get<Fill[], Fill>(reqId);
      req?.resolve(req.rows);
    });
    hub.events.on('completedOrder', (ev) => hub.registry.get<unknown, typeof ev>('completedOrders')?.push(ev));
    hub.events.on('completedOrdersEnd', () => {
      const req = hub.registry.get<unknown, unknown>('completedOrders');
      req?.resolve(req.rows);
    });
  }

  believePositions(list: Array<{ account?: string; conId: number; quantity: number; symbol?: string }>): void {
    this.seededBeliefs = [...list];
  }

  /** Runs one reconciliation (serialized: a second call while one runs waits for it). */
  run(trigger: ReconcileTrigger): Promise<ReconcileReport> {
    if (this.running) return this.running;
    this.running = this.doRun(trigger).finally(() => (this.running = undefined));
    return this.running;
  }

  private async doRun(trigger: ReconcileTrigger): Promise<ReconcileReport> {
    const facts = this.hub.requireLink('reconcile');
    const t = this.hub.config.timeouts.syncStepMs;
    this.orders.setClientId(facts.clientId);

    // What the client believes, before TWS answers.
    const before = new Map(this.orders.all().map((o) => [o.orderId, { state: o.state, filled: o.filled }]));
    const knownExecs = new Set(this.orders.tracker.fills().map((f) => f.execId));
    const believed = this.seededBeliefs ? seeded(this.seededBeliefs, facts.accountId) : this.hadLink ? positionBeliefs(this.account) : undefined;
    this.seededBeliefs = undefined;

    const step = <T>(name: string, p: Promise<T>): Promise<T> =>
      p.catch((err: unknown) => {
        const e = err instanceof BrokerError ? err : new BrokerError({ code: -1, message: String(err) });
        throw new BrokerError({ reqId: e.reqId, code: e.code, message: `sync step "${name}" failed: ${e.message}`, step: 'sync' });
      });
    const execReqId = this.hub.takeId();
    const [, openIds, executions] = await Promise.all([
      step('positions', this.account.syncPositions(t)),
      step(
        'open orders',
        this.hub.request<Set<number>, number>({ key: 'openOrders', kind: 'open orders', timeoutMs: t, send: (api) => api.reqOpenOrders() }).promise,
      ),
      step(
        'executions',
        this.hub.request<Fill[], Fill>({
          key: execReqId,
          kind: "today's executions",
          timeoutMs: t,
          send: (api) => api.reqExecutions(execReqId, { account: facts.accountId }),
        }).promise,
      ),
      step('account values', this.account.syncAccountValues(t)),
    ]);
    this.hadLink = true;

    // Orders the client thought were working that TWS no longer lists as open.
    const at = this.hub.clock.now();
    const missing = [...before.entries()].filter(([id, b]) => !TERMINAL_STATES.has(b.state) && !openIds.has(id)).map(([id]) => id);
    const stillOpenAfterExecs = missing.filter((id) => {
      const o = this.orders.get(id);
      return o !== undefined && !TERMINAL_STATES.has(o.state);
    });
    if (stillOpenAfterExecs.length && facts.serverVersion >= COMPLETED_ORDERS_MIN_SERVER_VERSION)
      await this.applyCompletedOrders(t).catch((err: unknown) => this.hub.log('warn', `completed orders unavailable: ${String(err)}`));
    for (const id of missing) this.orders.tracker.apply({ type: 'notOpenAtTws', orderId: id, at });
    const missingSet = new Set(missing);

    // The report.
    const orderDiffs: OrderDifference[] = [];
    for (const o of this.orders.all()) {
      const b = before.get(o.orderId);
      const after = { state: o.state, filled: o.filled };
      const base = { orderId: o.orderId, ...(o.permId ? { permId: o.permId } : {}), ...(o.orderRef ? { orderRef: o.orderRef } : {}) };
      if (!b) {
        orderDiffs.push({
          ...base,
          kind: 'unknownToUs',
          after,
          detail: `TWS has order ${o.orderId} (${o.state}, filled ${o.filled}/${o.quantity}) that this client did not know`,
        });
        continue;
      }
      if (b.state === after.state && b.filled === after.filled) continue;
      const kind: OrderDifference['kind'] = o.state === 'lost' ? 'notTransmitted' : missingSet.has(o.orderId) ? 'goneAtTws' : 'changed';
      orderDiffs.push({ ...base, kind, before: b, after, detail: describeChange(o.orderId, b, after, o.note) });
    }
    const newFills = this.orders.tracker.fills().filter((f) => !knownExecs.has(f.execId) && (!f.account || f.account === facts.accountId));
    const positions: PositionDifference[] = [];
    if (believed) {
      const actual = this.account.positions.value;
      const keys = new Set([...believed.keys(), ...actual.keys()]);
      for (const k of keys) {
        const b = believed.get(k);
        const a = actual.get(k);
        const bq = b?.quantity ?? 0;
        const aq = a?.quantity ?? 0;
        if (Math.abs(bq - aq) < 1e-9) continue;
        positions.push({
          account: a?.account ?? b!.account,
          conId: a?.contract.conId ?? b!.conId,
          symbol: a?.contract.symbol ?? b!.symbol,
          believed: bq,
          actual: aq,
        });
      }
    }
    const report: ReconcileReport = {
      at: this.hub.clock.now(),
      trigger,
      orders: orderDiffs,
      newFills,
      positions,
      openOrders: openIds.size,
      executions: executions.length,
      clean: orderDiffs.length === 0 && positions.length === 0 && (trigger === 'connect' || newFills.length === 0),
    };
    this.last = report;
    if (!report.clean) this.hub.log('warn', `reconciliation (${trigger}): ${summarize(report)}`);
    this.reports.emit(report);
    return report;
  }

  /** reqCompletedOrders: exact final status of orders that finished while the client was away. */
  private async applyCompletedOrders(timeoutMs: number): Promise<void> {
    const rows = await this.hub.request<
      Array<{ permId?: number; status: string; totalQuantity: number; filledQuantity?: number }>,
      { permId?: number; status: string; totalQuantity: number; filledQuantity?: number }
    >({
      key: 'completedOrders',
      kind: 'completed orders',
      timeoutMs,
      send: (api) => api.reqCompletedOrders(true),
    }).promise;
    const at = this.hub.clock.now();
    for (const r of rows) {
      if (!r.permId) continue;
      const orderId = this.orders.tracker.orderIdByPermId(r.permId);
      if (orderId === undefined) continue;
      const filled = r.filledQuantity ?? 0;
      this.orders.tracker.apply({
        type: 'orderStatus',
        ev: {
          orderId,
          status: r.status,
          filled: 0,
          remaining: r.status === 'Filled' ? 0 : Math.max(0, r.totalQuantity - filled),
          avgFillPrice: 0,
          permId: r.permId,
        },
        at,
      });
    }
  }
}

function seeded(
  list: Array<{ account?: string; conId: number; quantity: number; symbol?: string }>,
  accountId: string,
): Map<string, { quantity: number; symbol: string; account: string; conId: number }> {
  const m = new Map<string, { quantity: number; symbol: string; account: string; conId: number }>();
  for (const p of list) {
    const account = p.account ?? accountId;
    m.set(positionKey(account, p.conId), { quantity: p.quantity, symbol: p.symbol ?? String(p.conId), account, conId: p.conId });
  }
  return m;
}

function positionBeliefs(account: AccountService): Map<string, { quantity: number; symbol: string; account: string; conId: number }> {
  const m = new Map<string, { quantity: number; symbol: string; account: string; conId: number }>();
  for (const [k, p] of account.positions.value) m.set(k, { quantity: p.quantity, symbol: p.contract.symbol, account: p.account, conId: p.contract.conId ?? 0 });
  return m;
}

function describeChange(orderId: number, b: { state: OrderLifecycle; filled: number }, a: { state: OrderLifecycle; filled: number }, note?: string): string {
  const parts = [`order ${orderId}: ${b.state} -> ${a.state}`];
  if (a.filled !== b.filled) parts.push(`filled ${b.filled} -> ${a.filled}`);
  if (note) parts.push(note);
  return parts.join(', ');
}

function summarize(r: ReconcileReport): string {
  const parts: string[] = [];
  if (r.orders.length) parts.push(`${r.orders.length} order difference(s)`);
  if (r.newFills.length) parts.push(`${r.newFills.length} new fill(s)`);
  if (r.positions.length)
    parts.push(`${r.positions.length} position difference(s): ${r.positions.map((p) => `${p.symbol} ${p.believed} -> ${p.actual}`).join(', ')}`);
  return parts.join('; ') || 'no differences';
}
