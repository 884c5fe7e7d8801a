import { describe, expect, it } from 'vitest';
import { nyTime } from '../market/calendar';
import type { OptionContract } from '../market/types';
import { objectStoreRecord, optionSymbol } from './object-store-record';
import type { Position } from './position';

const put = (strike: number, expiry = '2024-05-01'): OptionContract => ({ underlying: 'SPY', expiry, strike, right: 'P' });

/** The seed's LT112 example: a 1-1-2 of 3 units, entered 2024-01-15 10:30 ET with 107 days to its expiry. */
const lt112: Position = {
  structure: 'ONE_ONE_TWO',
  legs: [
    { contract: put(450), quantity: -3 },
    { contract: put(445), quantity: 3 },
    { contract: put(430), quantity: -6 },
  ],
  cash: 1_200,
  entryCash: 1_200,
  openedAt: nyTime('2024-01-15', 10, 30),
};

describe('the ObjectStore record', () => {
  it('writes an option as the seed does', () => {
    expect(optionSymbol(put(450))).toBe('SPY_240501P450');
    expect(optionSymbol({ underlying: 'ES', expiry: '2026-12-18', strike: 6012.5, right: 'C' })).toBe('ES_261218C6012.5');
  });

  it("has exactly the seed's shape for a held position: legs by role, contracts, entry time in New York, DTE at entry and now", () => {
    const record = objectStoreRecord({ name: 'LT112', state: 'ACTIVE', position: lt112, marketTime: nyTime('2024-03-17', 11, 0), defensiveTriggered: false });
    expect(record).toEqual({
      strategy: 'LT112',
      state: 'ACTIVE',
      entry_time: '2024-01-15T10:30:00',
      position: { short_put: 'SPY_240501P450', long_put: 'SPY_240501P445', short_put_2: 'SPY_240501P430', contracts: 3 },
      management: { dte_at_entry: 107, current_dte: 45, defensive_triggered: false },
    });
  });

  it('says whether the cycle went defensive, and holds no position, entry or DTE while flat', () => {
    expect(objectStoreRecord({ name: 'LT112', state: 'DEFENSIVE_21DTE', position: lt112, marketTime: nyTime('2024-04-10', 11, 0), defensiveTriggered: true }).management).toEqual({
      dte_at_entry: 107,
      current_dte: 21,
      defensive_triggered: true,
    });
    expect(objectStoreRecord({ name: '0DTE Friday', state: 'WAITING', position: null, marketTime: nyTime('2024-04-10', 11, 0), defensiveTriggered: false })).toEqual({
      strategy: '0DTE Friday',
      state: 'WAITING',
      entry_time: null,
      position: {},
      management: { dte_at_entry: null, current_dte: null, defensive_triggered: false },
    });
  });
});
