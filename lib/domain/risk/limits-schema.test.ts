import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from './limits';

/** Imported inside each test: a schema that throws at import must fail a test here (see the settings tests). */
const load = () => import('./limits-schema');

type Override = Partial<Record<keyof RiskLimits, unknown>>;

async function accepts(override: Override): Promise<boolean> {
  const { riskLimitsSchema } = await load();
  return riskLimitsSchema.safeParse({ ...DEFAULT_RISK_LIMITS, ...override }).success;
}

const acceptsEach = (field: keyof RiskLimits, values: readonly unknown[]) => Promise.all(values.map((value) => accepts({ [field]: value })));

describe('the risk limits schema', () => {
  it("accepts DESIGN.md's defaults as they are", async () => {
    const { riskLimitsSchema } = await load();
    expect(riskLimitsSchema.parse(DEFAULT_RISK_LIMITS)).toEqual(DEFAULT_RISK_LIMITS);
  });

  it('takes fractions of net liquidation or of the day above 0 and up to 1', async () => {
    for (const field of ['maxBuyingPowerUse', 'maxDailyLoss', 'maxIntradayDrawdown'] as const) {
      expect(await acceptsEach(field, [0, 0.0001, 1, 1.0001, -0.1]), field).toEqual([false, true, true, false, false]);
    }
  });

  it('takes amounts above 0, finite', async () => {
    for (const field of ['maxSpyDelta', 'maxGamma', 'maxVega', 'maxPremiumPerOrder'] as const) {
      expect(await acceptsEach(field, [0, 0.01, 1e9, -1, Number.POSITIVE_INFINITY, Number.NaN, '100']), field).toEqual([
        false,
        true,
        true,
        false,
        false,
        false,
        false,
      ]);
    }
  });

  it('takes counts as whole numbers from 1', async () => {
    for (const field of ['maxContractsPerOrder', 'maxOrdersPerMinute'] as const) {
      expect(await acceptsEach(field, [0, 1, 2.5, 500, -3]), field).toEqual([false, true, false, true, false]);
    }
  });

  it('takes the theta floor at or below 0', async () => {
    expect(await acceptsEach('minTheta', [0.01, 0, -0.01, -1e6])).toEqual([false, true, true, true]);
  });

  it('takes two warning levels strictly between 0 and 1, the first below the second', async () => {
    expect(await acceptsEach('warnAt', [[0.8, 0.95], [0.01, 0.99], [0, 0.5], [0.5, 1], [0.9, 0.9], [0.95, 0.8], [0.8], [0.5, 0.7, 0.9]])).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('takes allocations by strategy id, each a fraction above 0 and up to 1', async () => {
    expect(
      await acceptsEach('strategyAllocation', [
        {},
        { 'zero-dte-friday': 0.1, lt112: 1 },
        { lt112: 0 },
        { lt112: 1.01 },
        { 'Zero DTE': 0.1 },
        { '': 0.1 },
        { ['a'.repeat(65)]: 0.1 },
      ]),
    ).toEqual([true, true, false, false, false, false, false]);
  });

  it('refuses a missing limit and an unknown one, naming the field', async () => {
    const { riskLimitsSchema } = await load();
    const withoutGamma = Object.fromEntries(Object.entries(DEFAULT_RISK_LIMITS).filter(([field]) => field !== 'maxGamma'));
    expect(riskLimitsSchema.safeParse(withoutGamma).error?.issues[0]?.path).toEqual(['maxGamma']);
    expect(riskLimitsSchema.safeParse({ ...DEFAULT_RISK_LIMITS, maxDelta: 5 }).success).toBe(false);
  });
});
