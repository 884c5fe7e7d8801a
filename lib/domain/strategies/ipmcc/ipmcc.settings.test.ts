import { describe, expect, it } from 'vitest';

/**
 * The settings schema is imported inside each test, not at the top: a schema whose defaults no longer parse
 * throws at import, and that must fail a test here rather than only the collection of the files that import
 * it (which mutation testing reads as no test failing).
 */
const load = () => import('./ipmcc.rules');

describe('the IPMCC settings', () => {
  it('default to the numbers of DESIGN.md', async () => {
    const { IPMCC_DEFAULTS } = await load();
    expect(IPMCC_DEFAULTS).toEqual({
      underlying: 'QQQ',
      entryFromMinute: 600,
      entryUntilMinute: 660,
      entryVix: { above: 12, atMost: 40 },
      leapMinDays: 365,
      leapMaxDays: 730,
      leapTargetDays: 540,
      leapDelta: 0.8,
      shortMinDays: 7,
      shortMaxDays: 14,
      shortTargetDays: 10,
      shortOtm: 0.03,
      contracts: 1,
      rollAtDte: 7,
      assignmentDte: 2,
      minExtrinsic: 0.05,
      exitVixAbove: 40,
      profitTarget: 0.5,
      managingLeapDte: 120,
    });
  });

  it('take QQQ, SPY or IWM, a LEAP delta strictly between 0 and 1, at most 50% out of the money and 1 to 100 contracts', async () => {
    const { ipmccSettingsSchema } = await load();
    const accepts = (settings: Record<string, unknown>) => ipmccSettingsSchema.safeParse(settings).success;
    expect(['QQQ', 'SPY', 'IWM', 'ES'].map((underlying) => accepts({ underlying }))).toEqual([true, true, true, false]);
    expect([0, 0.5, 1].map((leapDelta) => accepts({ leapDelta }))).toEqual([false, true, false]);
    expect([-0.01, 0, 0.5, 0.51].map((shortOtm) => accepts({ shortOtm }))).toEqual([false, true, true, false]);
    expect([0, 1, 100, 101].map((contracts) => accepts({ contracts }))).toEqual([false, true, true, false]);
    expect([-1, 0].map((assignmentDte) => accepts({ assignmentDte }))).toEqual([false, true]);
  });

  it('accept windows whose ends meet', async () => {
    const { ipmccSettingsSchema } = await load();
    const accepts = (settings: Record<string, unknown>) => ipmccSettingsSchema.safeParse(settings).success;
    expect(accepts({ entryFromMinute: 660 })).toBe(true);
    expect(accepts({ leapMinDays: 540 })).toBe(true);
    expect(accepts({ leapMaxDays: 540 })).toBe(true);
  });

  it('describe the strategy for the strategy page', async () => {
    const { ipmccRules } = await load();
    expect(ipmccRules.defaultName).toBe('IPMCC');
    expect(ipmccRules.description).toMatch(/^Income poor man's covered call: a deep LEAP call/);
  });
});
