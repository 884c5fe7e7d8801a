import type { EpochMs, LegFill, MarketBar, OrderLeg } from '../market/types';
import type { ComboFill } from '../market/types';
import { comboMid } from '../market/option-pricing';

export type Structure = 'IRON_CONDOR' | 'PUT_SPREAD' | 'CALL_SPREAD';

/** An open multi-leg position, as filled. Prices are per share; one contract is 100 shares. */
export interface Position {
  readonly structure: Structure;
  readonly legs: readonly OrderLeg[];
  readonly fills: readonly LegFill[];
  readonly contracts: number;
  /** Net per-share credit received when the position was opened. */
  readonly entryCredit: number;
  readonly entryTime: EpochMs;
}

export const CONTRACT_MULTIPLIER = 100;

/** The legs that close `position`: the same contracts, each side reversed. */
export function closingLegs(position: Position): OrderLeg[] {
  return position.legs.map((leg) => ({ ...leg, side: leg.side === 'BUY' ? 'SELL' : 'BUY' }));
}

/** What it would cost per share to close the position at mid (positive: a debit to pay). */
export function costToClose(position: Position, bar: MarketBar): number {
  return -comboMid(closingLegs(position), bar);
}

/** Unrealised P&L in dollars at mid: credit received minus the cost to buy it back. */
export function unrealizedPnl(position: Position, bar: MarketBar): number {
  return roundCents((position.entryCredit - costToClose(position, bar)) * CONTRACT_MULTIPLIER * position.contracts);
}

/** Realised P&L in dollars once a closing combo has filled. */
export function realizedPnl(position: Position, closingFill: ComboFill): number {
  return roundCents((position.entryCredit + closingFill.netCredit) * CONTRACT_MULTIPLIER * position.contracts);
}

export function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}
