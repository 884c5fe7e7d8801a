import { blackScholes } from './black-scholes';
import { addDays, isTradingDay, type NyDate } from './calendar';
import { INSTRUMENTS, strikeBounds } from './instruments';
import { impliedVolatility, quoteOption, RISK_FREE_RATE, yearsToExpiry, type OptionQuote } from './option-pricing';
import { DAY_MS } from './time';
import type { MarketBar, OptionRight, Underlying } from './types';

const FRIDAY = 5;

/** Hot path (every held position's expiries, every bar): each date is parsed and checked once. */
const epochDays = new Map<NyDate, number>();
const EPOCH_DAYS_LIMIT = 4096;

function epochDay(date: NyDate): number {
  const known = epochDays.get(date);
  if (known !== undefined) return known;
  const ms = Date.parse(date);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) {
    throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  }
  if (epochDays.size >= EPOCH_DAYS_LIMIT) epochDays.clear();
  epochDays.set(date, ms / DAY_MS);
  return ms / DAY_MS;
}

/** Calendar days from `today` to `expiry`: 0 on the expiry day, negative once it has passed. */
export function daysToExpiry(expiry: NyDate, today: NyDate): number {
  return epochDay(expiry) - epochDay(today);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `monthIndex` counts months from year 0 (so it can run past December). */
function thirdFriday(monthIndex: number): NyDate {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const firstWeekday = new Date(Date.UTC(year, month, 1)).getUTCDay();
  const day = 1 + ((FRIDAY - firstWeekday + 7) % 7) + 14;
  return `${year}-${pad2(month + 1)}-${pad2(day)}`;
}

/** The date `months` later, its day clamped to the month's length. */
function addMonths(date: NyDate, months: number): NyDate {
  const year = Number(date.slice(0, 4));
  const monthIndex = year * 12 + Number(date.slice(5, 7)) - 1 + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return `${targetYear}-${pad2(targetMonth + 1)}-${pad2(Math.min(Number(date.slice(8, 10)), lastDay))}`;
}

/** An expiry that falls on an exchange holiday moves to the trading day before, as listed contracts do. */
function onTradingDay(date: NyDate): NyDate {
  let day = date;
  while (!isTradingDay(day)) day = addDays(day, -1);
  return day;
}

function allExpirations(underlying: Underlying, today: NyDate): readonly NyDate[] {
  const { dailyDays, weeklyWeeks, monthlyMonths, leapYears } = INSTRUMENTS[underlying].expirations;
  const dates = new Set<NyDate>();
  const add = (date: NyDate): void => {
    const listed = onTradingDay(date);
    if (listed >= today) dates.add(listed);
  };

  if (dailyDays !== undefined) {
    for (let offset = 0; offset <= dailyDays; offset += 1) {
      const date = addDays(today, offset);
      if (isTradingDay(date)) dates.add(date);
    }
  }
  if (weeklyWeeks !== undefined) {
    const todayWeekday = new Date(epochDay(today) * DAY_MS).getUTCDay();
    const firstFriday = addDays(today, (FRIDAY - todayWeekday + 7) % 7);
    for (let week = 0; daysToExpiry(addDays(firstFriday, 7 * week), today) <= 7 * weeklyWeeks; week += 1) {
      add(addDays(firstFriday, 7 * week));
    }
  }
  const thisMonth = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1;
  if (monthlyMonths !== undefined) {
    const horizon = addMonths(today, monthlyMonths);
    for (let offset = 0; offset <= monthlyMonths; offset += 1) {
      const date = thirdFriday(thisMonth + offset);
      if (date <= horizon) add(date);
    }
  }
  if (leapYears !== undefined) {
    const thisYear = Number(today.slice(0, 4));
    for (let year = thisYear + 1; year <= thisYear + leapYears; year += 1) add(thirdFriday(year * 12));
  }
  return [...dates].sort();
}

interface ListedExpiry {
  readonly expiry: NyDate;
  readonly days: number;
}

/** Strategies look for an expiry on every bar: the listing is built once per underlying and day. */
const expirationCache = new Map<string, readonly ListedExpiry[]>();
const EXPIRATION_CACHE_LIMIT = 64;

function listedExpirations(underlying: Underlying, today: NyDate): readonly ListedExpiry[] {
  const key = `${underlying}|${today}`;
  const cached = expirationCache.get(key);
  if (cached) return cached;
  const listed = allExpirations(underlying, today).map((expiry) => ({ expiry, days: daysToExpiry(expiry, today) }));
  if (expirationCache.size >= EXPIRATION_CACHE_LIMIT) expirationCache.clear();
  expirationCache.set(key, listed);
  return listed;
}

/**
 * The expirations listed on `underlying` as of `today` with at most `maxDays` calendar days to go,
 * ascending, each a trading day. SPY, QQQ and IWM list dailies (the next 7 calendar days), Friday
 * weeklies (9 weeks), third-Friday monthlies (12 months) and January LEAPs (the next three years);
 * /ES lists third-Friday monthlies 15 months out. Today's expiry counts (0 DTE). A Friday expiry on
 * an exchange holiday moves to the trading day before.
 */
export function listExpirations(underlying: Underlying, today: NyDate, maxDays: number): NyDate[] {
  const expirations: NyDate[] = [];
  for (const { expiry, days } of listedExpirations(underlying, today)) {
    if (days <= maxDays) expirations.push(expiry);
  }
  return expirations;
}

export interface ExpiryWindow {
  readonly minDays: number;
  readonly maxDays: number;
  readonly targetDays: number;
}

/**
 * The listed expiry with days to expiry in [minDays, maxDays] closest to `targetDays` (a tie goes to
 * the earlier), or null when none is listed in the window.
 */
export function findExpiry(
  underlying: Underlying,
  today: NyDate,
  { minDays, maxDays, targetDays }: ExpiryWindow,
): NyDate | null {
  let best: NyDate | null = null;
  let bestDistance = Infinity;
  for (const { expiry, days } of listedExpirations(underlying, today)) {
    if (days < minDays || days > maxDays) continue;
    const distance = Math.abs(days - targetDays);
    if (distance < bestDistance) {
      best = expiry;
      bestDistance = distance;
    }
  }
  return best;
}

const gridCache = new Map<string, readonly number[]>();
const GRID_CACHE_LIMIT = 256;

/**
 * The strikes listed while `underlying` trades at `spot`, ascending: from 50% to 150% of spot, on the
 * fine increment within 10% of spot and the coarse one beyond. Cached: the grid only changes when spot
 * moves a whole increment at the band edges, so the same array comes back bar after bar.
 */
export function strikeGrid(underlying: Underlying, spot: number): readonly number[] {
  const b = strikeBounds(underlying, spot);
  const key = `${underlying}|${b.nearLow}|${b.nearHigh}|${b.farLow}|${b.farHigh}`;
  const cached = gridCache.get(key);
  if (cached) return cached;

  const strikes: number[] = [];
  for (let k = b.farLow; k * b.farIncrement < b.nearLow * b.nearIncrement && k <= b.farHigh; k += 1) {
    strikes.push(k * b.farIncrement);
  }
  for (let k = b.nearLow; k <= b.nearHigh; k += 1) strikes.push(k * b.nearIncrement);
  const top = b.nearHigh * b.nearIncrement;
  for (let k = b.farHigh; k >= b.farLow && k * b.farIncrement > top; k -= 1) strikes.push(k * b.farIncrement);
  strikes.sort((x, y) => x - y);

  const grid = Object.freeze(strikes);
  if (gridCache.size >= GRID_CACHE_LIMIT) gridCache.clear();
  gridCache.set(key, grid);
  return grid;
}

export interface ContractSeries {
  readonly underlying: Underlying;
  readonly expiry: NyDate;
  readonly right: OptionRight;
}

/** |delta| of one listed strike of a series; a plain function because the search below is a hot path. */
function absDeltaAt(series: ContractSeries, strike: number, spot: number, years: number, bar: MarketBar): number {
  const contract = { underlying: series.underlying, expiry: series.expiry, strike, right: series.right };
  const volatility = impliedVolatility(contract, bar);
  return Math.abs(blackScholes({ spot, strike, years, rate: RISK_FREE_RATE, volatility, right: series.right }).delta);
}

/**
 * The listed strike whose |delta| on this bar is closest to `targetAbsDelta` (0.16 for a 16-delta
 * short, 0.80 for a deep LEAP); a tie goes to the smaller |delta|. Binary search over the grid:
 * with the skew's slope below 1.25 |delta| stays monotonic in strike, so about ten prices are computed.
 */
export function findStrikeByDelta(series: ContractSeries, targetAbsDelta: number, bar: MarketBar): number {
  const spot = bar.underlyings[series.underlying].price;
  const grid = strikeGrid(series.underlying, spot);
  const years = yearsToExpiry(series.expiry, bar.time);
  // Calls' |delta| falls as the strike rises, puts' rises: find the first strike past the target.
  const sign = series.right === 'C' ? -1 : 1;
  let low = 0;
  let high = grid.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    const absDelta = absDeltaAt(series, grid[middle] ?? NaN, spot, years, bar);
    if (sign * (absDelta - targetAbsDelta) >= 0) high = middle;
    else low = middle + 1;
  }
  const crossedStrike = grid[low] ?? NaN;
  const beforeStrike = grid[low - 1];
  if (beforeStrike === undefined) return crossedStrike;
  const crossed = absDeltaAt(series, crossedStrike, spot, years, bar);
  const before = absDeltaAt(series, beforeStrike, spot, years, bar);
  const distanceCrossed = Math.abs(crossed - targetAbsDelta);
  const distanceBefore = Math.abs(before - targetAbsDelta);
  if (distanceCrossed === distanceBefore) return crossed < before ? crossedStrike : beforeStrike;
  return distanceCrossed < distanceBefore ? crossedStrike : beforeStrike;
}

export interface ChainRow {
  readonly strike: number;
  readonly call: OptionQuote;
  readonly put: OptionQuote;
}

/** Every listed strike of one expiry, ascending, with the call and put quoted on this bar. */
export function optionChain(underlying: Underlying, expiry: NyDate, bar: MarketBar): ChainRow[] {
  return strikeGrid(underlying, bar.underlyings[underlying].price).map((strike) => ({
    strike,
    call: quoteOption({ underlying, expiry, strike, right: 'C' }, bar),
    put: quoteOption({ underlying, expiry, strike, right: 'P' }, bar),
  }));
}
