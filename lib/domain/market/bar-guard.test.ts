import { describe, expect, it } from 'vitest';
import { DEFAULT_BAR_GUARD_LIMITS, INITIAL_BAR_GUARD, judgeBar, type BarGuardState } from './bar-guard';
import { MINUTE_MS } from './time';
import type { MarketBar } from './types';

const T0 = Date.parse('2026-11-20T15:00:00Z');

function bar(minute: number, overrides: { spy?: number; qqq?: number; vix?: number; time?: number; isStale?: boolean } = {}): MarketBar {
  const spy = overrides.spy ?? 600;
  return {
    time: overrides.time ?? T0 + minute * MINUTE_MS,
    vix: overrides.vix ?? 20,
    underlyings: {
      SPY: { price: spy, open: 600 },
      QQQ: { price: overrides.qqq ?? 500, open: 500 },
      IWM: { price: 220, open: 220 },
      ES: { price: 6000, open: 6000 },
    },
    ...(overrides.isStale !== undefined && { isStale: overrides.isStale }),
  };
}

/** Feeds bars one a minute, the clock on each bar's minute, and returns each verdict's kind. */
function feed(bars: MarketBar[], start: BarGuardState = INITIAL_BAR_GUARD) {
  let state = start;
  const kinds: string[] = [];
  const problems: string[][] = [];
  bars.forEach((next, index) => {
    const judged = judgeBar(state, next, T0 + index * MINUTE_MS);
    state = judged.state;
    kinds.push(judged.verdict.kind);
    problems.push(judged.verdict.kind === 'good' ? [] : [...judged.verdict.problems]);
  });
  return { kinds, problems, state };
}

describe('the bar guard: prices', () => {
  it('refuses a price that is not a finite positive number, and VIX outside 0-150', () => {
    for (const [broken, expected] of [
      [bar(1, { spy: Number.NaN }), /SPY price is not a positive number/],
      [bar(1, { spy: 0 }), /SPY price/],
      [bar(1, { spy: -1 }), /SPY price/],
      [bar(1, { qqq: Number.POSITIVE_INFINITY }), /QQQ price/],
      [bar(1, { vix: 150 }), /VIX 150 is outside 0-150/],
      [bar(1, { vix: 0 }), /VIX 0/],
      [bar(1, { isStale: true }), /quotes are stale/],
    ] as const) {
      const { kinds, problems } = feed([bar(0), broken]);
      expect(kinds).toEqual(['good', 'bad']);
      expect(problems[1]!.join('; ')).toMatch(expected);
    }
    expect(feed([bar(0), bar(1, { vix: 29.99 })]).kinds).toEqual(['good', 'good']);
  });

  it('believes a move up to the collar at once and quarantines one just beyond it, naming it', () => {
    const limit = DEFAULT_BAR_GUARD_LIMITS.underlyingMove;
    expect(feed([bar(0), bar(1, { spy: 600 * (1 + limit) - 0.01 })]).kinds).toEqual(['good', 'good']);
    expect(feed([bar(0), bar(1, { spy: 600 * (1 - limit) + 0.01 })]).kinds).toEqual(['good', 'good']);
    const jump = feed([bar(0), bar(1, { spy: 600 * (1 + limit) + 0.01 })]);
    expect(jump.kinds).toEqual(['good', 'suspect']);
    expect(jump.problems[1]).toEqual(['SPY moved 10% in one bar (collar 10%): quarantined']);
    expect(feed([bar(0), bar(1, { spy: 6000 })]).problems[1]![0]).toMatch(/SPY moved 900%/);
    expect(feed([bar(0), bar(1, { spy: 60 })]).problems[1]![0]).toMatch(/SPY moved -90%/);
  });

  it('holds VIX to its own, wider collar', () => {
    expect(feed([bar(0), bar(1, { vix: 29.9 })]).kinds).toEqual(['good', 'good']);
    const tenfold = feed([bar(0), bar(1, { vix: 140 })]);
    expect(tenfold.kinds).toEqual(['good', 'suspect']);
    expect(tenfold.problems[1]![0]).toMatch(/VIX moved 600% in one bar \(collar 50%\)/);
  });
});

describe('the bar guard: quarantine', () => {
  it('accepts a move once enough consecutive bars confirm it, and measures later bars from it', () => {
    const moved = [1, 2, 3].map((minute) => bar(minute, { spy: 700 + minute }));
    const { kinds, state } = feed([bar(0), ...moved, bar(4, { spy: 705 })]);
    expect(kinds).toEqual(['good', 'suspect', 'suspect', 'good', 'good']);
    expect(state.lastGood?.underlyings.SPY.price).toBe(705);
    expect(state.suspects).toEqual([]);
  });

  it('ends a quarantine when a bar is back within the collar of the last good one: it was a spike', () => {
    const { kinds, state } = feed([bar(0), bar(1, { spy: 6000 }), bar(2, { spy: 601 }), bar(3, { spy: 6000 }), bar(4, { spy: 602 })]);
    expect(kinds).toEqual(['good', 'suspect', 'good', 'suspect', 'good']);
    expect(state.lastGood?.underlyings.SPY.price).toBe(602);
  });

  it('starts over when the suspect bars disagree with each other', () => {
    const { kinds } = feed([bar(0), bar(1, { spy: 6000 }), bar(2, { spy: 60 }), bar(3, { spy: 61 }), bar(4, { spy: 60.5 })]);
    expect(kinds).toEqual(['good', 'suspect', 'suspect', 'suspect', 'good']);
  });

  it('lets a bad bar neither end nor advance a quarantine', () => {
    const { kinds, state } = feed([bar(0), bar(1, { spy: 700 }), bar(2, { spy: Number.NaN }), bar(3, { spy: 701 })]);
    expect(kinds).toEqual(['good', 'suspect', 'bad', 'suspect']);
    expect(state.suspects.map((suspect) => suspect.underlyings.SPY.price)).toEqual([700, 701]);
    expect(state.lastGood?.underlyings.SPY.price).toBe(600);
  });
});

describe('the bar guard: time', () => {
  const clock = T0 + 10 * MINUTE_MS;
  const good = judgeBar(INITIAL_BAR_GUARD, bar(10), clock).state;

  it('refuses a bar that does not move forward', () => {
    expect(judgeBar(good, bar(10), clock).verdict).toMatchObject({ kind: 'bad', problems: [expect.stringMatching(/does not move forward/)] });
    expect(judgeBar(good, bar(9), clock).verdict.kind).toBe('bad');
  });

  it('refuses a bar stamped in the future beyond the tolerance, or older than the clock allows', () => {
    const tolerance = DEFAULT_BAR_GUARD_LIMITS.futureToleranceMs;
    expect(judgeBar(good, bar(0, { time: clock + tolerance }), clock).verdict.kind).toBe('good');
    expect(judgeBar(good, bar(0, { time: clock + tolerance + 1 }), clock).verdict).toMatchObject({ problems: [expect.stringMatching(/in the future/)] });
    const fresh = judgeBar(INITIAL_BAR_GUARD, bar(0, { time: clock - DEFAULT_BAR_GUARD_LIMITS.maxAgeMs }), clock);
    expect(fresh.verdict.kind).toBe('good');
    const stale = judgeBar(INITIAL_BAR_GUARD, bar(0, { time: clock - DEFAULT_BAR_GUARD_LIMITS.maxAgeMs - 1 }), clock);
    expect(stale.verdict).toMatchObject({ kind: 'bad', problems: [expect.stringMatching(/is stale/)] });
    const monthOld = judgeBar(good, bar(0, { time: clock - 30 * 24 * 60 * MINUTE_MS }), clock);
    expect(monthOld.verdict.kind).toBe('bad');
  });

  it('takes the first sane bar as the reference: there is nothing to measure a move against yet', () => {
    expect(judgeBar(INITIAL_BAR_GUARD, bar(0, { spy: 6000 }), T0)).toMatchObject({ verdict: { kind: 'good' }, state: { lastGood: { time: T0 } } });
  });
});
