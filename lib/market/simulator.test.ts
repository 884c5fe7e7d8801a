import { describe, it, expect } from 'vitest';
import { isMarketOpen, nyParts, nyTime, sessionClose, sessionOpen } from '../domain/market/calendar';
import { MINUTE_MS } from '../domain/market/time';
import { UNDERLYINGS, type MarketBar, type Underlying } from '../domain/market/types';
import { SCENARIO_NAMES, SCENARIOS } from './scenarios';
import { createSimulatorState, currentBar, nextBar, VIX_CEILING, VIX_FLOOR, type SimulatorState } from './simulator';


function run(state: SimulatorState, count: number): { bars: MarketBar[]; state: SimulatorState } {
  const bars: MarketBar[] = [];
  let current = state;
  for (let i = 0; i < count; i += 1) {
    const next = nextBar(current);
    bars.push(next.bar);
    current = next.state;
  }
  return { bars, state: current };
}

const spy = (bar: MarketBar): number => bar.underlyings.SPY.price;
const spyOpen = (bar: MarketBar | undefined): number | undefined => bar?.underlyings.SPY.open;
const priceOf =
  (underlying: Underlying) =>
  (bar: MarketBar): number =>
    bar.underlyings[underlying].price;

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

/** Log returns between consecutive bars of the same session (the overnight gap left out). */
function intradayReturns(bars: readonly MarketBar[], series: (bar: MarketBar) => number): number[] {
  const returns: number[] = [];
  for (let i = 1; i < bars.length; i += 1) {
    const previous = bars[i - 1];
    const bar = bars[i];
    if (previous && bar && bar.time - previous.time === MINUTE_MS) returns.push(Math.log(series(bar) / series(previous)));
  }
  return returns;
}

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let covariance = 0;
  xs.forEach((x, i) => (covariance += (x - mx) * ((ys[i] ?? my) - my)));
  return covariance / (xs.length - 1) / (sd(xs) * sd(ys));
}

/** Bars grouped by New York date, in order. */
function bySession(bars: readonly MarketBar[]): MarketBar[][] {
  const sessions = new Map<string, MarketBar[]>();
  for (const bar of bars) {
    const date = nyParts(bar.time).date;
    const session = sessions.get(date) ?? [];
    session.push(bar);
    sessions.set(date, session);
  }
  return [...sessions.values()];
}

const mondayOpen = sessionOpen('2026-11-16');

describe('createSimulatorState', () => {
  it('starts with no bar produced, VIX reverting to its starting level', () => {
    const state = createSimulatorState({ start: mondayOpen, seed: 1, vix: 24 });
    expect(state).toMatchObject({ time: mondayOpen, vix: 24, vixMean: 24, scenario: 'calm' });
    expect(state.underlyings.SPY).toEqual({ price: 590, open: 590 });
    expect(Number.isInteger(state.rng)).toBe(true);
  });

  it('defaults to SPY 590, QQQ 510, IWM 235 and /ES at ten times SPY', () => {
    expect(createSimulatorState({ start: mondayOpen, seed: 1 }).underlyings).toEqual({
      SPY: { price: 590, open: 590 },
      QQQ: { price: 510, open: 510 },
      IWM: { price: 235, open: 235 },
      ES: { price: 5900, open: 5900 },
    });
    const custom = createSimulatorState({ start: mondayOpen, seed: 1, prices: { SPY: 601.33, IWM: 210 } });
    expect(custom.underlyings.ES.price).toBe(6013.25);
    expect(custom.underlyings.IWM.price).toBe(210);
    expect(custom.underlyings.QQQ.price).toBe(510);
  });

  it('starts VIX at the scenario’s level unless told otherwise', () => {
    const levels = SCENARIO_NAMES.map((scenario) => createSimulatorState({ start: mondayOpen, seed: 1, scenario }).vix);
    expect(levels).toEqual([24, 16, 26, 20, 22]);
    expect(createSimulatorState({ start: mondayOpen, seed: 1, scenario: 'crash', vix: 30 }).vixMean).toBe(30);
  });

  it('counts a session it starts inside as the first, and none before the open', () => {
    expect(createSimulatorState({ start: mondayOpen, seed: 1 }).session).toBe(1);
    expect(createSimulatorState({ start: nyTime('2026-11-16', 8, 0), seed: 1 }).session).toBe(0);
    expect(createSimulatorState({ start: sessionClose('2026-11-16'), seed: 1 }).session).toBe(0);
  });

  it('rejects a VIX outside the clamps, a non-positive price and an unknown scenario', () => {
    expect(() => createSimulatorState({ start: mondayOpen, seed: 1, vix: VIX_CEILING + 1 })).toThrow(RangeError);
    expect(() => createSimulatorState({ start: mondayOpen, seed: 1, prices: { SPY: 0 } })).toThrow(RangeError);
    expect(() => createSimulatorState({ start: mondayOpen, seed: 1, prices: { QQQ: -1 } })).toThrow(RangeError);
    const scenario = 'meltdown' as (typeof SCENARIO_NAMES)[number];
    expect(() => createSimulatorState({ start: mondayOpen, seed: 1, scenario })).toThrow(RangeError);
  });

  it('offers the starting prices as the current bar', () => {
    const state = createSimulatorState({ start: mondayOpen, seed: 1 });
    expect(currentBar(state)).toEqual({ time: mondayOpen, vix: 24, underlyings: state.underlyings });
  });
});

describe('nextBar', () => {
  it.each(SCENARIO_NAMES)('is deterministic in %s: the same state gives the same bar, also after JSON', (scenario) => {
    const start = createSimulatorState({ start: mondayOpen, seed: 11, scenario });
    const straight = run(start, 1800);
    // Split inside the crash and next to the gap: the events resume from the state alone.
    const firstHalf = run(start, 830);
    const restored = JSON.parse(JSON.stringify(firstHalf.state)) as SimulatorState;
    const secondHalf = run(restored, 970);
    expect([...firstHalf.bars, ...secondHalf.bars]).toEqual(straight.bars);
    expect(secondHalf.state).toEqual(straight.state);
    expect(nextBar(start)).toEqual(nextBar(start));
  });

  it('gives different paths for different seeds', () => {
    const a = run(createSimulatorState({ start: mondayOpen, seed: 1, vix: 24 }), 30).bars;
    const b = run(createSimulatorState({ start: mondayOpen, seed: 2, vix: 24 }), 30).bars;
    expect(a).not.toEqual(b);
  });

  it('stamps bars only inside market hours, from open + 1 minute to the close inclusive', () => {
    const { bars } = run(createSimulatorState({ start: nyTime('2026-11-24', 12, 0), seed: 3, vix: 20 }), 2000);
    for (const bar of bars) {
      const { date } = nyParts(bar.time);
      expect(bar.time % MINUTE_MS).toBe(0);
      expect(isMarketOpen(bar.time - MINUTE_MS)).toBe(true);
      expect(bar.time).toBeGreaterThan(sessionOpen(date));
      expect(bar.time).toBeLessThanOrEqual(sessionClose(date));
    }
    const times = bars.map((bar) => bar.time);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(new Set(bars.map((bar) => nyParts(bar.time).date))).not.toContain('2026-11-26');
  });

  it('rounds the ETFs to cents, /ES to quarter points at exactly ten times SPY, and VIX to two decimals', () => {
    const { bars } = run(createSimulatorState({ start: sessionClose('2026-11-16'), seed: 4, vix: 24 }), 800);
    for (const bar of bars) {
      for (const underlying of ['SPY', 'QQQ', 'IWM'] as const) {
        const { price, open } = bar.underlyings[underlying];
        expect(Math.round(price * 100) / 100).toBe(price);
        expect(Math.round(open * 100) / 100).toBe(open);
      }
      expect(bar.underlyings.ES.price).toBe(Math.round(spy(bar) * 40) / 4);
      expect(bar.underlyings.ES.open).toBe(Math.round((spyOpen(bar) ?? 0) * 40) / 4);
      expect(Math.round(bar.vix * 100) / 100).toBe(bar.vix);
    }
  });

  it('crosses the Friday close onto Monday 09:31 with an overnight gap as the new open', () => {
    const friday = createSimulatorState({ start: nyTime('2026-11-20', 15, 58), seed: 5, vix: 24 });
    const { bars } = run(friday, 4);
    expect(bars.map((bar) => bar.time)).toEqual([
      nyTime('2026-11-20', 15, 59),
      nyTime('2026-11-20', 16, 0),
      nyTime('2026-11-23', 9, 31),
      nyTime('2026-11-23', 9, 32),
    ]);
    const [, fridayClose, mondayFirst, mondaySecond] = bars;
    for (const underlying of UNDERLYINGS) {
      const open = (bar: MarketBar | undefined): number | undefined => bar?.underlyings[underlying].open;
      expect(open(mondayFirst)).not.toBe(fridayClose?.underlyings[underlying].price);
      expect(open(mondaySecond)).toBe(open(mondayFirst));
    }
    expect(spyOpen(fridayClose)).toBe(590);
    expect(Math.abs(Math.log((mondayFirst ? spy(mondayFirst) : 0) / (spyOpen(mondayFirst) ?? 1)))).toBeLessThan(0.005);
  });

  it('skips Thanksgiving and stops at 13:00 on the early-close day after it', () => {
    const wednesday = createSimulatorState({ start: nyTime('2026-11-25', 15, 59), seed: 6, vix: 20 });
    const { bars } = run(wednesday, 2 + 210 + 1);
    expect(bars[1]?.time).toBe(nyTime('2026-11-27', 9, 31));
    expect(bars[210]?.time).toBe(nyTime('2026-11-27', 13, 0));
    expect(bars[211]?.time).toBe(nyTime('2026-11-30', 9, 31));
  });

  it('jumps from before the open to the same day’s 09:31', () => {
    const early = createSimulatorState({ start: nyTime('2026-11-23', 6, 0), seed: 7, vix: 20 });
    expect(nextBar(early).bar.time).toBe(nyTime('2026-11-23', 9, 31));
  });

  it('keeps every open fixed through a session', () => {
    const { bars } = run(createSimulatorState({ start: nyTime('2026-11-20', 16, 0), seed: 8, vix: 24 }), 390);
    for (const underlying of UNDERLYINGS) {
      expect(new Set(bars.map((bar) => bar.underlyings[underlying].open)).size).toBe(1);
    }
  });

  it('realizes SPY volatility close to VIX/100 over ten sessions', () => {
    const { bars } = run(createSimulatorState({ start: mondayOpen, seed: 9, vix: 20 }), 3900);
    const realized = sd(intradayReturns(bars, spy)) * Math.sqrt(252 * 390);
    const implied = mean(bars.map((bar) => bar.vix)) / 100;
    expect(realized / implied).toBeGreaterThan(0.85);
    expect(realized / implied).toBeLessThan(1.15);
  });

  it('gaps SPY overnight by about 0.5% at VIX 20', () => {
    const gaps: number[] = [];
    for (let seed = 1; seed <= 300; seed += 1) {
      const afterClose = createSimulatorState({ start: sessionClose('2026-11-18'), seed, vix: 20 });
      const { bar } = nextBar(afterClose);
      gaps.push(Math.log(bar.underlyings.SPY.open / afterClose.underlyings.SPY.price));
    }
    expect(Math.abs(mean(gaps))).toBeLessThan(0.001);
    expect(sd(gaps)).toBeGreaterThan(0.004);
    expect(sd(gaps)).toBeLessThan(0.006);
  });

  it('moves VIX against SPY', () => {
    const { bars } = run(createSimulatorState({ start: mondayOpen, seed: 10, vix: 24 }), 3900);
    const rho = correlation(intradayReturns(bars, spy), intradayReturns(bars, (bar) => bar.vix));
    expect(rho).toBeLessThan(-0.55);
    expect(rho).toBeGreaterThan(-0.85);
  });

  it('pulls VIX halfway back to its mean in about two sessions', () => {
    const ends: number[] = [];
    for (let seed = 1; seed <= 40; seed += 1) {
      const stressed: SimulatorState = { ...createSimulatorState({ start: mondayOpen, seed, vix: 20 }), vix: 30 };
      ends.push(run(stressed, 780).state.vix);
    }
    // Halfway in log terms: sqrt(30 * 20) ≈ 24.5.
    expect(mean(ends)).toBeGreaterThan(23);
    expect(mean(ends)).toBeLessThan(26);
  });

  it('keeps a Friday VIX starting at 24 above 22 for most of the day while it visibly moves', () => {
    const fractionsAbove: number[] = [];
    const ranges: number[] = [];
    for (let seed = 1; seed <= 40; seed += 1) {
      const { bars } = run(createSimulatorState({ start: sessionOpen('2026-11-20'), seed, vix: 24 }), 390);
      const vix = bars.map((bar) => bar.vix);
      fractionsAbove.push(vix.filter((v) => v > 22).length / vix.length);
      ranges.push(Math.max(...vix) - Math.min(...vix));
    }
    expect(mean(fractionsAbove)).toBeGreaterThan(0.9);
    expect(Math.min(...ranges)).toBeGreaterThan(0.5);
  });

  it('keeps VIX positive and inside its clamps, even starting near them', () => {
    for (const vix of [VIX_FLOOR, 85, VIX_CEILING]) {
      const { bars } = run(createSimulatorState({ start: mondayOpen, seed: 12, vix }), 3900);
      for (const bar of bars) {
        expect(bar.vix).toBeGreaterThanOrEqual(VIX_FLOOR);
        expect(bar.vix).toBeLessThanOrEqual(VIX_CEILING);
        for (const underlying of UNDERLYINGS) expect(bar.underlyings[underlying].price).toBeGreaterThan(0);
      }
    }
  });
});

describe('QQQ, IWM and /ES', () => {
  const { bars } = run(createSimulatorState({ start: mondayOpen, seed: 13 }), 3900);
  const spyReturns = intradayReturns(bars, spy);

  it.each([
    ['QQQ', 1.15],
    ['IWM', 1.2],
  ] as const)('moves %s with SPY: correlation about 0.85–0.9 and a beta near %f', (underlying, beta) => {
    const returns = intradayReturns(bars, priceOf(underlying));
    const rho = correlation(spyReturns, returns);
    expect(rho).toBeGreaterThan(0.8);
    expect(rho).toBeLessThan(0.95);
    const fittedBeta = (rho * sd(returns)) / sd(spyReturns);
    expect(fittedBeta).toBeGreaterThan(beta - 0.1);
    expect(fittedBeta).toBeLessThan(beta + 0.1);
  });

  it('gives QQQ and IWM a volatility near the one their options are priced at', () => {
    const spyVol = sd(spyReturns);
    expect(sd(intradayReturns(bars, priceOf('QQQ'))) / spyVol).toBeCloseTo(1.28, 0);
    expect(sd(intradayReturns(bars, priceOf('IWM'))) / spyVol).toBeCloseTo(1.41, 0);
  });

  it('keeps /ES at SPY × 10 through every bar', () => {
    for (const bar of bars) expect(Math.abs(bar.underlyings.ES.price - 10 * spy(bar))).toBeLessThanOrEqual(0.125);
  });

  it('gaps QQQ and IWM overnight together with SPY', () => {
    const gaps = { SPY: [] as number[], QQQ: [] as number[], IWM: [] as number[] };
    for (let seed = 1; seed <= 200; seed += 1) {
      const afterClose = createSimulatorState({ start: sessionClose('2026-11-18'), seed, vix: 20 });
      const { bar } = nextBar(afterClose);
      for (const underlying of ['SPY', 'QQQ', 'IWM'] as const) {
        gaps[underlying].push(Math.log(bar.underlyings[underlying].open / afterClose.underlyings[underlying].price));
      }
    }
    expect(correlation(gaps.SPY, gaps.QQQ)).toBeGreaterThan(0.7);
    expect(correlation(gaps.SPY, gaps.IWM)).toBeGreaterThan(0.7);
  });
});

describe('scenarios', () => {
  const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

  it('describes every scenario it lists', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...SCENARIO_NAMES].sort());
    expect(SCENARIOS.calm.vixMean).toBeGreaterThan(22);
  });

  it('counts sessions as it plays them', () => {
    const { bars, state } = run(createSimulatorState({ start: nyTime('2026-11-25', 12, 0), seed: 1 }), 240 + 210 + 1);
    expect(nyParts(bars.at(-1)?.time ?? 0).date).toBe('2026-11-30');
    expect(state.session).toBe(3);
  });

  it('crashes on the third session at 11:00: VIX above 45 and SPY 6% or more below the previous close', () => {
    for (const seed of SEEDS) {
      const { bars } = run(createSimulatorState({ start: mondayOpen, seed, scenario: 'crash' }), 3 * 390);
      const [first, second, third] = bySession(bars);
      const previousClose = second?.at(-1);
      const crashDay = third ?? [];
      expect(nyParts(crashDay[0]?.time ?? 0).date).toBe('2026-11-18');
      const lowest = Math.min(...crashDay.map(spy));
      expect(lowest / (previousClose ? spy(previousClose) : NaN)).toBeLessThanOrEqual(0.94);
      expect(Math.max(...crashDay.map((bar) => bar.vix))).toBeGreaterThanOrEqual(46);
      // Before 11:00 nothing has happened yet, and the first two sessions are ordinary.
      const beforeCrash = crashDay.filter((bar) => bar.time <= nyTime('2026-11-18', 11, 0));
      expect(Math.max(...[...(first ?? []), ...(second ?? []), ...beforeCrash].map((bar) => bar.vix))).toBeLessThan(30);
      const atEleven = beforeCrash.at(-1);
      const atNoon = crashDay.find((bar) => bar.time === nyTime('2026-11-18', 12, 0));
      expect(atNoon && atEleven ? spy(atNoon) / spy(atEleven) : NaN).toBeLessThan(0.95);
    }
  });

  it('recovers part of the crash over the following sessions, VIX easing back', () => {
    const recoveries: number[] = [];
    const vixAfterWeek: number[] = [];
    for (const seed of SEEDS) {
      const { bars } = run(createSimulatorState({ start: mondayOpen, seed, scenario: 'crash' }), 8 * 390);
      const sessions = bySession(bars);
      const crashClose = sessions[2]?.at(-1);
      const last = sessions[7]?.at(-1);
      if (!crashClose || !last) throw new Error('expected eight sessions');
      recoveries.push(Math.log(spy(last) / spy(crashClose)));
      vixAfterWeek.push(last.vix);
    }
    expect(mean(recoveries)).toBeGreaterThan(0.02);
    expect(mean(vixAfterWeek)).toBeLessThan(35);
  });

  it('opens the second session of gap-open at least 2.5% lower with VIX about 6 points higher', () => {
    for (const seed of SEEDS) {
      const { bars } = run(createSimulatorState({ start: mondayOpen, seed, scenario: 'gap-open' }), 392);
      const close = bars[389];
      const open = bars[390];
      if (!close || !open) throw new Error('expected two sessions');
      expect(nyParts(open.time).date).toBe('2026-11-17');
      expect(open.underlyings.SPY.open / spy(close)).toBeLessThanOrEqual(0.975);
      expect(open.underlyings.QQQ.open / close.underlyings.QQQ.price).toBeLessThan(0.975);
      expect(open.vix - close.vix).toBeGreaterThan(4);
    }
  });

  it('gaps gap-open only once', () => {
    const { bars } = run(createSimulatorState({ start: mondayOpen, seed: 1, scenario: 'gap-open' }), 5 * 390);
    const sessions = bySession(bars);
    for (const index of [2, 3, 4]) {
      const open = sessions[index]?.[0]?.underlyings.SPY.open ?? NaN;
      const previousClose = sessions[index - 1]?.at(-1);
      expect(Math.abs(Math.log(open / (previousClose ? spy(previousClose) : NaN)))).toBeLessThan(0.02);
    }
  });

  it('ends trending-up higher than trending-down after 20 sessions for the same seed', () => {
    const finalSpy = (scenario: 'trending-up' | 'trending-down', seed: number): number =>
      run(createSimulatorState({ start: mondayOpen, seed, scenario }), 20 * 390).state.underlyings.SPY.price;
    const ups = SEEDS.map((seed) => finalSpy('trending-up', seed));
    const downs = SEEDS.map((seed) => finalSpy('trending-down', seed));
    const upWins = ups.filter((up, i) => up > (downs[i] ?? Infinity)).length;
    expect(upWins).toBeGreaterThanOrEqual(SEEDS.length - 1);
    // ±40% a year is about ±3% over 20 sessions.
    expect(mean(ups.map((p) => Math.log(p / 590)))).toBeGreaterThan(0);
    expect(mean(downs.map((p) => Math.log(p / 590)))).toBeLessThan(0);
  });

  it('keeps calm free of events: VIX stays below 35 and SPY within 6% of each open', () => {
    for (const seed of SEEDS.slice(0, 4)) {
      const { bars } = run(createSimulatorState({ start: mondayOpen, seed }), 10 * 390);
      expect(Math.max(...bars.map((bar) => bar.vix))).toBeLessThan(35);
      for (const bar of bars) expect(Math.abs(Math.log(spy(bar) / bar.underlyings.SPY.open))).toBeLessThan(0.06);
    }
  });
});
