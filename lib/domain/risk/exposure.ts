import { contractMultiplier } from '../market/instruments';
import { quoteOption } from '../market/option-pricing';
import { UNDERLYINGS, type MarketBar, type Underlying } from '../market/types';
import type { PositionLeg } from '../strategies/position';

/**
 * A position's (or the book's) Greeks from the project's own pricing, in the units a risk owner reads:
 * delta and gamma in units of the underlying (shares; /ES points x 50), vega in dollars per volatility point,
 * theta in dollars per trading day.
 */
export interface Greeks {
  readonly delta: number;
  readonly gamma: number;
  readonly vega: number;
  readonly theta: number;
}

export const NO_GREEKS: Greeks = { delta: 0, gamma: 0, vega: 0, theta: 0 };

export interface Exposure extends Greeks {
  /** Delta per underlying, in its own units: what beta-weighting converts. */
  readonly deltaByUnderlying: Readonly<Record<Underlying, number>>;
}

/**
 * How much each underlying moves with SPY: a 1% move of SPY moves it by beta %. Configurable; these defaults
 * are long-run approximations (QQQ and IWM swing more than the S&P 500, /ES is the S&P 500).
 */
export type Betas = Readonly<Record<Underlying, number>>;
export const DEFAULT_BETAS: Betas = { SPY: 1, QQQ: 1.15, IWM: 1.2, ES: 1 };

const zeroByUnderlying = (): Record<Underlying, number> => Object.fromEntries(UNDERLYINGS.map((underlying) => [underlying, 0])) as Record<Underlying, number>;

/** The Greeks of `legs` on `bar`, each leg's per-share Greeks times its signed quantity and multiplier. */
export function exposureOf(legs: readonly PositionLeg[], bar: MarketBar): Exposure {
  const deltaByUnderlying = zeroByUnderlying();
  let gamma = 0;
  let vega = 0;
  let theta = 0;
  for (const { contract, quantity } of legs) {
    const quote = quoteOption(contract, bar);
    const units = quantity * contractMultiplier(contract.underlying);
    deltaByUnderlying[contract.underlying] += quote.delta * units;
    gamma += quote.gamma * units;
    vega += quote.vega * units;
    theta += quote.theta * units;
  }
  const delta = UNDERLYINGS.reduce((sum, underlying) => sum + deltaByUnderlying[underlying], 0);
  return { delta, gamma, vega, theta, deltaByUnderlying };
}

/** Adds exposures: the book's is the sum of its strategies'. */
export function sumExposures(exposures: readonly Exposure[]): Exposure {
  const deltaByUnderlying = zeroByUnderlying();
  let delta = 0;
  let gamma = 0;
  let vega = 0;
  let theta = 0;
  for (const exposure of exposures) {
    for (const underlying of UNDERLYINGS) deltaByUnderlying[underlying] += exposure.deltaByUnderlying[underlying];
    delta += exposure.delta;
    gamma += exposure.gamma;
    vega += exposure.vega;
    theta += exposure.theta;
  }
  return { delta, gamma, vega, theta, deltaByUnderlying };
}

/**
 * SPY-equivalent (beta-weighted) delta, in SPY shares: each underlying's dollar delta (delta x price) times its
 * beta, divided by SPY's price. 100 SPY-equivalent deltas gain or lose about $100 per $1 move of SPY.
 */
export function spyEquivalentDelta(exposure: Pick<Exposure, 'deltaByUnderlying'>, bar: MarketBar, betas: Betas = DEFAULT_BETAS): number {
  const spy = bar.underlyings.SPY.price;
  return UNDERLYINGS.reduce(
    (sum, underlying) => sum + (exposure.deltaByUnderlying[underlying] * bar.underlyings[underlying].price * betas[underlying]) / spy,
    0,
  );
}
