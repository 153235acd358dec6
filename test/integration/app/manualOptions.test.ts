// Options and combos from the order ticket through the Trader's connection and the real
// simulator over TCP: an option from the chain and a vertical spread previewed (what-if,
// quotes, positions per option), confirmed, journaled before they go, sent once with the
// manual orderRef, filled, seen in the simulator's record, the panel and the journal; a
// ticket off the chain, a one-leg combo and the risk limits (contracts x 100) send nothing;
// a live account needs the typed id for an option too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../helpers/simHarness';
import { deskRig, journalLines, placeFilled, placeOrders, previewOf as previewStock, rig, type Rig } from '../../helpers/manualRig';
import type { OptionChain, Position } from '../../../src/extension/broker/types';
import { closingOption, type DerivativeInput } from '../../../src/extension/session/manualDerivatives';
import type { ManualOrderDesk, ManualPreview } from '../../../src/extension/session/manualOrders';

async function previewOf(desk: ManualOrderDesk, input: DerivativeInput): Promise<ManualPreview> {
  const r = await desk.prepareDerivative(input);
  assert.ok(r.ok, r.ok ? '' : r.problems.join('; '));
  return r.preview;
}

/** A market combo of one of `symbol` with `legs`. */
function combo(symbol: string, legs: ReadonlyArray<Record<string, unknown>>): DerivativeInput {
  return { kind: 'combo', symbol, side: 'BUY', quantity: 1, orderType: 'MKT', legs };
}

/** The SMART chain's first expiry and the first `n` strikes at or above the stock's last price. */
async function strikesAboveSpot(r: Rig, symbol: string, n: number): Promise<{ chain: OptionChain; expiry: string; strikes: number[] }> {
  const client = r.trader.brokerClient!;
  const chain = (await client.optionChain(symbol)).find((c) => c.exchange === 'SMART')!;
  const spot = (await client.quoteSnapshot(await client.resolveStock(symbol))).last!;
  const strikes = chain.strikes.filter((k) => k >= spot).slice(0, n);
  assert.equal(strikes.length, n);
  return { chain, expiry: chain.expirations[0]!, strikes };
}

describe('options and combos from the order ticket on a paper account', { timeout: 90_000 }, () => {
  let r: Awaited<ReturnType<typeof deskRig>>;
  before(async () => (r = await deskRig()));
  after(async () => r?.close());

  it('an option: previewed with its quote and what-if, journaled, sent once with the manual orderRef, filled; the position is per contract', async () => {
    const { expiry, strikes } = await strikesAboveSpot(r, 'NVDA', 1);
    const strike = strikes[0]!;
    const before = placeOrders(r.fx).length;
    const preview = await previewOf(r.desk, {
      kind: 'option',
      symbol: 'nvda',
      expiry,
      strike: String(strike),
      right: 'C',
      side: 'BUY',
      quantity: '2',
      orderType: 'MKT',
    });
    assert.equal(preview.text, `BUY 2 NVDA ${expiry} ${strike}C MKT DAY`);
    assert.equal(preview.verdict.allowed, true, preview.verdict.reason);
    assert.equal(preview.multiplier, 100);
    const leg = preview.legs![0]!;
    assert.equal(preview.contract.secType, 'OPT');
    assert.equal(preview.contract.conId, leg.contract.conId);
    assert.ok(leg.bid! > 0 && leg.ask! > leg.bid!, JSON.stringify(leg));
    assert.equal(preview.referencePrice, leg.ask, 'a market buy is valued at the ask');
    assert.deepEqual([leg.before, leg.after, preview.positionBefore, preview.positionAfter], [0, 2, 0, 2]);
    // The checks saw 200 shares' worth at the premium: the option's own key, its stock for the allowlist.
    assert.deepEqual(preview.riskOrders, [{ symbol: `NVDA ${expiry} ${strike}C`, underlying: 'NVDA', quantity: 200, price: leg.ask }]);
    assert.ok(preview.whatIf?.commission !== undefined && preview.whatIf.initMarginChange! > 0, JSON.stringify(preview.whatIf));
    const previewed = placeOrders(r.fx).slice(before);
    assert.deepEqual(
      previewed.map((l) => [l.order.whatIf, l.order.secType, l.order.conId]),
      [[true, 'OPT', leg.contract.conId]],
    );
    assert.deepEqual(journalLines(r.config.journalDir), [], 'a preview journals nothing');

    const { placed, sent } = await placeFilled(r, r.desk, preview, 2);
    assert.deepEqual(
      sent.map((l) => [
        l.order.secType,
        l.order.conId,
        l.order.expiry,
        l.order.strike,
        l.order.right,
        l.order.action,
        l.order.totalQuantity,
        l.order.orderType,
      ]),
      [['OPT', leg.contract.conId, expiry, strike, 'C', 'BUY', 2, 'MKT']],
      'sent once, as that option',
    );
    await r.trader.brokerClient!.positions.when((m) => [...m.values()].some((p) => p.contract.conId === leg.contract.conId && p.quantity === 2), 5000);
    await waitFor(() => r.store.orderRows().some((o) => o.orderId === placed.orderId && o.status === 'filled'), 5000, 'the filled option order in the panel');

    await waitFor(
      () => journalLines(r.config.journalDir).some((l) => l.type === 'order-status' && l.orderRef === placed.orderRef && l.state === 'filled'),
      5000,
      'filled journaled',
    );
    const lines = journalLines(r.config.journalDir).filter((l) => l.orderRef === placed.orderRef);
    const intent = lines.find((l) => l.type === 'intent')!;
    assert.deepEqual(
      [intent.manual, intent.secType, intent.multiplier, intent.option, intent.quantity, intent.action],
      [true, 'OPT', 100, { conId: leg.contract.conId, expiry, strike, right: 'C' }, 2, 'BUY'],
    );
    assert.ok(lines.indexOf(intent) < lines.findIndex((l) => l.type === 'fill'), 'the intent before the fill');
  });

  it('a vertical spread (2 legs): net quote and limit, each leg judged, one BAG sent with both legs, filled per leg', async () => {
    const { expiry, strikes } = await strikesAboveSpot(r, 'MSFT', 2);
    const [low, high] = strikes as [number, number];
    const input: DerivativeInput = {
      kind: 'combo',
      symbol: 'MSFT',
      side: 'BUY',
      quantity: 3,
      orderType: 'LMT',
      legs: [
        { expiry, strike: low, right: 'C', action: 'BUY', ratio: 1 },
        { expiry, strike: high, right: 'C', action: 'SELL', ratio: 1 },
      ],
    };
    const missing = await r.desk.prepareDerivative(input);
    assert.deepEqual(missing.ok ? [] : missing.problems, [
      'limitPrice: a LMT order needs a limit price (valid: the net per combo, negative for a credit, e.g. 1.25 or -0.80)',
    ]);
    const probe = await previewOf(r.desk, { ...input, orderType: 'MKT' });
    const [a, b] = probe.legs as NonNullable<ManualPreview['legs']>;
    assert.deepEqual(probe.net, { bid: Math.round((a!.bid! - b!.ask!) * 100) / 100, ask: Math.round((a!.ask! - b!.bid!) * 100) / 100 });
    const limit = Math.round((probe.net!.ask + 0.05) * 100) / 100;
    const preview = await previewOf(r.desk, { ...input, limitPrice: limit.toFixed(2) });
    assert.equal(preview.text, `BUY 3 MSFT combo (+1 ${expiry} ${low}C, -1 ${expiry} ${high}C) LMT ${limit.toFixed(2)} DAY`);
    assert.equal(preview.contract.secType, 'BAG');
    assert.deepEqual(
      preview.contract.legs!.map((l) => [l.conId, l.ratio, l.action]),
      [
        [a!.contract.conId, 1, 'BUY'],
        [b!.contract.conId, 1, 'SELL'],
      ],
    );
    assert.deepEqual(
      preview.riskOrders.map((o) => [o.symbol, o.quantity]),
      [
        [`MSFT ${expiry} ${low}C`, 300],
        [`MSFT ${expiry} ${high}C`, -300],
      ],
    );
    assert.equal(preview.verdict.allowed, true, preview.verdict.reason);
    assert.ok(preview.whatIf?.commission !== undefined, JSON.stringify(preview.whatIf));
    assert.ok(
      preview.warnings.some((w) => w.includes(`writes MSFT ${expiry} ${high}C: a short call of 3 contract(s), against this order's long call`)),
      preview.warnings.join('; '),
    );
    assert.ok(!preview.warnings.some((w) => w.startsWith('the limit')), 'a limit 0.05 over the net ask is no typo');
    const far = await previewOf(r.desk, { ...input, limitPrice: (probe.net!.ask * 3 + 1).toFixed(2) });
    assert.ok(
      far.warnings.some(
        (w) => w.startsWith(`the limit ${(probe.net!.ask * 3 + 1).toFixed(2)} is `) && w.includes(`above the net ask ${probe.net!.ask.toFixed(2)}`),
      ),
      far.warnings.join('; '),
    );

    const { placed, sent } = await placeFilled(r, r.desk, preview, 3);
    assert.equal(sent.length, 1, 'one BAG order');
    assert.deepEqual(
      [sent[0]!.order.secType, sent[0]!.order.lmtPrice, sent[0]!.order.comboLegs?.map((l) => [l.conId, l.ratio, l.action])],
      [
        'BAG',
        limit,
        [
          [a!.contract.conId, 1, 'BUY'],
          [b!.contract.conId, 1, 'SELL'],
        ],
      ],
    );
    const client = r.trader.brokerClient!;
    await client.positions.when((m) => [...m.values()].some((p) => p.contract.conId === a!.contract.conId && p.quantity === 3), 5000);
    await client.positions.when((m) => [...m.values()].some((p) => p.contract.conId === b!.contract.conId && p.quantity === -3), 5000);
    await waitFor(() => r.store.orderRows().some((o) => o.orderId === placed.orderId && o.status === 'filled'), 5000, 'the filled combo in the panel');
    await waitFor(
      () => journalLines(r.config.journalDir).some((l) => l.orderRef === placed.orderRef && l.type === 'order-status' && l.state === 'filled'),
      5000,
      'journaled',
    );
    const lines = journalLines(r.config.journalDir).filter((l) => l.orderRef === placed.orderRef);
    const intent = lines.find((l) => l.type === 'intent')!;
    assert.deepEqual(
      (intent.comboLegs as Array<{ conId: number; action: string; ratio: number }>).map((l) => [l.conId, l.action, l.ratio]),
      [
        [a!.contract.conId, 'BUY', 1],
        [b!.contract.conId, 'SELL', 1],
      ],
    );
    const fills = lines.filter((l) => l.type === 'fill');
    assert.ok(
      fills.every((f) => f.orderRef === placed.orderRef),
      JSON.stringify(fills),
    );
    // Each leg's execution and the combo's own line, each with its contract.
    assert.deepEqual(
      fills.map((f) => [f.secType, f.conId, f.side, f.shares]).sort((x, y) => String(x[0]).localeCompare(String(y[0])) || Number(x[1]) - Number(y[1])),
      [
        ['BAG', undefined, 'BUY', 3],
        ...[
          [a!.contract.conId, 'BUY'],
          [b!.contract.conId, 'SELL'],
        ]
          .sort((x, y) => Number(x[0]) - Number(y[0]))
          .map(([conId, side]) => ['OPT', conId, side, 3]),
      ],
    );
  });

  it('a resting option and a resting combo: the limit moved and the size cut, more refused, each journaled before it goes', async () => {
    const { expiry, strikes } = await strikesAboveSpot(r, 'INTC', 2);
    const [low, high] = strikes as [number, number];
    const option = await previewOf(r.desk, {
      kind: 'option',
      symbol: 'INTC',
      expiry,
      strike: low,
      right: 'C',
      side: 'BUY',
      quantity: 3,
      orderType: 'LMT',
      limitPrice: '0.01',
      tif: 'GTC',
    });
    const resting = await r.desk.place(option);
    assert.equal(resting.state, 'submitted', resting.error);
    const id = resting.orderId!;
    const more = await r.desk.modify(id, { quantity: '4' });
    assert.deepEqual(more, { ok: false, error: 'quantity: "4" is out of range (valid: a whole number of contracts from 1 to 3); a larger order is a new one' });
    const bad = await r.desk.modify(id, { limitPrice: '-0.05' });
    assert.deepEqual(bad, { ok: false, error: 'limitPrice: "-0.05" is out of range (valid: a price above 0 and at most 1000000)' });
    assert.equal(placeOrders(r.fx).filter((l) => l.order.orderId === id).length, 1, 'nothing sent for a refused change');
    const cut = await r.desk.modify(id, { quantity: '2', limitPrice: '0.02' });
    assert.equal(cut.ok, true, cut.error);
    const sends = placeOrders(r.fx).filter((l) => l.order.orderId === id);
    assert.deepEqual(
      [sends.length, sends[1]!.order.totalQuantity, sends[1]!.order.lmtPrice, sends[1]!.order.secType, sends[1]!.order.orderRef],
      [2, 2, 0.02, 'OPT', resting.orderRef],
    );
    const journal = journalLines(r.config.journalDir)
      .filter((l) => l.orderRef === resting.orderRef)
      .map((l) => l.type);
    assert.ok(journal.indexOf('modify-request') < journal.indexOf('modify-done'), journal.join(','));

    // A debit spread resting far below its market, then moved to pay up: it fills.
    const spread = await previewOf(r.desk, {
      kind: 'combo',
      symbol: 'INTC',
      side: 'BUY',
      quantity: 2,
      orderType: 'LMT',
      limitPrice: '0.01',
      legs: [
        { expiry, strike: low, right: 'C', action: 'BUY', ratio: 1 },
        { expiry, strike: high, right: 'C', action: 'SELL', ratio: 1 },
      ],
    });
    const combo = await r.desk.place(spread);
    assert.equal(combo.state, 'submitted', combo.error);
    const payUp = (spread.net!.ask + 0.5).toFixed(2);
    const moved = await r.desk.modify(combo.orderId!, { limitPrice: payUp });
    assert.equal(moved.ok, true, moved.error);
    const done = await r.trader.brokerClient!.orderDone(combo.orderId!, 5000);
    assert.deepEqual([done.state, done.filled, done.limitPrice], ['filled', 2, Number(payUp)]);
    assert.equal((await r.desk.cancel(id)).ok, true, 'the resting option is cancelled');
  });

  it('Flatten Position closes an option position at the market, exempt from the size limit like a stock flatten', async () => {
    const { expiry, strikes } = await strikesAboveSpot(r, 'QQQ', 1);
    const bought = await r.desk.place(
      await previewOf(r.desk, { kind: 'option', symbol: 'QQQ', expiry, strike: strikes[0], right: 'P', side: 'BUY', quantity: 2, orderType: 'MKT' }),
    );
    assert.equal(bought.sent, true, bought.error);
    const client = r.trader.brokerClient!;
    await client.orderDone(bought.orderId!, 5000);
    const isHeld = (p: Position) => p.contract.secType === 'OPT' && p.contract.symbol === 'QQQ' && p.quantity === 2;
    await client.positions.when((m) => [...m.values()].some(isHeld), 5000);
    const held = client.positionList().find(isHeld)!;
    const input = closingOption(held)!;
    assert.deepEqual(input, { kind: 'option', symbol: 'QQQ', expiry, strike: strikes[0], right: 'P', side: 'SELL', quantity: 2, orderType: 'MKT', tif: 'DAY' });
    const strict = (await r.manual.desk({ ...r.config, risk: { ...r.config.risk, maxOrderQuantity: 100 } }))!;
    const opening = await previewOf(strict, { ...input, side: 'BUY' });
    assert.equal(opening.verdict.rule, 'maxOrderQuantity', 'buying more is held to the limit');
    const r2 = await strict.prepareDerivative(input, { closing: true });
    assert.ok(r2.ok, r2.ok ? '' : r2.problems.join('; '));
    assert.equal(r2.preview.verdict.allowed, true);
    assert.match(r2.preview.verdict.reason, /^closing is exempt from maxOrderQuantity/);
    assert.deepEqual([r2.preview.positionBefore, r2.preview.positionAfter], [2, 0]);
    const closed = await strict.place(r2.preview);
    assert.equal(closed.sent, true, closed.error);
    await client.orderDone(closed.orderId!, 5000);
    await client.positions.when(
      (m) =>
        [...m.values()].some((p) => p.contract.conId === held.contract.conId && p.quantity === 0) ||
        ![...m.values()].some((p) => p.contract.conId === held.contract.conId),
      5000,
    );
  });

  it('a call written against held shares is covered; selling those shares, or writing past them, is named as leaving calls uncovered', async () => {
    const { expiry, strikes } = await strikesAboveSpot(r, 'META', 1);
    const label = `META ${expiry} ${strikes[0]}C`;
    const uncovered = (w: readonly string[]) => w.filter((x) => /uncovered/.test(x));
    await placeFilled(r, r.desk, await previewStock(r.desk, { symbol: 'META', side: 'BUY', quantity: 100, orderType: 'MKT' }), 100);
    await r.trader.brokerClient!.positions.when((m) => [...m.values()].some((p) => p.contract.symbol === 'META' && p.quantity === 100), 5000);

    const write = { kind: 'option', symbol: 'META', expiry, strike: strikes[0], right: 'C', side: 'SELL', quantity: 1, orderType: 'MKT' } as const;
    const covered = await previewOf(r.desk, write);
    assert.ok(
      covered.warnings.some((w) => w.startsWith(`this writes ${label}: a short call of 1 contract(s)`)),
      covered.warnings.join('; '),
    );
    assert.deepEqual(uncovered(covered.warnings), [], 'a covered call: 100 shares held');
    await placeFilled(r, r.desk, covered, 1);
    const isShort = (p: Position) => p.contract.secType === 'OPT' && p.contract.symbol === 'META' && p.quantity === -1;
    await r.trader.brokerClient!.positions.when((m) => [...m.values()].some(isShort), 5000);

    const note = `after this order 1 short call contract on META is uncovered, with no limit to the loss (${label} x1)`;
    for (const quantity of [100, 50]) {
      const sell = await previewStock(r.desk, { symbol: 'META', side: 'SELL', quantity, orderType: 'MKT' });
      assert.deepEqual(uncovered(sell.warnings), [note], `selling ${quantity} of the 100 shares`);
    }
    const more = await previewOf(r.desk, { ...write, quantity: 1 });
    assert.deepEqual(uncovered(more.warnings), [note], 'a second call: the shares cover one of the two');
    const buyBack = await previewOf(r.desk, { ...write, side: 'BUY' });
    assert.deepEqual(uncovered(buyBack.warnings), []);
  });

  it('off the chain, a one-leg combo or a duplicate leg: named, and nothing is previewed, sent or journaled', async () => {
    const { chain, expiry, strikes } = await strikesAboveSpot(r, 'AAPL', 2);
    const before = placeOrders(r.fx).length;
    const journaled = journalLines(r.config.journalDir).length;
    const offChain = await r.desk.prepareDerivative({
      kind: 'option',
      symbol: 'AAPL',
      expiry: '20991218',
      strike: strikes[0]! + 0.37,
      right: 'P',
      side: 'BUY',
      quantity: 1,
      orderType: 'MKT',
    });
    assert.equal(offChain.ok, false);
    const problems = offChain.ok ? [] : offChain.problems;
    assert.equal(problems.length, 2, problems.join('; '));
    assert.match(problems[0]!, new RegExp(`^expiry: 20991218 is not an expiry of AAPL's chain \\(valid: ${chain.expirations[0]}, `));
    assert.match(problems[1]!, /^strike: \d+(\.\d+)? is not a strike of AAPL's chain \(valid: one of its strikes, e\.g\. /);
    const one = await r.desk.prepareDerivative({
      kind: 'combo',
      symbol: 'AAPL',
      side: 'BUY',
      quantity: 1,
      orderType: 'MKT',
      legs: [{ expiry, strike: strikes[0], right: 'C', action: 'BUY', ratio: 1 }],
    });
    assert.deepEqual(one.ok ? [] : one.problems, ['legs: 1 leg is not a combo (valid: 2 to 4 legs, each an option of the chain with BUY or SELL and a ratio)']);
    const dup = await r.desk.prepareDerivative(
      combo('AAPL', [
        { expiry, strike: strikes[0], right: 'C', action: 'BUY', ratio: 1 },
        { expiry, strike: strikes[0], right: 'C', action: 'SELL', ratio: 0 },
      ]),
    );
    assert.deepEqual(dup.ok ? [] : dup.problems, ['legs[1].ratio: 0 is out of range (valid: a whole number of contracts per combo from 1 to 100)']);
    const noStock = await r.desk.prepareDerivative({
      kind: 'option',
      symbol: 'ZZZZQ',
      expiry,
      strike: 100,
      right: 'C',
      side: 'BUY',
      quantity: 1,
      orderType: 'MKT',
    });
    assert.match(noStock.ok ? '' : noStock.problems[0]!, /^symbol: TWS has no option chain for ZZZZQ/);
    assert.equal(placeOrders(r.fx).length, before, 'no what-if, no order');
    assert.equal(journalLines(r.config.journalDir).length, journaled);
  });

  it('risk limits count contracts x 100: a position limit in shares, the allowlist by the stock; a refused preview places nothing', async () => {
    const { expiry, strikes } = await strikesAboveSpot(r, 'AMD', 2);
    const strict = (await r.manual.desk({ ...r.config, risk: { ...r.config.risk, maxPositionPerSymbol: 150, symbolAllowlist: ['AMD'] } }))!;
    const before = placeOrders(r.fx).length;
    const option = { kind: 'option' as const, symbol: 'AMD', expiry, strike: strikes[0], right: 'C', side: 'BUY', orderType: 'LMT', limitPrice: '1.00' };
    const two = await previewOf(strict, { ...option, quantity: 2 });
    assert.deepEqual(two.verdict, {
      allowed: false,
      rule: 'maxPosition',
      reason: `AMD ${expiry} ${strikes[0]}C position would be 200 shares, beyond the maximum of 150`,
    });
    assert.equal(two.whatIf, undefined);
    assert.deepEqual(await strict.place(two), {
      sent: false,
      state: 'refused',
      error: `risk check maxPosition: AMD ${expiry} ${strikes[0]}C position would be 200 shares, beyond the maximum of 150`,
    });
    const oneContract = await previewOf(strict, { ...option, quantity: 1 });
    assert.equal(oneContract.verdict.allowed, true, oneContract.verdict.reason);
    // A combo is judged leg by leg: the second leg at 2 x 100 goes beyond.
    const ratio = await previewOf(
      strict,
      combo('AMD', [
        { expiry, strike: strikes[0], right: 'C', action: 'BUY', ratio: 1 },
        { expiry, strike: strikes[1], right: 'C', action: 'SELL', ratio: 2 },
      ]),
    );
    assert.deepEqual(
      [ratio.verdict.rule, ratio.verdict.reason],
      ['maxPosition', `AMD ${expiry} ${strikes[1]}C position would be -200 shares, beyond the maximum of 150`],
    );
    const elsewhere = (await r.manual.desk({ ...r.config, risk: { ...r.config.risk, symbolAllowlist: ['SPY'] } }))!;
    const listed = await previewOf(elsewhere, { ...option, quantity: 1 });
    assert.deepEqual([listed.verdict.rule, listed.verdict.reason], ['symbolAllowlist', 'AMD is not in the symbol allowlist (SPY)']);
    assert.equal(
      placeOrders(r.fx)
        .slice(before)
        .filter((l) => !l.order.whatIf).length,
      0,
      'only what-ifs of the allowed preview',
    );
  });
});

describe('an option on a live account', { timeout: 60_000 }, () => {
  it('needs the account id typed, like a stock order; untyped, nothing is sent', async () => {
    const r = await rig({ live: true, allowLive: true });
    try {
      const desk = (await r.manual.desk(r.config))!;
      const { expiry, strikes } = await strikesAboveSpot(r, 'NVDA', 1);
      const preview = await previewOf(desk, {
        kind: 'option',
        symbol: 'NVDA',
        expiry,
        strike: strikes[0],
        right: 'P',
        side: 'BUY',
        quantity: 1,
        orderType: 'LMT',
        limitPrice: '0.05',
      });
      assert.equal(preview.live, true);
      const refused = await desk.place(preview, { confirmLive: async () => 'U999' });
      assert.deepEqual(refused, { sent: false, state: 'refused', error: 'live order not confirmed: the account id U1234567 was not typed' });
      assert.equal(placeOrders(r.fx).filter((l) => !l.order.whatIf).length, 0);
      const placed = await desk.place(preview, { confirmLive: async () => 'U1234567' });
      assert.equal(placed.sent, true, placed.error);
      assert.equal(placeOrders(r.fx).filter((l) => !l.order.whatIf && l.order.secType === 'OPT').length, 1);
    } finally {
      await r.close();
    }
  });
});
