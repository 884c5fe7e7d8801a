import { blackScholes } from './black-scholes';
import { isTradingDay, nyParts, sessionClose, sessionOpen, type NyDate } from './calendar';
import type { EpochMs, LegFill, MarketBar, OptionContract, OrderLeg } from './types';

/** Continuously compounded rate used for every simulated quote. */
export const RISK_FREE_RATE = 0.04;

/** Volatility is quoted per year of 252 sessions of 390 minutes: time only passes while the market trades. */
const TRADING_MINUTES_PER_YEAR = 252 * 390;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MIN_SPREAD = 0.01;
const SPREAD_FRACTION = 0.02;

export interface OptionQuote {
  /** Black–Scholes value rounded to the cent; the paper broker fills at this price. */
  readonly mid: number;
  readonly bid: number;
  readonly ask: number;
  readonly delta: number;
}

/** Sub-micro epsilon so that, e.g., 0.99 stored as 0.98999… still floors to 99 cents. */
const CENT_EPSILON = 1e-7;
const roundCents = (price: number): number => Math.round(price * 100) / 100;
const floorCents = (price: number): number => Math.floor(price * 100 + CENT_EPSILON) / 100;
const ceilCents = (price: number): number => Math.ceil(price * 100 - CENT_EPSILON) / 100;

/**
 * Trading time from `time` to the session close of `expiry` (13:00 on early-close days), in years of 252
 * sessions of 390 minutes; 0 once that close has passed. Trading time, not calendar time, because a 0DTE
 * option's whole life is one session: in calendar time its few hours would carry almost no variance.
 * Weekdays between today and the expiry count as full sessions (holidays among them are ignored).
 */
export function yearsToExpiry(expiry: NyDate, time: EpochMs): number {
  const close = sessionClose(expiry);
  if (time >= close) return 0;
  const today = nyParts(time).date;
  if (today === expiry) return (close - Math.max(time, sessionOpen(expiry))) / MINUTE_MS / TRADING_MINUTES_PER_YEAR;
  const restOfToday = isTradingDay(today)
    ? Math.max(0, sessionClose(today) - Math.max(time, sessionOpen(today))) / MINUTE_MS
    : 0;
  const lastDay = (close - sessionOpen(expiry)) / MINUTE_MS;
  return (restOfToday + weekdaysBetween(today, expiry) * 390 + lastDay) / TRADING_MINUTES_PER_YEAR;
}

/** Weekdays strictly between two dates. */
function weekdaysBetween(from: NyDate, to: NyDate): number {
  const start = Date.parse(`${from}T00:00:00Z`);
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - start) / DAY_MS) - 1;
  if (days <= 0) return 0;
  const firstWeekday = (new Date(start).getUTCDay() + 1) % 7;
  let count = Math.floor(days / 7) * 5;
  for (let i = 0; i < days % 7; i += 1) {
    const weekday = (firstWeekday + i) % 7;
    if (weekday !== 0 && weekday !== 6) count += 1;
  }
  return count;
}

/**
 * Quote a SPY option off one bar, with the bar's VIX / 100 as the volatility.
 * Bid and ask sit half a spread of max(0.01, 2% of mid) either side of the mid, rounded outwards to
 * whole cents so the quoted market is never narrower than that spread; the bid never goes below 0.
 */
export function quoteOption(contract: OptionContract, bar: MarketBar): OptionQuote {
  const { price, delta } = blackScholes({
    spot: bar.spy,
    strike: contract.strike,
    years: yearsToExpiry(contract.expiry, bar.time),
    rate: RISK_FREE_RATE,
    volatility: bar.vix / 100,
    right: contract.right,
  });
  const mid = roundCents(price);
  const halfSpread = Math.max(MIN_SPREAD, SPREAD_FRACTION * mid) / 2;
  return {
    mid,
    bid: Math.max(0, floorCents(mid - halfSpread)),
    ask: ceilCents(mid + halfSpread),
    delta,
  };
}

/**
 * Net per-share credit of one combo unit at the given leg prices: SELL legs add, BUY legs subtract,
 * each scaled by its quantity relative to the first leg's. Positive is a credit, negative a debit.
 * Rounded to 1e-4 so sums of cent prices compare exactly.
 */
export function comboNetCredit(fills: readonly LegFill[]): number {
  const first = fills[0];
  if (!first) return 0;
  const unit = first.leg.quantity;
  if (!(unit > 0)) throw new RangeError(`A combo's first leg needs a positive quantity, got ${unit}`);
  let net = 0;
  for (const { leg, price } of fills) {
    net += (leg.side === 'SELL' ? 1 : -1) * price * (leg.quantity / unit);
  }
  return Math.round(net * 10_000) / 10_000 || 0;
}

/** Net per-share credit of one combo unit at mid prices on this bar (see {@link comboNetCredit}). */
export function comboMid(legs: readonly OrderLeg[], bar: MarketBar): number {
  return comboNetCredit(legs.map((leg) => ({ leg, price: quoteOption(leg.contract, bar).mid })));
}
