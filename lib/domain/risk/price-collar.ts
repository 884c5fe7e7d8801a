import { comboMid } from '../market/option-pricing';
import type { MarketBar, OrderLeg } from '../market/types';
import type { PriceCollar } from './limits';

const dollars = (value: number): string => `$${Math.abs(value).toFixed(2)}`;
const net = (value: number): string => `${value < 0 ? 'a debit' : 'a credit'} of ${dollars(value)}`;
/** Prices per share compared to a hundredth of a cent, as `comboMid` rounds them. */
const ticks = (value: number): number => Math.round(value * 10_000);

/**
 * Why an opening order's price is outside the collar on `bar`, or null when it is inside: `decidedPrice` is the
 * combo's net mid per unit (as `comboMid`: a credit positive) on the bar its strategy decided the order; the mid
 * now may differ from it by the collar's fraction of the mid now, or by its minimum, whichever is more.
 */
export function collarBreach(legs: readonly OrderLeg[], decidedPrice: number, bar: MarketBar, collar: PriceCollar): string | null {
  const mid = comboMid(legs, bar);
  const allowed = Math.max(collar.fraction * Math.abs(mid), collar.minimum);
  const moved = Math.abs(mid - decidedPrice);
  if (ticks(moved) <= ticks(allowed)) return null;
  return `price collar: decided at ${net(decidedPrice)} a unit, now ${net(mid)}: moved ${dollars(moved)}, more than the ${dollars(allowed)} allowed`;
}
