import { MINUTE_MS } from '../../market/time';
import type { EpochMs, OrderLeg } from '../../market/types';
import { isRiskReducing } from '../../risk/risk-reducing';
import type { SystemMode } from '../../system-mode';
import type { Position } from '../position';

/** The wait after the n-th refusal in a row doubles from one minute (1, 2, 4, ... 32) and stops at this. */
export const MAX_ADJUSTMENT_BACKOFF_MINUTES = 60;

/**
 * What the pre-trade gate refused an adjustment under, as far as the strategy can see it. Either changing may
 * change the gate's answer: a roll refused while REDUCING passes once the system runs again.
 */
export interface AdjustmentBasis {
  /** The position's legs, one `underlying expiry strike right quantity` per leg. */
  readonly legs: string;
  /** The system mode the gate decided in; null when the refusal did not say (a gate that could not be asked). */
  readonly systemMode: SystemMode | null;
}

/**
 * An adjustment (a roll, a new rung) the pre-trade gate refused, held back: it is not asked again before
 * `retryAt` unless its basis changed. Kept in the context, so a restart keeps it and the strategy page shows it.
 */
export interface AdjustmentBackoff {
  /** The latest refusal's reason, as the gate gave it (its figures move with the market). */
  readonly reason: string;
  /** Refusals in a row under this basis. */
  readonly refusals: number;
  /** Market time of the first of them. */
  readonly since: EpochMs;
  readonly retryAt: EpochMs;
  readonly basis: AdjustmentBasis;
}

/** Minutes until an adjustment refused `refusals` times in a row is asked again: 1, 2, 4, ..., then 60. */
export const adjustmentBackoffMinutes = (refusals: number): number => Math.min(2 ** (refusals - 1), MAX_ADJUSTMENT_BACKOFF_MINUTES);

/** The basis of a refusal of an adjustment to `position`, decided in `systemMode`. */
export function adjustmentBasis(position: Position | null, systemMode: SystemMode | null): AdjustmentBasis {
  const legs = (position?.legs ?? [])
    .map(({ contract, quantity }) => `${contract.underlying} ${contract.expiry} ${contract.strike} ${contract.right} ${quantity}`)
    .join('; ');
  return { legs, systemMode };
}

const sameBasis = (a: AdjustmentBasis, b: AdjustmentBasis): boolean => a.legs === b.legs && a.systemMode === b.systemMode;

/**
 * The back-off after the gate refused an adjustment at `time` for `reason` under `basis`: a refusal under the basis
 * already held back doubles the wait; under a new one (the position or the mode changed), it starts again at a minute.
 */
export function backOffAdjustment(
  previous: AdjustmentBackoff | undefined,
  refusal: { readonly reason: string; readonly time: EpochMs; readonly basis: AdjustmentBasis },
): AdjustmentBackoff {
  const isRepeat = previous !== undefined && sameBasis(previous.basis, refusal.basis);
  const refusals = isRepeat ? previous.refusals + 1 : 1;
  return {
    reason: refusal.reason,
    refusals,
    since: isRepeat ? previous.since : refusal.time,
    retryAt: refusal.time + adjustmentBackoffMinutes(refusals) * MINUTE_MS,
    basis: refusal.basis,
  };
}

/** Whether `backoff` continues a refusal already on the record (the same basis): then it is not recorded again. */
export const isRepeatedRefusal = (backoff: AdjustmentBackoff): boolean => backoff.refusals > 1;

/**
 * Whether an adjustment of `legs` to `position` is held back at `time` in `systemMode`: only while the back-off
 * runs and nothing it was refused under has changed. An order that only reduces risk is never held back, whatever
 * was refused before: reducing risk is never throttled.
 */
export function isAdjustmentHeld(
  backoff: AdjustmentBackoff | undefined,
  adjustment: { readonly legs: readonly OrderLeg[]; readonly position: Position | null; readonly time: EpochMs; readonly systemMode: SystemMode },
): boolean {
  if (!backoff || adjustment.time >= backoff.retryAt) return false;
  if (isRiskReducing(adjustment.legs, adjustment.position)) return false;
  const now = adjustmentBasis(adjustment.position, backoff.basis.systemMode === null ? null : adjustment.systemMode);
  return sameBasis(backoff.basis, now);
}
