// Black-Scholes prices and greeks for the synthetic option chain.

export interface OptionGreeks {
  price: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
  impliedVol: number;
}

const SQRT2PI = Math.sqrt(2 * Math.PI);

function normCdf(x: number): number {
  // Abramowitz-Stegun 7.1.26, |error| < 7.5e-8
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = Math.exp((-x * x) / 2) / SQRT2PI;
  const p = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - p : p;
}

function normPdf(x: number): number {
  return Math.exp((-x * x) / 2) / SQRT2PI;
}

export function blackScholes(spot: number, strike: number, years: number, vol: number, rate: number, right: 'C' | 'P'): OptionGreeks {
  const t = Math.max(years, 1 / (365 * 24 * 60));
  const sq = vol * Math.sqrt(t);
  const d1 = (Math.log(spot / strike) + (rate + (vol * vol) / 2) * t) / sq;
  const d2 = d1 - sq;
  const disc = Math.exp(-rate * t);
  const call = right === 'C';
  const price = call ? spot * normCdf(d1) - strike * disc * normCdf(d2) : strike * disc * normCdf(-d2) - spot * normCdf(-d1);
  const delta = call ? normCdf(d1) : normCdf(d1) - 1;
  const gamma = normPdf(d1) / (spot * sq);
  const vega = (spot * normPdf(d1) * Math.sqrt(t)) / 100;
  const thetaYear = call
    ? (-spot * normPdf(d1) * vol) / (2 * Math.sqrt(t)) - rate * strike * disc * normCdf(d2)
    : (-spot * normPdf(d1) * vol) / (2 * Math.sqrt(t)) + rate * strike * disc * normCdf(-d2);
  return { price: Math.max(price, 0), delta, gamma, vega, theta: thetaYear / 365, impliedVol: vol };
}
