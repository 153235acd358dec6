// Commission model. IBKR Pro "Fixed" pricing for US stocks and ETFs: USD 0.005 per share,
// at least USD 1.00 per order, at most 1% of the trade value (the cap wins when it is below
// the minimum). Exchange and clearing fees are included in the fixed rate; the SEC and FINRA
// pass-through fees on sales are not modelled. No rounding to cents, so backtests stay exact.

export interface CommissionSchedule {
  readonly name: string;
  readonly perShare: number;
  readonly minimumPerOrder: number;
  /** cap as a fraction of trade value; Infinity for no cap */
  readonly maximumFraction: number;
}

export const IBKR_FIXED_US: CommissionSchedule = {
  name: 'ibkr-fixed',
  perShare: 0.005,
  minimumPerOrder: 1,
  maximumFraction: 0.01,
};

export const NO_COMMISSION: CommissionSchedule = {
  name: 'none',
  perShare: 0,
  minimumPerOrder: 0,
  maximumFraction: Infinity,
};

export const COMMISSION_SCHEDULES: Readonly<Record<string, CommissionSchedule>> = {
  [IBKR_FIXED_US.name]: IBKR_FIXED_US,
  [NO_COMMISSION.name]: NO_COMMISSION,
};

/** Commission for one order of `quantity` shares (sign ignored) filled at `price`. */
export function commission(quantity: number, price: number, schedule: CommissionSchedule = IBKR_FIXED_US): number {
  const shares = Math.abs(quantity);
  if (shares === 0) return 0;
  const perShare = Math.max(shares * schedule.perShare, schedule.minimumPerOrder);
  return Math.min(perShare, shares * price * schedule.maximumFraction);
}
