import { describe, it, expect } from 'vitest';
import { isMarketOpen, nyParts, nyTime, sessionClose, sessionOpen } from '../domain/market/calendar';
import type { MarketBar } from '../domain/market/types';
import { createSimulatorState, nextBar, VIX_CEILING, VIX_FLOOR, type SimulatorState } from './simulator';

const MINUTE_MS = 60_000;

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

const mondayOpen = sessionOpen('2026-11-16');

describe('createSimulatorState', () => {
  it('starts with no bar produced, VIX reverting to its starting level', () => {
    const state = createSimulatorState({ start: mondayOpen, seed: 1, vix: 24 });
    expect(state).toMatchObject({ time: mondayOpen, spy: 590, spyOpen: 590, vix: 24, vixMean: 24 });
    expect(Number.isInteger(state.rng)).toBe(true);
  });

  it('rejects a VIX outside the clamps and a non-positive SPY', () => {
    expect(() => createSimulatorState({ start: mondayOpen, seed: 1, vix: VIX_CEILING + 1 })).toThrow(RangeError);
    expect(() => createSimulatorState({ start: mondayOpen, seed: 1, spy: 0, vix: 20 })).toThrow(RangeError);
  });
});

describe('nextBar', () => {
  it('is deterministic: the same state gives the same bar, also after a JSON round trip', () => {
    const start = createSimulatorState({ start: mondayOpen, seed: 11, vix: 24 });
    const straight = run(start, 1200);
    const firstHalf = run(start, 600);
    const restored = JSON.parse(JSON.stringify(firstHalf.state)) as SimulatorState;
    const secondHalf = run(restored, 600);
    expect([...firstHalf.bars, ...secondHalf.bars]).toEqual(straight.bars);
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

  it('rounds SPY to cents and VIX to two decimals', () => {
    const { bars } = run(createSimulatorState({ start: mondayOpen, seed: 4, vix: 24 }), 500);
    for (const bar of bars) {
      expect(Math.round(bar.spy * 100) / 100).toBe(bar.spy);
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
    expect(fridayClose?.spyOpen).toBe(590);
    expect(mondayFirst?.spyOpen).not.toBe(fridayClose?.spy);
    expect(mondaySecond?.spyOpen).toBe(mondayFirst?.spyOpen);
    expect(Math.abs(Math.log((mondayFirst?.spy ?? 0) / (mondayFirst?.spyOpen ?? 1)))).toBeLessThan(0.005);
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

  it('keeps spyOpen fixed through a session', () => {
    const { bars } = run(createSimulatorState({ start: nyTime('2026-11-20', 16, 0), seed: 8, vix: 24 }), 390);
    expect(new Set(bars.map((bar) => bar.spyOpen)).size).toBe(1);
  });

  it('realizes SPY volatility close to VIX/100 over ten sessions', () => {
    const { bars } = run(createSimulatorState({ start: mondayOpen, seed: 9, vix: 20 }), 3900);
    const realized = sd(intradayReturns(bars, (bar) => bar.spy)) * Math.sqrt(252 * 390);
    const implied = mean(bars.map((bar) => bar.vix)) / 100;
    expect(realized / implied).toBeGreaterThan(0.85);
    expect(realized / implied).toBeLessThan(1.15);
  });

  it('gaps SPY overnight by about 0.5% at VIX 20', () => {
    const gaps: number[] = [];
    for (let seed = 1; seed <= 300; seed += 1) {
      const afterClose = createSimulatorState({ start: sessionClose('2026-11-18'), seed, vix: 20 });
      const { bar } = nextBar(afterClose);
      gaps.push(Math.log(bar.spyOpen / afterClose.spy));
    }
    expect(Math.abs(mean(gaps))).toBeLessThan(0.001);
    expect(sd(gaps)).toBeGreaterThan(0.004);
    expect(sd(gaps)).toBeLessThan(0.006);
  });

  it('moves VIX against SPY', () => {
    const { bars } = run(createSimulatorState({ start: mondayOpen, seed: 10, vix: 24 }), 3900);
    const spyReturns = intradayReturns(bars, (bar) => bar.spy);
    const vixReturns = intradayReturns(bars, (bar) => bar.vix);
    const ms = mean(spyReturns);
    const mv = mean(vixReturns);
    let covariance = 0;
    spyReturns.forEach((r, i) => (covariance += (r - ms) * ((vixReturns[i] ?? mv) - mv)));
    const correlation = covariance / (spyReturns.length - 1) / (sd(spyReturns) * sd(vixReturns));
    expect(correlation).toBeLessThan(-0.55);
    expect(correlation).toBeGreaterThan(-0.85);
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
        expect(bar.spy).toBeGreaterThan(0);
      }
    }
  });
});
