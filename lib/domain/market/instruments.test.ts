import { describe, it, expect } from 'vitest';
import { contractMultiplier, INSTRUMENTS, roundToStrike } from './instruments';
import { UNDERLYINGS } from './types';

describe('INSTRUMENTS', () => {
  it('has a spec for every underlying, keyed by its own name', () => {
    for (const underlying of UNDERLYINGS) expect(INSTRUMENTS[underlying].underlying).toBe(underlying);
  });

  it('prices options on the ETFs at 100 shares and /ES at $50 a point', () => {
    expect(UNDERLYINGS.map(contractMultiplier)).toEqual([100, 100, 100, 50]);
  });

  it('ties implied volatility to VIX with a beta per underlying', () => {
    expect(UNDERLYINGS.map((u) => INSTRUMENTS[u].ivBeta)).toEqual([1, 1.2, 1.35, 1]);
  });

  it('lists dailies, weeklies, monthlies and LEAPs on the ETFs but only monthlies on /ES', () => {
    expect(INSTRUMENTS.SPY.expirations).toEqual({ dailyDays: 7, weeklyWeeks: 9, monthlyMonths: 12, leapYears: 3 });
    expect(INSTRUMENTS.ES.expirations).toEqual({ monthlyMonths: 15 });
  });
});

describe('roundToStrike', () => {
  it('rounds to whole dollars within 10% of spot', () => {
    expect(roundToStrike('SPY', 583.4, 'nearest', 590)).toBe(583);
    expect(roundToStrike('SPY', 583.6, 'nearest', 590)).toBe(584);
    expect(roundToStrike('SPY', 583.6, 'down', 590)).toBe(583);
    expect(roundToStrike('SPY', 583.4, 'up', 590)).toBe(584);
  });

  it('rounds to five dollars beyond 10% of spot', () => {
    expect(roundToStrike('SPY', 502.4, 'nearest', 590)).toBe(500);
    expect(roundToStrike('SPY', 502.6, 'nearest', 590)).toBe(505);
    expect(roundToStrike('SPY', 504.9, 'down', 590)).toBe(500);
    expect(roundToStrike('QQQ', 600.1, 'up', 510)).toBe(605);
  });

  it('uses the finer strikes on whichever side of the band edge is nearer', () => {
    // At spot 590 the dollar strikes run from 531 to 649.
    expect(roundToStrike('SPY', 530.9, 'down', 590)).toBe(530);
    expect(roundToStrike('SPY', 530.9, 'up', 590)).toBe(531);
    expect(roundToStrike('SPY', 649.2, 'up', 590)).toBe(650);
    expect(roundToStrike('SPY', 649.2, 'down', 590)).toBe(649);
  });

  it('keeps a price already on a listed strike', () => {
    for (const mode of ['nearest', 'down', 'up'] as const) {
      expect(roundToStrike('SPY', 587, mode, 590)).toBe(587);
      expect(roundToStrike('ES', 5025, mode, 5900)).toBe(5025);
    }
  });

  it('gives ties to the lower strike', () => {
    expect(roundToStrike('SPY', 587.5, 'nearest', 590)).toBe(587);
    expect(roundToStrike('SPY', 502.5, 'nearest', 590)).toBe(500);
  });

  it('rounds /ES to 5 points within 10% and 25 points beyond', () => {
    expect(roundToStrike('ES', 5903.75, 'nearest', 5903.75)).toBe(5905);
    expect(roundToStrike('ES', 5012, 'nearest', 5900)).toBe(5000);
    expect(roundToStrike('ES', 6812, 'down', 5900)).toBe(6800);
  });

  it('clamps a price beyond the grid to its edge strike', () => {
    expect(roundToStrike('SPY', 100, 'down', 590)).toBe(295);
    expect(roundToStrike('SPY', 1000, 'nearest', 590)).toBe(885);
    expect(roundToStrike('IWM', 10, 'up', 235)).toBe(120);
  });

  it('rejects a spot that is not a positive price', () => {
    expect(() => roundToStrike('SPY', 500, 'nearest', 0)).toThrow(RangeError);
    expect(() => roundToStrike('SPY', Number.NaN, 'nearest', 590)).toThrow(RangeError);
  });
});
