// The book's ownership rules, in one place. A book (every session on one journal folder)
// owns only the shares its own orders filled, plus positions adopted on purpose
// (--adopt-positions). TWS's positions belong to the account: other programs and the user
// trade the same symbols. So:
//   - what TWS holds beyond the book is external: never sold, shorted or flattened;
//   - when TWS holds less than the book believes, the book shrinks to what TWS holds (it
//     never trades to "restore" its belief);
//   - a long-only book never goes below zero, and never sells more than TWS holds.
// Reference for the idea: NautilusTrader assigns positions a strategy did not open to an
// EXTERNAL owner and never trades them unless claimed
// (nautilus_trader/execution/engine.pyx, "external_order_claims"; docs "Live trading: reconciliation").

/** The book's quantity once TWS holds `held`: the book never holds more than TWS (same sign), never flips. */
export function capToHeld(book: number, held: number): number {
  if (book > 0) return Math.max(0, Math.min(book, held));
  if (book < 0) return Math.min(0, Math.max(book, held));
  return 0;
}

/** Shares TWS holds that are not the book's (0 when the book holds everything TWS holds). */
export function externalQuantity(book: number, held: number): number {
  const e = held - book;
  return Math.abs(e) < 1e-9 ? 0 : e;
}

/**
 * Why a signed order of `quantity` would trade what is not the book's, or undefined when it
 * may go. `book`: the book's shares plus its working and proposed orders; `held`: what TWS
 * holds now (undefined: unknown); `allowShort`: the model may hold short positions;
 * `external`: what TWS holds outside the book (signed; undefined: unknown).
 *
 * TWS keeps one net position per account and contract, so a book position on the other side
 * of an external one is not a separate position: a short sale against 500 shares held by
 * another program sells those shares, a buy against an outside short covers it. The book
 * therefore stays on the external position's side (or flat).
 */
export function ownershipProblem(
  symbol: string,
  quantity: number,
  book: number,
  held: number | undefined,
  allowShort: boolean,
  external?: number,
): string | undefined {
  const after = book + quantity;
  if (external !== undefined && external > 0 && quantity < 0 && after < 0) {
    return `selling ${-quantity} ${symbol} would take the book to ${after} while ${external} shares are held outside it: TWS nets one position per account, so the sale would sell those shares`;
  }
  if (external !== undefined && external < 0 && quantity > 0 && after > 0) {
    return `buying ${quantity} ${symbol} would take the book to ${after} while ${-external} shares are short outside it: TWS nets one position per account, so the buy would cover that short`;
  }
  if (quantity >= 0 || allowShort) return undefined;
  if (after < 0) {
    return `selling ${-quantity} ${symbol} would take the book to ${after}: the book owns ${Math.max(0, book)} shares and this model is long-only (shares held outside the book are never sold)`;
  }
  if (held !== undefined && -quantity > Math.max(0, held)) {
    return `selling ${-quantity} ${symbol} is more than the ${held} shares TWS holds: the account would go short`;
  }
  return undefined;
}

/** The start line's words for what the book leaves alone. */
export function describeExternal(symbol: string, external: number): string {
  return external > 0 ? `${symbol}: ${external} held outside this book, left alone` : `${symbol}: ${-external} short outside this book, left alone`;
}
