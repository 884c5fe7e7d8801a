import { describe, expect, it } from 'vitest';
import { formatDuration, formatElapsed, formatMarketTime, formatMoney, formatPosition, formatTimeInState } from '@/components/format';
import type { StrategySummary } from '@/lib/api/contract';
import { MINUTE_MS } from '@/lib/domain/market/time';

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
    expect(formatDuration(12 * MINUTE_MS)).toBe('12m');
    expect(formatDuration(65 * MINUTE_MS)).toBe('1h 05m');
    expect(formatDuration((3 * 24 + 4) * 3_600_000)).toBe('3d 04h');
  });

  it('never shows a negative time', () => {
    expect(formatDuration(-5_000)).toBe('0m');
  });
});

describe('formatElapsed', () => {
  it('counts seconds, then minutes and seconds, then hours too; days drop the seconds', () => {
    expect(formatElapsed(7_400)).toBe('7s');
    expect(formatElapsed(3 * MINUTE_MS + 12_000)).toBe('3m 12s');
    expect(formatElapsed(65 * MINUTE_MS + 2_000)).toBe('1h 05m 02s');
    expect(formatElapsed((3 * 24 + 4) * 3_600_000 + 5_000)).toBe('3d 04h');
    expect(formatElapsed(-1)).toBe('0s');
  });
});

describe('formatTimeInState', () => {
  it('measures on the market clock and gives up without one', () => {
    expect(formatTimeInState('2026-11-20T14:26:00Z', '2026-11-20T15:31:00Z')).toBe('1h 05m');
    expect(formatTimeInState('2026-11-20T14:26:00Z', null)).toBeNull();
  });
});

describe('formatPosition', () => {
  const leg = (strike: number, right: 'C' | 'P', quantity: number, underlying: 'SPY' | 'ES' = 'SPY') =>
    ({ underlying, expiry: '2026-11-20', strike, right, quantity }) as const;

  it('lists put strikes then call strikes, low to high, and the size', () => {
    const position: StrategySummary['position'] = {
      structure: 'IRON_CONDOR',
      legs: [leg(600, 'C', -2), leg(585, 'P', -2), leg(605, 'C', 2), leg(580, 'P', 2)],
      entryCash: 120,
      openedAt: '2026-11-20T15:30:00Z',
    };
    expect(formatPosition(position)).toBe('Iron condor 580/585P 600/605C x2');
  });

  it('names an underlying other than SPY', () => {
    const position: StrategySummary['position'] = {
      structure: 'STRANGLE',
      legs: [leg(5200, 'P', -1, 'ES'), leg(6500, 'C', -1, 'ES')],
      entryCash: 2000,
      openedAt: '2026-11-20T15:30:00Z',
    };
    expect(formatPosition(position)).toBe('Strangle ES 5200P 6500C x1');
  });

  it('says flat without a position or without legs', () => {
    expect(formatPosition(null)).toBe('flat');
    expect(formatPosition({ structure: 'X', legs: [], entryCash: 0, openedAt: '2026-11-20T15:30:00Z' })).toBe('flat');
  });
});

describe('formatMoney', () => {
  it('signs gains and losses', () => {
    expect(formatMoney(1250)).toBe('+$1,250.00');
    expect(formatMoney(-80.5)).toBe('-$80.50');
    expect(formatMoney(0)).toBe('$0.00');
  });
});
