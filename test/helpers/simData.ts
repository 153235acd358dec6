// Shared pieces of the market-data / history / account integration tests: contracts,
// a pinned simulator clock, a New York time formatter independent of the simulator's,
// and a recorder of every tick event per request id.
import { EventName, SecType, type Contract, type IBApi } from '@stoqey/ib';

export const NVDA: Contract = { symbol: 'NVDA', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
export const MSFT: Contract = { symbol: 'MSFT', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
/** IB's contract id of NVIDIA common stock (the real one, as shown in TWS). */
export const NVDA_CON_ID = 4815747;

/**
 * Wednesday 2024-03-13 14:00:00 UTC, i.e. 10:00:00 in New York: daylight saving time
 * began on Sunday 2024-03-10, so New York is UTC-4 (EDT), and 10:00 is inside the
 * regular session (09:30-16:00).
 */
export const WED_10AM_NY = Date.UTC(2024, 2, 13, 14, 0, 0);

const nyFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  weekday: 'short',
});

export interface NyTime {
  ymd: string;
  hms: string;
  weekday: string;
  minutesOfDay: number;
}

/** New York wall time of an epoch-ms instant (via Intl, not the simulator's code). */
export function ny(ms: number): NyTime {
  const p: Record<string, string> = {};
  for (const part of nyFmt.formatToParts(new Date(ms))) p[part.type] = part.value;
  return {
    ymd: `${p.year}${p.month}${p.day}`,
    hms: `${p.hour}:${p.minute}:${p.second}`,
    weekday: p.weekday as string,
    minutesOfDay: Number(p.hour) * 60 + Number(p.minute),
  };
}

export interface TickEvent {
  at: number; // sequence number of arrival
  /** `notice`: an error or info event (field = code, reqId -1 for connection-level ones). */
  kind: 'price' | 'size' | 'string' | 'generic' | 'option' | 'type' | 'snapshotEnd' | 'notice';
  reqId: number;
  field: number;
  value: number | string;
  args: unknown[];
}

/** Records every market data event of a client, and its errors / notices, in arrival order. */
export class TickLog {
  readonly events: TickEvent[] = [];
  private seq = 0;

  constructor(ib: IBApi) {
    const push = (kind: TickEvent['kind'], reqId: number, field: number, value: number | string, args: unknown[]) =>
      this.events.push({ at: this.seq++, kind, reqId, field, value, args });
    ib.on(EventName.tickPrice, (reqId: number, field: number, value: number, ...rest: unknown[]) =>
      push('price', reqId, field, value, [reqId, field, value, ...rest]),
    );
    ib.on(EventName.tickSize, (reqId: number, field?: number, value?: number) => push('size', reqId, field ?? -1, value ?? NaN, [reqId, field, value]));
    ib.on(EventName.tickString, (reqId: number, field: number, value: string) => push('string', reqId, field, value, [reqId, field, value]));
    ib.on(EventName.tickGeneric, (reqId: number, field: number, value: number) => push('generic', reqId, field, value, [reqId, field, value]));
    ib.on(EventName.tickOptionComputation, (reqId: number, field: number, ...rest: unknown[]) => push('option', reqId, field, NaN, [reqId, field, ...rest]));
    ib.on(EventName.marketDataType, (reqId: number, type: number) => push('type', reqId, -1, type, [reqId, type]));
    ib.on(EventName.tickSnapshotEnd, (reqId: number) => push('snapshotEnd', reqId, -1, NaN, [reqId]));
    ib.on(EventName.error, (err: Error, code: number, reqId: number) => push('notice', reqId, code, err?.message ?? '', [reqId, code]));
    ib.on(EventName.info, (message: string, code: number) => push('notice', -1, code, message, [-1, code]));
  }

  /** The first notice with this code, if any. */
  notice(code: number): TickEvent | undefined {
    return this.events.find((e) => e.kind === 'notice' && e.field === code);
  }

  of(reqId: number, kind?: TickEvent['kind'], field?: number): TickEvent[] {
    return this.events.filter((e) => e.reqId === reqId && (kind === undefined || e.kind === kind) && (field === undefined || e.field === field));
  }

  /** The latest value of a price/size/string field for a request. */
  latest(reqId: number, kind: TickEvent['kind'], field: number): number | string | undefined {
    const all = this.of(reqId, kind, field);
    return all.length ? (all[all.length - 1] as TickEvent).value : undefined;
  }

  /** Sequence number the next event will get. */
  get mark(): number {
    return this.seq;
  }
}

/** Adds an untyped listener (the IBApi overloads are strict about argument types); returns its remover. */
export function listen(ib: IBApi, event: EventName | string, fn: (...args: any[]) => void): () => void {
  const emitter = ib as unknown as NodeJS.EventEmitter;
  emitter.on(event, fn);
  return () => emitter.off(event, fn);
}
