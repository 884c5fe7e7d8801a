import { describe, it, expect } from 'vitest';
import {
  addDays,
  isMarketOpen,
  isTradingDay,
  nextSessionOpen,
  nextTradingDay,
  nyParts,
  nyTime,
  sessionClose,
  sessionOpen,
} from './calendar';

const utc = (iso: string): number => Date.parse(iso);

describe('nyParts', () => {
  it('reads New York wall-clock fields in winter (UTC-5)', () => {
    expect(nyParts(utc('2026-01-15T14:30:00Z'))).toEqual({
      date: '2026-01-15',
      weekday: 4,
      hour: 9,
      minute: 30,
      minuteOfDay: 570,
    });
  });

  it('reads New York wall-clock fields in summer (UTC-4)', () => {
    expect(nyParts(utc('2026-07-15T20:00:00Z'))).toMatchObject({ date: '2026-07-15', hour: 16, minute: 0 });
  });

  it('puts late-evening UTC instants on the previous New York date', () => {
    expect(nyParts(utc('2026-03-07T03:00:00Z'))).toMatchObject({ date: '2026-03-06', weekday: 5, hour: 22 });
  });

  it('switches offset exactly at 2am on the March and November DST boundaries', () => {
    expect(nyParts(utc('2026-03-08T06:59:00Z'))).toMatchObject({ hour: 1, minute: 59 });
    expect(nyParts(utc('2026-03-08T07:00:00Z'))).toMatchObject({ hour: 3, minute: 0 });
    expect(nyParts(utc('2026-11-01T05:59:00Z'))).toMatchObject({ hour: 1, minute: 59 });
    expect(nyParts(utc('2026-11-01T06:00:00Z'))).toMatchObject({ hour: 1, minute: 0 });
  });

  it('numbers weekdays from Sunday = 0 to Saturday = 6', () => {
    const weekdays = [0, 1, 2, 3, 4, 5, 6].map((i) => nyParts(nyTime(addDays('2026-03-01', i), 12, 0)).weekday);
    expect(weekdays).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('ignores seconds when computing the minute of day', () => {
    expect(nyParts(utc('2026-01-15T20:59:59.999Z')).minuteOfDay).toBe(15 * 60 + 59);
  });

  it('agrees with Intl for every hour across a year', () => {
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    for (let t = utc('2026-01-01T00:17:00Z'); t < utc('2027-01-01T00:00:00Z'); t += 3_600_000) {
      expect(nyParts(t).date).toBe(format.format(t));
    }
  });
});

describe('nyTime', () => {
  it('resolves session times on both sides of the March switch', () => {
    expect(nyTime('2026-03-06', 9, 30)).toBe(utc('2026-03-06T14:30:00Z'));
    expect(nyTime('2026-03-09', 9, 30)).toBe(utc('2026-03-09T13:30:00Z'));
  });

  it('resolves session times on both sides of the November switch', () => {
    expect(nyTime('2026-10-30', 16, 0)).toBe(utc('2026-10-30T20:00:00Z'));
    expect(nyTime('2026-11-02', 16, 0)).toBe(utc('2026-11-02T21:00:00Z'));
  });

  it('round-trips through nyParts', () => {
    const time = nyTime('2026-11-02', 10, 7);
    expect(nyParts(time)).toMatchObject({ date: '2026-11-02', hour: 10, minute: 7 });
  });

  it('rejects a malformed date', () => {
    expect(() => nyTime('2026-3-9', 9, 30)).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('isTradingDay', () => {
  it('accepts an ordinary weekday and rejects weekends', () => {
    expect(isTradingDay('2026-11-20')).toBe(true);
    expect(isTradingDay('2026-11-21')).toBe(false);
    expect(isTradingDay('2026-11-22')).toBe(false);
  });

  it.each([
    ['Thanksgiving', '2026-11-26'],
    ['Good Friday', '2026-04-03'],
    ['Christmas', '2026-12-25'],
    ['Independence Day observed on Friday', '2026-07-03'],
    ['Juneteenth observed on Friday 2027', '2027-06-18'],
    ['Christmas observed on Friday 2027', '2027-12-24'],
    ['Good Friday 2025', '2025-04-18'],
  ])('closes for %s (%s)', (_name, date) => {
    expect(isTradingDay(date)).toBe(false);
  });

  it('keeps the day after Thanksgiving and New Year’s Eve 2027 as trading days', () => {
    expect(isTradingDay('2026-11-27')).toBe(true);
    expect(isTradingDay('2027-12-31')).toBe(true);
  });
});

describe('sessionOpen and sessionClose', () => {
  it('open at 09:30 and close at 16:00 New York time', () => {
    expect(sessionOpen('2026-06-01')).toBe(utc('2026-06-01T13:30:00Z'));
    expect(sessionClose('2026-06-01')).toBe(utc('2026-06-01T20:00:00Z'));
  });

  it('close at 13:00 the day after Thanksgiving and on Christmas Eve', () => {
    expect(sessionClose('2026-11-27')).toBe(utc('2026-11-27T18:00:00Z'));
    expect(sessionClose('2026-12-24')).toBe(utc('2026-12-24T18:00:00Z'));
    expect(sessionClose('2025-07-03')).toBe(utc('2025-07-03T17:00:00Z'));
  });
});

describe('isMarketOpen', () => {
  it('is open from the open inclusive to the close exclusive', () => {
    expect(isMarketOpen(nyTime('2026-06-01', 9, 29))).toBe(false);
    expect(isMarketOpen(nyTime('2026-06-01', 9, 30))).toBe(true);
    expect(isMarketOpen(nyTime('2026-06-01', 15, 59))).toBe(true);
    expect(isMarketOpen(nyTime('2026-06-01', 16, 0))).toBe(false);
  });

  it('is closed after 13:00 on an early-close day', () => {
    expect(isMarketOpen(nyTime('2026-11-27', 12, 59))).toBe(true);
    expect(isMarketOpen(nyTime('2026-11-27', 13, 0))).toBe(false);
  });

  it('is closed all day on holidays and weekends', () => {
    expect(isMarketOpen(nyTime('2026-11-26', 11, 0))).toBe(false);
    expect(isMarketOpen(nyTime('2026-11-28', 11, 0))).toBe(false);
  });
});

describe('nextTradingDay', () => {
  it('skips weekends and holidays, strictly after the given date', () => {
    expect(nextTradingDay('2026-11-20')).toBe('2026-11-23');
    expect(nextTradingDay('2026-11-25')).toBe('2026-11-27');
    expect(nextTradingDay('2026-04-02')).toBe('2026-04-06');
    expect(nextTradingDay('2026-07-02')).toBe('2026-07-06');
  });
});

describe('nextSessionOpen', () => {
  it('goes from Friday after the close to Monday 09:30', () => {
    expect(nextSessionOpen(nyTime('2026-11-20', 16, 5))).toBe(sessionOpen('2026-11-23'));
  });

  it('returns the same day’s open from before the open', () => {
    expect(nextSessionOpen(nyTime('2026-11-23', 7, 0))).toBe(sessionOpen('2026-11-23'));
  });

  it('is strictly after: at the open it returns the next day’s open', () => {
    expect(nextSessionOpen(sessionOpen('2026-11-23'))).toBe(sessionOpen('2026-11-24'));
  });

  it('skips Good Friday and the weekend after it', () => {
    expect(nextSessionOpen(nyTime('2027-03-25', 16, 0))).toBe(utc('2027-03-29T13:30:00Z'));
  });
});
