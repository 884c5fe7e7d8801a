import { describe, expect, it } from 'vitest';
import { nyTime } from '../market/calendar';
import { quoteOption } from '../market/option-pricing';
import type { MarketBar, OptionContract, Underlying } from '../market/types';
import type { PositionLeg } from '../strategies/position';
import { emptyPosition } from '../strategies/position';
import { bookOf } from './book';
import { buyingPowerOf, nakedRequirement } from './buying-power';
import { DEFAULT_BETAS, exposureOf, spyEquivalentDelta, sumExposures } from './exposure';

const BAR: MarketBar = {
  time: nyTime('2026-11-20', 11, 0),
  vix: 20,
  underlyings: { SPY: { price: 600, open: 600 }, QQQ: { price: 500, open: 500 }, IWM: { price: 220, open: 220 }, ES: { price: 6000, open: 6000 } },
};
const option = (underlying: Underlying, right: 'C' | 'P', strike: number, expiry = '2026-12-18'): OptionContract => ({ underlying, right, strike, expiry });
const leg = (contract: OptionContract, quantity: number): PositionLeg => ({ contract, quantity });
const mid = (contract: OptionContract) => quoteOption(contract, BAR).mid;

describe('buying power: defined risk is the most the position can still lose', () => {
  it('ties up a long option’s premium, and nothing for a flat position', () => {
    const put = option('SPY', 'P', 580);
    expect(buyingPowerOf([leg(put, 2)], BAR)).toEqual({ requirement: Math.round(2 * 100 * mid(put) * 100) / 100, method: 'max-loss' });
    expect(buyingPowerOf([], BAR)).toEqual({ requirement: 0, method: 'max-loss' });
  });

  it('ties up a credit spread’s width less its value now', () => {
    const short = option('SPY', 'P', 590);
    const long = option('SPY', 'P', 585);
    const credit = (mid(short) - mid(long)) * 100;
    const { requirement } = buyingPowerOf([leg(short, -1), leg(long, 1)], BAR);
    expect(requirement).toBeCloseTo(500 - credit, 2);
    expect(requirement).toBeGreaterThan(0);
    expect(requirement).toBeLessThan(500);
  });

  it('ties up an iron condor’s one wider wing: both sides cannot lose at once', () => {
    const legs = [leg(option('SPY', 'P', 585), 1), leg(option('SPY', 'P', 590), -1), leg(option('SPY', 'C', 610), -1), leg(option('SPY', 'C', 620), 1)];
    const credit = -legs.reduce((sum, { contract, quantity }) => sum + quantity * mid(contract) * 100, 0);
    expect(buyingPowerOf(legs, BAR).requirement).toBeCloseTo(1_000 - credit, 2);
  });

  it('ties up a 1-1-2 put ratio’s loss if SPY went to zero, its worst case', () => {
    const [long, short, farShort] = [option('SPY', 'P', 580, '2027-03-19'), option('SPY', 'P', 570, '2027-03-19'), option('SPY', 'P', 520, '2027-03-19')];
    const legs = [leg(long, 1), leg(short, -1), leg(farShort, -2)];
    const valueNow = (mid(long) - mid(short) - 2 * mid(farShort)) * 100;
    const atZero = (580 - 570 - 2 * 520) * 100;
    expect(buyingPowerOf(legs, BAR)).toEqual({ requirement: Math.round((valueNow - atZero) * 100) / 100, method: 'max-loss' });
  });

  it('counts a covered call against its long-dated call at intrinsic value: defined risk, erring high', () => {
    const leap = option('SPY', 'C', 500, '2027-12-17');
    const weekly = option('SPY', 'C', 620, '2026-11-27');
    const { requirement, method } = buyingPowerOf([leg(leap, 1), leg(weekly, -1)], BAR);
    expect(method).toBe('max-loss');
    // The worst case at intrinsic is SPY at or below 500: both calls worthless.
    expect(requirement).toBeCloseTo((mid(leap) - mid(weekly)) * 100, 2);
  });
});

describe('buying power: naked short options', () => {
  it('margins a short put at premium + max(20% of SPY - out of the money, 10% of the strike)', () => {
    const put = option('SPY', 'P', 540);
    expect(nakedRequirement(put, 1, BAR)).toBeCloseTo((mid(put) + Math.max(0.2 * 600 - 60, 0.1 * 540)) * 100, 6);
    const farPut = option('SPY', 'P', 400);
    expect(nakedRequirement(farPut, 1, BAR)).toBeCloseTo((mid(farPut) + 0.1 * 400) * 100, 6);
  });

  it('margins each side of an /ES strangle at the SPAN stand-in (6%, at least 2% of the underlying) and adds them', () => {
    const put = option('ES', 'P', 5700, '2027-01-15');
    const call = option('ES', 'C', 6900, '2027-01-15');
    const side = (contract: OptionContract, outOfTheMoney: number) => (mid(contract) + Math.max(0.06 * 6000 - outOfTheMoney, 0.02 * 6000)) * 50;
    const { requirement, method } = buyingPowerOf([leg(put, -1), leg(call, -1)], BAR);
    expect(method).toBe('naked');
    // The put 300 points out of the money: 360 - 300 = 60 < the 120 minimum; the call 900 out: the minimum too.
    expect(requirement).toBeCloseTo(side(put, 300) + side(call, 900), 1);
    expect(nakedRequirement(option('ES', 'P', 6000, '2027-01-15'), 1, BAR)).toBeCloseTo((mid(option('ES', 'P', 6000, '2027-01-15')) + 360) * 50, 6);
  });

  it('adds underlyings up', () => {
    const spy = [leg(option('SPY', 'P', 580), 1)];
    const qqq = [leg(option('QQQ', 'C', 520), 1)];
    expect(buyingPowerOf([...spy, ...qqq], BAR).requirement).toBeCloseTo(buyingPowerOf(spy, BAR).requirement + buyingPowerOf(qqq, BAR).requirement, 2);
  });
});

describe('exposure', () => {
  it('is each leg’s Greeks times its signed quantity and multiplier', () => {
    const call = option('SPY', 'C', 600);
    const quote = quoteOption(call, BAR);
    const exposure = exposureOf([leg(call, -3)], BAR);
    expect(exposure.delta).toBeCloseTo(-300 * quote.delta, 9);
    expect(exposure.gamma).toBeCloseTo(-300 * quote.gamma, 9);
    expect(exposure.vega).toBeCloseTo(-300 * quote.vega, 9);
    expect(exposure.theta).toBeCloseTo(-300 * quote.theta, 9);
    expect(exposure.deltaByUnderlying).toMatchObject({ SPY: exposure.delta, QQQ: 0, IWM: 0, ES: 0 });
  });

  it('converts every underlying to SPY shares by dollar delta and beta', () => {
    const deltas = (by: Partial<Record<Underlying, number>>) => ({ deltaByUnderlying: { SPY: 0, QQQ: 0, IWM: 0, ES: 0, ...by } });
    expect(spyEquivalentDelta(deltas({ SPY: 100 }), BAR)).toBeCloseTo(100, 9);
    expect(spyEquivalentDelta(deltas({ QQQ: 120 }), BAR)).toBeCloseTo((120 * 500 * DEFAULT_BETAS.QQQ) / 600, 9);
    // One /ES option at 0.5 delta: 25 index units of $6,000 = $150,000 of S&P 500 = 250 SPY shares.
    expect(spyEquivalentDelta(deltas({ ES: 25 }), BAR)).toBeCloseTo(250, 9);
    expect(spyEquivalentDelta(deltas({ IWM: 100 }), BAR, { ...DEFAULT_BETAS, IWM: 2 })).toBeCloseTo((100 * 220 * 2) / 600, 9);
  });

  it('sums strategies into the book', () => {
    const a = exposureOf([leg(option('SPY', 'C', 600), 1)], BAR);
    const b = exposureOf([leg(option('ES', 'P', 5800, '2027-01-15'), -1)], BAR);
    const book = sumExposures([a, b]);
    expect(book.delta).toBeCloseTo(a.delta + b.delta, 9);
    expect(book.vega).toBeCloseTo(a.vega + b.vega, 9);
    expect(book.deltaByUnderlying).toEqual({ SPY: a.delta, QQQ: 0, IWM: 0, ES: b.delta });
  });
});

describe('the book', () => {
  it('counts a roll in flight net of what it closes: the position as it will be once the roll fills', () => {
    const held = option('SPY', 'P', 580);
    const rolledTo = option('SPY', 'P', 570);
    const book = bookOf(
      [
        {
          id: 'a',
          position: { ...emptyPosition('SHORT_PUT', 0), legs: [leg(held, -1)] },
          inFlight: [{ contract: held, side: 'BUY', quantity: 1 }, { contract: rolledTo, side: 'SELL', quantity: 1 }],
        },
      ],
      BAR,
      1_000_000,
    );
    expect(book.buyingPowerUsed).toBe(buyingPowerOf([leg(rolledTo, -1)], BAR).requirement);
  });
});
