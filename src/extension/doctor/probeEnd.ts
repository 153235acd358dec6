// How a probe that waits for TWS ends: once, at its first outcome or at its deadline.
import { since } from './types';

export interface ProbeEnd<K> {
  /** The first call wins: it stamps the outcome's kind and time, stops the timers, then runs `end`. */
  finish(kind: K): void;
  /** Finishes with `kind` after `ms` unless something finishes first (armed once). */
  finishAfter(ms: number, kind: K): void;
}

/** `out` ends as 'timeout' after `timeoutMs`; `end` undoes what the probe set up and resolves it. */
export function probeEnd<K extends string>(
  out: { kind: K | 'timeout'; ms: number },
  t0: number,
  timeoutMs: number,
  end: (kind: K | 'timeout') => void,
): ProbeEnd<K | 'timeout'> {
  let done = false;
  let later: NodeJS.Timeout | undefined;
  const finish = (kind: K | 'timeout'): void => {
    if (done) return;
    done = true;
    clearTimeout(deadline);
    if (later) clearTimeout(later);
    out.kind = kind;
    out.ms = since(t0);
    end(kind);
  };
  const deadline = setTimeout(() => finish('timeout'), timeoutMs);
  return { finish, finishAfter: (ms, kind) => void (later ??= setTimeout(() => finish(kind), ms)) };
}
