import { contractMultiplier } from '../market/instruments';
import { quoteOption } from '../market/option-pricing';
import type { MarketBar, OrderLeg } from '../market/types';
import type { Position, PositionLeg } from '../strategies/position';
import { buyingPowerOf } from './buying-power';
import { exposureOf, NO_GREEKS, spyEquivalentDelta, type Betas, DEFAULT_BETAS } from './exposure';
import type { Book, OpeningOrder } from './limits';

/** What the book needs to know of one strategy. */
export interface StrategyHoldings {
  readonly id: string;
  readonly position: Position | null;
  /** Legs of an opening order sent and not yet filled: counted as if filled, so two entries cannot both pass. */
  readonly inFlight: readonly OrderLeg[];
}

const signed = (legs: readonly OrderLeg[]): PositionLeg[] => legs.map(({ contract, side, quantity }) => ({ contract, quantity: side === 'BUY' ? quantity : -quantity }));

/**
 * The book on `bar`: buying power in use (per strategy too, entries in flight counted), Greeks and SPY-equivalent
 * delta of what the strategies hold, against `netLiquidation`, the account's at the broker (`accountOf`).
 */
export function bookOf(strategies: readonly StrategyHoldings[], bar: MarketBar, netLiquidation: number, betas: Betas = DEFAULT_BETAS): Book {
  let buyingPowerUsed = 0;
  const buyingPowerByStrategy: Record<string, number> = {};
  const legs: PositionLeg[] = [];
  for (const strategy of strategies) {
    const held = [...(strategy.position?.legs ?? []), ...signed(strategy.inFlight)];
    const { requirement } = buyingPowerOf(held, bar);
    buyingPowerByStrategy[strategy.id] = requirement;
    buyingPowerUsed += requirement;
    legs.push(...held);
  }
  const exposure = legs.length > 0 ? exposureOf(legs, bar) : null;
  return {
    netLiquidation,
    buyingPowerUsed,
    buyingPowerByStrategy,
    greeks: exposure ? { delta: exposure.delta, gamma: exposure.gamma, vega: exposure.vega, theta: exposure.theta } : NO_GREEKS,
    spyDelta: exposure ? spyEquivalentDelta(exposure, bar, betas) : 0,
  };
}

/** What an opening order of `legs` would add to the book if it filled, priced at mid on `bar`. */
export function openingOrderOf(strategyId: string, legs: readonly OrderLeg[], bar: MarketBar, betas: Betas = DEFAULT_BETAS): OpeningOrder {
  const positionLegs = signed(legs);
  const exposure = exposureOf(positionLegs, bar);
  return {
    strategyId,
    contracts: Math.max(0, ...legs.map((leg) => leg.quantity)),
    premium: positionLegs.reduce((sum, { contract, quantity }) => sum + quantity * quoteOption(contract, bar).mid * contractMultiplier(contract.underlying), 0),
    buyingPower: buyingPowerOf(positionLegs, bar).requirement,
    greeks: { delta: exposure.delta, gamma: exposure.gamma, vega: exposure.vega, theta: exposure.theta },
    spyDelta: spyEquivalentDelta(exposure, bar, betas),
    ordersLastMinute: 0,
  };
}

/** The book with `order` counted in: the next strategy checked on the same bar sees it. */
export function withOrder(book: Book, order: OpeningOrder): Book {
  return {
    netLiquidation: book.netLiquidation,
    buyingPowerUsed: book.buyingPowerUsed + order.buyingPower,
    buyingPowerByStrategy: { ...book.buyingPowerByStrategy, [order.strategyId]: (book.buyingPowerByStrategy[order.strategyId] ?? 0) + order.buyingPower },
    greeks: {
      delta: book.greeks.delta + order.greeks.delta,
      gamma: book.greeks.gamma + order.greeks.gamma,
      vega: book.greeks.vega + order.greeks.vega,
      theta: book.greeks.theta + order.greeks.theta,
    },
    spyDelta: book.spyDelta + order.spyDelta,
  };
}
