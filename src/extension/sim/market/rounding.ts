// The roundings the simulator reports numbers with: prices and money in cents, average
// costs and prices in millionths (as TWS prints them), so float noise never reaches the wire.

export function roundCents(x: number): number {
  return Math.round(x * 100) / 100;
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
