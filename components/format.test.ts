import { describe, expect, it } from 'vitest';
import { formatDuration, formatMarketTime, formatMoney, formatPosition, formatTimeInState } from '@/components/format';
import type { StrategySummary } from '@/lib/api/contract';

describe('formatMarketTime', () => {
  it('shows the time in New York, whatever the zone of the ISO string', () => {
    expect(formatMarketTime('2026-11-20T15:31:00Z')).toBe('Fri 20 Nov 10:31 ET');
    expect(formatMarketTime('2026-07-17T14:30:05Z', { withSeconds: true })).toBe('Fri 17 Jul 10:30:05 ET');
  });

  it('uses a 24-hour clock in the afternoon', () => {
    expect(formatMarketTime('2026-11-20T20:59:00Z')).toBe('Fri 20 Nov 15:59 ET');
  });
});

describe('formatDuration', () => {
  it('shows minutes, then hours and minutes, then days and hours', () => {
    expect(formatDuration(59_000)).toBe('0m');
    expect(formatDuration(12 * 60_000)).toBe('12m');
    expect(formatDuration(65 * 60_000)).toBe('1h 05m');
    expect(formatDuration((3 * 24 + 4) * 3_600_000)).toBe('3d 04h');
  });

  it('never shows a negative time', () => {
    expect(formatDuration(-5_000)).toBe('0m');
  });
});

describe('formatTimeInState', () => {
  it('measures on the market clock and gives up without one', () => {
    expect(formatTimeInState('2026-11-20T14:26:00Z', '2026-11-20T15:31:00Z')).toBe('1h 05m');
    expect(formatTimeInState('2026-11-20T14:26:00Z', null)).toBeNull();
  });
});

describe('formatPosition', () => {
  const leg = (strike: number, right: 'C' | 'P', side: 'BUY' | 'SELL') =>
    ({ expiry: '2026-11-20', strike, right, side, quantity: 1 }) as const;

  it('lists put strikes then call strikes, low to high, and the contract count', () => {
    const position: StrategySummary['position'] = {
      structure: 'IRON_CONDOR',
      legs: [leg(600, 'C', 'SELL'), leg(585, 'P', 'SELL'), leg(605, 'C', 'BUY'), leg(580, 'P', 'BUY')],
      contracts: 1,
      entryCredit: 1.2,
      entryTime: '2026-11-20T15:30:00Z',
    };
    expect(formatPosition(position)).toBe('Iron condor 580/585P 600/605C x1');
  });

  it('says flat without a position', () => {
    expect(formatPosition(null)).toBe('flat');
  });
});

describe('formatMoney', () => {
  it('signs gains and losses', () => {
    expect(formatMoney(1250)).toBe('+$1,250.00');
    expect(formatMoney(-80.5)).toBe('-$80.50');
    expect(formatMoney(0)).toBe('$0.00');
  });
});
