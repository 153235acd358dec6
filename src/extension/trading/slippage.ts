// Slippage model: a fixed cost in basis points (half spread plus latency) and an optional
// square-root market-impact term that grows with the order's share of the bar's volume.
// Fills always move against the order: buys pay more, sells receive less.

export interface SlippageModel {
  /** fixed adverse move in basis points of the reference price */
  readonly bps: number;
  /** impact coefficient k: extra bps = k * 1e4 * sqrt(|quantity| / barVolume); 0 disables it */
  readonly impactCoefficient: number;
}

export const DEFAULT_SLIPPAGE: SlippageModel = { bps: 2, impactCoefficient: 0 };

export function slippageBps(model: SlippageModel, quantity: number, barVolume: number): number {
  if (model.impactCoefficient === 0 || !(barVolume > 0)) return model.bps;
  return model.bps + model.impactCoefficient * 1e4 * Math.sqrt(Math.abs(quantity) / barVolume);
}

/** Price at which an order of signed `quantity` fills against reference `price`. */
export function fillPrice(model: SlippageModel, quantity: number, price: number, barVolume: number): number {
  if (quantity === 0) return price;
  const bps = slippageBps(model, quantity, barVolume);
  return quantity > 0 ? price * (1 + bps / 1e4) : price * (1 - bps / 1e4);
}
