import { describe, expect, it } from 'vitest';
import { nyTime } from '../market/calendar';
import { nextLossDay, rebaselined } from './loss-day';

const friday = (hour: number, minute = 0) => nyTime('2026-11-20', hour, minute);

describe("the loss limits' day", () => {
  it('opens at the first value seen on a New York date, keeps its open, and raises its high only', () => {
    const opened = nextLossDay(null, friday(9, 31), 100_000);
    expect(opened).toEqual({ day: '2026-11-20', openNlv: 100_000, highNlv: 100_000 });
    const higher = nextLossDay(opened, friday(10), 101_000);
    expect(higher).toEqual({ day: '2026-11-20', openNlv: 100_000, highNlv: 101_000 });
    expect(nextLossDay(higher, friday(11), 99_000)).toBe(higher);
  });

  it('starts again on the next New York date, at that day’s first value (not at midnight UTC)', () => {
    const friday4pm = nextLossDay(null, friday(16), 100_000);
    // 19:30 New York on Friday is already Saturday in UTC: still Friday's day.
    expect(nextLossDay(friday4pm, friday(19, 30), 90_000).day).toBe('2026-11-20');
    expect(nextLossDay(friday4pm, nyTime('2026-11-23', 9, 31), 90_000)).toEqual({ day: '2026-11-23', openNlv: 90_000, highNlv: 90_000 });
  });

  it('after a resume measures from the value at the resume: open and high both', () => {
    expect(rebaselined(friday(12), 95_000)).toEqual({ day: '2026-11-20', openNlv: 95_000, highNlv: 95_000 });
  });
});
