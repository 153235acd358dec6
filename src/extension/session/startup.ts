// A session's start, in the order safety needs: the model (a bad one is a configuration
// problem, found before connecting), the journal folder's lock and plan, the connection and
// the account checks (nothing journaled or subscribed when refused), the journal, contracts
// and bars, capital and risk, the start (or resume) line, then the orders reconciled with TWS.
// What it builds is the RunningSession the cycles and the end work with.
import { join } from 'node:path';
import { BrokerClient } from '../broker/brokerClient';
import type { BrokerContract, BrokerConnectionState as BrokerState } from '../broker/types';
import { US_REGULAR_HOURS, zonedTime } from '../core/marketHours';
import { isSessionBar } from '../core/sessionBars';
import { ModelLoadError } from '../policy/errors';
import { barSizeSeconds } from '../policy/manifest';
import { loadModel, type LoadedModel } from '../policy/modelLoader';
import { PolicyStep } from '../policy/policyStep';
import { capToHeld, describeExternal, externalQuantity } from '../trading/bookRules';
import { RiskEngine } from '../trading/riskEngine';
import type { SizingRule } from '../trading/sizing';
import { BarFeed } from './barFeed';
import { BookView, PositionFreshness } from './bookView';
import { HISTORY_MARGIN } from './cycle';
import { CycleClock } from './cycleClock';
import { CycleQueue } from './cycleQueue';
import { Journal, JournalError } from './journal';
import { acquireJournalLock, describeOwner, JournalLockError, type JournalLock } from './journalLock';
import { OrderManager } from './orderManager';
import { OrderRejections } from './orderRejections';
import { formatOrderRef, newRunTag, newSessionId } from './orderRef';
import type { RunningSession, SessionHost } from './runningSession';
import { describeLeverage, leverageProblem } from './sessionConfig';
import { describeRisk, sizingWithinLimits } from '../trading/riskLimits';
import { SessionJournal, type JournalSink } from './sessionJournal';
import { SessionLedger, type StartPosition } from './sessionLedger';
import { EXIT_CODES, SessionStop } from './sessionOutcome';
import { checkJournalDir, planJournal, resumeProblem, type JournalPlan } from './sessionResume';

/** How far startup got: what the end of a session that failed part way has to close or report. */
export interface StartupProgress {
  sessionId?: string;
  account?: string;
  /** The session's ledger: a fresh one until the journal opens, then the journal's (a resume's replay). */
  ledger: SessionLedger;
  journal?: SessionJournal;
  lock?: JournalLock;
  /** Made by the session (not passed in): disposed at its end. */
  ownedBroker?: BrokerClient;
  ownedModel?: LoadedModel;
  run?: RunningSession;
}

/** Startup's host: the session's, plus a word when the running session exists (the kill switch can reach its orders from then on). */
export interface StartupHost extends SessionHost {
  readonly progress: StartupProgress;
  attach(run: RunningSession): void;
}

/** One line saying how the model's bar size maps to the session's cycle, when they differ. */
export function barSizeNote(model: LoadedModel, cycleSeconds: number): string | undefined {
  const trained = model.manifest.bars.barSize;
  const seconds = barSizeSeconds(trained);
  if (seconds === cycleSeconds) return undefined;
  return `model ${model.manifest.name} was trained on ${trained} bars; this session runs it on ${cycleSeconds}-second bars, one per cycle - a demo policy, not a strategy`;
}

/** Backfill request covering `bars` bars of `seconds` (with some spare), as TWS durations go. */
export function backfillDuration(bars: number, seconds: number): string {
  if (isSessionBar(seconds)) {
    // Session bars: one (daily) or a few per regular session, five sessions a week, some holidays.
    const perSession = seconds >= 86_400 ? 1 : Math.ceil((6.5 * 3600) / seconds);
    return `${Math.min(365, Math.ceil((((bars + 5) / perSession) * 7) / 5) + 5)} D`;
  }
  const total = (bars + 5) * seconds;
  if (total <= 86_400) return `${Math.max(total, 60)} S`;
  // Extended sessions are 16 hours a day; weekends and nights hold no bars.
  return `${Math.min(365, Math.ceil(total / 57_600) + 3)} D`;
}

/** Starts the session; throws SessionStop (refused, failed, faulted) naming why it cannot. */
export async function startSession(host: StartupHost): Promise<RunningSession> {
  const { config: cfg, options, progress } = host;
  host.setState('starting');
  // The model first: a bad model is a configuration problem, found before connecting.
  let model: LoadedModel;
  try {
    model = options.model ?? (await loadModel(cfg.modelDir));
    if (!options.model) progress.ownedModel = model;
  } catch (err) {
    if (err instanceof ModelLoadError) throw new SessionStop('failed', err.message, EXIT_CODES.config);
    throw err;
  }
  const note = barSizeNote(model, cfg.cycleSeconds);
  host.notice('info', note ?? `model ${model.manifest.name} runs on its own bar size (${model.manifest.bars.barSize}), one bar per cycle`);
  if (cfg.cycleSeconds >= 86_400 && cfg.risk.tradingHours === undefined) {
    host.notice(
      'warn',
      'daily cycles decide at the 16:00 New York close (the end of the session bar), when the tradingHours rule refuses orders; add --any-hours to let their DAY orders wait at TWS for the next open',
    );
  }
  const step = new PolicyStep(model);
  const s = model.manifest.sizing;
  // The target position is capped to the position limit, as in the backtest (riskLimits.ts).
  const sizing: SizingRule = sizingWithinLimits(
    { maxPositionFraction: s.maxPositionFraction, lotSize: s.lotSize, rebalanceBand: s.rebalanceBand, allowShort: s.allowShort },
    cfg.risk,
  );
  // A manifest asking for more gross notional than the session may hold is refused before connecting.
  const leverage = leverageProblem(join(model.dir, 'manifest.json'), s.maxPositionFraction, cfg.symbols.length, cfg);
  if (leverage) throw new SessionStop('refused', leverage, EXIT_CODES.config);

  let plan: JournalPlan;
  try {
    checkJournalDir(cfg.journalDir);
    // One writer per folder: locked before its plan is trusted and before anything is sent.
    const lock = acquireJournalLock(cfg.journalDir);
    progress.lock = lock;
    plan = planJournal(cfg.journalDir, options.newSessionId ?? (() => newSessionId()));
    lock.setSession(plan.sessionId);
  } catch (err) {
    if (err instanceof JournalLockError) throw new SessionStop('refused', err.message, EXIT_CODES.refused);
    if (err instanceof JournalError) throw new SessionStop('failed', err.message, EXIT_CODES.failed);
    throw err;
  }
  const sessionId = plan.sessionId;
  progress.sessionId = sessionId;

  // Connect.
  host.setState('connecting');
  const broker = options.broker ?? makeBroker(host);
  if (!options.broker) progress.ownedBroker = broker;
  if (!broker.isReady) {
    try {
      await broker.connect();
    } catch (err) {
      throw new SessionStop(
        'failed',
        `cannot connect to TWS at ${cfg.host}:${cfg.port} (client id ${cfg.clientId}): ${err instanceof Error ? err.message : String(err)}`,
        EXIT_CODES.failed,
      );
    }
  }
  const account = broker.accountId ?? '';
  progress.account = account;

  // Safety, before anything is journaled or subscribed: nothing is sent when refused.
  await checkAccount(host, account, broker.isPaper);
  if (plan.resume) {
    const problem = resumeProblem(plan.ledger, { account, clientId: broker.clientId, mode: cfg.mode, symbols: cfg.symbols, cycleSeconds: cfg.cycleSeconds });
    if (problem) throw new SessionStop('refused', problem, EXIT_CODES.refused);
  }
  host.market.now = await broker.twsTime().catch(() => Date.now());
  // The daily loss limit holds for the rest of the day across sessions on the journal folder (riskLimits.ts).
  const previous = plan.previous;
  const lossLimitToday =
    !plan.resume && previous?.rule === 'dailyLossLimit' && previous.lastMarketTime !== undefined && sameMarketDay(previous.lastMarketTime, host.market.now)
      ? previous
      : undefined;

  // The journal.
  let sink: JournalSink;
  try {
    sink = (options.openJournal ?? ((dir, id) => Journal.open(dir, id)))(cfg.journalDir, sessionId);
  } catch (err) {
    if (err instanceof JournalError) throw new SessionStop('failed', err.message, EXIT_CODES.failed);
    throw err;
  }
  const ledger = plan.resume ? plan.ledger : new SessionLedger();
  const journal = new SessionJournal(sink, ledger, host.end);
  progress.ledger = ledger;
  progress.journal = journal;
  const runTag = plan.resume ? newRunTag() : undefined;
  if (plan.resume) host.notice('info', `resuming session ${sessionId} from ${journal.path} after cycle ${ledger.lastCycle}`);

  // Contracts and bars.
  const contracts = new Map<string, BrokerContract>();
  for (const symbol of cfg.symbols) {
    try {
      contracts.set(symbol, await broker.resolveStock(symbol));
    } catch (err) {
      throw new SessionStop('failed', `symbol ${symbol}: ${err instanceof Error ? err.message : String(err)}`, EXIT_CODES.config);
    }
  }
  const history = model.pipeline.history;
  const clock = new CycleClock(cfg.symbols, cfg.cycleSeconds, { graceMs: options.graceMs ?? 1500, maxBars: history + HISTORY_MARGIN * 5 });
  const onStage = options.onStage;
  const queue = new CycleQueue(clock, host.end, host.store, onStage && ((barTime) => onStage('bar', barTime)));
  const bars = new BarFeed({ host, broker, contracts, clock, onBar: (symbol, bar) => queue.onBar(symbol, bar) });
  await bars.subscribeAll(backfillDuration(history, cfg.cycleSeconds));

  // Capital and the risk engine (on the market clock).
  const netLiq = broker.account.value?.netLiquidation;
  const modelCash = model.manifest.execution?.initialCash ?? 100_000;
  const capital = ledger.start?.capital ?? cfg.capital ?? Math.min(modelCash, netLiq !== undefined && netLiq > 0 ? netLiq : Infinity);
  const capitalPerSymbol = capital / cfg.symbols.length;
  // Gross notional (book + working + proposed) never beyond capital x leverage (1 unless allowed).
  const limits = cfg.risk;
  const leverageCap = cfg.maxLeverage !== undefined ? capital * cfg.maxLeverage : undefined;
  const maxGrossNotional = leverageCap === undefined ? limits.maxGrossNotional : Math.min(limits.maxGrossNotional ?? Infinity, leverageCap);
  const risk = new RiskEngine(
    { ...limits, ...(maxGrossNotional !== undefined ? { maxGrossNotional } : {}), allowShort: sizing.allowShort },
    () => host.market.now,
  );
  if (lossLimitToday) risk.reachDailyLossLimit();

  // Start or resume line.
  if (!plan.resume) {
    // The book starts from what the folder's earlier sessions left (capped to TWS right after,
    // by verifyBook); TWS's other shares are external unless adopted on purpose.
    const startPositions: Record<string, StartPosition> = { ...plan.carried };
    const conIds: Record<string, number> = {};
    for (const symbol of cfg.symbols) {
      // A resolved contract carries its conId.
      const conId = contracts.get(symbol)?.conId as number;
      conIds[symbol] = conId;
      const hist = clock.history(symbol);
      const held = broker.position(conId)?.quantity ?? 0;
      const carried = plan.carried?.[symbol];
      const adopted = cfg.adoptPositions ? held - capToHeld(carried?.quantity ?? 0, held) : 0;
      const quantity = cfg.adoptPositions ? held : (carried?.quantity ?? 0);
      const price = carried && !cfg.adoptPositions ? carried.price : (hist[hist.length - 1]?.close ?? 0);
      startPositions[symbol] = { quantity, price, conId, held, ...(adopted !== 0 ? { adopted } : {}) };
    }
    journal.write('session-start', {
      sessionId,
      mode: cfg.mode,
      account,
      clientId: broker.clientId,
      host: cfg.host,
      port: cfg.port,
      symbols: [...cfg.symbols],
      cycleSeconds: cfg.cycleSeconds,
      cycles: cfg.cycles,
      capital,
      capitalPerSymbol,
      model: { name: model.manifest.name, dir: model.dir, sha256: model.manifest.model.sha256, barSize: model.manifest.bars.barSize },
      risk: { ...cfg.risk },
      flattenOnStop: cfg.flattenOnStop,
      adoptPositions: cfg.adoptPositions,
      allowLeverage: cfg.allowLeverage,
      ...(cfg.maxLeverage !== undefined ? { maxLeverage: cfg.maxLeverage } : {}),
      conIds,
      startPositions,
      ...(note ? { barSizeNote: note } : {}),
    });
  } else {
    journal.write('session-resume', { sessionId, afterCycle: ledger.lastCycle, clientId: broker.clientId, account, cycles: cfg.cycles, run: runTag });
    // The daily loss counts from the session's capital; stop-outs of the day stay.
    risk.observeEquity(capital);
    const now = host.market.now;
    for (const stopOut of ledger.stopOuts) {
      host.market.now = stopOut.marketTime;
      risk.recordStopOut(stopOut.symbol);
    }
    for (const at of ledger.lossLimits) {
      host.market.now = at;
      risk.reachDailyLossLimit();
    }
    host.market.now = now;
  }
  host.notice(
    'info',
    `session ${sessionId}: ${cfg.mode} mode on ${account} (client id ${broker.clientId}), ${cfg.symbols.join(',')} every ${cfg.cycleSeconds} s for ${cfg.cycles} cycles, capital ${capital.toFixed(0)} (${capitalPerSymbol.toFixed(0)} per symbol), ${describeLeverage(cfg)}; positions: ${cfg.adoptPositions ? 'held ones adopted into the book (--adopt-positions)' : "the book's own only (others left alone)"}; risk: ${describeRisk(cfg.risk)}; delayed data ${cfg.allowDelayedData ? 'allowed (--allow-delayed-data)' : 'not allowed'}; journal ${journal.path}`,
  );
  if (lossLimitToday) {
    // Journaled again here: the next session reads this session's journal only.
    const reason = `the previous session ${lossLimitToday.sessionId} in ${cfg.journalDir} reached the daily loss limit today: only orders that reduce a position go until the next trading day`;
    journal.write('loss-limit', { rule: 'dailyLossLimit', reason, marketTime: host.market.now, flatten: false });
    host.notice('warn', `dailyLossLimit: ${reason}`);
  }
  if (progress.lock?.tookOver)
    host.notice('warn', `took over the journal folder's lock from ${describeOwner(progress.lock.tookOver)}: ${progress.lock.staleBecause}`);
  if (sink.repaired) host.notice('warn', `journal ${journal.path}: cut a torn last line (${sink.repaired.cutBytes} bytes) left by a crash before appending`);
  const allowlist = cfg.risk.symbolAllowlist;
  if (allowlist) {
    const outside = cfg.symbols.filter((symbol) => !allowlist.includes(symbol));
    if (outside.length) host.notice('warn', `${outside.join(', ')} not in the symbol allowlist: their orders will be refused`);
  }
  if (cfg.mode === 'shadow') host.notice('info', 'shadow mode: decisions and risk checks only, no order is sent');

  // Orders: follow the broker, and settle what the journal left open.
  const accountPnl = broker.subscribePnl(account);
  host.store.add(() => accountPnl.close());
  const freshness = new PositionFreshness();
  const rejections = new OrderRejections((rule, reason) => host.faultStop(rule, reason));
  const orders = new OrderManager({
    broker,
    ledger,
    sessionId,
    write: (type, data) => void journal.write(type, data),
    writeDurable: (type, data) => journal.writeDurable(type, data),
    onOrder: (order) => {
      host.publish({ type: 'order', at: Date.now(), order });
      rejections.onOrderUpdate(order);
    },
    onFill: (fill) => {
      freshness.fill(fill.symbol);
      host.publish({ type: 'fill', at: Date.now(), fill });
    },
    onError: (err) => host.onAsyncError(err),
  });
  const book = new BookView({ host, broker, ledger, journal, contracts, orders, freshness, capital });
  const run: RunningSession = {
    host,
    config: cfg,
    sessionId,
    account,
    broker,
    model,
    step,
    sizing,
    journal,
    ledger,
    orders,
    risk,
    clock,
    queue,
    bars,
    book,
    rejections,
    contracts,
    capital,
    capitalPerSymbol,
    accountPnl,
    orderRef: (cycle, symbol, kind) => formatOrderRef({ sessionId, ...(runTag ? { run: runTag } : {}), cycle, symbol, kind }),
  };
  host.attach(run);
  orders.start();
  host.store.add(() => orders.stop());
  host.store.add(freshness.follow(broker));
  host.setState('reconciling');
  book.reconcile(plan.resume ? 'restart' : 'start', broker.lastReconciliation);
  for (const symbol of cfg.symbols) {
    const external = externalQuantity(ledger.book(symbol).quantity, book.held(symbol, true) ?? 0);
    if (external !== 0) host.notice('info', describeExternal(symbol, external));
  }
  host.store.add(broker.reconciliations.on((r) => book.onReconciliation(r)));
  host.store.add(broker.state.subscribe((now, previous) => onBrokerState(host, now, previous)));
  host.setState('running');
  return run;
}

function makeBroker(host: SessionHost): BrokerClient {
  const cfg = host.config;
  const log = host.options.log;
  return new BrokerClient({
    host: cfg.host,
    port: cfg.port,
    clientId: cfg.clientId,
    ...host.options.brokerConfig,
    ...(log ? { log } : {}),
  });
}

async function checkAccount(host: SessionHost, account: string, isPaper: boolean | undefined): Promise<void> {
  const cfg = host.config;
  if (cfg.mode === 'paper' && isPaper !== true) {
    throw new SessionStop(
      'refused',
      `account ${account || '(unknown)'} is a live account and the session is in paper mode: paper mode never trades a live account. Connect to a paper account (DU...), or trade it with --mode live --allow-live and the confirmation`,
      EXIT_CODES.refused,
    );
  }
  if (cfg.mode === 'live') {
    if (isPaper)
      throw new SessionStop(
        'refused',
        `account ${account} is a paper account; use --mode paper for it (live mode is for live accounts only)`,
        EXIT_CODES.refused,
      );
    if (!cfg.allowLive) throw new SessionStop('refused', 'live trading is not allowed: set ibkrAi.allowLive (CLI --allow-live)', EXIT_CODES.refused);
    let typed = cfg.confirmLive;
    if (typed === undefined && host.options.confirmLive) typed = (await host.options.confirmLive(account))?.trim();
    if (typed === undefined || typed === '') {
      throw new SessionStop(
        'refused',
        `live mode needs a confirmation for this session: type the account id ${account} when asked, or pass --confirm-live ${account} for scripted use`,
        EXIT_CODES.refused,
      );
    }
    if (typed !== account)
      throw new SessionStop('refused', `the confirmation "${typed}" does not match the live account ${account}: nothing was sent`, EXIT_CODES.refused);
    host.notice('warn', `LIVE trading on ${account}, confirmed for this session`);
  }
  if (cfg.mode === 'shadow' && isPaper === false) host.notice('info', `account ${account} is live; shadow mode sends nothing to it`);
}

/** The connection's changes said; a failed connection ends the session. */
function onBrokerState(host: SessionHost, s: BrokerState, previous: BrokerState): void {
  if (s.status === 'ready' && previous.status === 'ready' && s.ibConnectivity !== previous.ibConnectivity) {
    if (s.ibConnectivity === 'lost') host.notice('warn', `TWS lost its connection to IB (${s.lastError?.code ?? 1100}); no orders until it is restored`);
    else host.notice('info', 'TWS connectivity to IB restored');
  }
  if (s.status === previous.status) return;
  if (s.status === 'ready' && previous.status !== 'ready') host.notice('info', 'connection to TWS back and reconciled');
  if (s.status === 'reconnecting') host.notice('warn', `connection to TWS lost (${s.reason ?? 'unknown'}); reconnecting - no orders until reconciled`);
  if (s.status === 'failed')
    host.end.requestEnd({
      status: 'failed',
      reason: `connection to TWS failed: ${s.reason ?? s.lastError?.message ?? 'unknown'}`,
      exitCode: EXIT_CODES.failed,
    });
}

function sameMarketDay(a: number, b: number): boolean {
  return zonedTime(a, US_REGULAR_HOURS.timeZone).dateKey === zonedTime(b, US_REGULAR_HOURS.timeZone).dateKey;
}
