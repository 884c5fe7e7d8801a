import { describe, expect, it } from 'vitest';

/**
 * The settings schema is imported inside each test, not at the top: a schema whose defaults no longer parse
 * throws at import, and that must fail a test here rather than only the collection of the files that import
 * it (which mutation testing reads as no test failing).
 */
const load = () => import('./lt112.rules');

describe('the LT112 settings', () => {
  it('default to the numbers of DESIGN.md', async () => {
    const { LT112_DEFAULTS } = await load();
    expect(LT112_DEFAULTS).toEqual({
      weekday: 3,
      entryFromMinute: 600,
      entryUntilMinute: 630,
      minDte: 102,
      maxDte: 122,
      targetDte: 112,
      entryVix: { atLeast: 12, atMost: 35 },
      longPutDelta: 0.25,
      shortPutDelta: 0.2,
      nakedPutDelta: 0.08,
      contracts: 1,
      profitTarget: 0.5,
      managingDte: 30,
      managingProfitTarget: 0.25,
      defensiveDte: 21,
    });
  });

  it('take a weekday from Monday to Friday, deltas strictly between 0 and 1, targets up to the whole maximum profit', async () => {
    const { lt112SettingsSchema } = await load();
    const accepts = (settings: Record<string, unknown>) => lt112SettingsSchema.safeParse(settings).success;
    expect([0, 1, 5, 6].map((weekday) => accepts({ weekday }))).toEqual([false, true, true, false]);
    expect([0.3, 0.99, 1].map((longPutDelta) => accepts({ longPutDelta }))).toEqual([true, true, false]);
    expect([0, 0.01].map((nakedPutDelta) => accepts({ nakedPutDelta }))).toEqual([false, true]);
    expect([1, 1.01].map((profitTarget) => accepts({ profitTarget }))).toEqual([true, false]);
    expect([1, 1.01].map((managingProfitTarget) => accepts({ managingProfitTarget }))).toEqual([true, false]);
    expect([100, 101].map((contracts) => accepts({ contracts }))).toEqual([true, false]);
  });

  it('describe the strategy for the strategy page', async () => {
    const { lt112Rules } = await load();
    expect(lt112Rules.description).toMatch(/^LT112: an SPY 1-1-2 put ratio about 112 days out/);
  });
});
