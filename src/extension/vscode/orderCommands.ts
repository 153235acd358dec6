// The order ticket's commands: Place Order (a QuickPick / InputBox flow, or a ticket given as
// the command's argument), Modify Order, Cancel Order, Flatten Position and Flatten the AI
// session's book. Every order is previewed (risk checks and TWS's what-if) and confirmed in a
// modal before it goes; a live account also needs its id typed. The desk
// (session/manualOrders.ts) journals and checks; this file only asks and shows.
import * as vscode from 'vscode';
import { Commands } from '../app/commandIds';
import { flattenBookNotice } from '../app/killAll';
import { manualDeskConfig, ManualOrders } from '../app/manualOrders';
import { describeOrder, previewDetail } from '../app/orderTicketView';
import type { Trader } from '../app/trader';
import { TERMINAL_STATES, type BrokerContract } from '../broker/types';
import { closingOption, type DerivativeInput } from '../session/manualDerivatives';
import { optionLabel } from '../session/manualAccount';
import type { ManualOrderDesk, ManualPreview, PrepareResult } from '../session/manualOrders';
import { fieldProblem, priceProblem, TICKET_TYPES, type TicketInput } from '../trading/orderTicket';
import type { ComponentLog } from './log';
import { currentTarget, openSettings } from './settings';
import type { SimulatorHost } from '../app/simulatorHost';
import { askDerivative, askKind, askPick, askText } from './ticketPrompts';
import { netPriceProblem } from '../trading/optionTicket';
import { requireTrust } from './trust';

export interface OrderCommandDeps {
  context: vscode.ExtensionContext;
  simulator: SimulatorHost;
  trader: Trader;
  log: ComponentLog;
}

type Register = (id: string, fn: (...args: unknown[]) => unknown) => vscode.Disposable;

export function registerOrderCommands(deps: OrderCommandDeps, reg: Register): vscode.Disposable[] {
  const manual = new ManualOrders(deps.trader, (level, message) => (level === 'warn' ? deps.log.warn(message) : deps.log.info(message)));
  return [
    { dispose: () => manual.dispose() },
    reg(Commands.placeOrder, (arg?: unknown) => placeOrder(deps, manual, arg)),
    reg(Commands.modifyOrder, (arg?: unknown) => modifyOrder(deps, manual, arg)),
    reg(Commands.cancelOrder, (arg?: unknown) => cancelOrder(deps, manual, arg)),
    reg(Commands.flattenPosition, (arg?: unknown) => flattenPosition(deps, manual, arg)),
    reg(Commands.flattenBook, () => flattenBook(deps, manual)),
  ];
}

/** The desk on the current connection, with the settings of now; undefined (and the reason shown) when there is none. */
async function openDesk(deps: OrderCommandDeps, manual: ManualOrders, action: string): Promise<ManualOrderDesk | undefined> {
  if (!requireTrust(action)) return undefined;
  if (!deps.trader.connected) {
    await vscode.commands.executeCommand(Commands.connect);
    if (!deps.trader.connected) {
      void vscode.window.showErrorMessage(`IBKR: cannot ${action}: not connected to TWS ("IBKR: Connect to TWS").`);
      return undefined;
    }
  }
  const t = currentTarget(deps.simulator.running);
  const cwd = t.folder ?? deps.context.globalStorageUri.fsPath;
  const { config, problems } = manualDeskConfig(t.settings, t.target.allowLive, cwd);
  if (!config) {
    const open = 'Open Settings';
    void vscode.window
      .showErrorMessage(`IBKR: cannot ${action}: ${problems.join('; ')}`, open)
      .then((c) => (c === open ? openSettings(problems[0]?.split(':')[0]) : undefined));
    return undefined;
  }
  return manual.desk(config);
}

// ------------------------------------------------------------------ the ticket's questions

const TYPE_HELP: Record<(typeof TICKET_TYPES)[number], string> = {
  MKT: 'market: fills now at the best price',
  LMT: 'limit: at this price or better',
  STP: 'stop: a market order once the stop price trades',
  'STP LMT': 'stop limit: a limit order once the stop price trades',
};

/** The ticket, asked field by field; each box refuses what the ticket would refuse. Undefined when cancelled. */
async function askTicket(): Promise<TicketInput | undefined> {
  const title = (step: string) => `IBKR: Place Order - ${step}`;
  const input: TicketInput = {};
  const symbol = await askText(title('symbol'), 'Stock symbol, e.g. NVDA', (v) => fieldProblem({ symbol: v }, 'symbol'));
  if (symbol === undefined) return undefined;
  input.symbol = symbol.trim().toUpperCase();
  const side = await askPick(title('side'), [
    { label: 'BUY', description: `buy ${input.symbol}` },
    { label: 'SELL', description: `sell ${input.symbol}` },
  ]);
  if (!side) return undefined;
  input.side = side;
  const quantity = await askText(title('quantity'), `Shares to ${side.toLowerCase()}`, (v) => fieldProblem({ quantity: v }, 'quantity'));
  if (quantity === undefined) return undefined;
  input.quantity = quantity;
  const orderType = await askPick(
    title('order type'),
    TICKET_TYPES.map((label) => ({ label, description: TYPE_HELP[label] })),
  );
  if (!orderType) return undefined;
  input.orderType = orderType;
  const price = (v: string, field: 'limitPrice' | 'stopPrice' | 'takeProfitPrice' | 'stopLossPrice') => {
    const p = priceProblem(v);
    return p.problem ? `${field}: ${p.problem}` : undefined;
  };
  if (orderType === 'STP' || orderType === 'STP LMT') {
    const stop = await askText(title('stop price'), 'Stop price (it triggers the order)', (v) => price(v, 'stopPrice'));
    if (stop === undefined) return undefined;
    input.stopPrice = stop;
  }
  if (orderType === 'LMT' || orderType === 'STP LMT') {
    const limit = await askText(title('limit price'), 'Limit price', (v) => price(v, 'limitPrice'));
    if (limit === undefined) return undefined;
    input.limitPrice = limit;
  }
  const tif = await askPick(title('time in force'), [
    { label: 'DAY', description: 'until the close today' },
    { label: 'GTC', description: 'good till cancelled' },
  ]);
  if (!tif) return undefined;
  input.tif = tif;
  if (orderType === 'MKT' || orderType === 'LMT') {
    const exits = await askPick(title('exits'), [
      { label: 'No exits', description: 'a single order' },
      { label: 'Bracket', description: 'attach a take-profit (limit) and a stop-loss (stop), working once the entry fills' },
    ]);
    if (!exits) return undefined;
    if (exits === 'Bracket') {
      const tp = await askText(title('take-profit'), `Take-profit limit price (${side === 'BUY' ? 'above' : 'below'} the entry)`, (v) =>
        price(v, 'takeProfitPrice'),
      );
      if (tp === undefined) return undefined;
      input.takeProfitPrice = tp;
      const sl = await askText(title('stop-loss'), `Stop-loss stop price (${side === 'BUY' ? 'below' : 'above'} the entry)`, (v) => price(v, 'stopLossPrice'));
      if (sl === undefined) return undefined;
      input.stopLossPrice = sl;
    }
  }
  return input;
}

// ------------------------------------------------------------------ placing

/** Previews, confirms and places; returns the orderRef placed, or undefined. */
async function previewAndPlace(
  deps: OrderCommandDeps,
  desk: ManualOrderDesk,
  input: TicketInput | DerivativeInput,
  closing: boolean,
  stays?: string,
): Promise<string | undefined> {
  const prepare = (overrideHours: boolean): Promise<PrepareResult> =>
    'kind' in input ? desk.prepareDerivative(input, { closing, overrideHours }) : desk.prepare(input, { closing, overrideHours });
  let prepared = await prepare(false);
  if (!prepared.ok) {
    void vscode.window.showErrorMessage(`IBKR: order not sent: ${prepared.problems.join('; ')}`);
    return undefined;
  }
  let preview: ManualPreview = prepared.preview;
  if (!preview.verdict.allowed && preview.verdict.rule === 'tradingHours') {
    const override = 'Override Hours for This Order';
    const c = await vscode.window.showWarningMessage(
      `IBKR: ${preview.text}: outside trading hours.`,
      { modal: true, detail: `${preview.verdict.reason}.\n\nOverride the hours check for this one order? Every other risk check still applies.` },
      override,
    );
    if (c !== override) return undefined;
    prepared = await prepare(true);
    if (!prepared.ok) {
      void vscode.window.showErrorMessage(`IBKR: order not sent: ${prepared.problems.join('; ')}`);
      return undefined;
    }
    preview = prepared.preview;
  }
  if (!preview.verdict.allowed) {
    void vscode.window.showErrorMessage(`IBKR: order not sent: risk check ${preview.verdict.rule}: ${preview.verdict.reason}`);
    return undefined;
  }
  const go = preview.live ? 'Place LIVE Order' : 'Place Order';
  const choice = await vscode.window.showWarningMessage(
    `${preview.live ? 'LIVE ' : ''}${preview.text}?`,
    { modal: true, detail: `${previewDetail(preview)}${stays ? `\n\n${stays}` : ''}` },
    go,
  );
  if (choice !== go) {
    deps.log.info(`order ticket: ${preview.text} not confirmed; nothing sent`);
    return undefined;
  }
  const placed = await desk.place(preview, {
    confirmLive: async (account) =>
      vscode.window.showInputBox({
        title: `IBKR: LIVE order on ${account}`,
        prompt: `Type the account id ${account} to send ${preview.text} with real money`,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === account ? undefined : `type ${account} exactly`),
      }),
  });
  if (!placed.sent) {
    deps.log.warn(`order ticket: ${preview.text} not sent: ${placed.error ?? placed.state}`);
    void vscode.window.showErrorMessage(`IBKR: order not sent: ${placed.error ?? placed.state}`);
    return undefined;
  }
  const exits = placed.exits ? ` (take-profit #${placed.exits.takeProfit}, stop-loss #${placed.exits.stopLoss})` : '';
  deps.log.info(
    `order ticket: ${preview.text} sent as #${placed.orderId}${exits} (${placed.orderRef}): ${placed.state}${placed.error ? ` - ${placed.error}` : ''}`,
  );
  const msg = `IBKR: ${preview.text} sent as order #${placed.orderId}${exits}: ${placed.state}${placed.error ? ` (${placed.error})` : ''}.`;
  void (placed.error ? vscode.window.showErrorMessage(msg) : vscode.window.showInformationMessage(msg));
  return placed.orderRef;
}

async function placeOrder(deps: OrderCommandDeps, manual: ManualOrders, arg: unknown): Promise<string | undefined> {
  const desk = await openDesk(deps, manual, 'place an order');
  if (!desk) return undefined;
  // A command argument is a ticket as is (a `kind` of option or combo, else a stock's fields).
  let input: TicketInput | DerivativeInput | undefined =
    arg && typeof arg === 'object' && !Array.isArray(arg) ? (arg as TicketInput | DerivativeInput) : undefined;
  if (!input) {
    const kind = await askKind();
    const broker = deps.trader.brokerClient;
    if (!kind || !broker) return undefined;
    input = kind === 'Stock' ? await askTicket() : await askDerivative(broker, kind);
  }
  if (!input) return undefined;
  return previewAndPlace(deps, desk, input, false);
}

// ------------------------------------------------------------------ changing

/** An order id from a command argument: a number, the panel's `{ orderId }` or the tree's order node. */
function orderIdOf(arg: unknown): number | undefined {
  if (typeof arg === 'number' && Number.isInteger(arg)) return arg;
  if (arg && typeof arg === 'object') {
    const o = arg as { orderId?: unknown; row?: { orderId?: unknown } };
    const id = o.orderId ?? o.row?.orderId;
    if (typeof id === 'number' && Number.isInteger(id)) return id;
  }
  return undefined;
}

async function pickOrder(desk: ManualOrderDesk, arg: unknown, verb: string): Promise<number | undefined> {
  const given = orderIdOf(arg);
  if (given !== undefined) return given;
  const working = desk.workingOrders();
  if (!working.length) {
    void vscode.window.showInformationMessage(`IBKR: no working order from the order ticket to ${verb}.`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    working.map((o) => ({ label: describeOrder(o), description: o.orderRef ?? '', id: o.orderId })),
    { title: `IBKR: ${verb} which order?`, ignoreFocusOut: true },
  );
  return pick?.id;
}

async function modifyOrder(deps: OrderCommandDeps, manual: ManualOrders, arg: unknown): Promise<boolean> {
  const desk = await openDesk(deps, manual, 'modify an order');
  if (!desk) return false;
  const id = await pickOrder(desk, arg, 'modify');
  if (id === undefined) return false;
  const o = deps.trader.brokerClient?.order(id);
  if (!o) {
    void vscode.window.showErrorMessage(`IBKR: order ${id} is not known to this connection.`);
    return false;
  }
  const title = `IBKR: Modify ${describeOrder(o)}`;
  const changes: { quantity?: string; limitPrice?: string; stopPrice?: string } = {};
  // An option's or a combo's size can only shrink, and a combo's net limit may be negative (a credit): the desk says so.
  const stock = !o.contract || o.contract.secType === 'STK';
  const unit = stock ? 'Shares' : o.contract?.secType === 'BAG' ? 'Combos (at most the order has)' : 'Contracts (at most the order has)';
  const quantity = await askText(
    title,
    `${unit} (the whole order, filled ones included)`,
    (v) => (stock ? fieldProblem({ quantity: v }, 'quantity') : undefined),
    String(o.quantity),
  );
  if (quantity === undefined) return false;
  changes.quantity = quantity;
  const price = (field: 'limitPrice' | 'stopPrice') => (v: string) => {
    const p = o.contract?.secType === 'BAG' ? netPriceProblem(v) : priceProblem(v);
    return p.problem ? `${field}: ${p.problem}` : undefined;
  };
  if (o.stopPrice !== undefined) {
    const stop = await askText(title, 'Stop price', price('stopPrice'), String(o.stopPrice));
    if (stop === undefined) return false;
    changes.stopPrice = stop;
  }
  if (o.limitPrice !== undefined) {
    const limit = await askText(title, 'Limit price', price('limitPrice'), String(o.limitPrice));
    if (limit === undefined) return false;
    changes.limitPrice = limit;
  }
  const r = await desk.modify(id, changes);
  if (!r.ok) {
    void vscode.window.showErrorMessage(`IBKR: order ${id} not modified: ${r.error}`);
    return false;
  }
  void vscode.window.showInformationMessage(`IBKR: modified ${r.order ? describeOrder(r.order) : `order ${id}`}.`);
  return true;
}

async function cancelOrder(deps: OrderCommandDeps, manual: ManualOrders, arg: unknown): Promise<boolean> {
  // Cancelling only lowers risk: no confirmation, and no trust prompt beyond the desk's.
  const desk = await openDesk(deps, manual, 'cancel an order');
  if (!desk) return false;
  const id = await pickOrder(desk, arg, 'cancel');
  if (id === undefined) return false;
  const r = await desk.cancel(id);
  if (!r.ok) {
    void vscode.window.showErrorMessage(`IBKR: order ${id} not cancelled: ${r.error}`);
    return false;
  }
  void vscode.window.showInformationMessage(
    `IBKR: order ${id} ${r.order?.state ?? 'cancelled'}${r.order && r.order.filled > 0 ? ` after ${r.order.filled} filled` : ''}.`,
  );
  return true;
}

// ------------------------------------------------------------------ flattening

function symbolOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object') {
    const o = arg as { symbol?: unknown; row?: { symbol?: unknown } };
    const s = o.symbol ?? o.row?.symbol;
    if (typeof s === 'string') return s;
  }
  return undefined;
}

async function flattenPosition(deps: OrderCommandDeps, manual: ManualOrders, arg: unknown): Promise<string | undefined> {
  const desk = await openDesk(deps, manual, 'flatten a position');
  const broker = deps.trader.brokerClient;
  if (!desk || !broker) return undefined;
  // Stocks by symbol, options by their label (`NVDA 20261218 150C`) or TWS's local symbol (the panel's rows).
  const positions = broker.positionList().filter((p) => (p.contract.secType === 'STK' || p.contract.secType === 'OPT') && p.quantity !== 0);
  const label = (c: BrokerContract) => (c.secType === 'OPT' ? optionLabel(c) : c.symbol);
  let symbol = symbolOf(arg);
  if (!symbol) {
    if (!positions.length) {
      void vscode.window.showInformationMessage('IBKR: no stock or option position to flatten.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      positions.map((p) => ({ label: label(p.contract), description: `${p.quantity} @ ${p.avgCost.toFixed(2)}` })),
      { title: 'IBKR: Flatten which position?', ignoreFocusOut: true },
    );
    symbol = pick?.label;
  }
  if (!symbol) return undefined;
  const option = positions.find((p) => p.contract.secType === 'OPT' && (label(p.contract) === symbol || p.contract.localSymbol === symbol));
  const closing = option && closingOption(option);
  if (closing)
    return previewAndPlace(
      deps,
      desk,
      closing,
      true,
      `Closes ${option.quantity} ${label(option.contract)} contract(s) at the market; other positions stay open.`,
    );
  const held = positions.filter((p) => p.contract.secType === 'STK');
  const ticket = desk.flattenTicket(symbol);
  if (!ticket) {
    void vscode.window.showInformationMessage(`IBKR: the account holds no ${symbol}: nothing to flatten.`);
    return undefined;
  }
  const others = held.filter((p) => p.contract.symbol !== symbol).map((p) => `${p.contract.symbol} ${p.quantity}`);
  const working = broker.orders().filter((o) => o.contract?.symbol === symbol && !TERMINAL_STATES.has(o.state));
  const session = deps.trader.activeSession;
  const stays = [
    `Stays open: ${others.length ? others.join(', ') : 'no other position'}.`,
    working.length ? `Working orders on ${symbol} are not cancelled: ${working.map((o) => `#${o.orderId}`).join(', ')}.` : '',
    session ? `An AI session is running: if its book holds ${symbol}, this sale takes those shares too and the session's book shrinks to what TWS holds.` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return previewAndPlace(deps, desk, ticket, true, stays);
}

async function flattenBook(deps: OrderCommandDeps, manual: ManualOrders): Promise<boolean> {
  // Like the kill switch, no trust prompt: it only closes what the session itself opened.
  if (!deps.trader.sessionActive) {
    void vscode.window.showInformationMessage('IBKR: no AI session is running: it has no book to flatten.');
    return false;
  }
  const go = "Flatten the Session's Book";
  const choice = await vscode.window.showWarningMessage(
    "Flatten the AI session's book?",
    {
      modal: true,
      detail:
        'The session stops, cancels its working orders and sells (or covers) only the shares its own orders bought, never more than TWS holds. ' +
        'Positions held outside the book (bought by hand, by another program, before the session) and orders from the order ticket stay open.',
    },
    go,
  );
  if (choice !== go) return false;
  const r = await manual.flattenBook();
  if (!r) {
    void vscode.window.showInformationMessage('IBKR: the AI session had already ended.');
    return false;
  }
  const { message, severity } = flattenBookNotice(r);
  void (severity === 'error' ? vscode.window.showErrorMessage(message) : vscode.window.showInformationMessage(message));
  return r.notFlattened.length === 0;
}
