import { describe, expect, it } from 'vitest';
import { describeLimitChanges, limitChanges, raisedLimits } from './limit-changes';
import { DEFAULT_RISK_LIMITS as DEFAULTS, type RiskLimits } from './limits';

const limitsWith = (override: Partial<RiskLimits>): RiskLimits => ({ ...DEFAULTS, ...override });
const raised = (override: Partial<RiskLimits>, before: RiskLimits = DEFAULTS) => raisedLimits(before, limitsWith(override));

const MAXIMA = [
  'maxBuyingPowerUse',
  'maxSpyDelta',
  'maxGamma',
  'maxVega',
  'maxDailyLoss',
  'maxIntradayDrawdown',
  'maxContractsPerOrder',
  'maxPremiumPerOrder',
  'maxOrdersPerMinute',
] as const;

describe('which limits a change raises', () => {
  it('finds nothing changed, and nothing raised, in the same limits', () => {
    expect(limitChanges(DEFAULTS, limitsWith({}))).toEqual([]);
    expect(raised({})).toEqual([]);
  });

  it('raises a maximum moved up by a billionth, and tightens one moved down by a billionth', () => {
    for (const field of MAXIMA) {
      const value = DEFAULTS[field];
      expect(raised({ [field]: value * (1 + 1e-9) }), field).toEqual([field]);
      expect(raised({ [field]: value * (1 - 1e-9) }), field).toEqual([]);
      expect(limitChanges(DEFAULTS, limitsWith({ [field]: value / 2 })), field).toEqual([{ field, before: value, after: value / 2, isRaised: false }]);
    }
  });

  it('raises the theta floor by lowering it, and tightens it by lifting it toward 0', () => {
    expect(raised({ minTheta: -1_000.01 })).toEqual(['minTheta']);
    expect(raised({ minTheta: -999.99 })).toEqual([]);
    expect(raised({ minTheta: 0 })).toEqual([]);
    expect(raised({ minTheta: -1_000 }, limitsWith({ minTheta: 0 }))).toEqual(['minTheta']);
  });

  it('raises a warning level that moves later, each level on its own', () => {
    expect(raised({ warnAt: [0.81, 0.95] })).toEqual(['warnAt[0]']);
    expect(raised({ warnAt: [0.8, 0.96] })).toEqual(['warnAt[1]']);
    expect(raised({ warnAt: [0.7, 0.9] })).toEqual([]);
    expect(raised({ warnAt: [0.7, 0.99] })).toEqual(['warnAt[1]']);
  });

  it('raises an allocation made higher or removed; a lower one, or a new one, tightens', () => {
    const capped = limitsWith({ strategyAllocation: { lt112: 0.2, ipmcc: 0.1 } });
    expect(raised({ strategyAllocation: { lt112: 0.21, ipmcc: 0.1 } }, capped)).toEqual(['strategyAllocation.lt112']);
    expect(raised({ strategyAllocation: { lt112: 0.2 } }, capped)).toEqual(['strategyAllocation.ipmcc']);
    expect(raised({ strategyAllocation: {} }, capped)).toEqual(['strategyAllocation.ipmcc', 'strategyAllocation.lt112']);
    expect(raised({ strategyAllocation: { lt112: 0.19, ipmcc: 0.1 } }, capped)).toEqual([]);
    expect(raised({ strategyAllocation: { lt112: 0.2, ipmcc: 0.1, 'zero-dte-friday': 1 } }, capped)).toEqual([]);
    expect(limitChanges(capped, DEFAULTS)).toEqual([
      { field: 'strategyAllocation.ipmcc', before: 0.1, after: null, isRaised: true },
      { field: 'strategyAllocation.lt112', before: 0.2, after: null, isRaised: true },
    ]);
  });

  it('reads only a strategy’s own allocation, never a name off the prototype', () => {
    expect(limitChanges(DEFAULTS, limitsWith({ strategyAllocation: { constructor: 0.1 } }))).toEqual([
      { field: 'strategyAllocation.constructor', before: null, after: 0.1, isRaised: false },
    ]);
  });

  it('names every raised field of a change that raises some and tightens others', () => {
    const change = limitsWith({ maxSpyDelta: 150, maxGamma: 40, minTheta: -1_200, maxOrdersPerMinute: 5 });
    expect(raisedLimits(DEFAULTS, change)).toEqual(['maxSpyDelta', 'minTheta']);
    expect(limitChanges(DEFAULTS, change).map(({ field }) => field)).toEqual(['maxSpyDelta', 'maxGamma', 'minTheta', 'maxOrdersPerMinute']);
  });

  it('describes a change for the audit trail, old and new values, raised ones marked', () => {
    const changes = limitChanges(limitsWith({ strategyAllocation: { ipmcc: 0.1 } }), limitsWith({ maxSpyDelta: 150, maxGamma: 40, strategyAllocation: { lt112: 0.25 } }));
    expect(describeLimitChanges(changes)).toBe(
      'maxSpyDelta 100 -> 150 (raised), maxGamma 50 -> 40, strategyAllocation.ipmcc 0.1 -> none (raised), strategyAllocation.lt112 none -> 0.25',
    );
  });
});
