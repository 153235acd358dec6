// One lifecycle idiom for every long-lived object: register what must be undone (an
// unsubscribe, a timer, a socket, a child store) as it is made; dispose() undoes it all once,
// newest first, and keeps going past a teardown that throws (the rest must still run).

/** Anything that can be undone: a function (an Unsubscribe) or an object with dispose(). */
export type Teardown = (() => void) | { dispose(): void };

export class DisposableStore {
  private readonly items: Teardown[] = [];
  private disposedFlag = false;

  get disposed(): boolean {
    return this.disposedFlag;
  }

  /** Keeps `item` until dispose(); after dispose() it is undone at once (nothing leaks). */
  add<T extends Teardown>(item: T): T {
    if (this.disposedFlag) runTeardown(item);
    else this.items.push(item);
    return item;
  }

  /** A timer cleared on dispose(). */
  setInterval(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setInterval(fn, ms);
    this.add(() => clearInterval(t));
    return t;
  }

  setTimeout(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setTimeout(fn, ms);
    this.add(() => clearTimeout(t));
    return t;
  }

  /** Undoes everything registered so far (newest first) and keeps the store usable for more. */
  clear(): void {
    const errors: unknown[] = [];
    while (this.items.length > 0) {
      const item = this.items.pop() as Teardown;
      try {
        runTeardown(item);
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} teardowns failed`);
  }

  /** Undoes everything once; later add()s are undone immediately. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.clear();
  }
}

function runTeardown(item: Teardown): void {
  if (typeof item === 'function') item();
  else item.dispose();
}
