// Tiny typed building blocks: a value with listeners (connection state, quotes), an event
// stream with listeners and async iteration (fills, bars), and a typed event hub.
// Listener exceptions never break the emitter: they are reported to `onListenerError`.

export type Unsubscribe = () => void;

let listenerErrorSink: (err: unknown) => void = (err) => {
  console.error('[broker] a listener threw:', err);
};

/** Where exceptions thrown by listeners go (default: console.error). */
export function onListenerError(sink: (err: unknown) => void): void {
  listenerErrorSink = sink;
}

function safeCall<A extends unknown[]>(fn: (...args: A) => void, args: A): void {
  try {
    fn(...args);
  } catch (err) {
    listenerErrorSink(err);
  }
}

export interface ReadonlyObservable<T> {
  readonly value: T;
  /** Calls `fn` on every change; with `emitCurrent` also once now. */
  subscribe(fn: (value: T, previous: T) => void, emitCurrent?: boolean): Unsubscribe;
  /** Resolves with the first value (current included) that satisfies `predicate`. */
  when(predicate: (value: T) => boolean, timeoutMs?: number): Promise<T>;
}

export class Observable<T> implements ReadonlyObservable<T> {
  private current: T;
  private readonly listeners = new Set<(value: T, previous: T) => void>();
  /** The listeners as an array, rebuilt after a change of the set (emits iterate a snapshot). */
  private snapshot: Array<(value: T, previous: T) => void> | undefined;

  constructor(
    initial: T,
    private readonly equals: (a: T, b: T) => boolean = Object.is,
  ) {
    this.current = initial;
  }

  get value(): T {
    return this.current;
  }

  set(next: T): void {
    if (this.equals(this.current, next)) return;
    const previous = this.current;
    this.current = next;
    const list = (this.snapshot ??= [...this.listeners]);
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(next, previous);
      } catch (err) {
        listenerErrorSink(err);
      }
    }
  }

  update(fn: (value: T) => T): void {
    this.set(fn(this.current));
  }

  subscribe(fn: (value: T, previous: T) => void, emitCurrent = false): Unsubscribe {
    this.listeners.add(fn);
    this.snapshot = undefined;
    if (emitCurrent) safeCall(fn, [this.current, this.current]);
    return () => {
      const had = this.listeners.delete(fn);
      if (had) this.snapshot = undefined;
      return had;
    };
  }

  when(predicate: (value: T) => boolean, timeoutMs?: number): Promise<T> {
    if (predicate(this.current)) return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const off = this.subscribe((v) => {
        if (!predicate(v)) return;
        off();
        if (timer) clearTimeout(timer);
        resolve(v);
      });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          off();
          reject(new Error(`condition not reached within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

/**
 * A stream of events: listeners, and async iteration with a bounded buffer per iterator
 * (the oldest item is dropped when a slow consumer falls `bufferSize` behind).
 */
export class Stream<T> implements AsyncIterable<T> {
  private readonly listeners = new Set<(value: T) => void>();
  /** The listeners as an array, rebuilt after a change of the set (emits iterate a snapshot). */
  private snapshot: Array<(value: T) => void> | undefined;
  private readonly endListeners = new Set<(err?: Error) => void>();
  private ended = false;
  private endError: Error | undefined;

  constructor(private readonly bufferSize = 1000) {}

  get isEnded(): boolean {
    return this.ended;
  }

  /** Listeners (iterators and next() included): an emitter may skip building a value nobody takes. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  on(fn: (value: T) => void): Unsubscribe {
    this.listeners.add(fn);
    this.snapshot = undefined;
    return () => {
      const had = this.listeners.delete(fn);
      if (had) this.snapshot = undefined;
      return had;
    };
  }

  onEnd(fn: (err?: Error) => void): Unsubscribe {
    if (this.ended) {
      safeCall(fn, [this.endError]);
      return () => {};
    }
    this.endListeners.add(fn);
    return () => this.endListeners.delete(fn);
  }

  emit(value: T): void {
    if (this.ended) return;
    const list = (this.snapshot ??= [...this.listeners]);
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(value);
      } catch (err) {
        listenerErrorSink(err);
      }
    }
  }

  /** Ends the stream: iterators finish (or throw `err`), listeners are dropped. */
  end(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.endError = err;
    for (const fn of [...this.endListeners]) safeCall(fn, [err]);
    this.endListeners.clear();
    this.listeners.clear();
    this.snapshot = undefined;
  }

  /** The next value that satisfies `predicate`. */
  next(predicate: (value: T) => boolean = () => true, timeoutMs?: number): Promise<T> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        off();
        offEnd();
        if (timer) clearTimeout(timer);
      };
      const off = this.on((v) => {
        if (!predicate(v)) return;
        cleanup();
        resolve(v);
      });
      const offEnd = this.onEnd((err) => {
        cleanup();
        reject(err ?? new Error('stream ended'));
      });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching event within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const buffer: T[] = [];
    let waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void } | undefined;
    let done = false;
    let failure: Error | undefined;
    const finish = () => {
      done = true;
      off();
      offEnd();
    };
    const off = this.on((v) => {
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w.resolve({ value: v, done: false });
        return;
      }
      buffer.push(v);
      if (buffer.length > this.bufferSize) buffer.shift();
    });
    const offEnd = this.onEnd((err) => {
      failure = err;
      done = true;
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        if (err) w.reject(err);
        else w.resolve({ value: undefined as never, done: true });
      }
    });
    return {
      next: () => {
        if (buffer.length) return Promise.resolve({ value: buffer.shift() as T, done: false });
        if (done) return failure ? Promise.reject(failure) : Promise.resolve({ value: undefined as never, done: true });
        return new Promise((resolve, reject) => (waiting = { resolve, reject }));
      },
      return: () => {
        finish();
        buffer.length = 0;
        if (waiting) waiting.resolve({ value: undefined as never, done: true });
        waiting = undefined;
        return Promise.resolve({ value: undefined as never, done: true });
      },
    };
  }
}

/** Typed multi-event emitter: `EventHub<{ fill: [Fill]; error: [number, string] }>`. */
export class EventHub<Events extends { [K in keyof Events]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<(...args: any[]) => void>>();
  /** Per event, its listeners as an array, rebuilt after a change (emits iterate a snapshot). */
  private readonly snapshots = new Map<keyof Events, Array<(...args: any[]) => void>>();

  on<K extends keyof Events>(event: K, fn: (...args: Events[K]) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as (...args: any[]) => void);
    this.snapshots.delete(event);
    return () => {
      const had = set.delete(fn as (...args: any[]) => void);
      if (had) this.snapshots.delete(event);
      return had;
    };
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void;
  // Fixed parameters instead of a rest array spread into every listener: the hub carries
  // every tick and every inbound message, and the array and the spread call were a fifth
  // of the tick path (bench/ingest.ts). Listeners get exactly the arguments emitted.
  emit(event: keyof Events, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown, ...more: unknown[]): void {
    let list = this.snapshots.get(event);
    if (!list) {
      const set = this.listeners.get(event);
      if (!set) return;
      list = [...set];
      this.snapshots.set(event, list);
    }
    const n = arguments.length - 1;
    for (let i = 0; i < list.length; i++) {
      const fn = list[i]!;
      try {
        switch (n) {
          case 0:
            fn();
            break;
          case 1:
            fn(a);
            break;
          case 2:
            fn(a, b);
            break;
          case 3:
            fn(a, b, c);
            break;
          case 4:
            fn(a, b, c, d);
            break;
          case 5:
            fn(a, b, c, d, e);
            break;
          case 6:
            fn(a, b, c, d, e, f);
            break;
          default:
            fn(a, b, c, d, e, f, ...more);
        }
      } catch (err) {
        listenerErrorSink(err);
      }
    }
  }

  /** Resolves with the next `event` whose arguments satisfy `filter`. */
  once<K extends keyof Events>(event: K, filter: (...args: Events[K]) => boolean = () => true): { promise: Promise<Events[K]>; cancel: () => void } {
    let off: Unsubscribe = () => {};
    const promise = new Promise<Events[K]>((resolve) => {
      off = this.on(event, (...args) => {
        if (!filter(...args)) return;
        off();
        resolve(args);
      });
    });
    return { promise, cancel: () => off() };
  }
}
