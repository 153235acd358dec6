// The kill switch: no new orders, every working order of the session cancelled, and
// optionally the book's positions flattened: only the shares the book owns (its own fills,
// or adopted on purpose), never more than TWS holds; positions held outside the book are
// left alone. Used by the user (CLI Ctrl-C, the panel's button) and by the daily loss limit.
import { capToHeld } from '../trading/bookRules';
import type { DecisionVerdict } from './decision';
import type { OrderManager, PlaceResult } from './orderManager';
import type { RiskRule, RiskVerdict } from '../trading/riskEngine';

export interface KillOptions {
  readonly reason: string;
  readonly flatten: boolean;
}

export interface FlattenTarget {
  readonly symbol: string;
  /** the book's shares now: flattening closes these */
  readonly quantity: number;
  /** shares TWS holds now (all owners); undefined when unknown */
  readonly held?: number;
}

export interface KillReport {
  readonly cancelled: readonly string[];
  readonly cancelFailures: ReadonlyArray<{ orderRef: string; error: string }>;
  readonly flattened: readonly PlaceResult[];
  readonly notFlattened: ReadonlyArray<{ symbol: string; reason: string }>;
  /** every flattening order reached a final state in time */
  readonly settled: boolean;
}

export interface KillSwitchDeps {
  readonly orders: OrderManager;
  readonly positions: () => readonly FlattenTarget[];
  /** Places one flattening order (signed shares) through the session's checks; undefined when refused. */
  readonly flattenOrder: (symbol: string, quantity: number) => Promise<PlaceResult | { refused: string }>;
  /** Wall ms to wait for cancels and flattening orders to settle. */
  readonly settleMs: number;
}

/**
 * Rules a flattening order is exempt from: it only reduces risk, and a rate or size limit
 * must not keep an emergency exit from going. Connection and trading hours still apply.
 */
export const FLATTEN_EXEMPT: ReadonlySet<RiskRule> = new Set([
  'maxOrdersPerMinute',
  'maxOrderQuantity',
  'maxPosition',
  'maxGrossNotional',
  'dailyLossLimit',
  'stopLoss',
]);

export function flattenVerdict(v: RiskVerdict): DecisionVerdict {
  if (v.allowed || !FLATTEN_EXEMPT.has(v.rule)) return v;
  return { allowed: true, rule: null, reason: `flattening is exempt from ${v.rule} (${v.reason})` };
}

export async function engageKillSwitch(deps: KillSwitchDeps, opts: KillOptions): Promise<KillReport> {
  const { cancelled, failed } = await deps.orders.cancelAll(opts.reason, deps.settleMs);
  const flattened: PlaceResult[] = [];
  const notFlattened: Array<{ symbol: string; reason: string }> = [];
  if (opts.flatten) {
    for (const p of deps.positions()) {
      // The book's shares, and no more than TWS holds: what is held outside the book stays.
      const qty = -capToHeld(p.quantity, p.held ?? p.quantity);
      if (qty === 0) continue;
      const r = await deps.flattenOrder(p.symbol, qty);
      if ('refused' in r) notFlattened.push({ symbol: p.symbol, reason: r.refused });
      else if (!r.sent) notFlattened.push({ symbol: p.symbol, reason: r.error ?? 'not sent' });
      else flattened.push(r);
    }
  }
  const settled = await deps.orders.settle(
    flattened.map((f) => f.orderRef),
    deps.settleMs,
  );
  return { cancelled, cancelFailures: failed, flattened, notFlattened, settled };
}
