import { describe, expect, it } from 'vitest';

/**
 * The settings schema is imported inside each test, not at the top: a schema whose defaults no longer parse
 * throws at import, and that must fail a test here rather than only the collection of the files that import
 * it (which mutation testing reads as no test failing).
 */
const load = () => import('./futures-strangle.rules');

describe('the futures strangle settings', () => {
  it('default to the numbers of DESIGN.md', async () => {
    const { FUTURES_STRANGLE_DEFAULTS } = await load();
    expect(FUTURES_STRANGLE_DEFAULTS).toEqual({
      entryFromMinute: 600,
      entryUntilMinute: 660,
      minDte: 45,
      maxDte: 60,
      targetDte: 52,
      shortDelta: 0.16,
      entryVix: { atLeast: 15, atMost: 40 },
      contracts: 1,
      profitTarget: 0.5,
      managingDte: 28,
      managingProfitTarget: 0.25,
      stopLossMultiple: 2.5,
      exitDte: 21,
      testedDistance: 0.05,
      maxRolls: 2,
    });
  });

  it('take a short delta below 0.5, a tested distance below 100%, profit targets up to the whole credit and no rolls at all', async () => {
    const { futuresStrangleSettingsSchema } = await load();
    const accepts = (settings: Record<string, unknown>) => futuresStrangleSettingsSchema.safeParse(settings).success;
    expect([0, 0.49, 0.5].map((shortDelta) => accepts({ shortDelta }))).toEqual([false, true, false]);
    expect([0.99, 1].map((testedDistance) => accepts({ testedDistance }))).toEqual([true, false]);
    expect([1, 1.01].map((profitTarget) => accepts({ profitTarget }))).toEqual([true, false]);
    expect([1, 1.01].map((managingProfitTarget) => accepts({ managingProfitTarget }))).toEqual([true, false]);
    expect([-1, 0].map((maxRolls) => accepts({ maxRolls }))).toEqual([false, true]);
    expect([100, 101].map((contracts) => accepts({ contracts }))).toEqual([true, false]);
  });

  it('accept windows whose ends meet', async () => {
    const { futuresStrangleSettingsSchema } = await load();
    const accepts = (settings: Record<string, unknown>) => futuresStrangleSettingsSchema.safeParse(settings).success;
    expect(accepts({ entryFromMinute: 660 })).toBe(true);
    expect(accepts({ minDte: 52 })).toBe(true);
    expect(accepts({ maxDte: 52 })).toBe(true);
  });

  it('describe the strategy for the strategy page', async () => {
    const { futuresStrangleRules } = await load();
    expect(futuresStrangleRules.defaultName).toBe('Futures strangle');
    expect(futuresStrangleRules.description).toMatch(/^Futures strangle: a 16-delta \/ES option strangle/);
  });
});
