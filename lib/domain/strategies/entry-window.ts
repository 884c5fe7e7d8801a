import { z } from 'zod';
import { isTradingDay, nyParts } from '../market/calendar';
import type { EpochMs } from '../market/types';

/** New York wall-clock time as minutes since midnight, the unit every strategy's time settings use. */
export const minuteOf = (hour: number, minute: number): number => hour * 60 + minute;

export const minuteOfDaySchema = z.number().int().min(0).max(24 * 60);

export interface EntryWindow {
  /** 1 = Monday ... 5 = Friday; any trading day when absent. */
  readonly weekday?: number;
  readonly entryFromMinute: number;
  /** Inclusive: a window "until 11:00" still takes the 11:00 bar. */
  readonly entryUntilMinute: number;
}

/** Whether `time` falls in the window: a trading day (the given weekday, if any), between the minutes, both included. */
export function isInEntryWindow(time: EpochMs, window: EntryWindow): boolean {
  const { date, weekday, minuteOfDay } = nyParts(time);
  return (
    (window.weekday === undefined || weekday === window.weekday) &&
    isTradingDay(date) &&
    minuteOfDay >= window.entryFromMinute &&
    minuteOfDay <= window.entryUntilMinute
  );
}
