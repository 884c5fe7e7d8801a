import { isTradingDay, nyParts, type NyDate } from '../../market/calendar';
import { comboMid } from '../../market/option-pricing';
import type { MarketBar, OrderLeg } from '../../market/types';
import type { EntryPermit } from '../../coordinator';

/** The 0DTE Friday rules' numbers (DESIGN.md). Times are New York wall-clock minutes of the day. */
export interface ZeroDteSettings {
  readonly weekday: number;
  readonly entryFromMinute: number;
  /** Inclusive: "no entry after 11:00" still allows the 11:00 bar. */
  readonly entryUntilMinute: number;
  /** Exclusive lower bound: VIX must be above it. */
  readonly vixAbove: number;
  /** Inclusive upper bound: entries are suspended above it. */
  readonly vixAtMost: number;
  readonly wingWidth: number;
  readonly contracts: number;
  /** Take profit once this fraction of the credit is earned. */
  readonly profitTarget: number;
  /** Exit defensively once the loss reaches this multiple of the credit. */
  readonly stopLossMultiple: number;
  readonly managingFromMinute: number;
  /** MANAGING closes whatever is left at this minute, well before the 16:00 expiry. */
  readonly closeByMinute: number;
  readonly orderTimeoutMinutes: number;
  readonly maxEntryAttemptsPerDay: number;
  /** A proposal older than this when validated is stale and discarded. */
  readonly maxQuoteAgeMinutes: number;
  /** Below this net credit per share the condor is not worth its risk. */
  readonly minCredit: number;
}

const minuteOf = (hour: number, minute: number): number => hour * 60 + minute;

export const ZERO_DTE_DEFAULTS: ZeroDteSettings = {
  weekday: 5,
  entryFromMinute: minuteOf(10, 30),
  entryUntilMinute: minuteOf(11, 0),
  vixAbove: 22,
  vixAtMost: 35,
  wingWidth: 5,
  contracts: 1,
  profitTarget: 0.5,
  stopLossMultiple: 2,
  managingFromMinute: minuteOf(15, 30),
  closeByMinute: minuteOf(15, 45),
  orderTimeoutMinutes: 5,
  maxEntryAttemptsPerDay: 3,
  maxQuoteAgeMinutes: 2,
  minCredit: 0.05,
};

/** Problems with a bar that make it unusable for any trading decision. Empty when the bar is sane. */
export function marketDataProblems(bar: MarketBar): string[] {
  const problems: string[] = [];
  if (!Number.isFinite(bar.time)) problems.push('bar time is not a number');
  if (!(Number.isFinite(bar.spy) && bar.spy > 0)) problems.push(`SPY price ${bar.spy} is not a positive number`);
  if (!(Number.isFinite(bar.spyOpen) && bar.spyOpen > 0)) problems.push(`SPY open ${bar.spyOpen} is not a positive number`);
  if (!(Number.isFinite(bar.vix) && bar.vix > 0 && bar.vix < 150)) problems.push(`VIX ${bar.vix} is outside 0-150`);
  return problems;
}

export function isEntryDay(date: NyDate, weekday: number, settings: ZeroDteSettings): boolean {
  return weekday === settings.weekday && isTradingDay(date);
}

export function isInEntryWindow(time: number, settings: ZeroDteSettings): boolean {
  const { date, weekday, minuteOfDay } = nyParts(time);
  return (
    isEntryDay(date, weekday, settings) &&
    minuteOfDay >= settings.entryFromMinute &&
    minuteOfDay <= settings.entryUntilMinute
  );
}

export function isVixInEntryRange(vix: number, settings: ZeroDteSettings): boolean {
  return vix > settings.vixAbove && vix <= settings.vixAtMost;
}

/**
 * Why no entry signal fires on this bar (empty when it does). Blocking reasons from the coordinator come
 * through `permit`; data problems come first because nothing else can be trusted without the data.
 */
export function entrySignalProblems(
  bar: MarketBar,
  permit: EntryPermit,
  settings: ZeroDteSettings,
  attemptsToday: number,
): string[] {
  const dataProblems = marketDataProblems(bar);
  if (dataProblems.length > 0) return dataProblems;
  const problems: string[] = [];
  if (!isInEntryWindow(bar.time, settings)) problems.push('outside the Friday 10:30-11:00 ET entry window');
  if (!isVixInEntryRange(bar.vix, settings)) {
    problems.push(`VIX ${bar.vix} is not above ${settings.vixAbove} and at most ${settings.vixAtMost}`);
  }
  if (attemptsToday >= settings.maxEntryAttemptsPerDay) problems.push(`${attemptsToday} entry attempts already today`);
  if (!permit.allowed) problems.push(...permit.reasons);
  return problems;
}

/** The expected one-day move: price x VIX/100 x sqrt(1/252). */
export function expectedDailyMove(spot: number, vix: number): number {
  return spot * (vix / 100) * Math.sqrt(1 / 252);
}

/** The iron condor for `bar`: short strikes one expected daily move out (whole dollars, away from spot), wings wider. */
export function ironCondorLegs(bar: MarketBar, settings: ZeroDteSettings): OrderLeg[] {
  const expiry = nyParts(bar.time).date;
  const move = expectedDailyMove(bar.spy, bar.vix);
  const shortPut = Math.floor(bar.spy - move);
  const shortCall = Math.ceil(bar.spy + move);
  const quantity = settings.contracts;
  const leg = (strike: number, right: 'C' | 'P', side: 'BUY' | 'SELL'): OrderLeg => ({
    contract: { underlying: 'SPY', expiry, strike, right },
    side,
    quantity,
  });
  return [
    leg(shortPut - settings.wingWidth, 'P', 'BUY'),
    leg(shortPut, 'P', 'SELL'),
    leg(shortCall, 'C', 'SELL'),
    leg(shortCall + settings.wingWidth, 'C', 'BUY'),
  ];
}

/** Why a proposed entry may not be sent on this bar (empty when it may). Guards the last step before an order. */
export function entryValidationProblems(
  legs: readonly OrderLeg[],
  proposedAt: number,
  bar: MarketBar,
  permit: EntryPermit,
  settings: ZeroDteSettings,
): string[] {
  const dataProblems = marketDataProblems(bar);
  if (dataProblems.length > 0) return dataProblems;
  const problems: string[] = [];
  const ageMinutes = (bar.time - proposedAt) / 60_000;
  if (ageMinutes < 0 || ageMinutes > settings.maxQuoteAgeMinutes) {
    problems.push(`the proposal is ${ageMinutes.toFixed(0)} minutes old (at most ${settings.maxQuoteAgeMinutes})`);
  }
  if (nyParts(bar.time).date !== nyParts(proposedAt).date) problems.push('the proposal is from another day');
  if (!isVixInEntryRange(bar.vix, settings)) problems.push(`VIX ${bar.vix} left the entry range`);
  for (const leg of legs) {
    const { strike, right } = leg.contract;
    if (leg.side !== 'SELL') continue;
    if (right === 'P' && bar.spy <= strike) problems.push(`SPY ${bar.spy} is already at or below the short put ${strike}`);
    if (right === 'C' && bar.spy >= strike) problems.push(`SPY ${bar.spy} is already at or above the short call ${strike}`);
  }
  const credit = comboMid(legs, bar);
  if (!(credit >= settings.minCredit)) {
    problems.push(`the credit ${credit.toFixed(2)} is below the minimum ${settings.minCredit.toFixed(2)}`);
  }
  if (!permit.allowed) problems.push(...permit.reasons);
  return problems;
}

/** The first short strike the underlying has touched, described; null while none is breached. */
export function shortStrikeBreach(legs: readonly OrderLeg[], bar: MarketBar): string | null {
  for (const leg of legs) {
    if (leg.side !== 'SELL') continue;
    const { strike, right } = leg.contract;
    if (right === 'P' && bar.spy <= strike) return `SPY ${bar.spy} breached the short put ${strike}`;
    if (right === 'C' && bar.spy >= strike) return `SPY ${bar.spy} breached the short call ${strike}`;
  }
  return null;
}
