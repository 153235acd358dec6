"""Observation features, mirroring src/extension/policy/features.ts operation for operation.

Each function reads a price list at bar t exactly as its TypeScript twin does (same loop
order, same formula), so values agree to the last bit or so; test/unit/policy/featureParity
compares the two on the S&P 500 file through a fixture this module writes.
"""

import csv
import math

NAN = float("nan")


# ---------------------------------------------------------------- market features

def log_return(close, t, lag):
    if t - lag < 0:
        return NAN
    return math.log(close[t] / close[t - lag])


def realized_vol(close, t, window):
    if t - window < 0 or window < 2:
        return NAN
    s = 0.0
    for i in range(t - window + 1, t + 1):
        s += math.log(close[i] / close[i - 1])
    mean = s / window
    ss = 0.0
    for i in range(t - window + 1, t + 1):
        d = math.log(close[i] / close[i - 1]) - mean
        ss += d * d
    return math.sqrt(ss / (window - 1))


def vol_norm_momentum(close, t, lookback, vol_window):
    r = log_return(close, t, lookback)
    vol = realized_vol(close, t, vol_window)
    if math.isnan(r) or math.isnan(vol):
        return NAN
    if vol == 0:
        return 0.0
    return r / (vol * math.sqrt(lookback))


def rsi(close, t, period):
    if t - period < 0:
        return NAN
    up = 0.0
    down = 0.0
    for i in range(t - period + 1, t + 1):
        d = close[i] - close[i - 1]
        if d > 0:
            up += d
        else:
            down -= d
    if up + down == 0:
        return 50.0
    return (100 * up) / (up + down)


def sma_ratio(close, t, window):
    if t - window + 1 < 0:
        return NAN
    s = 0.0
    for i in range(t - window + 1, t + 1):
        s += close[i]
    return math.log(close[t] / (s / window))


def close_location(high, low, close, t):
    h = high[t]
    lo = low[t]
    if h == lo:
        return 0.0
    return (2 * close[t] - h - lo) / (h - lo)


def volume_ratio(volume, t, window):
    if t - window + 1 < 0:
        return NAN
    s = 0.0
    for i in range(t - window + 1, t + 1):
        s += volume[i]
    return math.log(volume[t] / (s / window))


# ---------------------------------------------------------------- registry

MARKET = {
    "logReturn": (lambda b, t, p: log_return(b["close"], t, p["lag"]),
                  lambda p: p["lag"] + 1,
                  lambda p: f"ln(close[t] / close[t-{p['lag']}])"),
    "realizedVol": (lambda b, t, p: realized_vol(b["close"], t, p["window"]),
                    lambda p: p["window"] + 1,
                    lambda p: f"sample std (n-1) of the {p['window']} one-bar log returns ending at t"),
    "volNormMomentum": (lambda b, t, p: vol_norm_momentum(b["close"], t, p["lookback"], p["volWindow"]),
                        lambda p: max(p["lookback"], p["volWindow"]) + 1,
                        lambda p: f"ln(close[t] / close[t-{p['lookback']}]) / (realizedVol({p['volWindow']}) * sqrt({p['lookback']})); 0 if the volatility is 0"),
    "rsi": (lambda b, t, p: rsi(b["close"], t, p["period"]),
            lambda p: p["period"] + 1,
            lambda p: f"100 * sum(gains) / (sum(gains) + sum(losses)) over the last {p['period']} close-to-close changes (Cutler RSI, 0..100); 50 if flat"),
    "smaRatio": (lambda b, t, p: sma_ratio(b["close"], t, p["window"]),
                 lambda p: p["window"],
                 lambda p: f"ln(close[t] / mean(close[t-{p['window'] - 1}..t]))"),
    "closeLocation": (lambda b, t, p: close_location(b["high"], b["low"], b["close"], t),
                      lambda p: 1,
                      lambda p: "(2*close - high - low) / (high - low) of bar t, in [-1, 1]; 0 if high = low"),
    "volumeRatio": (lambda b, t, p: volume_ratio(b["volume"], t, p["window"]),
                    lambda p: p["window"],
                    lambda p: f"ln(volume[t] / mean(volume[t-{p['window'] - 1}..t]))"),
}

PORTFOLIO_DEFINITIONS = {
    "positionSide": "sign of the position: -1 short, 0 flat, +1 long",
}


def history(specs):
    return max([1] + [MARKET[s["id"]][1](s.get("params", {})) for s in specs if s["id"] in MARKET])


def definition(spec):
    if spec["id"] in MARKET:
        return MARKET[spec["id"]][2](spec.get("params", {}))
    return PORTFOLIO_DEFINITIONS[spec["id"]]


def market_matrix(bars, specs):
    """Raw market feature values, one row per bar (NaN where history is short; portfolio slots NaN)."""
    n = len(bars["close"])
    rows = []
    for t in range(n):
        row = []
        for s in specs:
            if s["id"] in MARKET:
                row.append(MARKET[s["id"]][0](bars, t, s.get("params", {})))
            else:
                row.append(NAN)
        rows.append(row)
    return rows


def read_bars(path):
    """The vega-datasets daily file: date, open, high, low, close, adjclose, volume."""
    out = {"date": [], "open": [], "high": [], "low": [], "close": [], "volume": []}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            out["date"].append(r["date"])
            for k in ("open", "high", "low", "close", "volume"):
                out[k].append(float(r[k]))
    return out
