import { describe, it, expect } from 'vitest';
import { isTradingDay, nyTime } from './calendar';
import { roundToStrike } from './instruments';
import {
  daysToExpiry,
  findExpiry,
  findStrikeByDelta,
  listExpirations,
  optionChain,
  strikeGrid,
} from './option-chain';
import { quoteOption } from './option-pricing';
import { UNDERLYINGS, type MarketBar, type OptionRight, type Underlying } from './types';

const TODAY = '2026-11-16'; // a Monday
const bar: MarketBar = {
  time: nyTime(TODAY, 10, 0),
  vix: 24,
  underlyings: {
    SPY: { price: 590.37, open: 590 },
    QQQ: { price: 510.12, open: 510 },
    IWM: { price: 235.4, open: 235 },
    ES: { price: 5903.75, open: 5900 },
  },
};

describe('daysToExpiry', () => {
  it('counts calendar days, 0 on the expiry day', () => {
    expect(daysToExpiry('2026-11-16', TODAY)).toBe(0);
    expect(daysToExpiry('2026-11-20', TODAY)).toBe(4);
    expect(daysToExpiry('2027-11-16', TODAY)).toBe(365);
    expect(daysToExpiry('2026-11-13', TODAY)).toBe(-3);
  });

  it('is not thrown off by the daylight-saving switch', () => {
    expect(daysToExpiry('2026-11-02', '2026-10-30')).toBe(3);
    expect(daysToExpiry('2027-03-15', '2027-03-12')).toBe(3);
  });

  it('rejects a malformed date', () => {
    expect(() => daysToExpiry('2026-11-5', TODAY)).toThrow(RangeError);
  });
});

describe('listExpirations', () => {
  it('lists SPY dailies, Friday weeklies, third-Friday monthlies and January LEAPs', () => {
    expect(listExpirations('SPY', TODAY, Infinity)).toEqual([
      // Dailies: every trading day up to 7 days out.
      '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-23',
      // Weeklies up to 9 weeks out; Christmas Friday moves to Thursday.
      '2026-11-27', '2026-12-04', '2026-12-11', '2026-12-18', '2026-12-24', '2026-12-31', '2027-01-08', '2027-01-15',
      // Monthlies up to 12 months out; Juneteenth 2027 is observed on the third Friday of June.
      '2027-02-19', '2027-03-19', '2027-04-16', '2027-05-21', '2027-06-17', '2027-07-16', '2027-08-20', '2027-09-17',
      '2027-10-15',
      // LEAPs: January 2027 is already a monthly.
      '2028-01-21', '2029-01-19',
    ]);
  });

  it('lists only third-Friday monthlies, 15 months out, on /ES', () => {
    const es = listExpirations('ES', TODAY, Infinity);
    expect(es).toHaveLength(15);
    expect(es[0]).toBe('2026-11-20');
    expect(es.at(-1)).toBe('2028-01-21');
    expect(es).not.toContain('2026-11-27');
  });

  it('lists the same expirations on SPY, QQQ and IWM', () => {
    expect(listExpirations('QQQ', TODAY, 400)).toEqual(listExpirations('SPY', TODAY, 400));
    expect(listExpirations('IWM', TODAY, 400)).toEqual(listExpirations('SPY', TODAY, 400));
  });

  it('moves a Good Friday weekly to the Thursday before', () => {
    const week = listExpirations('SPY', '2026-03-30', 8);
    expect(week).toContain('2026-04-02');
    expect(week).not.toContain('2026-04-03');
  });

  it('gives only trading days, ascending and distinct, within maxDays', () => {
    for (const underlying of UNDERLYINGS) {
      for (const today of ['2026-11-16', '2026-11-21', '2026-12-25', '2027-06-18']) {
        const expirations = listExpirations(underlying, today, 500);
        expect(expirations.length).toBeGreaterThan(5);
        expect(expirations.every(isTradingDay)).toBe(true);
        expect(expirations).toEqual([...new Set(expirations)].sort());
        for (const expiry of expirations) {
          expect(daysToExpiry(expiry, today)).toBeGreaterThanOrEqual(0);
          expect(daysToExpiry(expiry, today)).toBeLessThanOrEqual(500);
        }
      }
    }
  });

  it('starts the dailies on the next session from a weekend', () => {
    expect(listExpirations('SPY', '2026-11-21', 2)).toEqual(['2026-11-23']);
  });
});

describe('findExpiry', () => {
  it('takes the expiry closest to the target inside the window', () => {
    expect(findExpiry('SPY', TODAY, { minDays: 90, maxDays: 130, targetDays: 112 })).toBe('2027-03-19');
    expect(findExpiry('ES', TODAY, { minDays: 45, maxDays: 60, targetDays: 50 })).toBe('2027-01-15');
    expect(findExpiry('SPY', TODAY, { minDays: 365, maxDays: 730, targetDays: 500 })).toBe('2028-01-21');
  });

  it('finds today’s expiry for 0DTE', () => {
    expect(findExpiry('SPY', TODAY, { minDays: 0, maxDays: 0, targetDays: 0 })).toBe(TODAY);
  });

  it('gives a tie to the earlier expiry', () => {
    // 2026-12-04 is 18 days out and 2026-12-11 is 25: 21.5 is equally far from both.
    expect(findExpiry('SPY', TODAY, { minDays: 15, maxDays: 28, targetDays: 21.5 })).toBe('2026-12-04');
  });

  it('is null when nothing is listed in the window', () => {
    expect(findExpiry('ES', TODAY, { minDays: 5, maxDays: 20, targetDays: 10 })).toBeNull();
    // Between the February (95 days) and March (123 days) monthlies.
    expect(findExpiry('SPY', TODAY, { minDays: 102, maxDays: 122, targetDays: 112 })).toBeNull();
  });
});

describe('strikeGrid', () => {
  it('lists SPY strikes from 50% to 150% of spot: dollars within 10%, fives beyond', () => {
    const grid = strikeGrid('SPY', 590.37);
    expect(grid[0]).toBe(300);
    expect(grid.at(-1)).toBe(885);
    expect(grid).toContain(532);
    expect(grid).toContain(649);
    expect(grid).not.toContain(531);
    expect(grid).not.toContain(651);
    expect(grid).toContain(530);
    expect(grid).toContain(650);
    expect(grid.filter((k) => k < 531).every((k) => k % 5 === 0)).toBe(true);
  });

  it('lists /ES strikes on 5 points within 10% and 25 beyond', () => {
    const grid = strikeGrid('ES', 5903.75);
    expect(grid[0]).toBe(2975);
    expect(grid.at(-1)).toBe(8850);
    expect(grid).toContain(5315);
    expect(grid).not.toContain(5305);
    expect(grid).toContain(5300);
  });

  it('is ascending without repeats, and holds every strike roundToStrike gives', () => {
    for (const underlying of UNDERLYINGS) {
      const spot = bar.underlyings[underlying].price;
      const grid = strikeGrid(underlying, spot);
      for (let i = 1; i < grid.length; i += 1) expect(grid[i]).toBeGreaterThan(grid[i - 1] ?? Infinity);
      for (let price = spot * 0.4; price < spot * 1.6; price += spot / 997) {
        for (const mode of ['nearest', 'down', 'up'] as const) {
          expect(grid).toContain(roundToStrike(underlying, price, mode, spot));
        }
      }
    }
  });

  it('returns the same cached grid while spot stays inside the same increments', () => {
    expect(strikeGrid('SPY', 590.37)).toBe(strikeGrid('SPY', 590.41));
    expect(Object.isFrozen(strikeGrid('SPY', 590.37))).toBe(true);
  });
});

describe('findStrikeByDelta', () => {
  const absDelta = (underlying: Underlying, expiry: string, strike: number, right: OptionRight): number =>
    Math.abs(quoteOption({ underlying, expiry, strike, right }, bar).delta);

  it.each([
    ['ES', '2027-01-15', 'P', 0.16],
    ['ES', '2027-01-15', 'C', 0.16],
    ['SPY', '2028-01-21', 'C', 0.8],
    ['SPY', '2026-11-16', 'P', 0.1],
    ['QQQ', '2026-11-27', 'C', 0.3],
    ['IWM', '2027-03-19', 'P', 0.25],
  ] as const)(
    'picks the %s %s %s strike closest to %f delta, as a full scan would',
    (underlying, expiry, right, target) => {
      const strike = findStrikeByDelta({ underlying, expiry, right }, target, bar);
      const grid = strikeGrid(underlying, bar.underlyings[underlying].price);
      const distances = grid.map((k) => Math.abs(absDelta(underlying, expiry, k, right) - target));
      expect(strike).toBe(grid[distances.indexOf(Math.min(...distances))]);
      expect(Math.abs(absDelta(underlying, expiry, strike, right) - target)).toBeLessThan(0.02);
    },
  );

  it('puts a 16-delta /ES strangle about 5–15% out of the money on each side, the put at the richer volatility', () => {
    const put = findStrikeByDelta({ underlying: 'ES', expiry: '2027-01-15', right: 'P' }, 0.16, bar);
    const call = findStrikeByDelta({ underlying: 'ES', expiry: '2027-01-15', right: 'C' }, 0.16, bar);
    expect(put / 5903.75).toBeGreaterThan(0.85);
    expect(put / 5903.75).toBeLessThan(0.95);
    expect(call / 5903.75).toBeGreaterThan(1.05);
    expect(call / 5903.75).toBeLessThan(1.15);
    const iv = (strike: number, right: OptionRight): number =>
      quoteOption({ underlying: 'ES', expiry: '2027-01-15', strike, right }, bar).iv;
    expect(iv(put, 'P')).toBeGreaterThan(0.24);
    expect(iv(call, 'C')).toBeLessThan(0.24);
  });

  it('picks an in-the-money LEAP strike for 0.80 delta', () => {
    const strike = findStrikeByDelta({ underlying: 'SPY', expiry: '2028-01-21', right: 'C' }, 0.8, bar);
    expect(strike).toBeLessThan(590);
    expect(strike).toBeGreaterThan(450);
  });
});

describe('optionChain', () => {
  it('quotes a call and a put on every listed strike, ascending', () => {
    const chain = optionChain('QQQ', '2026-12-18', bar);
    expect(chain.map((row) => row.strike)).toEqual(strikeGrid('QQQ', 510.12));
    const row = chain.find((r) => r.strike === 510);
    expect(row?.call).toEqual(quoteOption({ underlying: 'QQQ', expiry: '2026-12-18', strike: 510, right: 'C' }, bar));
    expect(row?.put).toEqual(quoteOption({ underlying: 'QQQ', expiry: '2026-12-18', strike: 510, right: 'P' }, bar));
  });

  it('has call and put deltas both falling as the strike rises, a unit apart', () => {
    const chain = optionChain('SPY', '2026-12-18', bar);
    for (let i = 1; i < chain.length; i += 1) {
      expect(chain[i]?.call.delta).toBeLessThanOrEqual(chain[i - 1]?.call.delta ?? 1);
      expect(chain[i]?.put.delta).toBeLessThanOrEqual(chain[i - 1]?.put.delta ?? 0);
    }
    for (const row of chain) expect(row.call.delta - row.put.delta).toBeCloseTo(1, 12);
  });
});
