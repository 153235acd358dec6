// The order ticket's questions in the host's own input boxes and quick picks (the panel only
// opens the ticket: no message from it carries an order's terms). Each box refuses what the
// ticket would refuse. The kind of order first; an option is picked from the chain (expiry,
// call or put, strike with its bid and ask); a combo is 2 to 4 such legs, each with its
// action and ratio, then the combo's side, quantity and net price.
import * as vscode from 'vscode';
import { expiryItems, loadChain, strikeItems, strikeQuotes, type ChainBroker } from '../app/optionChainView';
import type { DerivativeInput } from '../session/manualDerivatives';
import { COMBO_MAX_LEGS, COMBO_MIN_LEGS, MAX_CONTRACTS, MAX_LEG_RATIO, netPriceProblem, type TicketRight } from '../trading/optionTicket';
import { fieldProblem, priceProblem, readWholeNumber } from '../trading/orderTicket';

export async function askText(title: string, prompt: string, validate: (v: string) => string | undefined, value?: string): Promise<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, ignoreFocusOut: true, validateInput: (v) => validate(v), ...(value !== undefined ? { value } : {}) });
}

export async function askPick<T extends string>(title: string, items: ReadonlyArray<{ label: T; description: string }>): Promise<T | undefined> {
  const pick = await vscode.window.showQuickPick(
    items.map((i) => ({ ...i })),
    { title, ignoreFocusOut: true },
  );
  return pick?.label as T | undefined;
}

export const TICKET_KINDS = ['Stock', 'Option', 'Combo'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

const title = (step: string) => `IBKR: Place Order - ${step}`;

export function askKind(): Promise<TicketKind | undefined> {
  return askPick(title('kind'), [
    { label: 'Stock', description: 'shares at the market, at a limit or on a stop, with an optional bracket' },
    { label: 'Option', description: 'one call or put picked from the chain' },
    { label: 'Combo', description: '2 to 4 option legs traded as one order at a net price (spreads, straddles, condors)' },
  ]);
}

function whole(unit: string, max: number) {
  return (v: string) => {
    let problem: string | undefined;
    readWholeNumber(v, unit, max, (m) => (problem = m));
    return problem;
  };
}

/** One option of the chain: expiry, call or put, strike (with its quote). */
async function askOptionPick(
  broker: ChainBroker,
  symbol: string,
  loaded: Awaited<ReturnType<typeof loadChain>>,
  step: string,
): Promise<{ expiry: string; right: TicketRight; strike: number } | undefined> {
  const expiry = await askPick(title(`${step}expiry`), expiryItems(loaded.chain.expirations, Date.now()));
  if (!expiry) return undefined;
  const right = await askPick<TicketRight>(title(`${step}call or put`), [
    { label: 'C', description: `call: the right to buy ${symbol} at the strike` },
    { label: 'P', description: `put: the right to sell ${symbol} at the strike` },
  ]);
  if (!right) return undefined;
  const rows = await strikeQuotes(broker, symbol, loaded.chain, expiry, right, loaded.spot);
  const pick = await pickStrike(title(`${step}strike`), strikeItems(rows, loaded.spot), loaded.spot);
  return pick === undefined ? undefined : { expiry, right, strike: pick };
}

/** The strikes, opened at the one nearest the stock (the list is long); typing filters on the quote too. */
function pickStrike(text: string, items: ReturnType<typeof strikeItems>, spot: number | undefined): Promise<number | undefined> {
  const qp = vscode.window.createQuickPick<(typeof items)[number]>();
  qp.title = text;
  qp.items = items;
  qp.ignoreFocusOut = true;
  qp.matchOnDescription = true;
  const atm = spot !== undefined ? items.reduce((a, b) => (Math.abs(b.strike - spot) < Math.abs(a.strike - spot) ? b : a), items[0]!) : undefined;
  if (atm) qp.activeItems = [atm];
  return new Promise((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]?.strike ?? qp.activeItems[0]?.strike);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/** The side, quantity, order type, limit price and time in force of an option or a combo. */
async function askTerms(unit: 'contracts' | 'combos'): Promise<Pick<DerivativeInput, 'side' | 'quantity' | 'orderType' | 'limitPrice' | 'tif'> | undefined> {
  const combo = unit === 'combos';
  const side = await askPick(title('side'), [
    { label: 'BUY', description: combo ? 'the legs as given (BUY legs bought, SELL legs sold)' : 'buy the option' },
    { label: 'SELL', description: combo ? 'the legs reversed (BUY legs sold, SELL legs bought)' : 'sell (or write) the option' },
  ]);
  if (!side) return undefined;
  const quantity = await askText(
    title('quantity'),
    combo ? 'Combos (each leg trades this times its ratio)' : 'Contracts (100 shares each)',
    whole(unit, MAX_CONTRACTS),
  );
  if (quantity === undefined) return undefined;
  const orderType = await askPick(title('order type'), [
    { label: 'MKT', description: 'market: fills now at the best price' },
    { label: 'LMT', description: combo ? 'limit: at this net price or better' : 'limit: at this premium or better' },
  ]);
  if (!orderType) return undefined;
  let limitPrice: string | undefined;
  if (orderType === 'LMT') {
    limitPrice = await askText(
      title('limit price'),
      combo ? 'Net price per combo share: positive pays (debit), negative receives (credit)' : 'Premium per share (x 100 per contract)',
      (v) => {
        const p = combo ? netPriceProblem(v) : priceProblem(v);
        return p.problem;
      },
    );
    if (limitPrice === undefined) return undefined;
  }
  const tif = await askPick(title('time in force'), [
    { label: 'DAY', description: 'until the close today' },
    { label: 'GTC', description: 'good till cancelled' },
  ]);
  if (!tif) return undefined;
  return { side, quantity, orderType, ...(limitPrice !== undefined ? { limitPrice } : {}), tif };
}

/** An option or a combo ticket, asked step by step from the chain; undefined when cancelled. */
export async function askDerivative(broker: ChainBroker, kind: 'Option' | 'Combo'): Promise<DerivativeInput | undefined> {
  const symbolText = await askText(title('underlying'), 'The stock whose options to trade, e.g. NVDA', (v) => fieldProblem({ symbol: v }, 'symbol'));
  if (symbolText === undefined) return undefined;
  const symbol = symbolText.trim().toUpperCase();
  let loaded: Awaited<ReturnType<typeof loadChain>>;
  try {
    loaded = await loadChain(broker, symbol);
  } catch (err) {
    void vscode.window.showErrorMessage(`IBKR: no option chain for ${symbol}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  if (kind === 'Option') {
    const pick = await askOptionPick(broker, symbol, loaded, '');
    if (!pick) return undefined;
    const terms = await askTerms('contracts');
    return terms && { kind: 'option', symbol, ...pick, ...terms };
  }
  const legs: Array<{ expiry: string; right: TicketRight; strike: number; action: string; ratio: string }> = [];
  while (legs.length < COMBO_MAX_LEGS) {
    if (legs.length >= COMBO_MIN_LEGS) {
      const more = await askPick(title(`legs (${legs.length} so far)`), [
        { label: 'Done', description: legs.map((l) => `${l.action} ${l.ratio}x ${l.expiry} ${l.strike}${l.right}`).join(', ') },
        { label: 'Add a leg', description: `up to ${COMBO_MAX_LEGS} legs` },
      ]);
      if (!more) return undefined;
      if (more === 'Done') break;
    }
    const step = `leg ${legs.length + 1}: `;
    const pick = await askOptionPick(broker, symbol, loaded, step);
    if (!pick) return undefined;
    const action = await askPick(title(`${step}action`), [
      { label: 'BUY', description: `buy ${pick.expiry} ${pick.strike}${pick.right}` },
      { label: 'SELL', description: `sell ${pick.expiry} ${pick.strike}${pick.right}` },
    ]);
    if (!action) return undefined;
    const ratio = await askText(title(`${step}ratio`), 'Contracts of this leg per combo', whole('contracts per combo', MAX_LEG_RATIO), '1');
    if (ratio === undefined) return undefined;
    legs.push({ ...pick, action, ratio });
  }
  const terms = await askTerms('combos');
  return terms && { kind: 'combo', symbol, legs, ...terms };
}
