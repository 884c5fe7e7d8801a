import { DAY_MS, HOUR_MS, MINUTE_MS } from './time';
import type { EpochMs } from './types';

/** A New York calendar date, `YYYY-MM-DD`. */
export type NyDate = string;

export interface NyParts {
  readonly date: NyDate;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
  /** Minutes since New York midnight: 09:30 is 570. */
  readonly minuteOfDay: number;
}

const OPEN_MINUTE = 9 * 60 + 30;
const CLOSE_MINUTE = 16 * 60;
const EARLY_CLOSE_MINUTE = 13 * 60;

/**
 * NYSE full closures as the exchange published them (observed dates, so July 4 2026 is Friday July 3).
 * Outside 2025–2027 only weekends are closed: extend the table when NYSE publishes the next year.
 */
const NYSE_HOLIDAYS: ReadonlySet<NyDate> = new Set([
  // 2025
  '2025-01-01',
  '2025-01-09', // National Day of Mourning for President Carter, announced late in 2024's cycle
  '2025-01-20',
  '2025-02-17',
  '2025-04-18',
  '2025-05-26',
  '2025-06-19',
  '2025-07-04',
  '2025-09-01',
  '2025-11-27',
  '2025-12-25',
  // 2026
  '2026-01-01',
  '2026-01-19',
  '2026-02-16',
  '2026-04-03',
  '2026-05-25',
  '2026-06-19',
  '2026-07-03',
  '2026-09-07',
  '2026-11-26',
  '2026-12-25',
  // 2027: January 1 2028 is a Saturday, which NYSE does not observe on the Friday before.
  '2027-01-01',
  '2027-01-18',
  '2027-02-15',
  '2027-03-26',
  '2027-05-31',
  '2027-06-18',
  '2027-07-05',
  '2027-09-06',
  '2027-11-25',
  '2027-12-24',
]);

/** NYSE 13:00 closes. No July early close in 2026 or 2027: Independence Day is observed on a weekday next to the weekend. */
const NYSE_EARLY_CLOSES: ReadonlySet<NyDate> = new Set([
  '2025-07-03',
  '2025-11-28',
  '2025-12-24',
  '2026-11-27',
  '2026-12-24',
  '2027-11-26',
]);

const NY_FORMATTER = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** New York's offset from UTC never changes inside a UTC hour (DST switches happen on the hour), so one Intl call serves 60 minutes. */
const offsetByUtcHour = new Map<number, number>();
const OFFSET_CACHE_LIMIT = 200_000;

function utcOffsetMs(time: EpochMs): number {
  const utcHour = Math.floor(time / HOUR_MS);
  const cached = offsetByUtcHour.get(utcHour);
  if (cached !== undefined) return cached;

  const hourStart = utcHour * HOUR_MS;
  const fields: Record<string, number> = {};
  for (const part of NY_FORMATTER.formatToParts(hourStart)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wallClockAsUtc = Date.UTC(
    fields.year ?? NaN,
    (fields.month ?? NaN) - 1,
    fields.day ?? NaN,
    fields.hour ?? NaN,
    fields.minute ?? NaN,
    fields.second ?? NaN,
  );
  const offset = wallClockAsUtc - hourStart;
  if (!Number.isFinite(offset)) throw new RangeError(`Cannot resolve the New York time of ${time}`);

  if (offsetByUtcHour.size >= OFFSET_CACHE_LIMIT) offsetByUtcHour.clear();
  offsetByUtcHour.set(utcHour, offset);
  return offset;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Days since 1970-01-01 to a civil date (H. Hinnant's algorithm), exact for the proleptic Gregorian calendar. */
function dateFromEpochDay(epochDay: number): NyDate {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

const NY_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseNyDate(date: NyDate): { year: number; month: number; day: number } {
  const match = NY_DATE_PATTERN.exec(date);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (!match || month < 1 || month > 12 || day < 1 || day > 31) {
    throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  }
  return { year, month, day };
}

function epochDayOf(date: NyDate): number {
  const { year, month, day } = parseNyDate(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

const weekdayOfEpochDay = (epochDay: number): number => (((epochDay + 4) % 7) + 7) % 7;

let lastEpochDay = NaN;
let lastDate: NyDate = '';

/**
 * New York wall-clock fields of an instant.
 * Hot path (once per simulated minute per strategy): one cached offset lookup and integer arithmetic.
 */
export function nyParts(time: EpochMs): NyParts {
  const local = time + utcOffsetMs(time);
  const epochDay = Math.floor(local / DAY_MS);
  if (epochDay !== lastEpochDay) {
    lastDate = dateFromEpochDay(epochDay);
    lastEpochDay = epochDay;
  }
  const minuteOfDay = Math.floor((local - epochDay * DAY_MS) / MINUTE_MS);
  return {
    date: lastDate,
    weekday: weekdayOfEpochDay(epochDay),
    hour: Math.floor(minuteOfDay / 60),
    minute: minuteOfDay % 60,
    minuteOfDay,
  };
}

/**
 * The instant a New York wall clock shows `hour:minute` on `date`.
 * A wall time that occurs twice (November switch) gives the first instant; one that never occurs
 * (the March gap, 02:xx) gives an adjacent instant. Sessions never fall in either.
 */
export function nyTime(date: NyDate, hour: number, minute: number): EpochMs {
  const { year, month, day } = parseNyDate(date);
  const wallClockAsUtc = Date.UTC(year, month - 1, day, hour, minute);
  const firstGuess = wallClockAsUtc - utcOffsetMs(wallClockAsUtc);
  return wallClockAsUtc - utcOffsetMs(firstGuess);
}

/** `date` moved by `n` calendar days (negative moves back). */
export function addDays(date: NyDate, n: number): NyDate {
  return dateFromEpochDay(epochDayOf(date) + n);
}

/** Monday to Friday and not an NYSE full holiday. */
export function isTradingDay(date: NyDate): boolean {
  const weekday = weekdayOfEpochDay(epochDayOf(date));
  return weekday !== 0 && weekday !== 6 && !NYSE_HOLIDAYS.has(date);
}

function closeMinuteOf(date: NyDate): number {
  return NYSE_EARLY_CLOSES.has(date) ? EARLY_CLOSE_MINUTE : CLOSE_MINUTE;
}

/** 09:30 New York time on `date`. */
export function sessionOpen(date: NyDate): EpochMs {
  return nyTime(date, Math.floor(OPEN_MINUTE / 60), OPEN_MINUTE % 60);
}

/** 16:00 New York time on `date`, or 13:00 on an NYSE early-close day. */
export function sessionClose(date: NyDate): EpochMs {
  const closeMinute = closeMinuteOf(date);
  return nyTime(date, Math.floor(closeMinute / 60), closeMinute % 60);
}

/** True when `time` falls in a regular session: open <= time < close on a trading day. */
export function isMarketOpen(time: EpochMs): boolean {
  const { date, minuteOfDay } = nyParts(time);
  return minuteOfDay >= OPEN_MINUTE && minuteOfDay < closeMinuteOf(date) && isTradingDay(date);
}

/** The first trading day strictly after `date`. */
export function nextTradingDay(date: NyDate): NyDate {
  let candidate = addDays(date, 1);
  while (!isTradingDay(candidate)) candidate = addDays(candidate, 1);
  return candidate;
}

/** The first session open strictly after `time`. */
export function nextSessionOpen(time: EpochMs): EpochMs {
  const { date } = nyParts(time);
  if (isTradingDay(date)) {
    const open = sessionOpen(date);
    if (time < open) return open;
  }
  return sessionOpen(nextTradingDay(date));
}
