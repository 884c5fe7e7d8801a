import { contractMultiplier } from '../market/instruments';
import { quoteOption } from '../market/option-pricing';
import type { MarketBar, OrderLeg } from '../market/types';
import type { PendingOrder, StrategyContext } from '../strategies/lifecycle/types';
import { isFlat, netLegs, type Position, type PositionLeg } from '../strategies/position';
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

/** What a strategy holds as if its in-flight legs had filled: a roll's closing legs cancel what they close. */
const heldLegs = ({ position, inFlight }: Pick<StrategyHoldings, 'position' | 'inFlight'>): PositionLeg[] =>
  netLegs([...(position?.legs ?? []), ...signed(inFlight)]);

/** A strategy's holdings from its machine's context: its position, and its order out when `isCounted` says it counts. */
export function holdingsOf(
  id: string,
  { position, order }: Pick<StrategyContext<unknown>, 'position' | 'order'>,
  isCounted: (order: PendingOrder) => boolean,
): StrategyHoldings {
  return { id, position: isFlat(position) ? null : position, inFlight: order && isCounted(order) ? order.legs : [] };
}

/**
 * The book on `bar`: buying power in use (per strategy too, entries in flight counted), Greeks and SPY-equivalent
 * delta of what the strategies hold, against `netLiquidation`, the account's at the broker (`accountOf`).
 */
export function bookOf(strategies: readonly StrategyHoldings[], bar: MarketBar, netLiquidation: number, betas: Betas = DEFAULT_BETAS): Book {
  let buyingPowerUsed = 0;
  const buyingPowerByStrategy: Record<string, number> = {};
  const legs: PositionLeg[] = [];
  for (const strategy of strategies) {
    const held = heldLegs(strategy);
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

/** What the pre-trade gate adds to an opening order: what the strategy holds already, and the account's recent orders. */
export interface OrderSetting {
  /** The strategy's holdings: an order that closes some of them (a roll) ties up only the difference it makes. */
  readonly holdings?: Pick<StrategyHoldings, 'position' | 'inFlight'>;
  readonly ordersLastMinute?: number;
  readonly betas?: Betas;
}

/**
 * What an opening order of `legs` would add to the book if it filled, priced at mid on `bar`. Greeks add up leg
 * by leg; buying power does not (a spread ties up less than its short leg alone), so it is the strategy's
 * requirement with the order filled less its requirement now.
 */
export function openingOrderOf(strategyId: string, legs: readonly OrderLeg[], bar: MarketBar, setting: OrderSetting = {}): OpeningOrder {
  const { holdings = { position: null, inFlight: [] }, ordersLastMinute = 0, betas = DEFAULT_BETAS } = setting;
  const positionLegs = signed(legs);
  const exposure = exposureOf(positionLegs, bar);
  const held = heldLegs(holdings);
  const after = heldLegs({ position: holdings.position, inFlight: [...holdings.inFlight, ...legs] });
  return {
    strategyId,
    contracts: Math.max(0, ...legs.map((leg) => leg.quantity)),
    premium: positionLegs.reduce((sum, { contract, quantity }) => sum + quantity * quoteOption(contract, bar).mid * contractMultiplier(contract.underlying), 0),
    buyingPower: Math.round((buyingPowerOf(after, bar).requirement - buyingPowerOf(held, bar).requirement) * 100) / 100,
    greeks: { delta: exposure.delta, gamma: exposure.gamma, vega: exposure.vega, theta: exposure.theta },
    spyDelta: spyEquivalentDelta(exposure, bar, betas),
    ordersLastMinute,
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
