import { describe, it, expect } from 'vitest';
import { blackScholes, normCdf } from './black-scholes';

describe('normCdf', () => {
  // Reference values from 0.5 * erfc(-x / sqrt(2)) in double precision.
  it.each([
    [0, 0.5],
    [1, 0.8413447460685429],
    [-1.96, 0.024997895148220435],
    [2.5, 0.9937903346742238],
    [-3, 0.0013498980316300957],
  ])('N(%f) matches the reference to 1e-12', (x, expected) => {
    expect(Math.abs(normCdf(x) - expected)).toBeLessThan(1e-12);
  });

  it('stays accurate relative to the value in the far left tail', () => {
    expect(normCdf(-6) / 9.865876450377012e-10).toBeCloseTo(1, 7);
    expect(normCdf(-8) / 6.220960574271819e-16).toBeCloseTo(1, 7);
    expect(normCdf(-40)).toBe(0);
    expect(normCdf(40)).toBe(1);
  });

  it('is symmetric: N(x) + N(-x) = 1', () => {
    for (let x = -5; x <= 5; x += 0.37) expect(normCdf(x) + normCdf(-x)).toBeCloseTo(1, 14);
  });
});

describe('blackScholes', () => {
  const atTheMoney = { spot: 100, strike: 100, years: 1, rate: 0.05, volatility: 0.2 } as const;

  it('prices the textbook at-the-money call and put', () => {
    const call = blackScholes({ ...atTheMoney, right: 'C' });
    const put = blackScholes({ ...atTheMoney, right: 'P' });
    expect(call.price).toBeCloseTo(10.4506, 4);
    expect(put.price).toBeCloseTo(5.5735, 4);
  });

  it('gives the textbook greeks for the at-the-money call and put', () => {
    const call = blackScholes({ ...atTheMoney, right: 'C' });
    const put = blackScholes({ ...atTheMoney, right: 'P' });
    expect(call.delta).toBeCloseTo(0.636831, 6);
    expect(put.delta).toBeCloseTo(-0.363169, 6);
    expect(call.gamma).toBeCloseTo(0.018762, 6);
    expect(put.gamma).toBeCloseTo(call.gamma, 12);
    expect(call.vega).toBeCloseTo(37.524035, 5);
    expect(call.theta).toBeCloseTo(-6.414028, 5);
    expect(put.theta).toBeCloseTo(-1.657880, 5);
  });

  it('prices Hull’s in-the-money example (S=42, K=40, T=0.5, r=10%, σ=20%)', () => {
    const input = { spot: 42, strike: 40, years: 0.5, rate: 0.1, volatility: 0.2 } as const;
    expect(blackScholes({ ...input, right: 'C' }).price).toBeCloseTo(4.7594, 4);
    expect(blackScholes({ ...input, right: 'P' }).price).toBeCloseTo(0.8086, 4);
  });

  it('prices a one-day SPY call ten dollars in the money', () => {
    const call = blackScholes({ spot: 590, strike: 580, years: 1 / 365, rate: 0.04, volatility: 0.24, right: 'C' });
    expect(call.price).toBeCloseTo(10.351611, 5);
    expect(call.delta).toBeCloseTo(0.915557, 5);
  });

  it('satisfies put-call parity over a grid of strikes, expiries and volatilities', () => {
    const spot = 590;
    const rate = 0.04;
    for (const strike of [500, 570, 590, 610, 700]) {
      for (const years of [1 / 365 / 24, 1 / 365, 30 / 365, 1]) {
        for (const volatility of [0.1, 0.24, 0.6]) {
          const call = blackScholes({ spot, strike, years, rate, volatility, right: 'C' });
          const put = blackScholes({ spot, strike, years, rate, volatility, right: 'P' });
          expect(call.price - put.price).toBeCloseTo(spot - strike * Math.exp(-rate * years), 9);
          expect(call.delta - put.delta).toBeCloseTo(1, 12);
        }
      }
    }
  });

  it('is worth intrinsic value at expiry, with delta 0 or ±1 and no other greeks', () => {
    const expired = { spot: 590, years: 0, rate: 0.04, volatility: 0.2 } as const;
    expect(blackScholes({ ...expired, strike: 580, right: 'C' })).toEqual({
      price: 10,
      delta: 1,
      gamma: 0,
      vega: 0,
      theta: 0,
    });
    expect(blackScholes({ ...expired, strike: 600, right: 'C' })).toMatchObject({ price: 0, delta: 0 });
    expect(blackScholes({ ...expired, strike: 600, right: 'P' })).toMatchObject({ price: 10, delta: -1 });
    expect(blackScholes({ ...expired, strike: 580, right: 'P' })).toMatchObject({ price: 0, delta: 0 });
  });

  it('is worth intrinsic value with zero volatility or negative time', () => {
    expect(blackScholes({ spot: 100, strike: 90, years: 0.5, rate: 0.04, volatility: 0, right: 'C' }).price).toBe(10);
    expect(blackScholes({ spot: 100, strike: 90, years: -0.1, rate: 0.04, volatility: 0.2, right: 'P' }).price).toBe(0);
  });

  it('throws on a non-positive spot or strike', () => {
    expect(() => blackScholes({ ...atTheMoney, spot: 0, right: 'C' })).toThrow(RangeError);
    expect(() => blackScholes({ ...atTheMoney, strike: Number.NaN, right: 'C' })).toThrow(RangeError);
  });
});
