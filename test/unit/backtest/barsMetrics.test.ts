import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexAtOrAfter, parseBarDate, parseBarsCsv, tradingDate } from '../../../src/extension/policy/bars';
import { DataError } from '../../../src/extension/policy/errors';
import { cagr, drawdownSeries, maxDrawdown, periodsPerYear, sharpeRatio, totalReturn } from '../../../src/extension/backtest/metrics';

function dataError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof DataError && message.test(e.message) && e.message.startsWith('f.csv: '));
}

describe('bar files', () => {
  it('reads daily OHLCV; a date is the New York session of that day', () => {
    const b = parseBarsCsv('date,open,high,low,close,volume\n2024-07-01,10,11,9,10.5,100\n2024-07-02,10.5,12,10,11,200\n', 'f.csv');
    assert.equal(b.length, 2);
    assert.equal(b.time[0], Date.UTC(2024, 6, 1, 13, 30)); // 09:30 EDT
    assert.deepEqual([...b.close], [10.5, 11]);
    assert.deepEqual([...b.fields].sort(), ['close', 'high', 'low', 'open', 'volume']);
    assert.equal(b.dateOnly, true);
    assert.equal(b.barSeconds, 86_400);
    assert.equal(b.closeMinute[0], 960);
    assert.equal(tradingDate(b.time[1]!), '2024-07-02');
  });

  it('a date + price file derives open/high/low from the price and has no volume', () => {
    const b = parseBarsCsv('symbol,date,price\nMSFT,Jan 1 2000,39.81\nMSFT,Feb 1 2000,36.35\nIBM,Jan 1 2000,100.52\n', 'f.csv', { symbol: 'msft' });
    assert.equal(b.symbol, 'MSFT');
    assert.deepEqual([...b.close], [39.81, 36.35]);
    assert.deepEqual([...b.open], [39.81, 36.35]);
    assert.deepEqual(b.fields, ['close']);
    assert.ok(Number.isNaN(b.volume[0]!));
    assert.equal(b.barSeconds, 31 * 86_400);
  });

  it('intraday times without a zone are New York time; bar close minute from the spacing', () => {
    const b = parseBarsCsv('date,close\n20240702 10:00:00,1\n20240702 10:05:00,2\n20240702 10:10:00,3\n', 'f.csv');
    assert.equal(b.time[0], Date.UTC(2024, 6, 2, 14, 0));
    assert.equal(b.barSeconds, 300);
    assert.equal(b.closeMinute[0], 10 * 60 + 5);
    assert.equal(parseBarDate('2024-07-02T10:00:00Z')!.ms, Date.UTC(2024, 6, 2, 10, 0));
    assert.equal(parseBarDate('2024-07-02 10:00-04:00')!.ms, Date.UTC(2024, 6, 2, 14, 0));
    assert.equal(parseBarDate('2024-02-30'), undefined);
  });

  it('adjusted prices scale open/high/low by price / close', () => {
    const b = parseBarsCsv('date,open,high,low,close,adjclose\n2024-07-01,10,12,8,10,5\n', 'f.csv', { priceColumn: 'adjclose' });
    assert.deepEqual([b.open[0], b.high[0], b.low[0], b.close[0]], [5, 6, 4, 5]);
  });

  it('refuses what it cannot use, naming file, line and column', () => {
    dataError(() => parseBarsCsv('day,close\n2024-07-01,1\n', 'f.csv'), /no date column.*columns: day, close/);
    dataError(() => parseBarsCsv('date,close\n2024-07-01,1\n', 'f.csv', { priceColumn: 'last' }), /unknown column "last" for the price; columns: date, close/);
    dataError(() => parseBarsCsv('date,close\n2024-13-01,1\n', 'f.csv'), /line 2: date "2024-13-01" is not a date \(valid: YYYY-MM-DD/);
    dataError(() => parseBarsCsv('date,close\n2024-07-02,1\n2024-07-01,1\n', 'f.csv'), /line 3: .*ascending time order/);
    dataError(() => parseBarsCsv('date,close\n2024-07-01,-1\n', 'f.csv'), /line 2: close "-1" is not a positive number/);
    dataError(() => parseBarsCsv('date,close\n2024-07-01,\n', 'f.csv'), /line 2: close "" is not a positive number/);
    dataError(() => parseBarsCsv('date,high,low,close\n2024-07-01,10,9,11\n', 'f.csv'), /do not contain close 11/);
    dataError(() => parseBarsCsv('symbol,date,close\nA,2024-07-01,1\nB,2024-07-01,1\n', 'f.csv'), /several symbols \(A, B\); choose one with --symbol/);
    dataError(() => parseBarsCsv('symbol,date,close\nA,2024-07-01,1\n', 'f.csv', { symbol: 'Z' }), /no data rows for symbol Z \(symbols: A\)/);
  });

  it('finds the first bar at or after an instant', () => {
    const b = parseBarsCsv('date,close\n2024-07-01,1\n2024-07-02,1\n2024-07-05,1\n', 'f.csv');
    assert.equal(indexAtOrAfter(b, parseBarDate('2024-07-02')!.ms), 1);
    assert.equal(indexAtOrAfter(b, parseBarDate('2024-07-03')!.ms), 2);
    assert.equal(indexAtOrAfter(b, parseBarDate('2024-07-06')!.ms), 3);
  });
});

describe('metrics, hand-computed', () => {
  const e = [100, 110, 99, 121];
  it('total return', () => {
    assert.ok(Math.abs(totalReturn(e) - 0.21) < 1e-12);
  });
  it('max drawdown and the drawdown series', () => {
    assert.ok(Math.abs(maxDrawdown(e) - 0.1) < 1e-12); // 110 -> 99
    const dd = drawdownSeries(e);
    assert.deepEqual([dd[0], dd[1], dd[3]], [0, 0, 0]);
    assert.ok(Math.abs(dd[2]! - 0.1) < 1e-12);
    assert.equal(maxDrawdown([100, 100]), 0);
  });
  it('Sharpe: mean over sample std of simple returns, annualised', () => {
    // returns 0.1, -0.1, 2/9: mean 2/27; deviations 0.1-2/27, -0.1-2/27, 2/9-2/27
    const r = [0.1, -0.1, 22 / 99];
    const mean = (r[0]! + r[1]! + r[2]!) / 3;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
    assert.ok(Math.abs(sharpeRatio(e, 252) - (mean / sd) * Math.sqrt(252)) < 1e-12);
    assert.equal(sharpeRatio([100, 100, 100], 252), 0);
    assert.equal(sharpeRatio([100, 110], 252), 0, 'one return is not enough');
  });
  it('CAGR and periods per year', () => {
    assert.ok(Math.abs(cagr([100, 121], 1) - 0.21) < 1e-12);
    assert.ok(Math.abs(cagr([100, 110, 121], 1) - 0.1) < 1e-12);
    assert.equal(periodsPerYear(86_400), 252);
    assert.equal(periodsPerYear(300), 252 * 78);
    assert.equal(periodsPerYear(31 * 86_400), 12);
  });
});
