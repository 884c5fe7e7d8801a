import { describe, expect, it } from 'vitest';

/**
 * The settings schema is imported inside each test, not at the top: a schema whose defaults no longer parse
 * throws at import, and that must fail a test here rather than only the collection of the files that import
 * it (which mutation testing reads as no test failing).
 */
const load = () => import('./zero-dte.rules');

describe('the 0DTE Friday settings', () => {
  it('default to the numbers of DESIGN.md', async () => {
    const { ZERO_DTE_DEFAULTS } = await load();
    expect(ZERO_DTE_DEFAULTS).toEqual({
      weekday: 5,
      entryFromMinute: 630,
      entryUntilMinute: 660,
      entryVix: { above: 22, atMost: 35 },
      condorMaxMove: 0.002,
      directionalMinMove: 0.005,
      wingWidth: 5,
      contracts: 1,
      profitTarget: 0.5,
      stopLossMultiple: 2,
      managingFromMinute: 930,
      closeByMinute: 945,
      minCredit: 0.05,
    });
  });

  it('take a weekday from Monday to Friday, 1 to 100 contracts and a profit target up to the whole credit', async () => {
    const { zeroDteSettingsSchema } = await load();
    const accepts = (settings: Record<string, number>) => zeroDteSettingsSchema.safeParse(settings).success;
    expect([1, 5].map((weekday) => accepts({ weekday }))).toEqual([true, true]);
    expect([0, 6].map((weekday) => accepts({ weekday }))).toEqual([false, false]);
    expect([1, 100, 101].map((contracts) => accepts({ contracts }))).toEqual([true, true, false]);
    expect([0.25, 1, 1.01].map((profitTarget) => accepts({ profitTarget }))).toEqual([true, true, false]);
  });

  it('accept a one-minute window and equal condor and directional moves', async () => {
    const { zeroDteSettingsSchema } = await load();
    expect(zeroDteSettingsSchema.safeParse({ entryFromMinute: 660, condorMaxMove: 0.005 }).success).toBe(true);
  });

  it('describe the strategy for the strategy page', async () => {
    const { zeroDteRules } = await load();
    expect(zeroDteRules.description).toMatch(/^0DTE Friday: an SPY iron condor or credit spread/);
  });
});
