import { blackScholes } from './black-scholes';
import { isTradingDay, nyParts, sessionClose, sessionOpen, type NyDate } from './calendar';
import { INSTRUMENTS } from './instruments';
import { DAY_MS, MINUTE_MS } from './time';
import type { EpochMs, LegFill, MarketBar, OptionContract, OrderLeg } from './types';

/** Continuously compounded rate used for every simulated quote. */
export const RISK_FREE_RATE = 0.04;

/** Volatility is quoted per year of 252 sessions of 390 minutes: time only passes while the market trades. */
const TRADING_MINUTES_PER_YEAR = 252 * 390;
const MIN_SPREAD = 0.01;
const SPREAD_FRACTION = 0.02;
const TRADING_DAYS_PER_YEAR = 252;

/** How steeply implied volatility rises as strikes fall: the factor is 1 − SKEW_SLOPE × ln(strike / spot). */
export const SKEW_SLOPE = 0.8;
/** The skew factor's clamps: far calls never drop below 60% of at-the-money volatility, far puts never pass 200%. */
export const SKEW_FACTOR_MIN = 0.6;
export const SKEW_FACTOR_MAX = 2;

/** One option's market on one bar; all prices and greeks per share (per /ES point), before the multiplier. */
export interface OptionQuote {
  /** Black–Scholes value rounded to the cent; the paper broker fills at this price. */
  readonly mid: number;
  readonly bid: number;
  readonly ask: number;
  readonly delta: number;
  readonly gamma: number;
  /** Value change per volatility point (0.01 of annual volatility). */
  readonly vega: number;
  /** Value change per trading day (1/252 of a trading year); usually negative. */
  readonly theta: number;
  /** Annual implied volatility the contract was priced at, e.g. 0.24. */
  readonly iv: number;
}

/** Sub-micro epsilon so that, e.g., 0.99 stored as 0.98999… still floors to 99 cents. */
const CENT_EPSILON = 1e-7;
const roundCents = (price: number): number => Math.round(price * 100) / 100;
const floorCents = (price: number): number => Math.floor(price * 100 + CENT_EPSILON) / 100;
const ceilCents = (price: number): number => Math.ceil(price * 100 - CENT_EPSILON) / 100;

/** The session bounds `yearsToExpiry` needs for one (expiry, today) pair; all instants. */
interface ExpirySessions {
  readonly expiryOpen: EpochMs;
  readonly expiryClose: EpochMs;
  /** Today's session, or null when today is not a trading day. */
  readonly today: { readonly open: EpochMs; readonly close: EpochMs } | null;
  readonly weekdaysBetween: number;
}

/**
 * Hot path (every quote of every bar): the calendar work is done once per expiry and day. Keyed by expiry, then by
 * day, so that a quote builds no key string.
 */
const sessionsCache = new Map<NyDate, Map<NyDate, ExpirySessions>>();
const SESSIONS_CACHE_LIMIT = 1024;

function expirySessions(expiry: NyDate, today: NyDate): ExpirySessions {
  let byDay = sessionsCache.get(expiry);
  const cached = byDay?.get(today);
  if (cached) return cached;
  const sessions: ExpirySessions = {
    expiryOpen: sessionOpen(expiry),
    expiryClose: sessionClose(expiry),
    today: isTradingDay(today) ? { open: sessionOpen(today), close: sessionClose(today) } : null,
    weekdaysBetween: weekdaysBetween(today, expiry),
  };
  if (!byDay || byDay.size >= SESSIONS_CACHE_LIMIT) {
    if (sessionsCache.size >= SESSIONS_CACHE_LIMIT) sessionsCache.clear();
    byDay = new Map();
    sessionsCache.set(expiry, byDay);
  }
  byDay.set(today, sessions);
  return sessions;
}

/**
 * Trading time from `time` to the session close of `expiry` (13:00 on early-close days), in years of 252
 * sessions of 390 minutes; 0 once that close has passed. Trading time, not calendar time, because a 0DTE
 * option's whole life is one session: in calendar time its few hours would carry almost no variance.
 * Weekdays between today and the expiry count as full sessions (holidays among them are ignored).
 */
export function yearsToExpiry(expiry: NyDate, time: EpochMs): number {
  const today = nyParts(time).date;
  const { expiryOpen, expiryClose, today: todaySession, weekdaysBetween } = expirySessions(expiry, today);
  if (time >= expiryClose) return 0;
  if (today === expiry) return (expiryClose - Math.max(time, expiryOpen)) / MINUTE_MS / TRADING_MINUTES_PER_YEAR;
  const restOfToday = todaySession
    ? Math.max(0, todaySession.close - Math.max(time, todaySession.open)) / MINUTE_MS
    : 0;
  const lastDay = (expiryClose - expiryOpen) / MINUTE_MS;
  return (restOfToday + weekdaysBetween * 390 + lastDay) / TRADING_MINUTES_PER_YEAR;
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
 * Implied volatility of a contract on this bar: VIX / 100 × the underlying's ivBeta × a skew factor
 * `1 − 0.8 × ln(strike / spot)` clamped to [0.6, 2.0], so out-of-the-money puts are richer and
 * out-of-the-money calls cheaper than at the money. Calls and puts of one strike share it, so put–call
 * parity holds per strike.
 */
export function impliedVolatility(contract: OptionContract, bar: MarketBar): number {
  const spot = bar.underlyings[contract.underlying].price;
  const skew = 1 - SKEW_SLOPE * Math.log(contract.strike / spot);
  const factor = Math.min(SKEW_FACTOR_MAX, Math.max(SKEW_FACTOR_MIN, skew));
  return (bar.vix / 100) * INSTRUMENTS[contract.underlying].ivBeta * factor;
}

/**
 * Quote an option off one bar at its own underlying's price and {@link impliedVolatility}.
 * Bid and ask sit half a spread of max(0.01, 2% of mid) either side of the mid, rounded outwards to
 * whole cents so the quoted market is never narrower than that spread; the bid never goes below 0.
 */
export function quoteOption(contract: OptionContract, bar: MarketBar): OptionQuote {
  const iv = impliedVolatility(contract, bar);
  const { price, delta, gamma, vega, theta } = blackScholes({
    spot: bar.underlyings[contract.underlying].price,
    strike: contract.strike,
    years: yearsToExpiry(contract.expiry, bar.time),
    rate: RISK_FREE_RATE,
    volatility: iv,
    right: contract.right,
  });
  const mid = roundCents(price);
  const halfSpread = Math.max(MIN_SPREAD, SPREAD_FRACTION * mid) / 2;
  return {
    mid,
    bid: Math.max(0, floorCents(mid - halfSpread)),
    ask: ceilCents(mid + halfSpread),
    delta,
    gamma,
    vega: vega / 100,
    theta: theta / TRADING_DAYS_PER_YEAR,
    iv,
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
