import { describe, expect, it } from 'vitest';
import { nyTime } from '../market/calendar';
import { isInEntryWindow, minuteOf, minuteOfDaySchema } from './entry-window';

const FRIDAY = '2026-11-20';
const window = { weekday: 5, entryFromMinute: minuteOf(10, 30), entryUntilMinute: minuteOf(11, 0) };

describe('an entry window', () => {
  it('counts New York minutes since midnight', () => {
    expect(minuteOf(10, 30)).toBe(630);
    expect(minuteOf(0, 0)).toBe(0);
  });

  it('includes both its first and its last minute, and nothing outside them', () => {
    expect(isInEntryWindow(nyTime(FRIDAY, 10, 29), window)).toBe(false);
    expect(isInEntryWindow(nyTime(FRIDAY, 10, 30), window)).toBe(true);
    expect(isInEntryWindow(nyTime(FRIDAY, 11, 0), window)).toBe(true);
    expect(isInEntryWindow(nyTime(FRIDAY, 11, 1), window)).toBe(false);
  });

  it('keeps to its weekday, or takes any trading day without one, never a holiday or a weekend', () => {
    expect(isInEntryWindow(nyTime('2026-11-19', 10, 30), window)).toBe(false);
    const anyDay = { entryFromMinute: window.entryFromMinute, entryUntilMinute: window.entryUntilMinute };
    expect(isInEntryWindow(nyTime('2026-11-19', 10, 30), anyDay)).toBe(true);
    expect(isInEntryWindow(nyTime('2026-11-21', 10, 30), anyDay)).toBe(false);
    // Thanksgiving 2026 is a Thursday the exchange is closed.
    expect(isInEntryWindow(nyTime('2026-11-26', 10, 30), anyDay)).toBe(false);
  });

  it('takes setting minutes from 0 to 24:00 only, whole', () => {
    expect(minuteOfDaySchema.safeParse(0).success).toBe(true);
    expect(minuteOfDaySchema.safeParse(1440).success).toBe(true);
    expect(minuteOfDaySchema.safeParse(1441).success).toBe(false);
    expect(minuteOfDaySchema.safeParse(-1).success).toBe(false);
    expect(minuteOfDaySchema.safeParse(600.5).success).toBe(false);
  });
});
