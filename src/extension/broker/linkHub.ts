// The link hub: what the broker's modules share (an internal hub, not IB Gateway): the events
// fed by the current link to TWS (one IbLink: one socket, one API session), the request
// registry, the pacers in front of the socket, the id sequence, and the link's facts (client
// id, account, server version). The connection manager swaps links in and out; modules only
// ever talk to TWS through `send` / `request`.
import type { ResolvedBrokerConfig } from './config';
import { systemClock, type Clock } from '../core/clock';
import { BrokerError } from './errors';
import { ClientCode } from '../tws/errorCodes';
import type { IbLink } from './ibLink';
import type { LinkApi, LinkEventMap } from './linkEvents';
import { EventHub } from '../core/observable';
import { HistoricalPacer, MessagePacer, type HistoricalRequestKey, type HistoricalTransmit, type ScheduleOptions } from './pacer';
import { RequestRegistry, type BeginOptions, type PendingRequest } from './requestRegistry';

export interface LinkFacts {
  clientId: number;
  accounts: string[];
  accountId: string;
  serverVersion: number;
  /** Increments with every link (reconnects included). */
  seq: number;
}

export class LinkHub {
  readonly events = new EventHub<LinkEventMap>();
  readonly registry: RequestRegistry;
  readonly pacer: MessagePacer;
  readonly historicalPacer: HistoricalPacer;
  readonly clock: Clock;
  private link: IbLink | undefined;
  private currentFacts: LinkFacts | undefined;
  private linkSeq = 0;
  private nextIdValue = 0;
  private ready = false;

  constructor(
    readonly config: ResolvedBrokerConfig,
    clock: Clock = systemClock,
  ) {
    this.clock = clock;
    this.registry = new RequestRegistry(clock);
    this.pacer = new MessagePacer(config.messageRules, clock);
    this.historicalPacer = new HistoricalPacer(config.historicalRules, clock);
    // Every id TWS hands out (nextValidId) moves the shared sequence forward.
    this.events.on('nextValidId', (id) => this.seedIds(id));
    // An error for a pending request's id settles it (rejects, or records a warning).
    this.events.on('error', (id, code, message) => this.registry.handleError(id, code, message));
  }

  log(level: Parameters<ResolvedBrokerConfig['log']>[0], message: string): void {
    this.config.log(level, message);
  }

  /** The link's facts, once nextValidId and managedAccounts arrived. */
  get facts(): LinkFacts | undefined {
    return this.currentFacts;
  }

  get isReady(): boolean {
    return this.ready && this.link !== undefined && !this.link.isClosed;
  }

  /** The API started on an open link: requests can go on (syncing or ready). */
  get isLinked(): boolean {
    return this.currentFacts !== undefined && this.link !== undefined && !this.link.isClosed;
  }

  attachLink(link: IbLink): void {
    this.link = link;
    this.currentFacts = undefined;
    this.ready = false;
  }

  apiStarted(f: Omit<LinkFacts, 'seq'>): LinkFacts {
    this.currentFacts = { ...f, seq: ++this.linkSeq };
    return this.currentFacts;
  }

  setReady(ready: boolean): void {
    this.ready = ready;
  }

  /** The link is gone: nothing queued goes out, everything pending fails with `err`. */
  detachLink(err: BrokerError): IbLink | undefined {
    const link = this.link;
    this.link = undefined;
    this.currentFacts = undefined;
    this.ready = false;
    this.pacer.clear(err);
    this.historicalPacer.clear(err);
    this.registry.failAll(
      (req) => new BrokerError({ reqId: typeof req.key === 'number' ? req.key : -1, code: err.code, message: `${req.kind}: ${err.message}` }),
    );
    return link;
  }

  seedIds(nextValidId: number): void {
    if (Number.isInteger(nextValidId) && nextValidId > this.nextIdValue) this.nextIdValue = nextValidId;
  }

  /** One sequence for order ids and request ids, so an error's id names exactly one thing. */
  takeId(): number {
    if (this.nextIdValue <= 0) throw new BrokerError({ code: ClientCode.NotReady, message: 'no id sequence yet: TWS has not sent nextValidId' });
    return this.nextIdValue++;
  }

  /** Queues one message for the current link. Rejects when there is none or it goes before the message is written. */
  send(label: string, op: (api: LinkApi) => void, opts: { priority?: boolean } = {}): Promise<void> {
    const link = this.link;
    if (!link || link.isClosed) return Promise.reject(new BrokerError({ code: ClientCode.NotReady, message: `${label}: not connected to TWS` }));
    return this.pacer.submit(
      () => {
        if (this.link !== link || link.isClosed)
          throw new BrokerError({ code: ClientCode.ConnectionLost, message: `${label}: the connection to TWS was lost before it was sent` });
        op(link.api);
      },
      { label, ...(opts.priority ? { priority: true } : {}) },
    );
  }

  /**
   * Sends `what` through the historical pacer (real-time bar requests count there too), with a
   * request id taken when the pacer lets it go. Resolves with that id once it is written.
   */
  async paced(what: string, key: HistoricalRequestKey, transmit: (reqId: number) => ReturnType<HistoricalTransmit>, pacing: ScheduleOptions): Promise<number> {
    let reqId = -1;
    this.requireLink(what);
    await this.historicalPacer.schedule(
      key,
      async () => {
        reqId = this.takeId();
        return transmit(reqId);
      },
      pacing,
    );
    return reqId;
  }

  /** Registers a pending request, then sends it; a send failure rejects the request. */
  request<T, R = never>(opts: BeginOptions & { send: (api: LinkApi) => void }): PendingRequest<T, R> {
    const req = this.registry.begin<T, R>(opts);
    this.send(opts.kind, opts.send).catch((err: unknown) => req.reject(asBrokerError(err, typeof opts.key === 'number' ? opts.key : -1)));
    return req;
  }

  requireLink(what: string): LinkFacts {
    const f = this.currentFacts;
    if (!f || !this.link || this.link.isClosed) throw new BrokerError({ code: ClientCode.NotReady, message: `${what}: not connected to TWS` });
    return f;
  }
}

export function asBrokerError(err: unknown, reqId = -1): BrokerError {
  if (err instanceof BrokerError) return err;
  return new BrokerError({ reqId, code: ClientCode.InvalidRequest, message: err instanceof Error ? err.message : String(err), cause: err });
}
