import { contractMultiplier } from '../market/instruments';
import { UNDERLYINGS, type LegFill, type MarketBar, type Underlying } from '../market/types';
import { marketValue, roundCents, type PositionLeg } from '../strategies/position';
import { buyingPowerOf } from './buying-power';

/**
 * What a fresh paper account starts with, unless `PAPER_STARTING_BALANCE` says otherwise. A million: the 1-1-2
 * ties up its loss to zero (about $100,000 a unit on SPY), and 35% of the account must hold it.
 */
export const DEFAULT_STARTING_BALANCE = 1_000_000;

/**
 * Premium received per underlying: over every fill, price × quantity, sales adding and purchases subtracting, in
 * the option's points (before its contract multiplier, which differs by underlying). Absent: no fills.
 */
export type PremiumReceived = Readonly<Partial<Record<Underlying, number>>>;

/** What the venue has recorded: the balance it started with, every fill's premium, and the legs it holds. */
export interface AccountLedger {
  readonly startingBalance: number;
  readonly premiumReceived: PremiumReceived;
  readonly positions: readonly PositionLeg[];
}

/** The account on one bar, in dollars. */
export interface Account {
  readonly startingBalance: number;
  /** The starting balance plus every fill's cash: a sale brings price × quantity × multiplier in, a purchase pays it. */
  readonly cash: number;
  /** The held legs at mid: long positive, short negative. */
  readonly positionsValue: number;
  /** Cash plus the positions at mid: what the account would hold if it closed everything at mid. */
  readonly netLiquidation: number;
  /** The buying power the held legs tie up ({@link buyingPowerOf}, netted per underlying). */
  readonly buyingPowerRequirement: number;
  /** Net liquidation value less the requirement: what new positions may still tie up (negative: a margin deficit). */
  readonly buyingPowerAvailable: number;
}

/** The premium `fills` received, per underlying (see {@link PremiumReceived}); the venue sums the same in SQL. */
export function premiumReceivedOf(fills: readonly LegFill[]): PremiumReceived {
  const premium: Partial<Record<Underlying, number>> = {};
  for (const { leg, price } of fills) {
    const { underlying } = leg.contract;
    premium[underlying] = (premium[underlying] ?? 0) + (leg.side === 'SELL' ? 1 : -1) * price * leg.quantity;
  }
  return premium;
}

/**
 * The account on `bar`: cash from the ledger's fills, the held legs marked at the bar's mids, and the buying power
 * they tie up. A round trip leaves cash at the starting balance plus its realised P&L.
 */
export function accountOf(ledger: AccountLedger, bar: MarketBar): Account {
  const { startingBalance, positions } = ledger;
  const { cash, positionsValue, netLiquidation } = markedLedger(ledger, bar);
  const { requirement } = buyingPowerOf(positions, bar);
  return {
    startingBalance,
    cash,
    positionsValue,
    netLiquidation,
    buyingPowerRequirement: requirement,
    buyingPowerAvailable: roundCents(netLiquidation - requirement),
  };
}

/**
 * The account's net liquidation value on `bar`, as {@link accountOf} gives it, without working out the margin: what
 * the engine measures the loss limits and the risk limits by on every bar.
 */
export function netLiquidationOf(ledger: AccountLedger, bar: MarketBar): number {
  return markedLedger(ledger, bar).netLiquidation;
}

function markedLedger({ startingBalance, premiumReceived, positions }: AccountLedger, bar: MarketBar) {
  const premiumCash = UNDERLYINGS.reduce((sum, underlying) => sum + (premiumReceived[underlying] ?? 0) * contractMultiplier(underlying), 0);
  const cash = roundCents(startingBalance + premiumCash);
  const positionsValue = roundCents(marketValue({ legs: positions }, bar));
  return { cash, positionsValue, netLiquidation: roundCents(cash + positionsValue) };
}
