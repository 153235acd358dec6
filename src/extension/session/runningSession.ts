// A started session: what the cycles and the end of the session work with, built once startup
// succeeded, so nothing in it is optional. The TradingSession is its host: events, notices,
// state, and the end of the session go through it.
import type { BrokerClient } from '../broker/brokerClient';
import type { LiveValue } from '../broker/account';
import type { AccountPnl, BrokerContract } from '../broker/types';
import type { DisposableStore } from '../core/disposables';
import type { LoadedModel } from '../policy/modelLoader';
import type { PolicyStep } from '../policy/policyStep';
import type { RiskEngine } from '../trading/riskEngine';
import type { SizingRule } from '../trading/sizing';
import type { BarFeed } from './barFeed';
import type { BookView } from './bookView';
import type { CycleClock } from './cycleClock';
import type { CycleQueue } from './cycleQueue';
import type { DecisionRecord } from './decision';
import type { KillReport } from './killSwitch';
import type { OrderManager } from './orderManager';
import type { OrderRejections } from './orderRejections';
import type { OrderKind } from './orderRef';
import type { SessionConfig } from './sessionConfig';
import type { SessionEvent, SessionState } from './sessionEvents';
import type { SessionJournal } from './sessionJournal';
import type { SessionLedger } from './sessionLedger';
import type { EndControl } from './sessionOutcome';
import type { TradingSessionOptions } from './sessionOptions';

/** What the session's parts ask of the TradingSession that runs them. */
export interface SessionHost {
  readonly config: SessionConfig;
  readonly options: TradingSessionOptions;
  readonly end: EndControl;
  /** Everything to undo when the session ends (subscriptions, streams, timers). */
  readonly store: DisposableStore;
  /** Market time now (epoch ms): TWS's clock at the start, then each cycle's; the risk engine's clock. */
  readonly market: { now: number };
  /** The last decision per symbol (the panel's snapshot). */
  readonly lastDecisions: Map<string, DecisionRecord>;
  notice(level: 'info' | 'warn', message: string): void;
  publish(e: SessionEvent): void;
  setState(state: SessionState, reason?: string): void;
  /** A fault the session cannot trade through: no new orders, ends `faulted`. */
  faultStop(rule: string, reason: string): void;
  /** Risk stop or kill switch: no new orders, working ones cancelled, flattened if asked. */
  engageStop(rule: string, reason: string, flatten: boolean): Promise<KillReport | undefined>;
  /** A failure inside a listener (a journal failure stops trading). */
  onAsyncError(err: unknown): void;
}

export interface RunningSession {
  readonly host: SessionHost;
  readonly config: SessionConfig;
  readonly sessionId: string;
  readonly account: string;
  readonly broker: BrokerClient;
  readonly model: LoadedModel;
  readonly step: PolicyStep;
  readonly sizing: SizingRule;
  readonly journal: SessionJournal;
  readonly ledger: SessionLedger;
  readonly orders: OrderManager;
  readonly risk: RiskEngine;
  readonly clock: CycleClock;
  readonly queue: CycleQueue;
  readonly bars: BarFeed;
  readonly book: BookView;
  readonly rejections: OrderRejections;
  /** Every symbol's resolved contract (with its conId). */
  readonly contracts: ReadonlyMap<string, BrokerContract>;
  readonly capital: number;
  readonly capitalPerSymbol: number;
  /** TWS's own daily P&L of the account, journaled beside the session's (for comparison only). */
  readonly accountPnl: LiveValue<AccountPnl>;
  /** This process's orderRef for an order (a resumed process's run tag in it, see orderRef.ts). */
  orderRef(cycle: number, symbol: string, kind: OrderKind): string;
}
