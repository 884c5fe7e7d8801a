import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../market/time';
import type { OptionContract, OrderLeg } from '../../market/types';
import type { Position } from '../position';
import {
  adjustmentBackoffMinutes,
  adjustmentBasis,
  backOffAdjustment,
  isAdjustmentHeld,
  isRepeatedRefusal,
  MAX_ADJUSTMENT_BACKOFF_MINUTES,
  type AdjustmentBackoff,
} from './adjustment-backoff';

const T0 = Date.parse('2026-06-22T14:30:00Z');
const LEAP: OptionContract = { underlying: 'QQQ', expiry: '2027-06-18', strike: 400, right: 'C' };
const SHORT: OptionContract = { underlying: 'QQQ', expiry: '2026-06-26', strike: 540, right: 'C' };
const NEXT_SHORT: OptionContract = { underlying: 'QQQ', expiry: '2026-07-02', strike: 545, right: 'C' };
const held: Position = { structure: 'IPMCC', legs: [{ contract: LEAP, quantity: 1 }, { contract: SHORT, quantity: -1 }], cash: -9000, entryCash: -9000, openedAt: T0 };
const roll: OrderLeg[] = [
  { contract: SHORT, side: 'BUY', quantity: 1 },
  { contract: NEXT_SHORT, side: 'SELL', quantity: 1 },
];
const REASON = 'pre-trade gate: buying power would be 41%, over the limit of 40%';

/** The back-off after `refusals` refusals in a row, each as soon as the previous one let the roll be asked again. */
function refusedTimes(refusals: number, basis = adjustmentBasis(held, 'RUNNING')): AdjustmentBackoff {
  let backoff: AdjustmentBackoff | undefined;
  let time = T0;
  for (let n = 0; n < refusals; n += 1) {
    backoff = backOffAdjustment(backoff, { reason: REASON, time, basis });
    time = backoff.retryAt;
  }
  return backoff!;
}

describe('the back-off of an adjustment the pre-trade gate refused', () => {
  it('doubles from one minute with each refusal in a row, up to an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(adjustmentBackoffMinutes)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    const seventh = refusedTimes(7);
    expect(seventh).toMatchObject({ refusals: 7, since: T0, reason: REASON });
    // Asked at 0, 1, 3, 7, 15, 31 and 63 minutes; the next no sooner than an hour after the seventh.
    expect(seventh.retryAt - T0).toBe((63 + MAX_ADJUSTMENT_BACKOFF_MINUTES) * MINUTE_MS);
  });

  it('starts again at a minute when the refusal comes under another position or system mode', () => {
    const longHeld = refusedTimes(5);
    const otherMode = backOffAdjustment(longHeld, { reason: REASON, time: longHeld.retryAt, basis: adjustmentBasis(held, 'HALTED') });
    expect(otherMode).toMatchObject({ refusals: 1, since: longHeld.retryAt, retryAt: longHeld.retryAt + MINUTE_MS });
    const smaller = { ...held, legs: [{ contract: LEAP, quantity: 1 }] };
    expect(backOffAdjustment(longHeld, { reason: REASON, time: longHeld.retryAt, basis: adjustmentBasis(smaller, 'RUNNING') }).refusals).toBe(1);
  });

  it('counts a refusal with new figures in its reason as the same refusal: the market moves every bar, the basis did not', () => {
    const first = refusedTimes(1);
    const again = backOffAdjustment(first, { reason: 'pre-trade gate: buying power would be 42%, over the limit of 40%', time: first.retryAt, basis: first.basis });
    expect(again).toMatchObject({ refusals: 2, reason: expect.stringContaining('42%') });
    expect(isRepeatedRefusal(first)).toBe(false);
    expect(isRepeatedRefusal(again)).toBe(true);
  });

  it('holds the adjustment back until its time, under the position and mode it was refused in', () => {
    const backoff = refusedTimes(3);
    const asked = { legs: roll, position: held, systemMode: 'RUNNING' as const };
    expect(isAdjustmentHeld(undefined, { ...asked, time: T0 })).toBe(false);
    expect(isAdjustmentHeld(backoff, { ...asked, time: backoff.retryAt - 1 })).toBe(true);
    expect(isAdjustmentHeld(backoff, { ...asked, time: backoff.retryAt })).toBe(false);
    expect(isAdjustmentHeld(backoff, { ...asked, time: T0, systemMode: 'HALTED' })).toBe(false);
    const filledMeanwhile = { ...held, legs: [{ contract: LEAP, quantity: 1 }, { contract: NEXT_SHORT, quantity: -1 }] };
    expect(isAdjustmentHeld(backoff, { ...asked, time: T0, position: filledMeanwhile })).toBe(false);
  });

  it('ignores the mode when the refusal did not say which (a gate that could not be asked)', () => {
    const backoff = refusedTimes(2, adjustmentBasis(held, null));
    expect(isAdjustmentHeld(backoff, { legs: roll, position: held, systemMode: 'HALTED', time: T0 })).toBe(true);
  });

  it('never holds back an order that only reduces risk, whatever was refused before', () => {
    const backoff = refusedTimes(6);
    const buyBackOnly: OrderLeg[] = [{ contract: SHORT, side: 'BUY', quantity: 1 }];
    expect(isAdjustmentHeld(backoff, { legs: buyBackOnly, position: held, systemMode: 'RUNNING', time: T0 })).toBe(false);
    expect(isAdjustmentHeld(backoff, { legs: roll, position: held, systemMode: 'RUNNING', time: T0 })).toBe(true);
  });
});
