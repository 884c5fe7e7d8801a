import { describe, it, expect } from 'vitest';
import { blackScholes } from './black-scholes';
import { nyTime, sessionClose } from './calendar';
import { comboMid, comboNetCredit, quoteOption, RISK_FREE_RATE, yearsToExpiry } from './option-pricing';
import type { MarketBar, OptionContract, OrderLeg } from './types';

const EXPIRY = '2026-11-20';
const bar: MarketBar = { time: nyTime(EXPIRY, 10, 0), spy: 590, vix: 24, spyOpen: 588 };
const contract = (strike: number, right: 'C' | 'P', expiry = EXPIRY): OptionContract => ({
  underlying: 'SPY',
  expiry,
  strike,
  right,
});
const leg = (side: 'BUY' | 'SELL', strike: number, right: 'C' | 'P', quantity = 1): OrderLeg => ({
  contract: contract(strike, right),
  side,
  quantity,
});
const isWholeCents = (price: number): boolean => Math.abs(price * 100 - Math.round(price * 100)) < 1e-9;

describe('yearsToExpiry', () => {
  const Y = 252 * 390;
  it('measures trading time to the expiry session close in years of 252 sessions of 390 minutes', () => {
    expect(yearsToExpiry(EXPIRY, nyTime(EXPIRY, 10, 0))).toBeCloseTo(360 / Y, 12);
    expect(yearsToExpiry(EXPIRY, nyTime(EXPIRY, 8, 0))).toBeCloseTo(390 / Y, 12);
  });

  it('counts the rest of today, each weekday between, and the expiry day as sessions', () => {
    expect(yearsToExpiry(EXPIRY, nyTime('2026-11-19', 16, 0))).toBeCloseTo(390 / Y, 12);
    expect(yearsToExpiry(EXPIRY, nyTime('2026-11-19', 15, 0))).toBeCloseTo(450 / Y, 12);
    // Friday 15:00 to the next Friday: 60 minutes, Mon-Thu, then Friday's session.
    expect(yearsToExpiry('2026-11-27', nyTime('2026-11-20', 15, 0))).toBeCloseTo((60 + 4 * 390 + 210) / Y, 12);
    // From a Saturday: nothing today.
    expect(yearsToExpiry('2026-11-23', nyTime('2026-11-21', 12, 0))).toBeCloseTo(390 / Y, 12);
  });

  it('counts to 13:00 on an early-close expiry', () => {
    expect(yearsToExpiry('2026-11-27', nyTime('2026-11-27', 12, 0))).toBeCloseTo(60 / Y, 12);
  });

  it('is 0 at and after the close', () => {
    expect(yearsToExpiry(EXPIRY, sessionClose(EXPIRY))).toBe(0);
    expect(yearsToExpiry(EXPIRY, nyTime('2026-11-23', 10, 0))).toBe(0);
  });
});

describe('quoteOption', () => {
  it('prices at Black–Scholes with VIX/100 as volatility, mid rounded to the cent', () => {
    const quote = quoteOption(contract(585, 'P'), bar);
    const theory = blackScholes({
      spot: 590,
      strike: 585,
      years: yearsToExpiry(EXPIRY, bar.time),
      rate: RISK_FREE_RATE,
      volatility: 0.24,
      right: 'P',
    });
    expect(quote.mid).toBe(Math.round(theory.price * 100) / 100);
    expect(quote.delta).toBe(theory.delta);
    expect(quote.delta).toBeLessThan(0);
  });

  it('quotes a market at least max(0.01, 2% of mid) wide, in whole cents, around the mid', () => {
    for (const strike of [560, 575, 585, 590, 595, 605, 620]) {
      for (const right of ['C', 'P'] as const) {
        const { bid, mid, ask } = quoteOption(contract(strike, right), bar);
        expect(bid).toBeGreaterThanOrEqual(0);
        expect(bid).toBeLessThanOrEqual(mid);
        expect(ask).toBeGreaterThan(mid);
        expect(ask - bid).toBeGreaterThanOrEqual(Math.max(0.01, 0.02 * mid) - 1e-9);
        expect([bid, mid, ask].every(isWholeCents)).toBe(true);
      }
    }
  });

  it('widens a ten-dollar option to about 2% of mid, no more than a cent each side beyond it', () => {
    const { bid, mid, ask } = quoteOption(contract(580, 'C'), bar);
    expect(mid).toBeGreaterThan(10);
    expect(ask - bid).toBeGreaterThanOrEqual(0.02 * mid - 1e-9);
    expect(ask - bid).toBeLessThanOrEqual(0.02 * mid + 0.02 + 1e-9);
    expect(mid - bid).toBeCloseTo(ask - mid, 9);
  });

  it('never bids below zero for a worthless far out-of-the-money option', () => {
    const quote = quoteOption(contract(500, 'P'), bar);
    expect(quote).toMatchObject({ mid: 0, bid: 0, ask: 0.01 });
  });

  it('quotes intrinsic value once the option has expired', () => {
    const afterClose: MarketBar = { ...bar, time: sessionClose(EXPIRY) };
    expect(quoteOption(contract(580, 'C'), afterClose)).toMatchObject({ mid: 10, delta: 1 });
  });
});

describe('comboMid', () => {
  const condor = [leg('SELL', 585, 'P'), leg('BUY', 580, 'P'), leg('SELL', 595, 'C'), leg('BUY', 600, 'C')];

  it('adds SELL mids and subtracts BUY mids', () => {
    const mid = (strike: number, right: 'C' | 'P'): number => quoteOption(contract(strike, right), bar).mid;
    const expected = mid(585, 'P') - mid(580, 'P') + mid(595, 'C') - mid(600, 'C');
    expect(comboMid(condor, bar)).toBeCloseTo(expected, 9);
    expect(comboMid(condor, bar)).toBeGreaterThan(0);
  });

  it('is per combo unit: scaling every leg’s quantity changes nothing', () => {
    const tenLots = condor.map((l) => ({ ...l, quantity: 10 }));
    expect(comboMid(tenLots, bar)).toBe(comboMid(condor, bar));
  });

  it('weights legs by their quantity relative to the first leg', () => {
    const ratio = [leg('BUY', 590, 'C', 1), leg('SELL', 600, 'C', 2)];
    const expected = -quoteOption(contract(590, 'C'), bar).mid + 2 * quoteOption(contract(600, 'C'), bar).mid;
    expect(comboMid(ratio, bar)).toBeCloseTo(expected, 9);
  });

  it('is 0 for no legs and negative for a debit', () => {
    expect(comboMid([], bar)).toBe(0);
    expect(comboMid([leg('BUY', 590, 'C')], bar)).toBeLessThan(0);
  });
});

describe('comboNetCredit', () => {
  it('sums cent prices without floating-point residue', () => {
    const fills = [
      { leg: leg('SELL', 580, 'P'), price: 0.3 },
      { leg: leg('BUY', 575, 'P'), price: 0.1 },
      { leg: leg('SELL', 600, 'C'), price: 0.2 },
      { leg: leg('BUY', 605, 'C'), price: 0.1 },
    ];
    expect(comboNetCredit(fills)).toBe(0.3);
  });
});
