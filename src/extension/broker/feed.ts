// What a market data service hands out for one subscription (a quote stream, a bar stream):
// the service keeps it subscribed at TWS, across reconnects, until close().

export abstract class Feed {
  /** Times this feed was (re)subscribed at TWS. */
  subscriptions = 0;
  closed = false;

  /** `closer` tells the service the feed is closed (it cancels the request at TWS). */
  constructor(private readonly closer: () => void) {}

  /** Once: tells the service, then ends the feed's streams. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closer();
    this.endStreams();
  }

  protected abstract endStreams(): void;
}
