// Short calls and what covers them. A short call's loss has no limit unless the account also
// holds the stock (a contract's multiplier of shares, usually 100) or a long call on the same
// stock that expires no earlier (the spread's width bounds the loss then). Before a manual
// order is confirmed, the preview names the short calls it leaves uncovered that were covered
// before: selling the stock under a covered call, or closing a spread's long leg, writes a
// naked call as surely as selling one does. Shares are counted as the whole account holds
// them (every owner): that is what the broker's margin sees.

/** One holding of one stock's account positions: the stock itself, or one option series. */
export interface Holding {
  readonly secType: string;
  /** options: C or P, yyyyMMdd expiry, multiplier (100 if unknown) */
  readonly right?: string;
  readonly expiry?: string;
  readonly multiplier?: number;
  /** signed: negative is short (shares, or contracts) */
  readonly quantity: number;
  /** how the preview names it, e.g. "MSFT 20261218 430C" */
  readonly label: string;
}

export interface UncoveredCall {
  readonly label: string;
  readonly contracts: number;
}

/**
 * The short call contracts nothing covers: the latest-expiring shorts are matched first, each
 * with a long call expiring no earlier, else with shares. Any long call eligible for a short
 * is eligible for every earlier-expiring one too, so matching greedily covers as many as can be.
 */
export function uncoveredCalls(holdings: readonly Holding[]): UncoveredCall[] {
  const calls = holdings.filter((h) => h.secType === 'OPT' && h.right === 'C');
  const shorts = calls.filter((h) => h.quantity < 0).sort((a, b) => (b.expiry ?? '').localeCompare(a.expiry ?? ''));
  const longs = calls.filter((h) => h.quantity > 0).map((h) => ({ expiry: h.expiry ?? '', left: h.quantity }));
  let shares = holdings.filter((h) => h.secType === 'STK').reduce((sum, h) => sum + h.quantity, 0);
  const out: UncoveredCall[] = [];
  for (const s of shorts) {
    let need = -s.quantity;
    for (const l of longs) {
      if (need === 0) break;
      if (l.left === 0 || l.expiry < (s.expiry ?? '')) continue;
      const used = Math.min(need, l.left);
      l.left -= used;
      need -= used;
    }
    const perContract = s.multiplier ?? 100;
    const byShares = Math.min(need, Math.max(0, Math.floor(shares / perContract)));
    shares -= byShares * perContract;
    need -= byShares;
    if (need > 0) out.push({ label: s.label, contracts: need });
  }
  return out;
}

/** The preview's note when an order leaves more short calls uncovered than before (undefined: it does not). */
export function uncoveredCallWarning(symbol: string, before: readonly Holding[], after: readonly Holding[]): string | undefined {
  const count = (u: readonly UncoveredCall[]) => u.reduce((sum, c) => sum + c.contracts, 0);
  const was = count(uncoveredCalls(before));
  const now = uncoveredCalls(after);
  if (count(now) <= was) return undefined;
  const n = count(now);
  return `after this order ${n === 1 ? '1 short call contract' : `${n} short call contracts`} on ${symbol} ${n === 1 ? 'is' : 'are'} uncovered, with no limit to the loss (${now.map((c) => `${c.label} x${c.contracts}`).join(', ')})${was ? `; ${was} before it` : ''}`;
}
