import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_LIMITS } from '@/lib/domain/risk/limits';
import { draftOf, limitFields, limitsOfDraft, shown } from './risk-limits-draft';

const STRATEGIES = [
  { id: 'lt112', name: 'LT112' },
  { id: 'ipmcc', name: 'IPMCC' },
];
const fields = limitFields(STRATEGIES);
const stored = { ...DEFAULT_RISK_LIMITS, strategyAllocation: { ipmcc: 0.1 } };

describe('the risk limits form', () => {
  it('shows every limit with its unit and default, fractions as percentages, and one allocation per strategy', () => {
    expect(fields.map(({ key }) => key)).toEqual([
      'maxBuyingPowerUse',
      'maxSpyDelta',
      'maxGamma',
      'maxVega',
      'minTheta',
      'maxDailyLoss',
      'maxIntradayDrawdown',
      'maxContractsPerOrder',
      'maxPremiumPerOrder',
      'maxOrdersPerMinute',
      'priceCollarFraction',
      'priceCollarMinimum',
      'warnAt[0]',
      'warnAt[1]',
      'strategyAllocation.lt112',
      'strategyAllocation.ipmcc',
    ]);
    expect(fields[0]).toMatchObject({ label: 'Max buying power in use', unit: '% of net liquidation', defaultShown: '35' });
    expect(draftOf(stored, fields)).toMatchObject({ maxBuyingPowerUse: '35', maxSpyDelta: '100', 'warnAt[1]': '95', 'strategyAllocation.lt112': '', 'strategyAllocation.ipmcc': '10' });
  });

  it('shows a fraction without binary noise', () => {
    expect([shown(0.35, 100), shown(0.07, 100), shown(0.123456789, 100), shown(null, 100)]).toEqual(['35', '7', '12.3456789', '']);
  });

  it('gives back the stored limits exactly for a draft nobody touched', () => {
    const awkward = { ...stored, maxBuyingPowerUse: 0.1234567890123456 };
    expect(limitsOfDraft(draftOf(awkward, fields), awkward, fields)).toEqual({ limits: awkward, problems: null });
  });

  it('reads percentages back as fractions, and an emptied allocation as none', () => {
    const draft = { ...draftOf(stored, fields), maxBuyingPowerUse: '30', 'strategyAllocation.ipmcc': '', 'strategyAllocation.lt112': ' 12.5 ', maxSpyDelta: '80' };
    expect(limitsOfDraft(draft, stored, fields)).toEqual({
      limits: { ...stored, maxBuyingPowerUse: 0.3, maxSpyDelta: 80, strategyAllocation: { lt112: 0.125 } },
      problems: null,
    });
  });

  it('names the input that is wrong: not a number, empty, or outside its bounds', () => {
    const draft = (change: Record<string, string>) => limitsOfDraft({ ...draftOf(stored, fields), ...change }, stored, fields).problems;
    expect(draft({ maxSpyDelta: 'lots', maxGamma: '' })).toEqual({ maxSpyDelta: 'enter a number', maxGamma: 'enter a number' });
    expect(draft({ maxBuyingPowerUse: '150' })).toEqual({ maxBuyingPowerUse: expect.stringContaining('at most 1') });
    expect(draft({ 'warnAt[0]': '96' })).toEqual({ 'warnAt[1]': expect.stringContaining('below the second') });
    expect(draft({ 'strategyAllocation.lt112': '0' })).toEqual({ 'strategyAllocation.lt112': expect.stringContaining('more than 0') });
    expect(draft({ minTheta: '5' })).toEqual({ minTheta: expect.stringContaining('at most 0') });
  });
});
