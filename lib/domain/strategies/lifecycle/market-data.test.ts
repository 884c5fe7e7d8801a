import { describe, expect, it } from 'vitest';
import { nyTime } from '../../market/calendar';
import { barAt } from '../testing/model';
import { marketDataProblems } from './market-data';

const bar = barAt(nyTime('2026-11-20', 10, 30), 590, 24);

describe('the market data problems every strategy refuses to trade on', () => {
  it('finds none in a fresh, sane bar', () => {
    expect(marketDataProblems(bar)).toEqual([]);
    expect(marketDataProblems({ ...bar, isStale: false })).toEqual([]);
  });

  it('names stale quotes and a time that is not a number', () => {
    expect(marketDataProblems({ ...bar, isStale: true })).toEqual(['quotes are stale']);
    expect(marketDataProblems({ ...bar, time: Number.NaN })).toEqual(['bar time is not a number']);
    expect(marketDataProblems({ ...bar, time: Number.POSITIVE_INFINITY })).toEqual(['bar time is not a number']);
  });

  it('takes VIX strictly between 0 and 150', () => {
    expect(marketDataProblems({ ...bar, vix: 0.01 })).toEqual([]);
    expect(marketDataProblems({ ...bar, vix: 149.99 })).toEqual([]);
    expect(marketDataProblems({ ...bar, vix: 0 })).toEqual(['VIX 0 is outside 0-150']);
    expect(marketDataProblems({ ...bar, vix: 150 })).toEqual(['VIX 150 is outside 0-150']);
    expect(marketDataProblems({ ...bar, vix: Number.NaN })).toEqual(['VIX NaN is outside 0-150']);
    expect(marketDataProblems({ ...bar, vix: Number.POSITIVE_INFINITY })).toEqual(['VIX Infinity is outside 0-150']);
  });

  it('needs a positive price and open for every underlying', () => {
    const withSpy = (price: number, open: number) => ({ ...bar, underlyings: { ...bar.underlyings, SPY: { price, open } } });
    expect(marketDataProblems(withSpy(0, 590))).toEqual(['SPY price is not a positive number']);
    expect(marketDataProblems(withSpy(590, 0))).toEqual(['SPY price is not a positive number']);
    expect(marketDataProblems(withSpy(Number.NaN, 590))).toEqual(['SPY price is not a positive number']);
    expect(marketDataProblems(withSpy(590, Number.POSITIVE_INFINITY))).toEqual(['SPY price is not a positive number']);
    expect(marketDataProblems(withSpy(Number.POSITIVE_INFINITY, 590))).toEqual(['SPY price is not a positive number']);
    // A feed that drops an underlying altogether.
    const withoutEs = Object.fromEntries(Object.entries(bar.underlyings).filter(([underlying]) => underlying !== 'ES'));
    expect(marketDataProblems({ ...bar, underlyings: withoutEs as typeof bar.underlyings })).toEqual(['ES price is not a positive number']);
  });

  it('lists every problem of a broken bar', () => {
    expect(marketDataProblems({ ...bar, isStale: true, vix: -1, underlyings: { ...bar.underlyings, QQQ: { price: -1, open: 1 } } })).toEqual([
      'quotes are stale',
      'VIX -1 is outside 0-150',
      'QQQ price is not a positive number',
    ]);
  });
});
