import { nyParts } from '../market/calendar';
import { contractMultiplier } from '../market/instruments';
import { daysToExpiry } from '../market/option-chain';
import { quoteOption } from '../market/option-pricing';
import type { EpochMs, LegFill, MarketBar, OptionContract, OrderLeg } from '../market/types';

/** One open contract of a position: quantity is signed, positive long and negative short. */
export interface PositionLeg {
  readonly contract: OptionContract;
  readonly quantity: number;
}

/**
 * What a strategy holds, built only from fills: the open legs and the cash they brought in (in dollars,
 * positive received). Rolls, partial fills and unwinds all go through `applyFills`, so nothing can be
 * held that no fill accounts for. A position with no legs is flat, and its cash is the realised P&L.
 */
export interface Position {
  readonly structure: string;
  readonly legs: readonly PositionLeg[];
  /** Net cash in dollars from every fill of this cycle: sales add, purchases subtract. */
  readonly cash: number;
  /** Net cash of the opening order in dollars: the credit (positive) or debit (negative) profit targets refer to. */
  readonly entryCash: number;
  readonly openedAt: EpochMs;
}

export const sameContract = (a: OptionContract, b: OptionContract): boolean =>
  a.underlying === b.underlying && a.expiry === b.expiry && a.strike === b.strike && a.right === b.right;

export const roundCents = (value: number): number => Math.round(value * 100) / 100;

/** `position` after `fills`: each fill moves its contract's quantity and the cash by its price times the multiplier. */
export function applyFills(position: Position, fills: readonly LegFill[]): Position {
  const legs = position.legs.map((leg) => ({ ...leg }));
  let cash = position.cash;
  for (const { leg, price } of fills) {
    const signed = leg.side === 'BUY' ? leg.quantity : -leg.quantity;
    cash -= signed * price * contractMultiplier(leg.contract.underlying);
    const existing = legs.find((candidate) => sameContract(candidate.contract, leg.contract));
    if (existing) existing.quantity += signed;
    else legs.push({ contract: leg.contract, quantity: signed });
  }
  return { ...position, legs: legs.filter((leg) => leg.quantity !== 0), cash: roundCents(cash) };
}

/** `legs` with one leg per contract, quantities added (legs that cancel out dropped): a long and a short of one contract hold nothing. */
export function netLegs(legs: readonly PositionLeg[]): PositionLeg[] {
  const net: PositionLeg[] = [];
  for (const { contract, quantity } of legs) {
    const index = net.findIndex((leg) => sameContract(leg.contract, contract));
    if (index === -1) net.push({ contract, quantity });
    else net[index] = { contract, quantity: net[index]!.quantity + quantity };
  }
  return net.filter((leg) => leg.quantity !== 0);
}

export function emptyPosition(structure: string, openedAt: EpochMs): Position {
  return { structure, legs: [], cash: 0, entryCash: 0, openedAt };
}

export const isFlat = (position: Position | null): boolean => !position || position.legs.length === 0;

/** The order legs that close every open leg of `position`. */
export function closingLegs(position: Position): OrderLeg[] {
  return position.legs.map(({ contract, quantity }) => ({
    contract,
    side: quantity > 0 ? 'SELL' : 'BUY',
    quantity: Math.abs(quantity),
  }));
}

/** The order legs that close just `legs` (e.g. a tested side being rolled). */
export function closingLegsFor(legs: readonly PositionLeg[]): OrderLeg[] {
  return closingLegs({ structure: '', legs, cash: 0, entryCash: 0, openedAt: 0 });
}

/** The open legs' value at mid, in dollars (long positive, short negative). */
export function marketValue({ legs }: Pick<Position, 'legs'>, bar: MarketBar): number {
  let value = 0;
  for (const { contract, quantity } of legs) {
    value += quantity * quoteOption(contract, bar).mid * contractMultiplier(contract.underlying);
  }
  return value;
}

/** P&L in dollars of the whole cycle so far at mid: the cash taken in plus what the open legs are worth. */
export function positionPnl(position: Position, bar: MarketBar): number {
  return roundCents(position.cash + marketValue(position, bar));
}

/** Calendar days from the bar's New York date to the nearest expiry `position` holds; null for a flat position. */
export function positionDte(position: Position, bar: MarketBar): number | null {
  const nearest = position.legs.map((leg) => leg.contract.expiry).sort()[0];
  return nearest === undefined ? null : daysToExpiry(nearest, nyParts(bar.time).date);
}
