// Each symbol's bars for the session: subscribed at the start (a pacing refusal waited out, a
// refused backfill a fault naming its fix), followed into the cycle queue, switched to delayed
// bars when live ones are refused and --allow-delayed-data allows it, and why a symbol's bar is
// missing said for the cycle lines.
import type { BrokerClient } from '../broker/brokerClient';
import { PACING_RETRY_MS, type BarStatus, type BarStream } from '../broker/bars';
import { BrokerError } from '../broker/errors';
import type { Bar, BrokerContract } from '../broker/types';
import { DisposableStore } from '../core/disposables';
import { isSessionBar } from '../core/sessionBars';
import type { Cycle, CycleClock } from './cycleClock';
import { describeRefusal, refusalFor } from './errorPolicy';
import type { SessionHost } from './runningSession';
import { EXIT_CODES, SessionStop } from './sessionOutcome';

export interface BarFeedDeps {
  readonly host: SessionHost;
  readonly broker: BrokerClient;
  readonly contracts: ReadonlyMap<string, BrokerContract>;
  readonly clock: CycleClock;
  readonly onBar: (symbol: string, bar: Bar) => void;
}

export class BarFeed {
  /** Per symbol: why its bars are missing now (the bar stream's status), for the cycle lines. */
  readonly status = new Map<string, BarStatus>();
  private readonly watched = new Map<string, { stream: BarStream; listeners: DisposableStore }>();

  constructor(private readonly deps: BarFeedDeps) {
    deps.host.store.add(() => this.close());
  }

  /** Subscribes every symbol's bars (with `backfill` of history), one after the other. */
  async subscribeAll(backfill: string): Promise<void> {
    for (const symbol of this.deps.host.config.symbols) this.watch(symbol, await this.subscribeAtStart(symbol, backfill));
  }

  /** Why each symbol without a fresh bar in this cycle has none (for the cycle line). */
  missingWhy(c: Cycle): Record<string, string> {
    const out: Record<string, string> = {};
    const missing = c.stalled ? this.deps.host.config.symbols : c.missing;
    const s = this.deps.broker.state.value;
    for (const symbol of missing) {
      const st = this.status.get(symbol);
      if (st) out[symbol] = `${st.state}: ${st.reason}${st.until !== undefined ? ` (in ${Math.max(0, Math.ceil((st.until - Date.now()) / 1000))} s)` : ''}`;
      else if (s.status !== 'ready') out[symbol] = `disconnected: TWS connection ${s.status}`;
      else if (s.ibConnectivity === 'lost') out[symbol] = 'disconnected: TWS lost its connection to IB (1100)';
      else out[symbol] = 'no bar from TWS in time';
    }
    return out;
  }

  private get ending(): boolean {
    const end = this.deps.host.end;
    return end.stopping || end.request !== undefined;
  }

  private contract(symbol: string): BrokerContract {
    const c = this.deps.contracts.get(symbol);
    if (!c) throw new Error(`no contract for ${symbol}`);
    return c;
  }

  /**
   * A symbol's bars at the start. A refused backfill names its cause and fix (e.g. 162
   * without permissions: faulted); a pacing refusal (someone else used the budget) is said
   * and tried again after the window, a few times.
   */
  private async subscribeAtStart(symbol: string, backfill: string): Promise<BarStream> {
    const cycleSeconds = this.deps.host.config.cycleSeconds;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.broker.subscribeBars(this.contract(symbol), {
          barSeconds: cycleSeconds,
          source: 'realtime',
          backfill,
          useRth: isSessionBar(cycleSeconds),
        });
      } catch (err) {
        const refusal = err instanceof BrokerError ? refusalFor(err.code, err.message, { allowDelayedData: false }) : undefined;
        if (!refusal) throw err;
        if (refusal.action === 'stop' || attempt >= 3) throw new SessionStop('faulted', describeRefusal(refusal, `bars of ${symbol}`), EXIT_CODES.faulted);
        this.deps.host.notice('warn', `${describeRefusal(refusal, `bars of ${symbol}`)}; trying again in ${PACING_RETRY_MS / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, PACING_RETRY_MS));
      }
    }
  }

  /** Follows one symbol's bars: completed bars to the clock, refusals to the error policy, held-back requests said. */
  private watch(symbol: string, stream: BarStream): void {
    const { host, clock } = this.deps;
    this.watched.get(symbol)?.listeners.dispose();
    const listeners = new DisposableStore();
    this.watched.set(symbol, { stream, listeners });
    clock.seed(symbol, stream.history);
    listeners.add(stream.bars.on((bar) => this.deps.onBar(symbol, bar)));
    listeners.add(stream.notices.on((message) => host.notice('warn', message)));
    listeners.add(stream.status.subscribe((st) => (st ? this.status.set(symbol, st) : this.status.delete(symbol)), true));
    listeners.add(
      stream.error.subscribe((e) => {
        if (e) this.onRefused(symbol, stream, e);
      }, true),
    );
    // Held back while it was being subscribed (before these listeners): said now.
    const st = stream.status.value;
    if (st?.state === 'held-back')
      host.notice('warn', `bars of ${symbol}: ${st.reason}${st.until !== undefined ? ` in ${Math.max(0, Math.ceil((st.until - Date.now()) / 1000))} s` : ''}`);
  }

  /** TWS refused a symbol's bars: recover (said) or stop, by the error policy. */
  private onRefused(symbol: string, stream: BarStream, e: BrokerError): void {
    const host = this.deps.host;
    const refusal = refusalFor(e.code, e.message, { allowDelayedData: host.config.allowDelayedData });
    if (!refusal) {
      host.notice('warn', `bars of ${symbol}: ${e.message}`);
      return;
    }
    const delayed = refusal.id === 'market-data-permissions' || refusal.id === 'delayed-data';
    if (refusal.action === 'stop' || (delayed && stream.options.source === 'history')) {
      host.faultStop(refusal.id, describeRefusal(refusal, `bars of ${symbol}`));
      return;
    }
    if (delayed) {
      void this.switchToDelayed(symbol, stream, describeRefusal(refusal, `bars of ${symbol}`));
      return;
    }
    host.notice('warn', describeRefusal(refusal, `bars of ${symbol}`));
  }

  /**
   * --allow-delayed-data: live bars refused, so the symbol's bars come from TWS's historical
   * data kept up to date (delayed without live permissions), and the session says so.
   */
  private async switchToDelayed(symbol: string, old: BarStream, why: string): Promise<void> {
    const host = this.deps.host;
    if (why) host.notice('warn', `${why}. Trading ${symbol} on delayed bars as allowed (--allow-delayed-data): its prices may be 15-20 minutes old`);
    this.status.set(symbol, { state: 'resubscribing', reason: 'switching to delayed bars' });
    try {
      // No second backfill: the history the refused stream loaded is in the clock already.
      const cycleSeconds = host.config.cycleSeconds;
      const stream = await this.deps.broker.subscribeBars(this.contract(symbol), {
        barSeconds: cycleSeconds,
        source: 'history',
        useRth: isSessionBar(cycleSeconds),
      });
      if (this.ending) {
        stream.close();
        return;
      }
      old.close();
      this.watch(symbol, stream);
    } catch (err) {
      const e = err instanceof BrokerError ? err : undefined;
      const refusal = e ? refusalFor(e.code, e.message) : undefined;
      if (refusal?.action === 'recover' && !host.end.stopping) {
        host.notice('warn', `${describeRefusal(refusal, `delayed bars of ${symbol}`)}; trying again in ${PACING_RETRY_MS / 1000} s`);
        this.status.set(symbol, {
          state: 'held-back',
          reason: `pacing (error ${refusal.code}): delayed bars requested again in ${PACING_RETRY_MS / 1000} s`,
          code: refusal.code,
        });
        host.store.setTimeout(() => void this.switchToDelayed(symbol, old, ''), PACING_RETRY_MS);
        return;
      }
      host.faultStop(
        refusal?.id ?? 'market-data-permissions',
        refusal ? describeRefusal(refusal, `delayed bars of ${symbol}`) : `delayed bars of ${symbol}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /** Every symbol's listeners off, then its stream closed. */
  private close(): void {
    for (const { listeners } of this.watched.values()) listeners.dispose();
    for (const { stream } of this.watched.values()) stream.close();
    this.watched.clear();
  }
}
