import { describe, expect, it } from 'vitest';
import { FUTURES_STRANGLE_DEFAULTS } from './futures-strangle/futures-strangle.rules';
import { IPMCC_DEFAULTS } from './ipmcc/ipmcc.rules';
import { LEAP_LADDER_DEFAULTS } from './leap-ladder/leap-ladder.rules';
import { LT112_DEFAULTS } from './lt112/lt112.rules';
import { isVixInRange, vixRangeProblem, vixRangeSchema, type VixRange } from './vix-range';
import { ZERO_DTE_DEFAULTS } from './zero-dte/zero-dte.rules';

describe('a VIX range', () => {
  const aboveRange: VixRange = { above: 22, atMost: 35 };
  const atLeastRange: VixRange = { atLeast: 12, atMost: 35 };

  it('excludes its `above` bound and includes its `atLeast` and `atMost` bounds', () => {
    expect(isVixInRange(22, aboveRange)).toBe(false);
    expect(isVixInRange(22.01, aboveRange)).toBe(true);
    expect(isVixInRange(12, atLeastRange)).toBe(true);
    expect(isVixInRange(11.99, atLeastRange)).toBe(false);
    expect(isVixInRange(35, aboveRange)).toBe(true);
    expect(isVixInRange(35.01, aboveRange)).toBe(false);
  });

  it('limits only on the bounds it has', () => {
    expect(isVixInRange(0.5, { atMost: 30 })).toBe(true);
    expect(isVixInRange(30.5, { atMost: 30 })).toBe(false);
    expect(isVixInRange(80, { atLeast: 15 })).toBe(true);
    expect(isVixInRange(80, {})).toBe(true);
  });

  it('never holds NaN, even without bounds', () => {
    expect(isVixInRange(Number.NaN, aboveRange)).toBe(false);
    expect(isVixInRange(Number.NaN, { atMost: 30 })).toBe(false);
    expect(isVixInRange(Number.NaN, {})).toBe(false);
    expect(vixRangeProblem(Number.NaN, { atMost: 30 })).toBe('VIX NaN is not a number');
  });

  it('says which bound a VIX outside it misses, and nothing for one inside', () => {
    expect(vixRangeProblem(20.5, aboveRange)).toBe('VIX 20.5 is not above 22');
    expect(vixRangeProblem(22, aboveRange)).toBe('VIX 22 is not above 22');
    expect(vixRangeProblem(11, atLeastRange)).toBe('VIX 11 is below 12');
    expect(vixRangeProblem(36, aboveRange)).toBe('VIX 36 is above 35');
    expect(vixRangeProblem(35, aboveRange)).toBeNull();
    expect(vixRangeProblem(12, atLeastRange)).toBeNull();
  });
});

describe('the VIX range settings field', () => {
  const field = vixRangeSchema({ above: 22, atMost: 35 });

  it('takes its defaults when the setting is left out', () => {
    expect(field.parse(undefined)).toEqual({ above: 22, atMost: 35 });
  });

  it('keeps a default bound the setting leaves out, and replaces the lower bound whichever its strictness', () => {
    expect(field.parse({ atMost: 30 })).toEqual({ above: 22, atMost: 30 });
    expect(field.parse({ above: 25 })).toEqual({ above: 25, atMost: 35 });
    expect(field.parse({ atLeast: 20 })).toEqual({ atLeast: 20, atMost: 35 });
    expect(vixRangeSchema({ atMost: 30 }).parse({ atLeast: 10 })).toEqual({ atLeast: 10, atMost: 30 });
  });

  it('refuses both lower bounds at once, saying so', () => {
    expect(field.safeParse({ above: 20, atLeast: 20 }).error?.issues.map((issue) => issue.message)).toEqual([
      'give at most one lower bound: above or atLeast',
    ]);
  });

  it('takes a range with only a lower bound: it is open above', () => {
    expect(vixRangeSchema({ atLeast: 15 }).parse(undefined)).toEqual({ atLeast: 15 });
    expect(vixRangeSchema({ above: 12 }).parse({ above: 50 })).toEqual({ above: 50 });
  });

  it('refuses an empty range: `above` must be below `atMost`, `atLeast` may equal it', () => {
    expect(field.safeParse({ above: 35 }).success).toBe(false);
    expect(field.safeParse({ above: 40, atMost: 30 }).success).toBe(false);
    expect(field.safeParse({ atLeast: 35 }).success).toBe(true);
    expect(field.safeParse({ atLeast: 35.5 }).success).toBe(false);
    expect(field.safeParse({ above: 40, atMost: 30 }).error?.issues.map((issue) => issue.message)).toEqual(['the VIX range is empty']);
  });

  it('refuses a bound that is not a number, an unknown bound and a negative one', () => {
    expect(field.safeParse({ above: 'high' }).success).toBe(false);
    expect(field.safeParse({ above: Number.NaN }).success).toBe(false);
    expect(field.safeParse({ below: 30 }).success).toBe(false);
    expect(field.safeParse({ above: -1 }).success).toBe(false);
  });
});

describe("each strategy's default entry range", () => {
  it('is the one DESIGN.md gives it, with the same strictness at each end', () => {
    expect(ZERO_DTE_DEFAULTS.entryVix).toEqual({ above: 22, atMost: 35 });
    expect(LT112_DEFAULTS.entryVix).toEqual({ atLeast: 12, atMost: 35 });
    expect(IPMCC_DEFAULTS.entryVix).toEqual({ above: 12, atMost: 40 });
    expect(LEAP_LADDER_DEFAULTS.entryVix).toEqual({ atMost: 30 });
    expect(FUTURES_STRANGLE_DEFAULTS.entryVix).toEqual({ atLeast: 15, atMost: 40 });
  });
});
