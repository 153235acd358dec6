// What a TradingSession is made with (the CLI, the panel, tests and benchmarks pass these).
import type { BrokerClient } from '../broker/brokerClient';
import type { BrokerConfig, LogLevel } from '../broker/config';
import type { LoadedModel } from '../policy/modelLoader';
import type { SessionConfig } from './sessionConfig';
import type { JournalSink } from './sessionJournal';

export interface TradingSessionOptions {
  readonly config: SessionConfig;
  /** A broker client to use (connected or not); it is not disposed. Default: one built from the config, disposed at the end. */
  readonly broker?: BrokerClient;
  /** Extra broker settings (timeouts, heartbeat, reconnect) for the client the session builds. */
  readonly brokerConfig?: Partial<Omit<BrokerConfig, 'host' | 'port' | 'clientId'>>;
  /** A loaded model to use (not disposed). Default: loadModel(config.modelDir). */
  readonly model?: LoadedModel;
  /** Live mode: asks for the per-session confirmation; resolves with what the user typed. */
  readonly confirmLive?: (accountId: string) => Promise<string | undefined>;
  /** Wall ms to wait for the other symbols' bars of a cycle (default 1500). */
  readonly graceMs?: number;
  /** Wall ms a cycle waits for its orders to settle before its cycle-end event (default 500). */
  readonly settleMs?: number;
  /** Wall ms the end of the session waits for working orders before cancelling them (default 5000). */
  readonly endSettleMs?: number;
  /** Wall ms the end of the session waits for a connection that is down to come back (default 10000). */
  readonly endReconnectMs?: number;
  readonly newSessionId?: () => string;
  readonly openJournal?: (dir: string, sessionId: string) => JournalSink;
  /** The broker client's log (the session's own messages are `notice` events). */
  readonly log?: (level: LogLevel, message: string) => void;
  /** Benchmarks: called as a cycle's decision path passes each stage (bench/decision.ts times them). */
  readonly onStage?: (stage: CycleStage, barTime: number) => void;
}

/**
 * The stages of a cycle's decision path, in order: its closing bar reached the session, the
 * cycle began, every symbol's observation built, the policy answered, sizing and risk checks
 * done (orders about to be placed), the decisions journaled and published (after the orders
 * left; each order's intent on disk is its `order` event in state `sending`).
 */
export type CycleStage = 'bar' | 'cycle-start' | 'features' | 'inference' | 'decided' | 'explained';
