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
    for (const fn of [...this.listeners]) safeCall(fn, [next, previous]);
  }

  update(fn: (value: T) => T): void {
    this.set(fn(this.current));
  }

  subscribe(fn: (value: T, previous: T) => void, emitCurrent = false): Unsubscribe {
    this.listeners.add(fn);
    if (emitCurrent) safeCall(fn, [this.current, this.current]);
    return () => this.listeners.delete(fn);
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
  private readonly endListeners = new Set<(err?: Error) => void>();
  private ended = false;
  private endError: Error | undefined;

  constructor(private readonly bufferSize = 1000) {}

  get isEnded(): boolean {
    return this.ended;
  }

  on(fn: (value: T) => void): Unsubscribe {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
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
    for (const fn of [...this.listeners]) safeCall(fn, [value]);
  }

  /** Ends the stream: iterators finish (or throw `err`), listeners are dropped. */
  end(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.endError = err;
    for (const fn of [...this.endListeners]) safeCall(fn, [err]);
    this.endListeners.clear();
    this.listeners.clear();
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

  on<K extends keyof Events>(event: K, fn: (...args: Events[K]) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as (...args: any[]) => void);
    return () => set.delete(fn as (...args: any[]) => void);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) safeCall(fn, args);
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
