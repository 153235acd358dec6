// The named fields of an object as a new object: what a record keeps of a value that may
// carry more (a journal line's extra fields are not booked; a view shows only its columns).

/** `keys` of `o`, in that order; a missing one is present as undefined, as `{ k: o.k }` would be. */
export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}
