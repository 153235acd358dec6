// Building records from values that may carry more, or less: the named fields of an object
// (a journal line's extra fields are not booked), and only the fields that have a value (an
// optional field is left out rather than present as undefined).

/** `keys` of `o`, in that order; a missing one is present as undefined, as `{ k: o.k }` would be. */
export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

/** The fields of `o` that are not undefined, in their order: `{ ...definedFields({ a, b }) }` for `...(a !== undefined ? { a } : {})` and the same for b. */
export function definedFields<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: { [K in keyof T]?: Exclude<T[K], undefined> } = {};
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] !== undefined) out[k] = o[k] as Exclude<T[keyof T], undefined>;
  return out;
}
