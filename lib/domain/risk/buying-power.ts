import { contractMultiplier } from '../market/instruments';
import { quoteOption } from '../market/option-pricing';
import type { MarketBar, OptionContract, Underlying } from '../market/types';
import type { PositionLeg } from '../strategies/position';

/**
 * The buying power a position ties up, as the paper broker's account counts it (`accountOf`, over every leg the
 * venue holds) and the risk limits do (`bookOf`, per strategy). Legs are grouped by underlying; two methods:
 *
 * - Defined risk (no more short calls than long ones): the most the position can still lose, its value at mid now
 *   less its worst value at expiry, searched over every strike and zero (the payoff is straight between strikes).
 *   So a long option (a LEAP too) or a debit spread ties up its value, the premium at mid; a credit spread or the
 *   iron condor its (wider) width less what closing it would cost at mid; the 1-1-2 put ratio what it would lose if
 *   the underlying went to zero, where it is worth (long - short - 2 x far short strike) x multiplier; a short put
 *   alone its loss to zero, as a cash-secured put (above Reg-T's 20% rule); the IPMCC (a LEAP under a short call)
 *   its value. Legs of different expiries count at intrinsic value: a long-dated long leg is worth at least that,
 *   so the figure errs high.
 * - Naked (more short calls than long ones: the /ES strangle): each short option on its own, at the standard rule
 *   for short options: premium + max(RATE x underlying - out-of-the-money amount, MINIMUM), with, for the ETFs,
 *   Reg-T's RATE 20% and MINIMUM 10% of the strike (put) or underlying (call); for /ES options, standing in for the
 *   exchange's SPAN margin, RATE 6% (about SPAN's scanning range for the E-mini S&P 500) and MINIMUM 2% of the
 *   underlying. Both sides of a strangle are added, where a broker charges only the greater side plus the other's
 *   premium: the figure errs high by about one side's margin.
 */
export interface BuyingPower {
  /** Dollars of buying power the position ties up. */
  readonly requirement: number;
  readonly method: 'max-loss' | 'naked';
}

export const NAKED_RATE: Readonly<Record<Underlying, number>> = { SPY: 0.2, QQQ: 0.2, IWM: 0.2, ES: 0.06 };
const MINIMUM_RATE: Readonly<Record<Underlying, number>> = { SPY: 0.1, QQQ: 0.1, IWM: 0.1, ES: 0.02 };

const intrinsic = ({ right, strike }: OptionContract, price: number): number => (right === 'C' ? Math.max(0, price - strike) : Math.max(0, strike - price));

/** The legs' value at expiry if the underlying closes at `price`, in dollars (long positive). */
function payoffAt(legs: readonly PositionLeg[], price: number): number {
  return legs.reduce((sum, { contract, quantity }) => sum + quantity * contractMultiplier(contract.underlying) * intrinsic(contract, price), 0);
}

/** The legs' value at mid on `bar`, in dollars (long positive, short negative). */
function valueNow(legs: readonly PositionLeg[], bar: MarketBar): number {
  return legs.reduce((sum, { contract, quantity }) => sum + quantity * contractMultiplier(contract.underlying) * quoteOption(contract, bar).mid, 0);
}

/** The naked-option requirement of `quantity` (positive) short contracts of `contract`, in dollars. */
export function nakedRequirement(contract: OptionContract, quantity: number, bar: MarketBar): number {
  const underlying = bar.underlyings[contract.underlying].price;
  const premium = quoteOption(contract, bar).mid;
  const outOfTheMoney = contract.right === 'C' ? Math.max(0, contract.strike - underlying) : Math.max(0, underlying - contract.strike);
  // Reg-T's minimum is on the strike for a put; SPAN's stand-in is on the underlying either way.
  const base = contract.right === 'P' && contract.underlying !== 'ES' ? contract.strike : underlying;
  const minimum = MINIMUM_RATE[contract.underlying] * base;
  const perUnit = premium + Math.max(NAKED_RATE[contract.underlying] * underlying - outOfTheMoney, minimum);
  return perUnit * quantity * contractMultiplier(contract.underlying);
}

function requirementForUnderlying(legs: readonly PositionLeg[], bar: MarketBar): BuyingPower {
  // Above the highest strike the payoff moves by the net number of calls: net short calls lose without limit.
  const netCalls = legs.filter((leg) => leg.contract.right === 'C').reduce((sum, leg) => sum + leg.quantity, 0);
  if (netCalls < 0) {
    const shorts = legs.filter((leg) => leg.quantity < 0);
    const requirement = shorts.reduce((sum, leg) => sum + nakedRequirement(leg.contract, -leg.quantity, bar), 0);
    return { requirement, method: 'naked' };
  }
  const prices = [0, ...legs.map((leg) => leg.contract.strike)];
  const worst = Math.min(...prices.map((price) => payoffAt(legs, price)));
  return { requirement: Math.max(0, valueNow(legs, bar) - worst), method: 'max-loss' };
}

/** The buying power `legs` tie up on `bar`, summed over their underlyings; zero for a flat position. */
export function buyingPowerOf(legs: readonly PositionLeg[], bar: MarketBar): BuyingPower {
  const byUnderlying = new Map<Underlying, PositionLeg[]>();
  for (const leg of legs) byUnderlying.set(leg.contract.underlying, [...(byUnderlying.get(leg.contract.underlying) ?? []), leg]);
  let requirement = 0;
  let method: BuyingPower['method'] = 'max-loss';
  for (const group of byUnderlying.values()) {
    const part = requirementForUnderlying(group, bar);
    requirement += part.requirement;
    if (part.method === 'naked') method = 'naked';
  }
  return { requirement: Math.round(requirement * 100) / 100, method };
}
