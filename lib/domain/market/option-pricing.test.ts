import { describe, it, expect } from 'vitest';
import { blackScholes } from './black-scholes';
import { nyTime, sessionClose } from './calendar';
import {
  comboMid,
  comboNetCredit,
  impliedVolatility,
  quoteOption,
  RISK_FREE_RATE,
  yearsToExpiry,
} from './option-pricing';
import type { MarketBar, OptionContract, OrderLeg, Underlying } from './types';

const EXPIRY = '2026-11-20';
const bar: MarketBar = {
  time: nyTime(EXPIRY, 10, 0),
  vix: 24,
  underlyings: {
    SPY: { price: 590, open: 588 },
    QQQ: { price: 510, open: 508 },
    IWM: { price: 235, open: 236 },
    ES: { price: 5900, open: 5880 },
  },
};
const contract = (
  strike: number,
  right: 'C' | 'P',
  expiry = EXPIRY,
  underlying: Underlying = 'SPY',
): OptionContract => ({ underlying, expiry, strike, right });
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

describe('impliedVolatility', () => {
  it('is VIX/100 at the money for SPY and /ES, and VIX/100 times the beta for QQQ and IWM', () => {
    expect(impliedVolatility(contract(590, 'C'), bar)).toBeCloseTo(0.24, 12);
    expect(impliedVolatility(contract(5900, 'P', EXPIRY, 'ES'), bar)).toBeCloseTo(0.24, 12);
    expect(impliedVolatility(contract(510, 'C', EXPIRY, 'QQQ'), bar)).toBeCloseTo(0.24 * 1.2, 12);
    expect(impliedVolatility(contract(235, 'P', EXPIRY, 'IWM'), bar)).toBeCloseTo(0.24 * 1.35, 12);
  });

  it('skews by 1 − 0.8 × ln(strike / spot): out-of-the-money puts richer, calls cheaper', () => {
    expect(impliedVolatility(contract(531, 'P'), bar)).toBeCloseTo(0.24 * (1 - 0.8 * Math.log(531 / 590)), 12);
    expect(impliedVolatility(contract(649, 'C'), bar)).toBeCloseTo(0.24 * (1 - 0.8 * Math.log(649 / 590)), 12);
    expect(impliedVolatility(contract(560, 'P'), bar)).toBeGreaterThan(0.24);
    expect(impliedVolatility(contract(620, 'C'), bar)).toBeLessThan(0.24);
  });

  it('gives calls and puts of one strike the same volatility', () => {
    for (const strike of [500, 575, 590, 610, 700]) {
      expect(impliedVolatility(contract(strike, 'C'), bar)).toBe(impliedVolatility(contract(strike, 'P'), bar));
    }
  });

  it('clamps the skew factor to [0.6, 2.0]', () => {
    expect(impliedVolatility(contract(295, 'P'), bar)).toBeCloseTo(0.24 * 1.5545, 3);
    expect(impliedVolatility(contract(100, 'P'), bar)).toBeCloseTo(0.24 * 2, 12);
    expect(impliedVolatility(contract(885, 'C'), bar)).toBeCloseTo(0.24 * 0.6756, 3);
    expect(impliedVolatility(contract(2000, 'C'), bar)).toBeCloseTo(0.24 * 0.6, 12);
  });
});

describe('quoteOption', () => {
  it('prices at Black–Scholes with the skewed implied volatility, mid rounded to the cent', () => {
    const quote = quoteOption(contract(585, 'P'), bar);
    const volatility = 0.24 * (1 - 0.8 * Math.log(585 / 590));
    const theory = blackScholes({
      spot: 590,
      strike: 585,
      years: yearsToExpiry(EXPIRY, bar.time),
      rate: RISK_FREE_RATE,
      volatility,
      right: 'P',
    });
    expect(quote.iv).toBeCloseTo(volatility, 12);
    expect(quote.mid).toBe(Math.round(theory.price * 100) / 100);
    expect(quote.delta).toBe(theory.delta);
    expect(quote.delta).toBeLessThan(0);
  });

  it('reports gamma, vega per volatility point and theta per trading day', () => {
    const expiry = '2026-12-18';
    const quote = quoteOption(contract(590, 'C', expiry), bar);
    const theory = blackScholes({
      spot: 590,
      strike: 590,
      years: yearsToExpiry(expiry, bar.time),
      rate: RISK_FREE_RATE,
      volatility: 0.24,
      right: 'C',
    });
    expect(quote.gamma).toBe(theory.gamma);
    expect(quote.vega).toBeCloseTo(theory.vega / 100, 12);
    expect(quote.theta).toBeCloseTo(theory.theta / 252, 12);
    expect(quote.gamma).toBeGreaterThan(0);
    expect(quote.vega).toBeGreaterThan(0);
    expect(quote.theta).toBeLessThan(0);
  });

  it('keeps put–call parity per strike at its own volatility', () => {
    const expiry = '2027-01-15';
    const years = yearsToExpiry(expiry, bar.time);
    for (const strike of [500, 560, 590, 620, 700]) {
      const call = quoteOption(contract(strike, 'C', expiry), bar);
      const put = quoteOption(contract(strike, 'P', expiry), bar);
      expect(call.iv).toBe(put.iv);
      // Each mid carries up to half a cent of rounding.
      const forwardValue = 590 - strike * Math.exp(-RISK_FREE_RATE * years);
      expect(Math.abs(call.mid - put.mid - forwardValue)).toBeLessThanOrEqual(0.01 + 1e-9);
    }
  });

  it('prices each contract off its own underlying', () => {
    const expiry = '2026-12-18';
    for (const [underlying, spot] of [['QQQ', 510], ['IWM', 235], ['ES', 5900]] as const) {
      const quote = quoteOption(contract(spot, 'C', expiry, underlying), bar);
      const theory = blackScholes({
        spot,
        strike: spot,
        years: yearsToExpiry(expiry, bar.time),
        rate: RISK_FREE_RATE,
        volatility: impliedVolatility(contract(spot, 'C', expiry, underlying), bar),
        right: 'C',
      });
      expect(quote.mid).toBe(Math.round(theory.price * 100) / 100);
      expect(quote.delta).toBeGreaterThan(0.5);
      expect(quote.delta).toBeLessThan(0.6);
    }
    // Ten times the index at the same volatility: the /ES at-the-money premium is ten times SPY's, within rounding.
    const spy = quoteOption(contract(590, 'C', expiry), bar).mid;
    const es = quoteOption(contract(5900, 'C', expiry, 'ES'), bar).mid;
    expect(Math.abs(es - 10 * spy)).toBeLessThan(0.1);
    // A riskier underlying costs more relative to its price.
    const qqq = quoteOption(contract(510, 'C', expiry, 'QQQ'), bar).mid;
    const iwm = quoteOption(contract(235, 'C', expiry, 'IWM'), bar).mid;
    expect(qqq / 510).toBeGreaterThan(spy / 590);
    expect(iwm / 235).toBeGreaterThan(qqq / 510);
  });

  it('prices out-of-the-money puts above, and calls below, their value at the at-the-money volatility', () => {
    const expiry = '2026-12-18';
    const years = yearsToExpiry(expiry, bar.time);
    const atTheMoneyValue = (strike: number, right: 'C' | 'P'): number =>
      blackScholes({ spot: 590, strike, years, rate: RISK_FREE_RATE, volatility: 0.24, right }).price;
    expect(quoteOption(contract(560, 'P', expiry), bar).mid).toBeGreaterThan(atTheMoneyValue(560, 'P') + 0.1);
    expect(quoteOption(contract(620, 'C', expiry), bar).mid).toBeLessThan(atTheMoneyValue(620, 'C') - 0.1);
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
