import type { OrderLeg } from '../market/types';
import { netLegs, sameContract, type Position } from '../strategies/position';

/**
 * Whether an order only shrinks what the strategy holds: every leg buys back a contract held short or sells one
 * held long, never more than is held (legs of one contract counted together). Such an order cannot add risk, so
 * it passes the pre-trade gate in every mode: exits must always work. Anything else opens risk: an entry, the new
 * legs of a roll, a new rung; and an order with no legs reduces nothing.
 */
export function isRiskReducing(legs: readonly OrderLeg[], position: Position | null): boolean {
  if (legs.length === 0 || legs.some((leg) => !(leg.quantity > 0))) return false;
  const ordered = netLegs(legs.map(({ contract, side, quantity }) => ({ contract, quantity: side === 'BUY' ? quantity : -quantity })));
  if (ordered.length === 0) return false;
  return ordered.every(({ contract, quantity }) => {
    const held = position?.legs.find((leg) => sameContract(leg.contract, contract))?.quantity ?? 0;
    return held * quantity < 0 && Math.abs(quantity) <= Math.abs(held);
  });
}
