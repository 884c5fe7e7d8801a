import { describe, expect, it } from 'vitest';

/**
 * The settings schema is imported inside each test, not at the top: a schema whose defaults no longer parse
 * throws at import, and that must fail a test here rather than only the collection of the files that import
 * it (which mutation testing reads as no test failing).
 */
const load = () => import('./leap-ladder.rules');

describe('the LEAP ladder settings', () => {
  it('default to the numbers of DESIGN.md', async () => {
    const { LEAP_LADDER_DEFAULTS } = await load();
    expect(LEAP_LADDER_DEFAULTS).toEqual({
      rungMoneyness: [0.9, 0.85, 0.8, 0.75, 0.7],
      leapMinDays: 365,
      leapMaxDays: 730,
      leapTargetDays: 540,
      portfolioValue: 100_000,
      budgetFraction: 0.05,
      entryFromMinute: 600,
      entryUntilMinute: 660,
      entryVix: { atMost: 30 },
      buildIntervalDays: 28,
      rollAtDte: 90,
      managingVix: 40,
      exitVixAtMost: 30,
      profitTarget: 1,
    });
  });

  it('take 1 to 10 rungs strictly below spot, a budget up to the whole portfolio and a build interval of a day or more', async () => {
    const { leapLadderSettingsSchema } = await load();
    const accepts = (settings: Record<string, unknown>) => leapLadderSettingsSchema.safeParse(settings).success;
    const rungs = (n: number) => Array.from({ length: n }, (_, i) => 0.9 - i * 0.05);
    expect([0, 1, 10, 11].map((n) => accepts({ rungMoneyness: rungs(n) }))).toEqual([false, true, true, false]);
    expect([[0], [0.5], [1]].map((rungMoneyness) => accepts({ rungMoneyness }))).toEqual([false, true, false]);
    expect([1, 1.01].map((budgetFraction) => accepts({ budgetFraction }))).toEqual([true, false]);
    expect([0, 1].map((buildIntervalDays) => accepts({ buildIntervalDays }))).toEqual([false, true]);
    expect([-1, 0].map((rollAtDte) => accepts({ rollAtDte }))).toEqual([false, true]);
  });

  it('accept windows whose ends meet', async () => {
    const { leapLadderSettingsSchema } = await load();
    const accepts = (settings: Record<string, unknown>) => leapLadderSettingsSchema.safeParse(settings).success;
    expect(accepts({ entryFromMinute: 660 })).toBe(true);
    expect(accepts({ leapMinDays: 540 })).toBe(true);
    expect(accepts({ leapMaxDays: 540 })).toBe(true);
  });

  it('describe the strategy for the strategy page', async () => {
    const { leapLadderRules } = await load();
    expect(leapLadderRules.defaultName).toBe('LEAP put ladder');
    expect(leapLadderRules.description).toMatch(/^LEAP put ladder: long SPY puts 365-730 DTE/);
  });
});
