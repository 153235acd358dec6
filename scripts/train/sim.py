"""Execution and accounting, mirroring the TypeScript backtester operation for operation:
sizing (src/extension/trading/sizing.ts), IBKR fixed commission (fees.ts), slippage
(slippage.ts), the simulated account (backtest/backtester.ts) and the metrics (metrics.ts).
The training report is computed here; `npm run backtest` must reproduce it.
"""

import math


class Rule:
    def __init__(self, max_position_fraction=1.0, lot_size=1, rebalance_band=0.05, allow_short=False):
        self.max_position_fraction = max_position_fraction
        self.lot_size = lot_size
        self.rebalance_band = rebalance_band
        self.allow_short = allow_short


def _clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def _sign(x):
    return (x > 0) - (x < 0)


def target_quantity(fraction, equity, price, rule):
    if not (equity > 0) or not (price > 0) or not math.isfinite(fraction):
        return 0.0
    f = _clamp(fraction, -1 if rule.allow_short else 0, 1)
    raw = (f * rule.max_position_fraction * equity) / price
    return float(math.trunc(raw / rule.lot_size) * rule.lot_size)


def order_quantity(target, current, equity, price, rule):
    """target None = hold."""
    if target is None:
        return 0.0
    wanted = target_quantity(target, equity, price, rule)
    delta = wanted - current
    if delta == 0:
        return 0.0
    resize = current != 0 and wanted != 0 and _sign(wanted) == _sign(current)
    if resize and abs(delta) * price < rule.rebalance_band * equity:
        return 0.0
    return delta


def commission(quantity, price):
    """IBKR fixed: 0.005/share, min 1.00, max 1% of trade value."""
    shares = abs(quantity)
    if shares == 0:
        return 0.0
    per_share = max(shares * 0.005, 1.0)
    return min(per_share, shares * price * 0.01)


def fill_price(quantity, price, bps):
    if quantity == 0:
        return price
    return price * (1 + bps / 1e4) if quantity > 0 else price * (1 - bps / 1e4)


def simulate(bars, i0, i_n, decide, rule, initial_cash, slippage_bps):
    """decide(t, side) -> target in [-1, 1] or None (hold). Decisions at close t fill at open t+1."""
    opn, close = bars["open"], bars["close"]
    cash = float(initial_cash)
    qty = 0.0
    avg = 0.0
    pending = 0.0
    equity_curve = []
    position_curve = []
    trades = []
    commissions = 0.0
    for t in range(i0, i_n + 1):
        if pending != 0:
            q = pending
            pending = 0.0
            price = fill_price(q, opn[t], slippage_bps)
            fee = commission(q, price)
            cash -= q * price + fee
            after = qty + q
            if after == 0:
                avg = 0.0
            elif qty == 0 or _sign(after) != _sign(qty):
                avg = price
            elif abs(after) > abs(qty):
                avg = (avg * abs(qty) + price * abs(q)) / abs(after)
            qty = after
            commissions += fee
            trades.append({"date": bars["date"][t], "quantity": q, "price": price, "commission": fee})
        equity = cash + qty * close[t]
        equity_curve.append(equity)
        position_curve.append(qty)
        if t < i_n:
            pending = order_quantity(decide(t, _sign(qty)), qty, equity, close[t], rule)
    return {"equity": equity_curve, "position": position_curve, "trades": trades, "commissions": commissions}


# ---------------------------------------------------------------- metrics (metrics.ts)

def total_return(e):
    return e[-1] / e[0] - 1


def sharpe(e, periods_per_year=252):
    n = len(e) - 1
    if n < 2:
        return 0.0
    s = 0.0
    for i in range(1, n + 1):
        s += e[i] / e[i - 1] - 1
    mean = s / n
    ss = 0.0
    for i in range(1, n + 1):
        d = e[i] / e[i - 1] - 1 - mean
        ss += d * d
    std = math.sqrt(ss / (n - 1))
    return 0.0 if std == 0 else (mean / std) * math.sqrt(periods_per_year)


def max_drawdown(e):
    peak = -math.inf
    worst = 0.0
    for x in e:
        if x > peak:
            peak = x
        dd = 1 - x / peak
        if dd > worst:
            worst = dd
    return worst


def cagr(e, periods_per_year=252):
    n = len(e) - 1
    g = e[-1] / e[0]
    return -1.0 if g <= 0 else math.pow(g, periods_per_year / n) - 1


def metrics(run):
    e = run["equity"]
    exposed = sum(1 for q in run["position"] if q != 0)
    return {
        "totalReturn": total_return(e),
        "cagr": cagr(e),
        "sharpe": sharpe(e),
        "maxDrawdown": max_drawdown(e),
        "trades": len(run["trades"]),
        "exposure": exposed / len(run["position"]),
        "commissions": run["commissions"],
        "finalEquity": e[-1],
    }
