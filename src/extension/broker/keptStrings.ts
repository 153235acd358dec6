// Strings the broker keeps from TWS's messages (orders, fills: the day's executions and the
// newest 1,000 finished orders are held). A field the decoder split out of a message is, from
// 13 characters on, a slice of the whole message's text in V8: keeping an execId or an
// orderRef kept its message (~500 B each; bench/soak.ts heap snapshots). `detached` copies
// such a field; `shared` gives one copy of the few values repeated on every order (account,
// currency, exchange, status, order type...) instead of one per message.

/** A copy of `s` that holds no other string alive. */
export function detached(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

const common = new Map<string, string>();
/** Distinct values kept; past it the table starts again (they are a handful in practice). */
const MAX_COMMON = 4096;

/** One shared copy of a value that repeats across messages. */
export function shared(s: string): string {
  const known = common.get(s);
  if (known !== undefined) return known;
  if (common.size >= MAX_COMMON) common.clear();
  const copy = detached(s);
  common.set(copy, copy);
  return copy;
}
