// The protocol's view rows built from broker and session records: positions per share with
// live or portfolio P&L, decisions from features to order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decisionRow, positionRow } from '../../../src/extension/app/viewRows';
import { featureText, outputText } from '../../../src/extension/app/featureText';
import { decisionRecord as record, pos } from '../../helpers/panelRecords';

test('position rows: average cost per share, last and unrealized P&L from live prices (else the portfolio)', () => {
  assert.deepEqual(positionRow(pos('NVDA', 261, 127.285), 127.5, undefined), {
    key: 'DU1:1',
    symbol: 'NVDA',
    secType: 'STK',
    quantity: 261,
    avgCost: 127.285,
    last: 127.5,
    unrealized: 56.12,
  });
  const opt = {
    ...pos('SPY', 2, 350, 9),
    contract: { symbol: 'SPY', secType: 'OPT' as const, exchange: 'SMART', currency: 'USD', conId: 9, multiplier: 100, localSymbol: 'SPY 240315C00500000' },
  };
  assert.deepEqual(positionRow(opt, 4, undefined), {
    key: 'DU1:9',
    symbol: 'SPY 240315C00500000',
    secType: 'OPT',
    quantity: 2,
    avgCost: 3.5,
    last: 4,
    unrealized: 100,
  });
  assert.deepEqual(positionRow(pos('MSFT', 5, 400), undefined, { marketPrice: 410, unrealizedPnl: 50 }).unrealized, 50);
});

test('decision rows: features -> model -> risk verdict -> order, and the progress of that order', () => {
  const row = decisionRow(1, record());
  assert.equal(row.features, 'close $127.33 · return 1 bar +0.07% · return 5 bars −0.05% · RSI 51.2 · extra 1.0000');
  assert.equal(row.action, 'buy: 100% long (261 sh)');
  assert.equal(row.verdict, 'ok');
  assert.equal(row.order, 'BUY 261 → sending');
  const blocked = decisionRow(2, record({ outcome: 'blocked', verdict: { allowed: false, rule: 'maxOrderQuantity', reason: '261 > 100' } }));
  assert.equal(blocked.verdict, 'BLOCKED maxOrderQuantity: 261 > 100');
  assert.equal(blocked.blocked, true);
  assert.equal(blocked.order, 'BUY 261 not sent');
  assert.equal(
    decisionRow(3, record({ outcome: 'no-order', proposal: undefined, position: 78, output: { target: null, label: 'hold' } })).order,
    'no order (holds 78)',
  );
  const filled = {
    orderRef: 'ibkrai:s:2:NVDA',
    orderId: 16,
    cycle: 2,
    symbol: 'NVDA',
    kind: 'policy',
    action: 'BUY',
    quantity: 261,
    state: 'filled',
    filled: 261,
    avgFillPrice: 127.28,
  } as const;
  assert.equal(decisionRow(1, record(), filled).order, 'BUY 261 → filled 261 @ 127.28');
  assert.equal(decisionRow(1, record(), { ...filled, state: 'partiallyFilled', filled: 100 }).order, 'BUY 261 → partiallyFilled 100/261 @ 127.28');
});

test('features by name with units: returns and ratios in %, RSI on its scale, momentum in σ; the output as a position', () => {
  assert.equal(featureText('logReturn(lag=5)', Math.log(1.0123)), 'return 5 bars +1.23%');
  assert.equal(featureText('realizedVol(window=20)', 0.0042), 'volatility 20 bars 0.42%');
  assert.equal(featureText('volNormMomentum(lookback=10,volWindow=20)', -1.234), 'momentum 10 bars −1.23σ');
  assert.equal(featureText('rsi(period=14)', 71.26), 'RSI 14 bars 71.3');
  assert.equal(featureText('smaRatio(window=50)', Math.log(0.99)), 'vs 50-bar average −1.00%');
  assert.equal(featureText('timeOfDay', 0.5), 'session elapsed 50%');
  assert.equal(featureText('positionFraction', -0.25), 'position −25.0% of equity');
  assert.equal(featureText('positionSide', 0), 'side flat');
  assert.equal(featureText('someNewFeature(k=2)', -0.5), 'someNewFeature(k=2) −0.5000');
  assert.equal(outputText({ target: null, label: 'hold' }), 'hold: keep the position');
  assert.equal(outputText({ target: -0.5 }, -130), '50% short (−130 sh)');
  assert.equal(outputText({ target: 0, label: 'flat' }), 'flat: flat');
});

test('decision rows say why no order was sent', () => {
  const row = decisionRow(
    3,
    record({ outcome: 'no-order', proposal: undefined, verdict: undefined, orderQuantity: 0, reason: 'model says hold: keep 0 shares' }),
  );
  assert.equal(row.order, 'no order (holds 0)');
  assert.equal(row.reason, 'model says hold: keep 0 shares');
});

test("decision rows carry the model's action probabilities (a logits model) or raw output (a continuous one) as recorded", () => {
  const probabilities = [
    { label: 'hold', p: 0.2 },
    { label: 'buy', p: 0.5, chosen: true as const },
    { label: 'sell', p: 0.3 },
  ];
  const row = decisionRow(4, record({ output: { target: 1, label: 'buy', probabilities } }));
  assert.deepEqual(row.probabilities, probabilities);
  assert.equal(row.raw, undefined);
  assert.equal(decisionRow(5, record({ output: { target: 1, raw: 1.25 } })).raw, 1.25);
  assert.equal('probabilities' in decisionRow(6, record()), false, 'a model without them adds no field');
});
